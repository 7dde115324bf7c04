"""Monitoring points and reporting periods as users type them, read in China time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from govinspect.registry.model import RegistryError
from govinspect.workflow.clock import CHINA, as_utc

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-年]?\s*[Qq第]?\s*([1-4])\s*(季度)?\s*$")


def parse_point(text: str) -> datetime:
    """``2026-03-31`` → the end of that day (China time); ``2026-03-31T10:00`` → that moment."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return as_utc(datetime.combine(day, time(23, 59, 59), tzinfo=CHINA))
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RegistryError(f"时间 {text!r} 无法识别（示例：2026-03-31 或 2026-03-31T18:00）") from exc
    return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=CHINA))


def _day_start(day: date) -> datetime:
    return as_utc(datetime.combine(day, time(0, 0), tzinfo=CHINA))


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise RegistryError(f"{option} 的日期 {text!r} 无法识别（示例：2026-01-01）") from exc


def quarter_bounds(text: str) -> tuple[datetime, datetime]:
    """``2026Q1`` / ``2026-Q1`` / ``2026年第1季度`` → [start, end) in UTC."""
    match = _QUARTER.match(text)
    if not match:
        raise RegistryError(f"季度 {text!r} 无法识别（示例：2026Q1）")
    year, quarter = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return _day_start(start), _day_start(end)


def period_bounds(start: str | None, end: str | None, quarter: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The period of a report: a quarter, or --from/--to days (both inclusive); default: this quarter."""
    if quarter:
        if start or end:
            raise RegistryError("--quarter 不能与 --from/--to 同时使用")
        return quarter_bounds(quarter)
    if start or end:
        first = parse_day(start, "--from") if start else date(2000, 1, 1)
        last = parse_day(end, "--to") if end else as_utc(now).astimezone(CHINA).date()
        if last < first:
            raise RegistryError("--to 早于 --from")
        return _day_start(first), _day_start(last + timedelta(days=1))
    today = as_utc(now).astimezone(CHINA).date()
    return quarter_bounds(f"{today.year}Q{(today.month - 1) // 3 + 1}")
