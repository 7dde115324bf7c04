"""Bad responses for the crawler's robustness tests, mounted on the main host under /faults/.

Nothing on the demo portal links here; /faults/links.html links to every endpoint. "First time per
client" means per (client address, path with query): add a query such as ?n=1 for a fresh start.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache

from aiohttp import web

from govinspect.demo.files import pdf

PREFIX = "/faults/"
MAX_REDIRECTS = 100  # redirect-chain/N answers 404 above this
_MIB = 1 << 20
BOMB_MIB = 1024  # the gzip bomb inflates to 1 GiB
BIG_MIB = 50  # /faults/big.html streams 50 MiB
_HTML = "text/html; charset=utf-8"


@dataclass
class FaultState:
    slow_seconds: float = 20.0
    seen: set[tuple[str, str]] = field(default_factory=set)

    def first_time(self, request: web.Request) -> bool:
        key = (request.remote or "", request.raw_path)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def _ok_page(title: str) -> web.Response:
    body = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body><p>{title}</p></body></html>'
    return web.Response(body=body.encode("utf-8"), headers={"Content-Type": _HTML})


MALFORMED = (
    "<html><head><title>未闭合的标题<meta charset=utf-8><body><div><p>段落<b>粗体<i>斜体</b></i>"
    "<table><tr><td>单元格<td><a href=\"/faults/links.html\">链接<a href='/'>首页</table></div></p>"
    "<script>document.write('<a href=\"/x\">');</script><!-- 未闭合的注释 <p>尾部"
)


@cache
def binary_body() -> bytes:
    return random.Random(404).randbytes(64 * 1024)


@cache
def gzip_bomb() -> bytes:
    """A gzip member that inflates to 1 GiB of zeros (about 1 MiB: deflate cannot do better than ~1:1030).

    Built from one compressed MiB repeated: after a full flush every identical MiB compresses to the
    same bytes, so the bomb costs a CRC pass instead of a gigabyte of compression.
    """
    zeros = bytes(_MIB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(BOMB_MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, (BOMB_MIB * _MIB) & 0xFFFFFFFF)
    return header + first + block * (BOMB_MIB - 1) + tail + trailer


async def _gzipbomb(request: web.Request, state: FaultState) -> web.StreamResponse:
    body = await asyncio.get_running_loop().run_in_executor(None, gzip_bomb)
    return web.Response(body=body, headers={"Content-Type": _HTML, "Content-Encoding": "gzip"})


async def _big(request: web.Request, state: FaultState) -> web.StreamResponse:
    chunk = ("<p>" + "政府网站内容" * 170 + "</p>\n").encode("utf-8")
    chunk = chunk * (64 * 1024 // len(chunk))
    total = BIG_MIB * _MIB
    resp = web.StreamResponse(headers={"Content-Type": _HTML})
    if request.query.get("length"):
        resp.content_length = total
    await resp.prepare(request)
    sent = 0
    try:
        while sent < total:
            piece = chunk[: total - sent]
            await resp.write(piece)
            sent += len(piece)
        await resp.write_eof()
    except (ConnectionError, asyncio.CancelledError):
        pass  # the client stopped reading: that is what a careful crawler does
    return resp


async def _partial(request: web.Request, state: FaultState, *, stall: bool) -> web.StreamResponse:
    head = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>不完整的页面</title></head><body>'
        + "<p>内容</p>" * 200
    )
    head_bytes = head.encode("utf-8")
    rest = b"<p>end</p></body></html>"
    resp = web.StreamResponse(headers={"Content-Type": _HTML})
    resp.content_length = len(head_bytes) + len(rest) + (0 if stall else 100_000)
    await resp.prepare(request)
    await resp.write(head_bytes)
    if stall:
        await asyncio.sleep(state.slow_seconds)
        await resp.write(rest)
        return resp
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:  # linger 0: close() sends RST instead of FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return resp


async def _reset(request: web.Request, state: FaultState) -> web.StreamResponse:
    return await _partial(request, state, stall=False)


async def _stall(request: web.Request, state: FaultState) -> web.StreamResponse:
    return await _partial(request, state, stall=True)


def _busy(status: int) -> Callable[[web.Request, FaultState], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request, state: FaultState) -> web.StreamResponse:
        if state.first_time(request):
            return web.Response(status=status, text="服务繁忙，请稍后再试", headers={"Retry-After": "1"})
        return _ok_page(f"第二次请求成功（首次返回 {status}）")

    return handler


async def _head405(request: web.Request, state: FaultState) -> web.StreamResponse:
    if request.method == "HEAD":
        return web.Response(status=405, headers={"Allow": "GET"})
    return web.Response(body=pdf("head405"), headers={"Content-Type": "application/pdf"})


async def _malformed(request: web.Request, state: FaultState) -> web.StreamResponse:
    return web.Response(body=MALFORMED.encode("utf-8"), headers={"Content-Type": _HTML})


async def _binary(request: web.Request, state: FaultState) -> web.StreamResponse:
    return web.Response(body=binary_body(), headers={"Content-Type": "text/html"})


async def _links(request: web.Request, state: FaultState) -> web.StreamResponse:
    targets = [f"{PREFIX}{name}" for name in _HANDLERS if name != "links.html"]
    targets += [f"{PREFIX}redirect-chain/3", f"{PREFIX}redirect-chain/12"]
    items = "".join(f'<li><a href="{t}">{t}</a></li>' for t in targets)
    body = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>故障测试</title></head><body><ul>{items}</ul></body></html>'
    return web.Response(body=body.encode("utf-8"), headers={"Content-Type": _HTML})


async def _redirect_chain(request: web.Request, state: FaultState, rest: str) -> web.StreamResponse:
    if not rest.isdigit() or int(rest) > MAX_REDIRECTS:
        return web.Response(status=404, text="不存在")
    n = int(rest)
    if n == 0:
        return _ok_page("重定向链终点")
    return web.Response(status=302, headers={"Location": f"{PREFIX}redirect-chain/{n - 1}"})


_HANDLERS: dict[str, Callable[[web.Request, FaultState], Awaitable[web.StreamResponse]]] = {
    "malformed.html": _malformed,
    "binary.html": _binary,
    "gzipbomb.html": _gzipbomb,
    "big.html": _big,
    "reset.html": _reset,
    "stall.html": _stall,
    "429.html": _busy(429),
    "503.html": _busy(503),
    "head405.pdf": _head405,
    "links.html": _links,
}


async def handle_fault(request: web.Request, state: FaultState) -> web.StreamResponse | None:
    """The answer for a /faults/ path, or None when there is no such fault (the caller answers 404)."""
    name = request.path[len(PREFIX) :]
    if name.startswith("redirect-chain/"):
        return await _redirect_chain(request, state, name[len("redirect-chain/") :])
    handler = _HANDLERS.get(name)
    return await handler(request, state) if handler else None
