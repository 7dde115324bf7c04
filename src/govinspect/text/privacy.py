"""privacy_leak: unmasked ID-card, mobile and bank-card numbers.

A number counts only when it is valid: an ID number needs a known province code, a real birth
date not after the monitoring time and (18 digits) the ISO 7064 check digit; a bank card needs
a known prefix and the Luhn check. Masked forms (5101********1234, 138****5678) never match
because the digit run is broken, and landlines (010-12345678) are no mobile numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from govinspect.text.data import TextDataError, expect_mapping, expect_number, expect_str_list
from govinspect.text.hits import Hit

_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{15})(?![0-9A-Za-z])")
# 13800138000, 138 0013 8000, 138-0013-8000, +86 13800138000
_MOBILE = re.compile(r"(?<![0-9A-Za-z+\-])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d{4}){2})(?![0-9A-Za-z])")
# 16–19 digits, possibly grouped by 4 with spaces or hyphens
_CARD = re.compile(r"(?<![0-9A-Za-z\-])(\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
LIST_NAME = "config.yaml privacy"


@dataclass(frozen=True)
class PrivacyConfig:
    provinces: frozenset[str]
    min_birth_year: int
    id15_context: tuple[str, ...]
    id15_window: int
    card_prefixes: tuple[str, ...]
    card_lengths: frozenset[int]
    card_exclude_before: tuple[str, ...]
    card_exclude_window: int

    @classmethod
    def from_data(cls, raw: Any, source: str) -> PrivacyConfig:
        data = expect_mapping(raw, source)
        provinces = data.get("id_province_codes")
        if not isinstance(provinces, list) or not all(isinstance(p, int) and 10 <= p <= 99 for p in provinces):
            raise TextDataError(f"{source}：privacy.id_province_codes 应为两位数字的列表")
        lengths = data.get("bank_card_lengths")
        if not isinstance(lengths, list) or not all(isinstance(n, int) and 12 <= n <= 19 for n in lengths):
            raise TextDataError(f"{source}：privacy.bank_card_lengths 应为 12–19 之间的整数列表")
        prefixes = expect_str_list(data.get("bank_card_prefixes"), f"{source} privacy.bank_card_prefixes")
        if not all(p.isdigit() for p in prefixes):
            raise TextDataError(f"{source}：privacy.bank_card_prefixes 只能是数字")
        return cls(
            provinces=frozenset(str(p) for p in provinces),
            min_birth_year=int(expect_number(data.get("id_min_birth_year"), f"{source} id_min_birth_year")),
            id15_context=tuple(expect_str_list(data.get("id15_context"), f"{source} privacy.id15_context")),
            id15_window=int(expect_number(data.get("id15_context_window"), f"{source} id15_context_window", minimum=0)),
            card_prefixes=tuple(prefixes),
            card_lengths=frozenset(lengths),
            card_exclude_before=tuple(
                expect_str_list(data.get("bank_card_exclude_before"), f"{source} bank_card_exclude_before")
            ),
            card_exclude_window=int(
                expect_number(data.get("bank_card_exclude_window"), f"{source} bank_card_exclude_window", minimum=0)
            ),
        )


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class PrivacyScanner:
    def __init__(self, config: PrivacyConfig) -> None:
        self.config = config

    def _birth_ok(self, year: int, month: int, day: int, today: dt.date) -> bool:
        try:
            born = dt.date(year, month, day)
        except ValueError:
            return False
        return year >= self.config.min_birth_year and born <= today

    def valid_id18(self, number: str, today: dt.date) -> bool:
        if number[:2] not in self.config.provinces or number[2:6] == "0000":
            return False
        if not self._birth_ok(int(number[6:10]), int(number[10:12]), int(number[12:14]), today):
            return False
        return id_check_char(number[:17]) == number[17].upper()

    def valid_id15(self, number: str, today: dt.date) -> bool:
        if number[:2] not in self.config.provinces or number[2:6] == "0000":
            return False
        return self._birth_ok(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), today)

    def find(self, text: str, today: dt.date) -> list[Hit]:
        hits: list[Hit] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, kind: str, label: str, extra: dict[str, Any] | None = None) -> None:
            if any(start < e and s < end for s, e in taken):
                return
            taken.append((start, end))
            hits.append(
                Hit(
                    code="privacy_leak",
                    start=start,
                    end=end,
                    evidence=text[start:end],
                    suggestion=_masked(text[start:end], kind),
                    rule=label,
                    list_name=LIST_NAME,
                    extra={"kind": kind, **(extra or {})},
                )
            )

        for m in _ID18.finditer(text):
            if self.valid_id18(m.group(1), today):
                add(m.start(1), m.end(1), "id_card", "18位身份证号（地区码、出生日期、校验码均有效）")
        for m in _ID15.finditer(text):
            window = text[max(0, m.start() - self.config.id15_window) : m.start()]
            if self.valid_id15(m.group(1), today) and any(w in window for w in self.config.id15_context):
                add(m.start(1), m.end(1), "id_card", "15位身份证号（地区码、出生日期有效，附近有证件字样）")
        for m in _CARD.finditer(text):
            digits = re.sub(r"[ -]", "", m.group(1))
            if len(digits) not in self.config.card_lengths or not digits.startswith(self.config.card_prefixes):
                continue
            before = text[max(0, m.start() - self.config.card_exclude_window) : m.start()]
            if any(w in before for w in self.config.card_exclude_before) or not luhn_ok(digits):
                continue
            add(m.start(1), m.end(1), "bank_card", "银行卡号（卡号前缀与 Luhn 校验有效）")
        for m in _MOBILE.finditer(text):
            add(m.start(1), m.end(1), "mobile", "手机号码（未打码）")
        hits.sort(key=lambda h: h.start)
        return hits


def _masked(number: str, kind: str) -> str:
    """How the number should have been published."""
    digits = [c for c in number if c.isalnum()]
    keep_head, keep_tail = {"id_card": (4, 4), "bank_card": (4, 4), "mobile": (3, 4)}[kind]
    masked = digits[:keep_head] + ["*"] * (len(digits) - keep_head - keep_tail) + digits[-keep_tail:]
    return "".join(masked)
