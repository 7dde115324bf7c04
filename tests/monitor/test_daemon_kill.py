"""The daemon killed with SIGKILL mid-scan: restarted, it resumes the scan and loses or doubles nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from govinspect.store import open_database, registry_repo
from tests.conftest import page

N = 60


def _routes() -> dict[str, object]:
    routes: dict[str, object] = {}
    for i in range(N):
        nxt = "".join(f'<a href="/p{j}.html">{j}</a>' for j in range(i + 1, min(N, i + 3)))
        broken = f'<a href="/gone{i}.html">失效{i}</a>' if i % 10 == 0 else ""
        routes["/" if i == 0 else f"/p{i}.html"] = (200, "text/html", page(nxt + broken))
    return routes


def _done(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from urls where role='page' and state='done'").fetchone()[0]
    except sqlite3.Error:
        return 0


async def _wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_daemon_killed_mid_scan_resumes_on_restart(mini_site, tmp_path):
    site = await mini_site(_routes())
    db_path = tmp_path / "g.db"
    db = open_database(f"sqlite:///{db_path}")
    registry_repo.add_site(db, site.base + "/", "测试站")
    env = {**os.environ, "GOVINSPECT_CHECKS": "links"}
    scan = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "govinspect", "scan", site.base + "/", "--db", str(db_path), "--quiet",
        "--concurrency", "1", "--rate", "30", env=env,
    )
    assert await _wait_for(lambda: _done(db_path) >= 10, 20)
    scan.send_signal(signal.SIGKILL)
    await scan.wait()

    def start_daemon() -> asyncio.Future:  # type: ignore[type-arg]
        return asyncio.ensure_future(asyncio.create_subprocess_exec(
            sys.executable, "-m", "govinspect", "run", "--db", str(db_path), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        ))

    at_first_kill = _done(db_path)
    daemon = await start_daemon()
    assert await _wait_for(lambda: _done(db_path) >= at_first_kill + 10, 30)  # resuming
    daemon.send_signal(signal.SIGKILL)  # the daemon itself dies mid-scan
    await daemon.wait()
    assert _done(db_path) < N + N // 10  # not finished yet

    daemon = await start_daemon()
    try:
        assert await _wait_for(lambda: db.latest_unfinished_scan() is None, 60)
        scan_info = db.list_scans(1)[0]
        assert await _wait_for(lambda: _synced(db_path, scan_info.id), 30)
    finally:
        daemon.send_signal(signal.SIGTERM)
        await daemon.wait()
    findings = db.findings_of(scan_info.id)
    targets = sorted(f.target for f in findings if f.code == "broken_link")
    assert targets == sorted(f"{site.base}/gone{i}.html" for i in range(0, N, 10))
    assert scan_info.pages_fetched == N + N // 10
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from problems").fetchone()[0] == N // 10  # none doubled


def _synced(db_path: Path, scan_id: int) -> bool:
    try:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("select count(*) from problem_syncs where scan_id=?", (scan_id,)).fetchone()[0] > 0
    except sqlite3.Error:
        return False
