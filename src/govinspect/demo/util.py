"""Small helpers of the demo generator: Chinese numerals, date formats, ID-card check digits."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta, timezone

# Asia/Shanghai has had no daylight saving since 1991: a fixed +08:00 offset is the same clock
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (enough for outline and article numbers)."""
    if not 0 < n < 100:
        raise ValueError(f"超出范围的序号：{n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def monitoring_now(now: datetime | None) -> datetime:
    """The time point the demo's dates are relative to: given (naive means China time) or now."""
    if now is None:
        return datetime.now(CHINA_TZ)
    if now.tzinfo is None:
        return now.replace(tzinfo=CHINA_TZ)
    return now.astimezone(CHINA_TZ)


def iso(d: date) -> str:
    return d.strftime("%Y-%m-%d")


def compact(d: date) -> str:
    return d.strftime("%Y%m%d")


def month_day(d: date) -> str:
    return f"{d.month}月{d.day}日"


def long_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(body17: str) -> str:
    """The GB 11643 check character of an 18-digit resident ID number."""
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError(f"身份证号前17位应为数字：{body17}")
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def esc(text: str) -> str:
    return html.escape(text, quote=True)
