"""Home-page availability (V2) from stored probes over the last 7 days, with a controllable clock."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govinspect.store import registry_repo as rrepo
from govinspect.workflow.availability import (
    ProbeResult,
    availability,
    availability_finding,
    availability_rules,
    probe,
    probe_times,
    record_probe,
)
from tests.workflow.helpers import T0

BASE = "http://127.0.0.1:8080/"
OK = ProbeResult(ok=True, status=200, elapsed_ms=30, error=None)
DOWN = ProbeResult(ok=False, status=None, elapsed_ms=15000, error="超时")


def fill(db, site_id, days: int, failures_per_day: int, start=T0):
    rules = availability_rules()
    for day in range(days):
        for index, at in enumerate(probe_times(start + timedelta(days=day), rules, offset=timedelta(minutes=1))):
            record_probe(db, site_id, at, DOWN if index < failures_per_day else OK)


def test_probe_times_are_spread_over_the_day():
    rules = availability_rules()
    times = probe_times(T0, rules, offset=timedelta(minutes=7))
    assert len(times) == 20 and times[0] == T0 + timedelta(minutes=7)
    gaps = {b - a for a, b in zip(times, times[1:], strict=False)}
    assert gaps == {timedelta(minutes=72)}


def test_five_percent_of_failures_over_seven_days_is_site_unreachable(any_db):
    db = any_db
    site = rrepo.add_site(db, BASE, "门户")
    fill(db, site.id, days=7, failures_per_day=1)  # 7 of 140 = 5%: reaches the threshold
    seen = availability(db, site.id, T0 + timedelta(days=7), availability_rules())
    assert (seen.probes, seen.failures) == (140, 7)
    assert availability_finding(db, site, T0 + timedelta(days=7)) is not None


def test_threshold_boundary_exactly():
    rules = availability_rules()
    assert rules.failure_share == 0.05 and rules.window == timedelta(days=7) and rules.timeout == 15


@pytest.mark.parametrize(("failures_per_day", "unreachable"), [(0, False), (1, True), (0.9, False)])
def test_failure_share_decides(db, failures_per_day, unreachable):
    site = rrepo.add_site(db, BASE, "门户")
    if failures_per_day == 0.9:  # 6 failures of 140 = 4.3%
        fill(db, site.id, days=7, failures_per_day=0)
        for i in range(6):
            record_probe(db, site.id, T0 + timedelta(days=i, minutes=2), DOWN)
    else:
        fill(db, site.id, days=7, failures_per_day=int(failures_per_day))  # 7 of 140 = 5%
    finding = availability_finding(db, site, T0 + timedelta(days=7))
    assert (finding is not None) is unreachable
    if finding is not None:
        assert finding.code == "site_unreachable" and finding.page == BASE
        assert finding.detail["failures"] == 7 and finding.detail["probes"] == 140


def test_old_probes_leave_the_window_and_few_probes_decide_nothing(db):
    site = rrepo.add_site(db, BASE, "门户")
    fill(db, site.id, days=7, failures_per_day=5)
    assert availability_finding(db, site, T0 + timedelta(days=7)) is not None
    fill(db, site.id, days=7, failures_per_day=0, start=T0 + timedelta(days=7))
    assert availability_finding(db, site, T0 + timedelta(days=14)) is None  # the bad week has passed
    fresh = rrepo.add_site(db, "http://127.0.0.2/", "新站")
    for i in range(10):
        record_probe(db, fresh.id, T0 + timedelta(hours=i), DOWN)
    assert availability_finding(db, fresh, T0 + timedelta(hours=12)) is None  # too early to judge


def test_the_finding_keeps_its_identity_across_evaluations(db):
    site = rrepo.add_site(db, BASE, "门户")
    fill(db, site.id, days=8, failures_per_day=3)
    first = availability_finding(db, site, T0 + timedelta(days=7))
    second = availability_finding(db, site, T0 + timedelta(days=8))
    assert first is not None and second is not None and first.fingerprint() == second.fingerprint()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        status = 200 if self.path == "/" else 503
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def test_probe_on_loopback():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        rules = availability_rules()
        assert probe(base + "/", rules).ok
        failed = probe(base + "/down", rules)
        assert not failed.ok and failed.status == 503
        server.shutdown()
        server.server_close()  # nothing listens any more: refused at once
        refused = probe(base + "/", rules)
        assert not refused.ok and refused.status is None and refused.error
    finally:
        server.server_close()
