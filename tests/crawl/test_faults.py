"""Bad input and faults: each ends in a clear finding or a clear error, never a traceback or a hang."""

from __future__ import annotations

import asyncio
import gzip
import socket
import subprocess
import sys
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from govinspect.crawl.fetcher import Fetcher
from govinspect.scan import ScanJob
from govinspect.settings import CrawlSettings
from govinspect.store import open_database
from tests.conftest import fast_settings, page


async def _reset_mid_body(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/html"})
    resp.content_length = 100_000
    await resp.prepare(request)
    await resp.write(b"<html><body>" + b"x" * 1000)
    assert request.transport is not None
    request.transport.close()
    return resp


async def _stall_mid_body(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/html"})
    resp.content_length = 100_000
    await resp.prepare(request)
    await resp.write(b"<html><body>" + b"x" * 1000)
    await asyncio.sleep(10)
    return resp


async def _big(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/html"})
    await resp.prepare(request)
    await resp.write(b"<html><body><a href='/'>home</a>")
    chunk = b"<p>" + "政府网站".encode() * 5000 + b"</p>"
    try:
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            await resp.write(chunk)
    except (ConnectionResetError, aiohttp.ClientConnectionResetError):
        pass  # the client stopped reading, as it should
    return resp


GZIP_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


async def _bomb(request: web.Request) -> web.Response:
    return web.Response(body=GZIP_BOMB, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


async def _endless(request: web.Request) -> web.Response:
    n = int(request.query.get("n", "0"))
    raise web.HTTPFound(f"/endless?n={n + 1}")


def _fault_routes() -> dict[str, Any]:
    links = "".join(
        f'<a href="{p}">{label}</a>'
        for p, label in [
            ("/malformed.html", "残缺"), ("/binary.html", "二进制"), ("/bomb.html", "压缩炸弹"),
            ("/big.html", "大页面"), ("/reset.html", "中断"), ("/stall.html", "卡住"),
            ("/endless?n=0", "无尽重定向"), ("/loop-a", "循环"),
        ]
    )
    return {
        "/": (200, "text/html", page(links)),
        "/malformed.html": (200, "text/html", "<html><body><div><p>未闭合<a href='/'>首页<table><tr><td>残缺"),
        "/binary.html": (200, "text/html", bytes(range(256)) * 64),
        "/bomb.html": _bomb,
        "/big.html": _big,
        "/reset.html": _reset_mid_body,
        "/stall.html": _stall_mid_body,
        "/endless": _endless,
        "/loop-a": (301, "text/html", ""),
    }


async def test_faulty_pages_give_findings_not_crashes(mini_site, sqlite_url):
    routes = _fault_routes()

    async def loop_a(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/loop-b")

    async def loop_b(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/loop-a")

    routes["/loop-a"], routes["/loop-b"] = loop_a, loop_b
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url, timeout=1.5, max_body_bytes=1024 * 1024, max_redirects=8, retries=0)
    settings = settings.model_copy(update={"checks": "links"})
    result = await asyncio.wait_for(ScanJob(settings, open_database(sqlite_url), site.base + "/").run(), 60)
    broken = {f.target.replace(site.base, ""): f.detail.get("error") for f in result.findings if f.code == "broken_link"}
    assert broken == {
        "/reset.html": "connection_reset",
        "/stall.html": "timeout",
        "/endless?n=0": "too_many_redirects",
        "/loop-a": "redirect_loop",
    }
    # malformed, binary-as-HTML, the gzip bomb and the 50 MB page load: not broken, and the scan went on
    assert result.pages_fetched == 9


async def test_body_cap_stops_reading(mini_site):
    site = await mini_site({"/big.html": _big, "/bomb.html": _bomb})
    settings = CrawlSettings(timeout=10, max_body_bytes=1024 * 1024, rate=0)
    async with Fetcher(settings) as fetcher:
        big = await fetcher.get(site.base + "/big.html")
        bomb = await fetcher.get(site.base + "/bomb.html")
    for result in (big, bomb):
        assert result.ok and result.truncated
        assert result.body is not None and len(result.body) == 1024 * 1024


class _NoDNS(aiohttp.abc.AbstractResolver):
    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[Any]:
        raise OSError(socket.EAI_NONAME, f"Name or service not known: {host}")

    async def close(self) -> None:
        return None


async def test_dns_failure_is_a_broken_link(mini_site, sqlite_url):
    site = await mini_site({"/": (200, "text/html", page('<a href="http://nosuch.example.invalid/x">坏域名</a>'))})

    class _LoopbackOnly(aiohttp.ThreadedResolver):
        async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[Any]:
            if host.startswith("127."):
                return await super().resolve(host, port, family)
            return await _NoDNS().resolve(host, port, family)

    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    job = ScanJob(settings, open_database(sqlite_url), site.base + "/", resolver=_LoopbackOnly())
    result = await job.run()
    [finding] = [f for f in result.findings if f.code == "broken_link"]
    assert finding.detail["error"] in ("dns_failure", "connection_refused")
    assert finding.evidence == "坏域名"


@pytest.mark.parametrize("bad_url", ["not a url", "ftp://127.0.0.1/", "http://"])
def test_bad_start_url_is_one_clear_line(bad_url, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "govinspect", "scan", bad_url, "--db", str(tmp_path / "x.db"), "--quiet"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "错误" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def _closed_port() -> int:
    """A port nothing listens on, below the ephemeral range (a client could connect to itself there)."""
    for port in range(23_456, 24_456):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def test_unreachable_start_page_is_reported(tmp_path):
    port = _closed_port()
    proc = subprocess.run(
        [sys.executable, "-m", "govinspect", "scan", f"http://127.0.0.1:{port}/", "--db", str(tmp_path / "x.db"),
         "--quiet", "--timeout", "2"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "首页无法访问" in proc.stderr and "Traceback" not in proc.stderr
