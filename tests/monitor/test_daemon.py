"""The monitoring daemon over simulated days: probes, daily and weekly scans, problems, a site that dies."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from govinspect.monitor.clock import CHINA, ManualClock
from govinspect.monitor.daemon import Daemon
from govinspect.scan import ScanJob
from govinspect.store import open_database, registry_repo
from govinspect.store.schema_workflow import probes, problems
from govinspect.workflow.availability import ProbeResult
from tests.conftest import fast_settings, page

MONDAY = datetime(2026, 6, 29, 0, 0, tzinfo=CHINA)  # Q2 ends on Tuesday: the daemon crosses the quarter


def _count(db, table, *where) -> int:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


async def test_two_days_of_probes_and_scans(mini_site, sqlite_url):
    site = await mini_site({"/": (200, "text/html", page('<a href="/gone.html">坏链接</a>'))})
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    registered = registry_repo.add_site(db, site.base + "/", "测试站")
    clock = ManualClock(MONDAY)
    journal = await Daemon(settings, db, clock).run(until=MONDAY + timedelta(days=2))
    assert journal.errors == []
    assert journal.probes == 2 * 20  # the national minimum, spread over each day
    assert _count(db, probes, probes.c.site_id == registered.id) == 40
    assert [kind for _, kind, _ in journal.scans] == ["incremental", "incremental"]
    assert _count(db, problems) == 1  # the broken link: one problem, not one per scan


async def test_a_dead_site_becomes_site_unreachable(mini_site, sqlite_url):
    site = await mini_site({"/": (200, "text/html", page("<p>首页</p>"))})
    settings = fast_settings(sqlite_url, timeout=1).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    registry_repo.add_site(db, site.base + "/", "将要关停的站")
    down = {"since": MONDAY + timedelta(days=3)}
    clock = ManualClock(MONDAY)

    def fake_probe(url: str, rules) -> ProbeResult:  # type: ignore[no-untyped-def]
        ok = clock.now() < down["since"]
        return ProbeResult(ok=ok, status=200 if ok else None, elapsed_ms=1.0, error=None if ok else "超时")

    journal = await Daemon(settings, db, clock, probe_fn=fake_probe).run(until=MONDAY + timedelta(days=5))
    assert journal.errors == []
    latest = db.list_scans(1)[0]
    codes = {f.code for f in db.findings_of(latest.id)}
    assert "site_unreachable" in codes
    unreachable = next(f for f in db.findings_of(latest.id) if f.code == "site_unreachable")
    assert unreachable.detail["failures"] >= 0.05 * unreachable.detail["probes"]
    assert _count(db, problems, problems.c.code == "site_unreachable") == 1


async def test_losing_a_site_does_not_stop_the_daemon(mini_site, sqlite_url):
    alive = await mini_site({"/": (200, "text/html", page("<p>在</p>"))})
    settings = fast_settings(sqlite_url, timeout=1, retries=0).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    registry_repo.add_site(db, alive.base + "/", "正常站")
    registry_repo.add_site(db, "http://127.0.0.1:9/", "已下线的站")  # nothing listens on port 9
    clock = ManualClock(MONDAY)
    journal = await Daemon(settings, db, clock).run(until=MONDAY + timedelta(days=1))
    assert len(journal.scans) == 2 and journal.errors == []


async def test_restart_resumes_a_scan_cut_short(mini_site, sqlite_url):
    routes = {"/": (200, "text/html", page("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(30))))}
    routes.update({f"/p{i}.html": (200, "text/html", page(f"<p>{i}</p>")) for i in range(30)})
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url, concurrency=1, rate=50).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    registry_repo.add_site(db, site.base + "/", "被中断的站")
    task = asyncio.create_task(ScanJob(settings, db, site.base + "/").run())
    await asyncio.sleep(0.3)
    task.cancel()  # as a crash would: the scan stays unfinished in the database
    await asyncio.gather(task, return_exceptions=True)
    assert db.latest_unfinished_scan() is not None
    clock = ManualClock(MONDAY)
    await Daemon(settings, db, clock).run(until=MONDAY + timedelta(minutes=1))
    assert db.latest_unfinished_scan() is None
    resumed = db.list_scans(5)[-1]
    assert resumed.status == "finished" and resumed.pages_fetched == 31


async def test_a_full_disk_for_a_moment_loses_and_doubles_nothing(mini_site, sqlite_url, monkeypatch):
    """A write fails mid-scan (disk full): the daemon logs it and goes on; the next scheduled scan of the
    site first finishes the cut one, which ends exactly as a scan that never failed."""
    from sqlalchemy.exc import OperationalError

    import govinspect.scan as scan_module
    from govinspect.store.schema import urls

    routes = {"/": (200, "text/html", page("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(40))))}
    routes.update({f"/p{i}.html": (200, "text/html", page(f'<p>{i}</p><a href="/gone{i % 3}.html">坏</a>'))
                   for i in range(40)})
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url, concurrency=2, rate=0).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    registry_repo.add_site(db, site.base + "/", "磁盘写满的站")
    monkeypatch.setattr(scan_module, "_FLUSH_AT_RESULTS", 4)  # many small writes: one of them fails
    writes = {"n": 0}
    real_write = db.write_batch

    def flaky_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        writes["n"] += 1
        if writes["n"] == 3:
            raise OperationalError("INSERT INTO urls", {}, Exception("database or disk is full"))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(db, "write_batch", flaky_write)
    clock = ManualClock(MONDAY)
    journal = await Daemon(settings, db, clock).run(until=MONDAY + timedelta(days=2))
    assert len(journal.errors) == 1 and "disk is full" in journal.errors[0]
    assert db.latest_unfinished_scan() is None  # the cut scan was finished, not left behind
    scans = sorted(db.list_scans(10), key=lambda s: s.id)
    assert all(s.status == "finished" for s in scans)
    cut = scans[0]
    assert cut.pages_fetched == 44  # home, 40 pages, 3 missing pages (404) — as every later scan
    assert all(s.pages_fetched == 44 for s in scans)
    assert _count(db, urls, urls.c.scan_id == cut.id, urls.c.error == "internal_error") == 0
    expected = {("broken_link", f"{site.base}/gone{k}.html") for k in range(3)}
    for s in scans:
        assert {(f.code, f.target) for f in db.findings_of(s.id)} == expected
    assert len(db.findings_of(cut.id)) == len(db.findings_of(scans[-1].id)) == 40  # a broken link on each page
    assert _count(db, problems) == 40  # one problem each, none doubled
