"""The log benchmark's pieces on a small log: a deterministic, well-formed generator, and GoAccess
agreeing with our PV and daily visitors when run with the benchmark's options (no timing asserted)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from benchmarks.bench_logs import goaccess_command, write_log

from govinspect.stats.logformat import CombinedParser
from govinspect.stats.logread import LineReader, open_log
from govinspect.stats.rules import traffic_rules
from govinspect.stats.traffic import TrafficAggregator


def _figures(path: Path) -> tuple[int, int, int]:
    reader = LineReader(open_log(path))
    aggregator = TrafficAggregator(CombinedParser(), traffic_rules())
    for number, lines in reader.batches():
        aggregator.feed(number, lines)
    result = aggregator.finish()
    return result.pv, sum(len(d.visitors) for d in result.days.values()), result.lines_bad


def test_generator_is_deterministic_and_parses_cleanly(tmp_path):
    a = write_log(tmp_path / "a.log", 3000, days=2, visitors=500)
    b = write_log(tmp_path / "b.log", 3000, days=2, visitors=500)
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == 3000
    parser = CombinedParser()
    moments = [parser.parse(line) for line in a.read_text().splitlines()]
    assert all(m is not None for m in moments)
    times = [m[1] for m in moments if m]
    assert times == sorted(times)
    pv, visitor_days, bad = _figures(a)
    assert bad == 0 and 0 < pv < 3000 and visitor_days > 0


@pytest.mark.skipif(shutil.which("goaccess") is None, reason="Debian's goaccess is not installed")
def test_goaccess_agrees_on_pv_and_daily_visitors(tmp_path):
    log = write_log(tmp_path / "access.log", 20000, days=3, visitors=3000)
    report = tmp_path / "goaccess.json"
    subprocess.run(goaccess_command(shutil.which("goaccess") or "goaccess", log, report), check=True,
                   capture_output=True, timeout=120)
    general = json.loads(report.read_text())["general"]
    pv, visitor_days, _ = _figures(log)
    assert abs(pv - general["valid_requests"]) <= 0.01 * general["valid_requests"]
    assert abs(visitor_days - general["unique_visitors"]) <= 0.01 * general["unique_visitors"]


def test_open_visits_are_swept_as_log_time_advances(tmp_path):
    log = write_log(tmp_path / "access.log", 20000, days=3, visitors=3000)
    reader = LineReader(open_log(log))
    aggregator = TrafficAggregator(CombinedParser(), traffic_rules())
    for number, lines in reader.batches():
        aggregator.feed(number, lines)
    open_now = len(aggregator.sessions)
    result = aggregator.finish()
    visitors = len(set().union(*(d.visitors for d in result.days.values())))
    # only the last hour's visitors are still held: memory follows activity, not the file's length
    assert 0 < open_now < visitors / 10
