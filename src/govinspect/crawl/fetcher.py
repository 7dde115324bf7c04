"""The downloader: GET a page or check a link, with redirects, retries, timeouts and a body cap.

Knows nothing of HTML: it hands back bytes and facts about the response.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import aiohttp

from govinspect.crawl.politeness import Politeness
from govinspect.crawl.urls import BadURL, host_of, normalize
from govinspect.settings import CrawlSettings

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_HEAD_FALLBACK = frozenset({403, 405, 501})

# error kinds, in the words a webmaster reads in reports
ERROR_LABELS = {
    "timeout": "超时",
    "connection_refused": "连接被拒绝",
    "dns_failure": "域名解析失败",
    "connection_reset": "连接中断",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "ssl_error": "证书或加密连接错误",
    "invalid_response": "响应无效",
    "bad_url": "网址无效",
    "soft_404": "页面显示不存在（软404）",
    "http_error": "HTTP 错误",
}


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    error: str | None = None
    error_message: str = ""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    truncated: bool = False
    elapsed_ms: float = 0.0
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1
    not_modified: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @cached_property  # read when the row is written and again by incremental scans: hash once
    def content_hash(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _classify(exc: BaseException) -> tuple[str, bool]:
    """(error kind, worth retrying) for an exception raised by a request."""
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout", False
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", None)
    if dns_error is not None and isinstance(exc, dns_error):
        return "dns_failure", False
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError | ssl.SSLError):
        return "ssl_error", False
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, socket.gaierror):
            return "dns_failure", False
        if isinstance(os_error, ConnectionRefusedError):
            return "connection_refused", True
        return "connection_refused", True
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return "connection_reset", True
    if isinstance(exc, aiohttp.InvalidURL | BadURL):
        return "bad_url", False
    if isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientError | ValueError):
        return "invalid_response", False
    return "invalid_response", False


class Fetcher:
    """One aiohttp session shared by all requests of a scan."""

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.settings = settings
        self.politeness = Politeness(settings.concurrency, settings.rate)
        self._resolver = resolver
        self._user_agent = user_agent or settings.user_agent
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(
            limit=0,  # the per-host gates do the limiting
            limit_per_host=self.settings.concurrency,
            ttl_dns_cache=300,
            resolver=self._resolver,
            ssl=False,  # government sites often have broken chains; we check links, not certificates
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self._user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        return self._session

    async def get(self, url: str, *, max_bytes: int | None = None, conditional: dict[str, str] | None = None) -> FetchResult:
        """GET with the body (capped), following redirects."""
        return await self._with_retries(url, "GET", max_bytes or self.settings.max_body_bytes, conditional)

    async def check(self, url: str) -> FetchResult:
        """Is this link alive? HEAD, falling back to GET where servers refuse HEAD."""
        result = await self._with_retries(url, "HEAD", 0, None)
        if (result.status in _HEAD_FALLBACK and result.error is None) or result.error == "invalid_response":
            result = await self._with_retries(url, "GET", 0, None)
        return result

    async def _with_retries(
        self, url: str, method: str, max_bytes: int, conditional: dict[str, str] | None
    ) -> FetchResult:
        delay = self.settings.retry_backoff
        attempt = 0
        while True:
            attempt += 1
            result, retry, wait = await self._follow(url, method, max_bytes, conditional)
            result.attempts = attempt
            if not retry or attempt > self.settings.retries:
                return result
            pause = min(wait if wait is not None else delay, self.settings.max_retry_after)
            if wait is not None:
                self.politeness.gate(host_of(url)).pause(pause)
            await asyncio.sleep(pause)
            delay *= 2

    async def _follow(
        self, url: str, method: str, max_bytes: int, conditional: dict[str, str] | None
    ) -> tuple[FetchResult, bool, float | None]:
        """One attempt along a redirect chain. Returns (result, retry?, Retry-After seconds)."""
        started = time.perf_counter()
        result = FetchResult(url=url, final_url=url)
        current = url
        seen = {url}
        while True:
            try:
                status, headers, body, truncated = await self._request(current, method, max_bytes, conditional)
            except Exception as exc:  # every failure becomes a result, never an exception
                kind, retry = _classify(exc)
                result.error, result.error_message = kind, f"{type(exc).__name__}: {exc}"[:300]
                result.elapsed_ms = (time.perf_counter() - started) * 1000
                return result, retry, None
            if status in _REDIRECTS and headers.get("Location"):
                try:
                    nxt = normalize(headers["Location"], current)
                except BadURL as exc:
                    result.status, result.error, result.error_message = status, "bad_url", str(exc)
                    break
                result.redirects.append(nxt)
                if nxt in seen:
                    result.status, result.error = status, "redirect_loop"
                    result.error_message = " → ".join([url, *result.redirects])[:500]
                    break
                if len(result.redirects) > self.settings.max_redirects:
                    result.status, result.error = status, "too_many_redirects"
                    break
                seen.add(nxt)
                current = nxt
                continue
            result.final_url = current
            result.status = status
            result.content_type = headers.get("Content-Type", "")
            result.etag = headers.get("ETag")
            result.last_modified = headers.get("Last-Modified")
            result.body = body if method == "GET" and max_bytes else None
            result.truncated = truncated
            result.not_modified = status == 304
            if status in _RETRY_STATUSES:
                result.elapsed_ms = (time.perf_counter() - started) * 1000
                result.error = None
                return result, True, _retry_after_seconds(headers.get("Retry-After"))
            break
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result, False, None

    async def _request(
        self, url: str, method: str, max_bytes: int, conditional: dict[str, str] | None
    ) -> tuple[int, Any, bytes | None, bool]:
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout)
        headers = dict(conditional or {})
        async with (
            self.politeness.gate(host_of(url)),
            self.session.request(method, url, allow_redirects=False, timeout=timeout, headers=headers) as resp,
        ):
            body: bytes | None = None
            truncated = False
            if method == "GET" and max_bytes and resp.status not in _REDIRECTS:
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.content.iter_chunked(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:  # stop reading: the rest is never downloaded
                        truncated = True
                        break
                body = b"".join(chunks)[:max_bytes]
                if truncated:
                    resp.close()
            return resp.status, resp.headers, body, truncated
