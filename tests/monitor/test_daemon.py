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
