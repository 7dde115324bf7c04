"""Per-host politeness: a cap on parallel connections, a request-rate cap, and Retry-After pauses."""

from __future__ import annotations

import asyncio
from types import TracebackType


class HostGate:
    """Admits requests to one host: at most ``concurrency`` at once, at most ``rate`` per second.

    ``pause(seconds)`` holds every new request back, as a 429/503 Retry-After asks.
    """

    def __init__(self, concurrency: int, rate: float) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next_start = 0.0
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)

    async def __aenter__(self) -> HostGate:
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next_start, self._paused_until)
        self._next_start = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._slots.release()


class Politeness:
    """One gate per host, created on first use."""

    def __init__(self, concurrency: int, rate: float) -> None:
        self.concurrency = concurrency
        self.rate = rate
        self._gates: dict[str, HostGate] = {}

    def gate(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self.concurrency, self.rate)
        return gate
