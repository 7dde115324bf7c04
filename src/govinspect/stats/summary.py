"""Traffic figures of a period, computed from the database (what the reports quote).

Rates are fractions (0.7611), rounded only when shown. Daily averages divide by the days that
have log data, and the summary says how many of the period's days those are: dividing by calendar
days would understate traffic whenever some days' logs were never imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from govinspect.stats.period import Period
from govinspect.stats.rules import traffic_rules
from govinspect.store import stats_repo
from govinspect.store.db import Database


@dataclass(frozen=True)
class DailyTraffic:
    day: date
    pv: int
    visits: int
    visitors: int
    bounces: int
    hits: int
    bot_hits: int


@dataclass
class TrafficSummary:
    period: Period
    days_with_data: int
    pv: int
    visits: int
    bounces: int
    visitors: int  # distinct (IP, user agent) pairs over the whole period
    visitor_days: int  # sum over days of each day's distinct visitors (what GoAccess calls unique visitors)
    hits: int
    bot_hits: int
    top_columns: list[tuple[str, int]] = field(default_factory=list)
    daily: list[DailyTraffic] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.days_with_data > 0

    @property
    def bounce_rate(self) -> float | None:
        return self.bounces / self.visits if self.visits else None

    @property
    def pv_per_visit(self) -> float | None:
        return self.pv / self.visits if self.visits else None

    def daily_average(self, total: int) -> float | None:
        return total / self.days_with_data if self.days_with_data else None

    @property
    def daily_pv(self) -> float | None:
        return self.daily_average(self.pv)

    @property
    def daily_visits(self) -> float | None:
        return self.daily_average(self.visits)

    @property
    def daily_visitors(self) -> float | None:
        return self.daily_average(self.visitor_days)


def traffic_summary(db: Database, site_id: int, period: Period, top: int | None = None) -> TrafficSummary:
    days = stats_repo.traffic_days_between(db, site_id, period.start, period.end)
    distinct: set[int] = set()
    for day in days:
        distinct |= day.visitors
    limit = top if top is not None else traffic_rules().top_columns
    columns = stats_repo.column_pv_between(db, site_id, period.start, period.end)[:limit] if days else []
    return TrafficSummary(
        period=period,
        days_with_data=len(days),
        pv=sum(d.pv for d in days),
        visits=sum(d.visits for d in days),
        bounces=sum(d.bounces for d in days),
        visitors=len(distinct),
        visitor_days=sum(len(d.visitors) for d in days),
        hits=sum(d.hits for d in days),
        bot_hits=sum(d.bot_hits for d in days),
        top_columns=columns,
        daily=[DailyTraffic(d.day, d.pv, d.visits, len(d.visitors), d.bounces, d.hits, d.bot_hits) for d in days],
    )
