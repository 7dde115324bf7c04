"""The demo server (aiohttp): the portal on the main host, the good and the spam "external" hosts on
127.0.0.2 and 127.0.0.4 at the same port; 127.0.0.3 stays unbound so connections there are refused.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs

from aiohttp import web

from govinspect.crawl.urls import BadURL, normalize
from govinspect.demo import traps
from govinspect.demo.build import Build
from govinspect.demo.faults import PREFIX as FAULTS_PREFIX
from govinspect.demo.faults import FaultState, handle_fault
from govinspect.demo.model import DEAD_IP, GOOD_IP, SPAM_IP, DemoHosts, DemoSite, Resource
from govinspect.demo.sitegen import build_site

_PORT_TRIES = 50
_SHUTDOWN_SECONDS = 0.5
_HTML = "text/html; charset=utf-8"


class DemoServerError(RuntimeError):
    """The demo server cannot start (port taken, address unavailable)."""


@dataclass
class DemoServer:
    site: DemoSite
    hosts: DemoHosts
    faults: FaultState
    _runner: web.AppRunner

    @property
    def base_url(self) -> str:
        """The main host without a trailing slash, e.g. http://127.0.0.1:8765 (home page: base_url + "/")."""
        return self.hosts.main

    @property
    def home_url(self) -> str:
        return self.hosts.main + "/"

    async def close(self) -> None:
        await self._runner.cleanup()


def _listen(ip: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ip, port))
        sock.listen(256)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _unbound(ip: str, port: int) -> bool:
    """True when nothing listens on ip:port (probed by binding without SO_REUSEADDR)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((ip, port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _bind_all(main_ip: str, port: int) -> list[socket.socket]:
    """Listening sockets on main, good and spam addresses at one port (port 0: a port free on all)."""
    for _ in range(_PORT_TRIES if port == 0 else 1):
        socks: list[socket.socket] = []
        try:
            socks.append(_listen(main_ip, port))
            chosen = socks[0].getsockname()[1]
            for ip in (GOOD_IP, SPAM_IP):
                socks.append(_listen(ip, chosen))
            if _unbound(DEAD_IP, chosen):
                return socks
            err: OSError = OSError(errno.EADDRINUSE, f"{DEAD_IP}:{chosen} 上已有程序在监听")
        except OSError as exc:
            err = exc
        for s in socks:
            s.close()
    raise DemoServerError(f"无法在端口 {port or '（自动选择）'} 上启动演示站点：{err.strerror or err}")


class _Handler:
    def __init__(self, site: DemoSite, build: Build, faults: FaultState, slow_seconds: float) -> None:
        self.site = site
        self.build = build
        self.faults = faults
        self.slow_seconds = slow_seconds
        hosts = site.hosts
        self.base_by_ip = {host.split("//", 1)[1].rsplit(":", 1)[0]: host for host in hosts.all().values()}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        base = self.base_by_ip.get(sockname[0] if sockname else "", self.site.hosts.main)
        if base == self.site.hosts.spam:
            return _respond(self.site.resources[base + "/"])
        if base == self.site.hosts.main:
            answer = await self._dynamic(request)
            if answer is not None:
                return answer
        return _respond(self._lookup(base, request.raw_path) or _not_found())

    async def _dynamic(self, request: web.Request) -> web.StreamResponse | None:
        path = request.path
        if path.startswith(FAULTS_PREFIX):
            return await handle_fault(request, self.faults) or _respond(_not_found())
        if path == self.site.calendar_path:
            query = parse_qs(request.query_string)
            try:
                year, month = int(query["y"][0]), int(query["m"][0])
            except (KeyError, ValueError):
                return _respond(_not_found())
            page = traps.calendar_page(self.build, year, month)
            return _respond(Resource(_HTML, data=page) if page else _not_found())
        if path == self.site.slow_path:
            await asyncio.sleep(self.slow_seconds)
            return _respond(Resource(_HTML, data=traps.slow_page(self.build)))
        return None

    def _lookup(self, base: str, raw_path: str) -> Resource | None:
        try:
            url = normalize(base + raw_path)
        except BadURL:
            return None
        res = self.site.resources.get(url)
        if res is None and url.endswith("/"):  # a directory: its index page, as a web server does
            res = self.site.resources.get(url + "index.html")
        if res is None and url.endswith("/index.html"):
            res = self.site.resources.get(url[: -len("index.html")])
        return res


def _not_found() -> Resource:
    return Resource(_HTML, status=404, data=traps.not_found_page())


def _respond(res: Resource) -> web.Response:
    headers = dict(res.headers)
    headers["Content-Type"] = res.content_type  # exactly as planted: some have no charset
    return web.Response(status=res.status, body=res.body, headers=headers)


async def start_demo(
    site: DemoSite | None = None,
    *,
    host_ip: str = "127.0.0.1",
    port: int = 0,
    pages: int = 300,
    slow_seconds: float = 20.0,
    now: datetime | None = None,
) -> DemoServer:
    """Start the demo hosts; with ``site`` None a site of ``pages`` pages is built for the chosen port."""
    if site is not None:  # the site's URLs fix the address and port
        port = site.hosts.port
        if port == 0:
            raise DemoServerError("站点网址中的端口为 0：请用实际端口生成站点，或不传 site 由服务器选择端口")
        host_ip = site.hosts.main.split("//", 1)[1].rsplit(":", 1)[0]
    socks = _bind_all(host_ip, port)
    chosen = socks[0].getsockname()[1]
    if site is None:
        site = build_site(pages=pages, now=now, hosts=DemoHosts.for_port(chosen, host_ip))
    build = site.context
    if not isinstance(build, Build):
        raise DemoServerError("演示站点缺少页面上下文：请用 build_site() 生成站点")
    faults = FaultState(slow_seconds=slow_seconds)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _Handler(site, build, faults, slow_seconds).handle)
    # handlers of clients that left are cancelled (slow page, stall), and closing never waits for them
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        handler_cancellation=True,
        shutdown_timeout=_SHUTDOWN_SECONDS,
    )
    await runner.setup()
    for sock in socks:
        await web.SockSite(runner, sock).start()
    return DemoServer(site=site, hosts=site.hosts, faults=faults, _runner=runner)


def serve_forever(port: int, pages: int, host_ip: str = "127.0.0.1") -> None:
    """`govinspect demo-site --port P`: serve the demo until Ctrl-C."""

    async def run() -> None:
        server = await start_demo(host_ip=host_ip, port=port, pages=pages)
        hosts = server.hosts
        print(f"演示站点已启动：{hosts.main}/")
        print(f"  模拟外部站点（正常）：{hosts.good}/")
        print(f"  模拟外部站点（博彩暗链目标）：{hosts.spam}/")
        print(f"  不可达的外部站点（拒绝连接）：{hosts.dead}/")
        print(f"  故障测试入口：{hosts.main}{FAULTS_PREFIX}links.html")
        print(
            f"  共 {sum(1 for _ in server.site.html_pages())} 个页面，预置问题 {len(server.site.expected)} 个。按 Ctrl-C 停止。"
        )
        try:
            await asyncio.Event().wait()
        finally:
            await server.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        print("演示站点已停止。")
    except (DemoServerError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        raise SystemExit(1) from None
