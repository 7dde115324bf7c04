"""When each site is probed and scanned. Pure: given the time, it says what is due and what is next.

Probes are spread evenly over the day (at least 20 a day, the national rule), each site with its own
phase so that many sites are not hit in the same second. Incremental scans run daily and full scans
weekly, at the local hour set in the settings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field


class MonitorSettings(BaseModel):
    probes_per_day: int = Field(24, ge=20, le=1440, description="每天探测首页次数（国办要求不少于20次）")
    probe_timeout: float = Field(15.0, gt=0, description="探测超时秒数（超过即算打不开）")
    incremental_hour: int = Field(2, ge=0, le=23, description="每日增量扫描的时刻（本地时间）")
    full_weekday: int = Field(6, ge=0, le=6, description="每周全量扫描的星期（0=周一）")
    full_hour: int = Field(1, ge=0, le=23)


@dataclass(frozen=True, order=True)
class Due:
    at: datetime
    kind: str  # probe | incremental | full
    site_id: int


def _phase(site_id: int, period: timedelta) -> timedelta:
    digest = hashlib.sha1(str(site_id).encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:4], "big") % max(1, int(period.total_seconds())))


def next_probe(site_id: int, after: datetime, settings: MonitorSettings) -> datetime:
    period = timedelta(days=1) / settings.probes_per_day
    day_start = after.replace(hour=0, minute=0, second=0, microsecond=0)
    first = day_start + _phase(site_id, period)
    steps = int((after - first) / period) + 1 if after >= first else 0
    return first + steps * period


def next_scan(site_id: int, after: datetime, settings: MonitorSettings) -> tuple[datetime, str]:
    """The next scan of a site strictly after ``after``: the weekly full scan wins over that day's incremental."""
    spread = _phase(site_id, timedelta(minutes=50))
    candidates: list[tuple[datetime, str]] = []
    day = after.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(0, 8):
        d = day + timedelta(days=offset)
        if d.weekday() == settings.full_weekday:
            candidates.append((d.replace(hour=settings.full_hour) + spread, "full"))
        else:
            candidates.append((d.replace(hour=settings.incremental_hour) + spread, "incremental"))
    return min(c for c in candidates if c[0] > after)


def upcoming(site_ids: list[int], after: datetime, settings: MonitorSettings) -> list[Due]:
    """The next due event of every kind for every site, earliest first."""
    out: list[Due] = []
    for site_id in site_ids:
        out.append(Due(next_probe(site_id, after, settings), "probe", site_id))
        at, kind = next_scan(site_id, after, settings)
        out.append(Due(at, kind, site_id))
    return sorted(out)
