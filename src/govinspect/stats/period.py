"""Reporting periods: a year (2026), a quarter (2026Q2), a month (2026-05) or explicit dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from govinspect.stats.errors import StatsError

_QUARTER_RE = re.compile(r"^(\d{4})\s*[Qq季]\s*([1-4])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_before(self) -> datetime:
        """The first moment after the period (for half-open queries on naive local times)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def year(value: int) -> Period:
    if not 1990 <= value <= 2999:
        raise StatsError(f"年份无效：{value}")
    return Period(date(value, 1, 1), date(value, 12, 31), f"{value}年")


def quarter(text: str) -> Period:
    match = _QUARTER_RE.match(text.strip())
    if not match:
        raise StatsError(f"季度写法无效：{text}（应如 2026Q2）")
    y, q = int(match.group(1)), int(match.group(2))
    start = date(y, 3 * q - 2, 1)
    return Period(start, add_months(start, 3) - timedelta(days=1), f"{y}年第{'一二三四'[q - 1]}季度")


def month(text: str) -> Period:
    match = _MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise StatsError(f"月份写法无效：{text}（应如 2026-05）")
    start = date(int(match.group(1)), int(match.group(2)), 1)
    return Period(start, add_months(start, 1) - timedelta(days=1), f"{start.year}年{start.month}月")


def parse_day(text: str) -> date:
    match = _DATE_RE.match(text.strip())
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise StatsError(f"日期写法无效：{text}（应如 2026-04-01）")


def between(start: str, end: str) -> Period:
    first, last = parse_day(start), parse_day(end)
    if last < first:
        raise StatsError(f"结束日期 {end} 早于开始日期 {start}")
    return Period(first, last, f"{first.isoformat()} 至 {last.isoformat()}")


def choose(
    *, year_value: int | None = None, quarter_text: str | None = None, month_text: str | None = None,
    start: str | None = None, end: str | None = None,
) -> Period:
    """Exactly one way of naming the period, from the command line."""
    given = [x is not None for x in (year_value, quarter_text, month_text)] + [start is not None or end is not None]
    if sum(given) != 1:
        raise StatsError("请只用一种方式指定统计期间：--year、--quarter、--month 或 --from/--to")
    if year_value is not None:
        return year(year_value)
    if quarter_text is not None:
        return quarter(quarter_text)
    if month_text is not None:
        return month(month_text)
    if start is None or end is None:
        raise StatsError("--from 与 --to 须同时给出")
    return between(start, end)
