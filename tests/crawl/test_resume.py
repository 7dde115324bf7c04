"""A scan killed with SIGKILL resumes with --resume and ends with exactly the uninterrupted findings."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from govinspect.store import open_database
from tests.conftest import page

N_PAGES = 80


def _routes() -> dict[str, object]:
    routes: dict[str, object] = {}
    for i in range(N_PAGES):
        nxt = "".join(f'<a href="/p{j}.html">第{j}页</a>' for j in range(i + 1, min(N_PAGES, i + 4)))
        broken = f'<a href="/gone{i}.html">失效{i}</a>' if i % 7 == 0 else ""
        img = f'<img src="/img{i}.png" alt="图{i}">' if i % 5 == 0 else ""
        routes["/" if i == 0 else f"/p{i}.html"] = (200, "text/html", page(nxt + broken + img, title=f"页{i}"))
    return routes


def _scan_cmd(db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "govinspect", "scan", *extra, "--db", str(db), "--quiet",
            "--concurrency", "2", "--rate", "40", "--timeout", "5"]


def _done_pages(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from urls where role='page' and state='done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _finding_set(db_path: Path, base: str) -> list[tuple[str, str, str | None, str | None]]:
    db = open_database(f"sqlite:///{db_path}")
    scan = db.list_scans(1)[0]
    assert scan.status == "finished"
    return sorted((f.code, f.page.replace(base, ""), (f.target or "").replace(base, ""), f.evidence)
                  for f in db.findings_of(scan.id))


async def test_kill9_then_resume_gives_identical_findings(mini_site, tmp_path):
    site = await mini_site(_routes())
    url = site.base + "/"
    env = {**os.environ, "GOVINSPECT_CHECKS": "links"}

    killed_db = tmp_path / "killed.db"
    proc = await asyncio.create_subprocess_exec(*_scan_cmd(killed_db, url), env=env)
    for _ in range(400):
        await asyncio.sleep(0.05)
        if _done_pages(killed_db) >= 15:
            break
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    done_at_kill = _done_pages(killed_db)
    assert 15 <= done_at_kill < N_PAGES  # really interrupted mid-scan

    resumed = await asyncio.create_subprocess_exec(*_scan_cmd(killed_db, "--resume"), env=env)
    assert await resumed.wait() == 0

    clean_db = tmp_path / "clean.db"
    clean = await asyncio.create_subprocess_exec(*_scan_cmd(clean_db, url), env=env)
    assert await clean.wait() == 0

    resumed_findings = _finding_set(killed_db, site.base)
    clean_findings = _finding_set(clean_db, site.base)
    assert resumed_findings == clean_findings
    assert len(resumed_findings) == len(set(resumed_findings))  # none doubled
    expected_broken = len([i for i in range(N_PAGES) if i % 7 == 0]) + len([i for i in range(N_PAGES) if i % 5 == 0])
    assert len(clean_findings) == expected_broken
    assert _done_pages(killed_db) == _done_pages(clean_db)


async def test_a_failed_write_stops_every_worker_and_the_resumed_scan_is_whole(mini_site, sqlite_url, monkeypatch):
    """A write fails midway (a full disk): the scan ends there; no worker goes on storing outcomes
    behind its back, and resuming it gives what an unbroken scan gives."""
    import asyncio

    import pytest
    from sqlalchemy import func, select
    from sqlalchemy.exc import OperationalError

    import govinspect.scan as scan_module
    from govinspect.scan import ScanJob
    from govinspect.store import open_database
    from govinspect.store.schema import urls
    from tests.conftest import fast_settings, page

    routes = {"/": (200, "text/html", page("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(60))))}
    routes.update({f"/p{i}.html": (200, "text/html", page(f'<p>{i}</p><a href="/gone.html">坏</a>')) for i in range(60)})
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url, concurrency=4).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    monkeypatch.setattr(scan_module, "_FLUSH_AT_RESULTS", 3)
    real_write, calls = db.write_batch, {"n": 0}

    def failing_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("UPDATE urls", {}, Exception("database or disk is full"))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(db, "write_batch", failing_once)
    job = ScanJob(settings, db, site.base + "/")
    with pytest.raises(OperationalError):
        await job.run()

    def done_rows() -> int:
        query = select(func.count()).where(urls.c.scan_id == job.scan_id, urls.c.state == "done")
        with db.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    after_failure = done_rows()
    await asyncio.sleep(0.5)
    assert done_rows() == after_failure  # nobody kept writing once the scan had failed
    resumed = await ScanJob(settings, db, resume_scan_id=job.scan_id).run()
    clean = await ScanJob(settings, db, site.base + "/").run()
    assert resumed.pages_fetched == clean.pages_fetched == 62
    key = sorted((f.code, f.page, f.target) for f in clean.findings)
    assert sorted((f.code, f.page, f.target) for f in resumed.findings) == key and len(key) == 60


async def test_a_resumed_scan_still_checks_the_attachments_left_in_its_queue(mini_site, sqlite_url, monkeypatch):
    """Queued attachments come back with the page linking them, so their text is still checked."""
    import asyncio

    import pytest
    from aiohttp import web
    from sqlalchemy.exc import OperationalError

    from govinspect.scan import ScanJob
    from govinspect.store import open_database
    from tests.conftest import fast_settings, page

    n = 12

    async def attachment(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(body=f"本文件为绝密★，编号{request.path}".encode(), content_type="text/plain")

    routes: dict[str, object] = {"/": (200, "text/html", page("".join(f'<a href="/f{i}.txt">附件{i}</a>' for i in range(n))))}
    routes.update({f"/f{i}.txt": attachment for i in range(n)})
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url, concurrency=2).model_copy(update={"checks": "text_attachment"})
    import govinspect.scan as scan_module

    monkeypatch.setattr(scan_module, "_FLUSH_AT_RESULTS", 2)
    real_write, calls = db.write_batch, {"n": 0}

    def failing_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("UPDATE urls", {}, Exception("database or disk is full"))
        return real_write(*args, **kwargs)

    db.write_batch = failing_second  # type: ignore[method-assign]
    job = ScanJob(settings, db, site.base + "/")
    with pytest.raises(OperationalError):
        await job.run()
    db.write_batch = real_write  # type: ignore[method-assign]
    resumed = await ScanJob(settings, db, resume_scan_id=job.scan_id).run()
    assert len([f for f in resumed.findings if f.code == "secret_marking"]) == n
