"""One availability probe of a home page: opened within the limit, or not (and why)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from govinspect.crawl.fetcher import Fetcher
from govinspect.settings import CrawlSettings


@dataclass(frozen=True)
class ProbeResult:
    url: str
    at: datetime
    ok: bool
    status: int | None
    error: str | None
    elapsed_ms: float


async def probe(url: str, at: datetime, timeout: float, user_agent: str | None = None) -> ProbeResult:
    """GET the page with the whole load bounded by ``timeout`` (the national rule: 15 s).

    A failure is a timeout, a DNS/TCP/TLS error or a status of 400 or more (the rule says only
    "打不开"; this is our reading of it, noted in docs/monitoring.md).
    """
    settings = CrawlSettings(timeout=timeout, retries=0, rate=0, concurrency=1, max_body_bytes=2 * 1024 * 1024)
    if user_agent:
        settings = settings.model_copy(update={"user_agent": user_agent})
    started = time.perf_counter()
    async with Fetcher(settings) as fetcher:
        result = await fetcher.get(url)
    return ProbeResult(
        url=url,
        at=at,
        ok=result.ok,
        status=result.status,
        error=result.error,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )
