"""A scan runs as a Celery task on a real worker: Redis broker, PostgreSQL store."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest

from govinspect.store import open_database
from tests.conftest import page


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.mark.postgres
async def test_scan_task_on_a_worker(mini_site, postgres_url):
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Redis on 127.0.0.1:6379 is not reachable")
        pytest.skip("Redis is not running")
    site = await mini_site({
        "/": (200, "text/html", page('<a href="/a.html">甲</a><a href="/gone.html">坏</a>')),
        "/a.html": (200, "text/html", page('<img src="/missing.png">')),
    })
    queue = f"govinspect-test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)  # broker: the default, Redis on loopback; a private queue keeps tests apart
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "govinspect.tasks", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        from govinspect.tasks import scan_site

        async_result = scan_site.apply_async(
            args=[site.base, postgres_url, {"rate": 0, "timeout": 5}, "links"], queue=queue
        )
        summary = await asyncio.to_thread(async_result.get, timeout=90)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert summary["findings"] == {"broken_link": 1, "broken_resource": 1}
    assert summary["pages_fetched"] == 3
    db = open_database(postgres_url)
    stored = db.findings_of(summary["scan_id"])
    assert {f.code for f in stored} == {"broken_link", "broken_resource"}
    from govinspect.store import problems_repo

    info = db.scan(summary["scan_id"])
    assert info is not None and info.start_url == site.base + "/"  # stored normalised, as a retry looks it up
    assert {p.code for p in problems_repo.list_problems(db, site_id=info.site_id)} == {"broken_link", "broken_resource"}
