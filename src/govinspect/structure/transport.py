"""Transport probes of a site's host: does it answer over HTTPS, does it have working IPv6?

Every probe has a short timeout; DNS lookups run in a daemon thread so a stuck resolver cannot
hang a scan.
"""

from __future__ import annotations

import ipaddress
import queue
import socket
import ssl
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    reason: str  # Chinese: what was found
    tried: str = ""
    addresses: list[str] = field(default_factory=list)


def https_url_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("https", parts.hostname or "", "/", "", ""))


def probe_https(url: str, timeout: float) -> ProbeResult:
    """OK when the site is already on HTTPS, or https://host/ answers with a valid certificate."""
    if urlsplit(url).scheme == "https":
        return ProbeResult(True, "站点以 HTTPS 提供", url)
    target = https_url_of(url)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ssl.create_default_context())
    )
    request = urllib.request.Request(target, method="HEAD", headers={"User-Agent": "govinspect"})
    try:
        with opener.open(request, timeout=timeout):
            return ProbeResult(True, "HTTPS 可以访问", target)
    except urllib.error.HTTPError:
        return ProbeResult(True, "HTTPS 可以访问（返回错误状态，但加密连接正常）", target)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return ProbeResult(False, f"HTTPS 证书无效：{reason.verify_message}", target)
        if isinstance(reason, ssl.SSLError):
            return ProbeResult(False, f"HTTPS 握手失败：{reason}", target)
        if isinstance(reason, ConnectionRefusedError):
            return ProbeResult(False, "443 端口拒绝连接（未提供 HTTPS）", target)
        if isinstance(reason, TimeoutError | socket.timeout):
            return ProbeResult(False, "HTTPS 连接超时", target)
        return ProbeResult(False, f"HTTPS 无法访问：{reason}", target)
    except (TimeoutError, OSError) as exc:
        return ProbeResult(False, f"HTTPS 无法访问：{exc}", target)


def _aaaa(host: str, port: int, timeout: float) -> list[str] | None:
    """IPv6 addresses of ``host``; None when the lookup did not finish in time."""
    answer: queue.Queue[list[str]] = queue.Queue(maxsize=1)

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, socket.AF_INET6, socket.SOCK_STREAM)
            answer.put([str(info[4][0]) for info in infos])
        except (OSError, UnicodeError):
            answer.put([])

    threading.Thread(target=lookup, name="govinspect-aaaa", daemon=True).start()
    try:
        return answer.get(timeout=timeout)
    except queue.Empty:
        return None


def probe_ipv6(url: str, timeout: float) -> ProbeResult:
    """OK when the host has an AAAA address that accepts a TCP connection on the site's port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and literal.version == 4:
        return ProbeResult(False, "站点以 IPv4 地址访问，没有 IPv6 地址", host)
    addresses = [host] if literal is not None else _aaaa(host, port, timeout)
    if addresses is None:
        return ProbeResult(False, "AAAA 记录查询超时", host)
    if not addresses:
        return ProbeResult(False, "域名没有 AAAA（IPv6）记录", host)
    unique = list(dict.fromkeys(addresses))
    for address in unique:
        try:
            with socket.create_connection((address, port), timeout=timeout):
                return ProbeResult(True, f"IPv6 地址 {address} 可以连接", host, unique)
        except OSError:
            continue
    return ProbeResult(False, "有 AAAA 记录，但 IPv6 地址无法连接", host, unique)
