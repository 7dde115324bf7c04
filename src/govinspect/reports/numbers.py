"""Numbers as Chinese official documents write them: 一、二、…, 76.11%, 3.21, 1.5天."""

from __future__ import annotations

from datetime import date, datetime

from govinspect.workflow.clock import china

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (the outline numbers 一、 and （一）)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def percent(value: float | None, digits: int = 2) -> str:
    return f"{value * 100:.{digits}f}%" if value is not None else "—"


def decimal(value: float | None, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if value is not None else "—"


def days(value: float | None) -> str:
    """Days to one decimal, without a trailing .0 (1 天, 1.5 天)."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def day_text(value: datetime | date | None) -> str:
    """A date as the tables show it (China time for moments)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return china(value).strftime("%Y-%m-%d")
    return value.isoformat()


def chinese_date(day: date, template: str) -> str:
    """The signature date: 2026年7月5日 (no leading zeros)."""
    return template.format(year=day.year, month=day.month, day=day.day)
