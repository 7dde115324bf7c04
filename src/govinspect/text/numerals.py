"""Chinese numerals for small numbers: 20 → 二十, and back, for rules and outline numbering."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """1–99 as written in official names (十四五, 二十大); other numbers digit by digit."""
    if 1 <= n <= 9:
        return DIGITS[n]
    if 10 <= n <= 99:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else DIGITS[tens]
        return head + "十" + (DIGITS[ones] if ones else "")
    return "".join(DIGITS[int(d)] for d in str(n))


def from_chinese(text: str) -> int | None:
    """一…九十九 as an int; None when ``text`` is not such a numeral."""
    if not text:
        return None
    if len(text) == 1 and text in DIGITS[1:]:
        return DIGITS.index(text)
    if text == "十":
        return 10
    if "十" in text:
        head, _, tail = text.partition("十")
        if len(head) > 1 or len(tail) > 1 or (head and head not in DIGITS[1:]) or (tail and tail not in DIGITS[1:]):
            return None
        return (DIGITS.index(head) if head else 1) * 10 + (DIGITS.index(tail) if tail else 0)
    return None
