"""Shared fixtures: tiny loopback web sites, databases (SQLite and the local PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from govinspect.settings import CrawlSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PG_ADMIN_URL = os.environ.get("GOVINSPECT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def page(body: str, title: str = "测试页面", head: str = "") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    )


class MiniSite:
    """A loopback site from a dict of path → (status, content type, body) or handler."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes
        self.hits: dict[str, int] = {}
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        key = request.path_qs if request.path_qs in self.routes else request.path
        self.hits[key] = self.hits.get(key, 0) + 1
        entry = self.routes.get(key)
        if entry is None:
            return web.Response(status=404, text="not found")
        if callable(entry):
            return await entry(request)
        status, ctype, body = entry
        data = body.encode("utf-8") if isinstance(body, str) else body
        return web.Response(status=status, body=data, headers={"Content-Type": ctype})

    async def start(self, host: str = "127.0.0.1") -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://{host}:{port}"
        return self.base

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
async def mini_site() -> AsyncIterator[Callable[[dict[str, Any]], Awaitable[MiniSite]]]:
    sites: list[MiniSite] = []

    async def make(routes: dict[str, Any], host: str = "127.0.0.1") -> MiniSite:
        s = MiniSite(routes)
        await s.start(host)
        sites.append(s)
        return s

    yield make
    for s in sites:
        await s.close()


def fast_settings(db_url: str, **crawl: Any) -> Settings:
    base = {"concurrency": 8, "rate": 0, "timeout": 5, "retries": 1, "retry_backoff": 0.05}
    base.update(crawl)
    return Settings(db=db_url, crawl=CrawlSettings(**base))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'govinspect.db'}"


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test; under CI a missing server fails instead of skipping."""
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL on 127.0.0.1:5432 is not reachable")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not running")
    import psycopg

    name = f"govinspect_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED
