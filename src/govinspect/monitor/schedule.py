"""When each site is probed and scanned. Pure: given the time, it says what is next.

Probes follow the availability rules (workflow/availability.py: at least 20 a day, evenly spread),
each site with its own phase so that many sites are not hit in the same second. Incremental scans
run daily and full scans weekly, at the local hour set in the settings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from govinspect.workflow.availability import AvailabilityRules, probe_times


class MonitorSettings(BaseModel):
    incremental_hour: int = Field(2, ge=0, le=23, description="每日增量扫描的时刻（本地时间）")
    full_weekday: int = Field(6, ge=0, le=6, description="每周全量扫描的星期（0=周一）")
    full_hour: int = Field(1, ge=0, le=23)
    max_parallel_scans: int = Field(2, ge=1, le=64, description="同时进行的扫描数（每站最多一个）")


@dataclass(frozen=True, order=True)
class Due:
    at: datetime
    kind: str  # probe | incremental | full
    site_id: int


def _phase(site_id: int, period: timedelta) -> timedelta:
    digest = hashlib.sha1(str(site_id).encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:4], "big") % max(1, int(period.total_seconds())))


def next_probe(site_id: int, after: datetime, rules: AvailabilityRules) -> datetime:
    """The site's first probe time strictly after ``after``."""
    period = timedelta(days=1) / rules.probes_per_day
    day_start = after.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in (day_start, day_start + timedelta(days=1)):
        for at in probe_times(day, rules, _phase(site_id, period)):
            if at > after:
                return at
    raise AssertionError("a day always has a probe")


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


def upcoming(site_ids: list[int], after: datetime, settings: MonitorSettings, rules: AvailabilityRules) -> list[Due]:
    """The next due event of every kind for every site, earliest first."""
    out: list[Due] = []
    for site_id in site_ids:
        out.append(Due(next_probe(site_id, after, rules), "probe", site_id))
        at, kind = next_scan(site_id, after, settings)
        out.append(Due(at, kind, site_id))
    return sorted(out)
