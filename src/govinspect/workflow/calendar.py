"""Working days (工作日) and rectification deadlines.

China's working days follow the yearly holiday schedule with its 调休 (swapped weekend workdays);
the chinese-calendar package carries the published schedules. Outside its years, and when it is
not installed, Monday–Friday count; data/workflow/deadlines.yaml adds or corrects single days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from govinspect.findings import SEVERITIES
from govinspect.registry.model import RegistryError
from govinspect.workflow.clock import as_utc

_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class DeadlineRules:
    days: dict[str, int]
    zone: ZoneInfo
    extra_holidays: frozenset[date]
    extra_workdays: frozenset[date]


def _dates(raw: Any, key: str) -> frozenset[date]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list):
        raise RegistryError(f"deadlines.yaml：{key} 应为日期列表")
    out: set[date] = set()
    for item in raw:
        try:
            out.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError as exc:
            raise RegistryError(f"deadlines.yaml：{key} 中的 {item!r} 不是日期（YYYY-MM-DD）") from exc
    return frozenset(out)


@cache
def deadline_rules() -> DeadlineRules:
    raw = yaml.safe_load(resources.files("govinspect.data").joinpath("workflow/deadlines.yaml").read_text("utf-8"))
    days: dict[str, int] = {}
    for severity in SEVERITIES:
        entry = (raw.get("deadline_days") or {}).get(severity)
        value = entry.get("value") if isinstance(entry, dict) else entry
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RegistryError(f"deadlines.yaml：deadline_days.{severity} 应为不小于 0 的整数")
        days[severity] = value
    try:
        zone = ZoneInfo(str(raw.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RegistryError(f"deadlines.yaml：时区 {raw.get('timezone')!r} 无效") from exc
    return DeadlineRules(
        days=days,
        zone=zone,
        extra_holidays=_dates(raw.get("extra_holidays"), "extra_holidays"),
        extra_workdays=_dates(raw.get("extra_workdays"), "extra_workdays"),
    )


def is_workday(day: date, rules: DeadlineRules | None = None) -> bool:
    rules = rules or deadline_rules()
    if day in rules.extra_workdays:
        return True
    if day in rules.extra_holidays:
        return False
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def add_working_days(day: date, count: int, rules: DeadlineRules | None = None) -> date:
    """The ``count``-th working day after ``day`` (0: ``day`` itself, or the next working day)."""
    current = day
    if count == 0:
        while not is_workday(current, rules):
            current += timedelta(days=1)
        return current
    remaining = count
    while remaining:
        current += timedelta(days=1)
        if is_workday(current, rules):
            remaining -= 1
    return current


def days_for(severity: str, site_settings: dict[str, Any] | None = None) -> int:
    override = (site_settings or {}).get("deadline_days") or {}
    if severity in override:
        return int(override[severity])
    return deadline_rules().days.get(severity, deadline_rules().days["deduct"])


def deadline_for(severity: str, found_at: datetime, site_settings: dict[str, Any] | None = None) -> datetime:
    """End of the Nth working day after the day the problem was found (China time), as UTC."""
    rules = deadline_rules()
    found_day = as_utc(found_at).astimezone(rules.zone).date()
    due = add_working_days(found_day, days_for(severity, site_settings), rules)
    return as_utc(datetime.combine(due, _END_OF_DAY, tzinfo=rules.zone))
