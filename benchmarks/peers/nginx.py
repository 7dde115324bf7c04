"""A private nginx (Debian's package) serving the benchmark site on loopback, started and stopped by us.

Nothing touches the system service: the config, pid file, logs and temp folders live under a
prefix inside benchmarks/_work, and nginx runs in the foreground as our child.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .apt import apt_install

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MIME_TYPES = Path("/etc/nginx/mime.types")
_TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


class NginxError(RuntimeError):
    """nginx would not start: the message is for the user (Chinese)."""


class NginxMissing(NginxError):
    """nginx is not installed and cannot be installed here."""


@dataclass(frozen=True)
class VirtualHost:
    """One loopback address served from one folder.

    ``include``: an nginx snippet that sets the root, types, charsets, redirects (the project's
    demo export writes one); ``catch_all``: every path answers the home page, as the demo's spam host does.
    """

    ip: str
    root: Path
    redirects: tuple[tuple[str, int, str], ...] = ()
    include: Path | None = None
    catch_all: bool = False


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    status: int


def parse_access_log(text: str) -> list[Request]:
    """Lines of the ``bench`` log format: METHOD ADDR:PORT URI STATUS."""
    out = []
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) == 4 and parts[3].isdigit():
            out.append(Request(parts[0], f"http://{parts[1]}{parts[2]}", int(parts[3])))
    return out


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian's packages when missing and we are root."""
    found = find_nginx()
    if found:
        return found
    why = apt_install("nginx-light", "nginx")
    found = find_nginx()
    if why is not None or not found:
        raise NginxMissing((why or "找不到 nginx") + "，跳过需要 nginx 的测量")
    return found


def render_config(prefix: Path, port: int, hosts: list[VirtualHost], workers: int = 2) -> str:
    """The nginx.conf text for these hosts, all on one port (as the demo site's hosts are)."""
    if not hosts:
        raise ValueError("至少需要一个站点")
    servers = []
    for host in hosts:
        redirects = "".join(
            f'        location = {_safe(path)} {{ return {status} "{_safe(location)}"; }}\n'
            for path, status, location in host.redirects
        )
        if host.include is not None:
            files = f"        include {host.include.resolve()};\n"
        else:
            files = f"        root {host.root.resolve()};\n        index index.html index.htm;\n"
        fallback = "/index.html" if host.catch_all else "=404"
        servers.append(
            "    server {\n"
            f"        listen {host.ip}:{port};\n"
            f"{files}"
            f"        location / {{ try_files $uri $uri/ {fallback}; }}\n"
            f"{redirects}"
            "    }"
        )
    # started as root, nginx workers would drop to "nobody", who cannot read a private (0700) work folder;
    # they keep our own user instead: they only serve our generated files on loopback
    user_line = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return TEMPLATE.read_text("utf-8").format(
        user_line=user_line,
        workers=workers,
        prefix=prefix.resolve(),
        mime_types=MIME_TYPES,
        servers="\n".join(servers),
    )


def _safe(text: str) -> str:
    """A path or URL as it may stand in nginx.conf: no characters that end a token or a block."""
    if any(c in text for c in ' \t\n;{}"\'\\$'):
        raise ValueError(f"不能写入 nginx 配置的路径：{text!r}")
    return text


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


def _wait_listening(ip: str, port: int, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise NginxError(f"nginx 启动失败（退出码 {proc.returncode}），见 error.log")
        try:
            with socket.create_connection((ip, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise NginxError(f"nginx 在 {timeout_s:.0f} 秒内没有在 {ip}:{port} 上监听")


class NginxServer:
    """``with NginxServer(prefix, hosts) as server:`` serves until the block ends."""

    def __init__(self, prefix: Path, hosts: list[VirtualHost], port: int | None = None, workers: int = 2) -> None:
        self.prefix = prefix.resolve()  # nginx reads -c relative to -p
        self.hosts = hosts
        self.port = port or free_port(hosts[0].ip)
        self.workers = workers
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: BinaryIO | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.hosts[0].ip}:{self.port}"

    def start(self) -> None:
        binary = ensure_nginx()
        for name in _TEMP_DIRS:
            (self.prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        self.access_log.unlink(missing_ok=True)
        conf.write_text(render_config(self.prefix, self.port, self.hosts, self.workers), "utf-8")
        test = subprocess.run([binary, "-t", "-q", "-p", str(self.prefix), "-c", str(conf)], capture_output=True)
        if test.returncode != 0:
            raise NginxError("nginx 配置无效：" + test.stderr.decode("utf-8", "replace").strip()[-300:])
        self._log = open(self.prefix / "stderr.log", "wb")  # noqa: SIM115 - closed in stop()
        self._proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(conf)],
            stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True,
        )
        for host in self.hosts:
            _wait_listening(host.ip, self.port, self._proc, 10.0)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if self._log is not None:
            self._log.close()
            self._log = None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGQUIT)  # graceful: the master ends its workers
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def log_offset(self) -> int:
        """Where the access log ends now: pass it to ``requests_since`` after a run."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def requests_since(self, offset: int) -> list[Request]:
        """The requests nginx answered since ``offset`` of its access log."""
        if not self.access_log.exists():
            return []
        with open(self.access_log, "rb") as fh:
            fh.seek(offset)
            return parse_access_log(fh.read().decode("utf-8", "replace"))

    def worker_cpu_s(self) -> float:
        """CPU seconds nginx (master and workers) has used so far: the server's share of a run."""
        if self._proc is None:
            return 0.0
        from .measure import children_map

        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self._proc.pid, *children_map().get(self._proc.pid, [])]:
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total

    def __enter__(self) -> NginxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
