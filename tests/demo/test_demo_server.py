"""The demo server on loopback: hosts, encodings, traps."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from govinspect.demo.model import DemoHosts
from govinspect.demo.server import DemoServer, DemoServerError, start_demo
from govinspect.demo.sitegen import build_site
from govinspect.parse.page import parse_html
from govinspect.parse.soft404 import is_soft_404

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def server() -> AsyncIterator[DemoServer]:
    srv = await start_demo(pages=120, slow_seconds=30.0)
    try:
        yield srv
    finally:
        await srv.close()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield session


async def test_serves_home_and_hosts(server: DemoServer, client: aiohttp.ClientSession) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    assert server.site.hosts == server.hosts and server.hosts.main == server.base_url
    async with client.get(server.home_url) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "宁川县人民政府" in await r.text()
    async with client.get(server.hosts.good + "/beian/") as r:
        assert r.status == 200
    async with client.get(server.hosts.spam + "/any/path.html") as r:
        assert r.status == 200
    with pytest.raises(aiohttp.ClientConnectorError):
        async with client.get(server.hosts.dead + "/"):
            pass


async def test_every_html_page_is_served_as_generated(
    server: DemoServer, client: aiohttp.ClientSession
) -> None:
    served = 0
    for url, res in server.site.html_pages():
        async with client.get(url, allow_redirects=False) as r:
            assert r.status == 200, url
            assert r.headers["Content-Type"] == res.content_type
            assert await r.read() == res.body
        served += 1
    assert served > 100


async def test_gbk_subsite_headers_have_no_charset(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/bm/jyj/") as r:
        assert r.headers["Content-Type"] == "text/html"
        body = await r.read()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "宁川县教育局" in body.decode("gbk")


async def test_directory_and_missing_paths(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with (
        client.get(server.base_url + "/col/tzgg/") as r1,
        client.get(server.base_url + "/col/tzgg/index.html") as r2,
    ):
        assert r1.status == r2.status == 200
        assert await r1.read() == await r2.read()
    async with client.get(server.base_url + "/col/tzgg/nope.html") as r:
        assert r.status == 404
    async with client.head(server.home_url) as r:
        assert r.status == 200


async def test_redirect_loop(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/loop/a", allow_redirects=False) as r:
        assert r.status == 302 and r.headers["Location"] == "/loop/b"
    async with client.get(server.base_url + "/loop/b", allow_redirects=False) as r:
        assert r.status == 302 and r.headers["Location"] == "/loop/a"
    with pytest.raises(aiohttp.TooManyRedirects):
        async with client.get(server.base_url + "/loop/a", max_redirects=8):
            pass


async def test_calendar_is_endless(server: DemoServer, client: aiohttp.ClientSession) -> None:
    url = server.base_url + "/calendar/?y=2023&m=5"
    seen = set()
    for _ in range(40):
        async with client.get(url) as r:
            assert r.status == 200
            page = parse_html(await r.text(), url)
        seen.add(url)
        nxt = [link.url for link in page.links if link.text == "下一月"]
        assert len(nxt) == 1
        url = nxt[0]
    assert len(seen) == 40
    assert "y=2026" in url and "m=9" in url  # 40 months after May 2023
    async with client.get(server.base_url + "/calendar/?y=2023&m=13") as r:
        assert r.status == 404


async def test_soft404_answers_200(server: DemoServer, client: aiohttp.ClientSession) -> None:
    target = next(e.target for e in server.site.expected if e.target and "_99002" in e.target)
    async with client.get(target) as r:
        assert r.status == 200
        assert is_soft_404(parse_html(await r.text(), target))


async def test_slow_page_outlasts_a_short_timeout(server: DemoServer, client: aiohttp.ClientSession) -> None:
    with pytest.raises(asyncio.TimeoutError):
        async with client.get(server.base_url + "/slow.html", timeout=aiohttp.ClientTimeout(total=0.5)):
            pass


async def test_slow_page_answers_when_allowed(client: aiohttp.ClientSession) -> None:
    srv = await start_demo(pages=60, slow_seconds=0.0)
    try:
        async with client.get(srv.base_url + "/slow.html") as r:
            assert r.status == 200
    finally:
        await srv.close()


async def test_given_site_keeps_its_port_and_a_taken_port_is_a_clear_error(server: DemoServer) -> None:
    with pytest.raises(DemoServerError, match="无法在端口"):
        await start_demo(server.site)
    site = build_site(pages=60, hosts=DemoHosts.for_port(server.hosts.port))
    with pytest.raises(DemoServerError):
        await start_demo(site)
    with pytest.raises(DemoServerError, match="端口为 0"):
        await start_demo(build_site(pages=60, hosts=DemoHosts.for_port(0)))


def _serve(port: int) -> subprocess.Popen[str]:
    code = f"from govinspect.demo.server import serve_forever; serve_forever({port}, 60)"
    return subprocess.Popen(
        [sys.executable, "-u", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_serve_forever_prints_chinese_urls_and_stops_on_ctrl_c() -> None:
    proc = _serve(0)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        assert lines[0].startswith("演示站点已启动：http://127.0.0.1:")
        assert any("127.0.0.3" in line and "拒绝连接" in line for line in lines)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert "演示站点已停止" in out
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_serve_forever_on_a_taken_port_exits_with_a_message(server: DemoServer) -> None:
    proc = _serve(server.hosts.port)
    try:
        _, err = await asyncio.to_thread(proc.communicate, None, 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1
    assert "错误：无法在端口" in err and "Traceback" not in err
