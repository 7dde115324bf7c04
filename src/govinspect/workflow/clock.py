"""Time in the workflow: stored in UTC, shown and counted in China time; always injectable."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def china(value: datetime) -> datetime:
    return as_utc(value).astimezone(CHINA)


def show(value: datetime | None) -> str:
    """A time as users read it: China time to the minute."""
    return china(value).strftime("%Y-%m-%d %H:%M") if value is not None else "—"
