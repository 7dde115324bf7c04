"""The /faults/ endpoints behave as the crawler's robustness tests expect."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest

from govinspect.demo.faults import BIG_MIB, BOMB_MIB, gzip_bomb
from govinspect.demo.server import DemoServer, start_demo
from govinspect.parse.page import parse_html

pytestmark = pytest.mark.timeout(60)
MIB = 1 << 20


@pytest.fixture
async def server() -> AsyncIterator[DemoServer]:
    srv = await start_demo(pages=60, slow_seconds=30.0)
    try:
        yield srv
    finally:
        await srv.close()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield session


def test_gzip_bomb_claims_a_gibibyte_and_starts_inflating_to_zeros() -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 2 * MIB
    assert int.from_bytes(bomb[-4:], "little") == (BOMB_MIB * MIB) % (1 << 32)  # gzip ISIZE trailer
    inflater = zlib.decompressobj(31)
    start = inflater.decompress(bomb[: 64 * 1024], 64 * MIB)  # a bounded look: never the whole gigabyte
    assert len(start) >= 32 * MIB and not any(start[::4096])


async def test_links_page_lists_every_fault(server: DemoServer, client: aiohttp.ClientSession) -> None:
    url = server.base_url + "/faults/links.html"
    async with client.get(url) as r:
        page = parse_html(await r.text(), url)
    paths = {link.url.split("/faults/", 1)[1] for link in page.links}
    assert {"malformed.html", "binary.html", "gzipbomb.html", "big.html", "reset.html", "stall.html"} <= paths
    assert {"429.html", "503.html", "head405.pdf", "redirect-chain/3"} <= paths
    home = server.site.get(server.home_url)
    assert home is not None and "/faults/" not in home.text()


async def test_malformed_and_binary(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/malformed.html") as r:
        text = await r.text()
    assert "<html>" in text and "</html>" not in text
    assert parse_html(text, server.base_url + "/faults/malformed.html").title
    async with client.get(server.base_url + "/faults/binary.html") as r:
        assert r.headers["Content-Type"] == "text/html"
        body = await r.read()
    assert len(body) == 64 * 1024
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


async def test_gzip_bomb_is_served_compressed(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/gzipbomb.html", auto_decompress=False) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert r.headers["Content-Type"].startswith("text/html")
        assert int(r.headers["Content-Length"]) < 2 * MIB
        assert (await r.content.read(2)) == b"\x1f\x8b"


async def test_big_page_streams_fifty_mebibytes(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/big.html") as r:
        assert "Content-Length" not in r.headers
        total = 0
        async for chunk in r.content.iter_chunked(MIB):
            total += len(chunk)
    assert total == BIG_MIB * MIB
    async with client.get(server.base_url + "/faults/big.html?length=1") as r:
        assert int(r.headers["Content-Length"]) == BIG_MIB * MIB
        assert len(await r.content.read(1024)) > 0  # stop early: the server copes with a client that leaves


async def test_reset_cuts_the_body(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/reset.html") as r:
        assert r.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await r.read()


async def test_stall_outlasts_a_read_timeout(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/stall.html") as r:
        assert r.status == 200
        first = await r.content.read(100)
        assert first
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(r.read(), timeout=0.5)


@pytest.mark.parametrize("status", [429, 503])
async def test_busy_then_ok(server: DemoServer, client: aiohttp.ClientSession, status: int) -> None:
    url = f"{server.base_url}/faults/{status}.html"
    async with client.get(url) as r:
        assert r.status == status and r.headers["Retry-After"] == "1"
    async with client.get(url) as r:
        assert r.status == 200
    async with client.get(url + "?n=2") as r:  # another URL: a first time again
        assert r.status == status


async def test_redirect_chain(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/redirect-chain/5") as r:
        assert r.status == 200
        assert len(r.history) == 5
    async with client.get(server.base_url + "/faults/redirect-chain/5", allow_redirects=False) as r:
        assert r.status == 302 and r.headers["Location"] == "/faults/redirect-chain/4"
    async with client.get(server.base_url + "/faults/redirect-chain/x") as r:
        assert r.status == 404


async def test_head405(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.head(server.base_url + "/faults/head405.pdf") as r:
        assert r.status == 405
    async with client.get(server.base_url + "/faults/head405.pdf") as r:
        assert r.status == 200
        assert (await r.read()).startswith(b"%PDF-")


async def test_unknown_fault_is_404(server: DemoServer, client: aiohttp.ClientSession) -> None:
    async with client.get(server.base_url + "/faults/nothing.html") as r:
        assert r.status == 404
