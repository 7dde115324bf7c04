"""https_missing and ipv6_missing: network site checks with short timeouts, on loopback only."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.checks.site import ListSiteData
from govinspect.settings import Settings
from govinspect.structure.transport import probe_https, probe_ipv6

NOW = datetime(2024, 6, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def ctx(site_url: str, **site_config: object) -> CheckContext:
    return CheckContext(
        settings=Settings(), site_url=site_url, now=NOW, site_config={"network_timeout": 2} | site_config
    )


def test_http_loopback_site_lacks_https_and_ipv6() -> None:
    url = "http://127.0.0.1:8765/"
    site = ListSiteData(start_url=url)
    https = list(all_checks()["https"].fn(site, ctx(url)))
    assert [(f.code, f.page, f.target) for f in https] == [("https_missing", url, "https://127.0.0.1/")]
    assert https[0].severity == "notice" and https[0].detail["reason"]
    ipv6 = list(all_checks()["ipv6"].fn(site, ctx(url)))
    assert [(f.code, f.page) for f in ipv6] == [("ipv6_missing", url)]
    assert all(all_checks()[name].network for name in ("https", "ipv6"))


def test_https_site_and_setting() -> None:
    assert probe_https("https://127.0.0.1:8443/", 1).ok  # already served over HTTPS
    url = "http://127.0.0.1:8765/"
    assert list(all_checks()["https"].fn(ListSiteData(start_url=url), ctx(url, https_required=False))) == []


def test_tls_that_is_not_https_is_reported_with_its_reason() -> None:
    # something listens on the https port but speaks no TLS: the handshake fails, no hang
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 443))
    except OSError:
        pytest.skip("443 端口不可用")
    listener.listen()

    def answer() -> None:
        conn, _ = listener.accept()
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nplain")
        conn.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        result = probe_https("http://127.0.0.1:8765/", 2)
    finally:
        listener.close()
    assert not result.ok and "HTTPS" in result.reason


@pytest.fixture()
def ipv6_listener() -> Iterator[int]:
    if not socket.has_ipv6:
        pytest.skip("本机不支持 IPv6")
    server = socket.socket(socket.AF_INET6)
    try:
        server.bind(("::1", 0))
    except OSError:
        pytest.skip("::1 不可用")
    server.listen()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_ipv6_literal_that_answers(ipv6_listener: int) -> None:
    assert probe_ipv6(f"http://[::1]:{ipv6_listener}/", 2).ok


def test_ipv6_literal_that_refuses() -> None:
    result = probe_ipv6("http://[::1]:9/", 1)
    assert not result.ok and "无法连接" in result.reason
