"""Availability of home pages (V2 站点无法访问): probes kept one by one, judged over a window.

The daemon (the lead's `govinspect run`) calls ``probe_times`` to spread the day's probes, ``probe``
+ ``record_probe`` for each, and ``availability_finding`` to get the site_unreachable finding (or
None) for a monitoring point; every time comes from the caller, so tests drive a fake clock.
Thresholds are the scoring profile's V2 params; data/workflow/availability.yaml holds the rest.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import and_, case, func, insert, select

from govinspect.findings import Finding
from govinspect.registry.model import RegistryError, Site
from govinspect.scoring.profile import Profile, national_profile
from govinspect.store.db import Database
from govinspect.store.schema_workflow import probes
from govinspect.workflow.clock import as_utc

DEFAULT_USER_AGENT = "govinspect/0.1 (+availability probe)"  # HTTP headers are Latin-1


@dataclass(frozen=True)
class AvailabilityRules:
    window: timedelta
    probes_per_day: int
    timeout: float
    failure_share: float
    min_coverage: float
    failure_status: int


@cache
def _local_rules() -> dict[str, Any]:
    raw = yaml.safe_load(resources.files("govinspect.data").joinpath("workflow/availability.yaml").read_text("utf-8"))
    assert isinstance(raw, dict)
    return raw


def availability_rules(profile: Profile | None = None) -> AvailabilityRules:
    profile = profile or national_profile()
    item = profile.veto_item("V2")
    params = item.params if item else {}
    needed = ("window_days", "probes_per_day", "timeout_seconds", "failure_share")
    missing = [k for k in needed if k not in params]
    if missing:
        raise RegistryError(f"指标方案 {profile.id} 的 V2 缺少参数：{'、'.join(missing)}")
    local = _local_rules()
    return AvailabilityRules(
        window=timedelta(days=params["window_days"].value),
        probes_per_day=int(params["probes_per_day"].value),
        timeout=params["timeout_seconds"].value,
        failure_share=params["failure_share"].value,
        min_coverage=float(local["min_coverage"]["value"]),
        failure_status=int(local["failure_status"]["value"]),
    )


def probe_times(day_start: datetime, rules: AvailabilityRules, offset: timedelta = timedelta(0)) -> list[datetime]:
    """The day's probe times, evenly spread ("间隔性访问"); ``offset`` staggers sites."""
    step = timedelta(days=1) / rules.probes_per_day
    return [day_start + offset % step + i * step for i in range(rules.probes_per_day)]


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    status: int | None
    elapsed_ms: float
    error: str | None


def probe(url: str, rules: AvailabilityRules, user_agent: str = DEFAULT_USER_AGENT) -> ProbeResult:
    """One visit of the home page: still not open after the timeout, an error or status ≥ 400 fails."""
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=rules.timeout) as response:  # noqa: S310 (http(s) only)
            response.read(64 * 1024)
            status = int(response.status)
        error = None if status < rules.failure_status else f"HTTP {status}"
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        status, error = None, f"无法访问：{reason}"
    elapsed = (time.perf_counter() - started) * 1000
    return ProbeResult(ok=error is None, status=status, elapsed_ms=elapsed, error=error)


def record_probe(db: Database, site_id: int, at: datetime, result: ProbeResult) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(probes).values(
                site_id=site_id, at=as_utc(at), ok=result.ok, status=result.status,
                elapsed_ms=result.elapsed_ms, error=result.error,
            )
        )


@dataclass(frozen=True)
class Availability:
    probes: int
    failures: int
    expected: int
    since: datetime

    @property
    def share(self) -> float:
        return self.failures / self.probes if self.probes else 0.0


def availability(db: Database, site_id: int, now: datetime, rules: AvailabilityRules) -> Availability:
    since = as_utc(now) - rules.window
    window = and_(probes.c.site_id == site_id, probes.c.at > since, probes.c.at <= as_utc(now))
    query = select(func.count(), func.sum(case((probes.c.ok.is_(False), 1), else_=0))).where(window)
    with db.engine.connect() as conn:
        total, failures = conn.execute(query).one()
    expected = int(rules.window / timedelta(days=1) * rules.probes_per_day)
    return Availability(probes=int(total or 0), failures=int(failures or 0), expected=expected, since=since)


def availability_finding(
    db: Database, site: Site, now: datetime, profile: Profile | None = None
) -> Finding | None:
    """site_unreachable when failures reach the share over the window; None when fine or too few probes."""
    rules = availability_rules(profile)
    seen = availability(db, site.id, now, rules)
    if seen.probes < seen.expected * rules.min_coverage:
        return None
    if seen.share < rules.failure_share:
        return None
    return Finding(
        "site_unreachable",
        page=site.url,
        evidence=None,  # the counts change with every probe: they go in detail, not in the identity
        detail={
            "probes": seen.probes,
            "failures": seen.failures,
            "share": round(seen.share, 4),
            "window_days": rules.window.days,
            "threshold": rules.failure_share,
            "summary": f"近{rules.window.days}天首页访问 {seen.probes} 次，失败 {seen.failures} 次（{seen.share:.1%}）",
        },
    )
