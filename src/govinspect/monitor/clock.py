"""Time as the daemon sees it: real, or driven by a test."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep_until(self, when: datetime) -> None: ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(CHINA)

    async def sleep_until(self, when: datetime) -> None:
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class ManualClock:
    """A clock that jumps: sleeping moves time forward at once (for tests of whole weeks).

    It advances only when the daemon is idle, so simulated time never outruns the work it schedules.
    """

    advance_when_idle = True

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    async def sleep_until(self, when: datetime) -> None:
        if when > self._now:
            self._now = when
        await asyncio.sleep(0)
