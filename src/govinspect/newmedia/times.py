"""Times as exports and feeds write them: Excel cells, ISO, 2026/3/1 10:00, 2026年3月1日, RFC 822.

A time without a zone is China time. Everything comes back as an aware UTC datetime.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, time, timedelta

from govinspect.workflow.clock import CHINA, as_utc

_EXCEL_EPOCH = datetime(1899, 12, 30)
_NUMERIC = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*$")


def _zone(text: str | None) -> object:
    if not text:
        return CHINA
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    from datetime import timezone

    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _build(parts: tuple[str | None, ...], zone: object) -> datetime | None:
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in parts)
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return as_utc(local.replace(tzinfo=zone))  # type: ignore[arg-type]


def parse_time(value: object) -> datetime | None:
    """The moment a cell or a feed field names, or None when it names none."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value if value.tzinfo else value.replace(tzinfo=CHINA))
    if isinstance(value, date):
        return as_utc(datetime.combine(value, time.min, tzinfo=CHINA))
    if isinstance(value, int | float) and not isinstance(value, bool):
        # an Excel serial day number in a cell not formatted as a date (1982 … 2119)
        if 30000 <= value <= 80000:
            return as_utc((_EXCEL_EPOCH + timedelta(days=float(value))).replace(tzinfo=CHINA))
        return None
    text = str(value).strip()
    if not text:
        return None
    match = _NUMERIC.match(text) or _COMPACT.match(text)
    if match:
        groups = match.groups()
        zone = _zone(groups[6]) if len(groups) > 6 else CHINA
        return _build(tuple(groups[:6]), zone)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None:
        return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=CHINA))
    try:
        moment = email.utils.parsedate_to_datetime(text)  # RSS pubDate: Tue, 03 Mar 2026 08:00:00 +0800
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def parse_day(value: object) -> date | None:
    """A calendar day (China time) from a cell or text; None when it names none."""
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None else value.astimezone(CHINA).date()
    if isinstance(value, date):
        return value
    moment = parse_time(value)
    return moment.astimezone(CHINA).date() if moment else None


def china_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(CHINA).date()


def day_start(day: date) -> datetime:
    return as_utc(datetime.combine(day, time.min, tzinfo=CHINA))
