"""Fact ``policy`` on policy documents (索引号/文号/成文日期 tables): their validity field
(有效性：有效/失效/废止), marks that say they ended (已废止), and when their validity period ends,
read from the body (自2021年6月1日起施行，有效期2年 / 有效期至2025年12月31日).

``{"validity": "有效"|None, "ended_mark": str|None, "valid_until": ISO|None, "until_text": str|None,
"issued": ISO|None, "interpretation_link": bool}``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from govinspect.parse.dates import DATE_PATTERN, chinese_number, find_dates, parse_date
from govinspect.parse.extractors._memo import memo
from govinspect.parse.extractors.pubdate import page_pub_date
from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage, clean_text
from govinspect.structure.config import add_months
from govinspect.structure.rules import policy_rules, words_pattern

_NUM = r"(?P<num>\d{1,2}|[一二两三四五六七八九十]{1,3})"


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    validity: str | None
    ended_mark: str | None
    valid_until: date | None
    until_text: str | None
    issued: date | None
    interpretation_link: bool

    @property
    def labelled_ended(self) -> bool:
        rules = policy_rules()
        return self.ended_mark is not None or (
            self.validity is not None and any(v in self.validity for v in rules.ended_values)
        )

    @classmethod
    def from_fact(cls, fact: dict[str, Any]) -> PolicyInfo:
        """Back from ``to_fact`` (a stored page's facts)."""
        return cls(
            validity=fact.get("validity"),
            ended_mark=fact.get("ended_mark"),
            valid_until=_iso_date(fact.get("valid_until")),
            until_text=fact.get("until_text"),
            issued=_iso_date(fact.get("issued")),
            interpretation_link=bool(fact.get("interpretation_link")),
        )

    def to_fact(self) -> dict[str, Any]:
        return {
            "validity": self.validity,
            "ended_mark": self.ended_mark,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "until_text": self.until_text,
            "issued": self.issued.isoformat() if self.issued else None,
            "interpretation_link": self.interpretation_link,
        }


@cache
def _compiled() -> dict[str, Any]:
    rules = policy_rules()

    def fill(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern.replace("{date}", f"(?:{DATE_PATTERN})").replace("{num}", _NUM))

    return {
        "labels": [re.compile(re.escape(label)) for label in rules.document_labels],
        "validity": re.compile(rf"{words_pattern(rules.validity_labels)}\s*[：:]?\s*([^\s：:]{{2,8}})"),
        "issued": re.compile(rf"{words_pattern(rules.issue_date_labels)}\s*[：:]?\s*(?:{DATE_PATTERN})"),
        "until": [fill(p) for p in rules.until_patterns],
        "from_period": [fill(p) for p in rules.from_period_patterns],
    }


def is_policy_document(page: ParsedPage) -> bool:
    head = page.text[:6000]  # the metadata table stands above the body
    found = sum(1 for label in _compiled()["labels"] if label.search(head))
    return found >= policy_rules().min_document_labels


def _validity_field(text: str) -> str | None:
    rules = policy_rules()
    for match in _compiled()["validity"].finditer(text):
        value = match.group(1)
        for word in rules.ended_values + rules.valid_values:
            if value.startswith(word):
                return word
    return None


def _ended_mark(page: ParsedPage) -> str | None:
    rules = policy_rules()
    for mark in rules.ended_marks:
        if mark in page.title:
            return mark
    for block in page.text_blocks:
        if len(block) <= rules.ended_mark_max_chars:
            for mark in rules.ended_marks:
                if mark in block and not block.startswith(("原", "同时")):
                    return mark
    return None


def _years_later(start: date, years: int) -> date:
    """The last day of a period of ``years`` years from ``start`` (2021-06-01 + 2 → 2023-05-31)."""
    return add_months(start, 12 * years) - timedelta(days=1)


def validity_end(text: str, issued: date | None) -> tuple[date, str] | None:
    """The latest end of validity that the text states, with the statement as printed."""
    compiled = _compiled()
    ends: list[tuple[date, str]] = []
    for pattern in compiled["until"]:
        for match in pattern.finditer(text):
            dates = find_dates(match.group(0))
            if dates:
                ends.append((dates[-1].value, clean_text(match.group(0))))
    if not ends:
        for pattern in compiled["from_period"]:
            for match in pattern.finditer(text):
                years = (
                    chinese_number(match.group("num"))
                    if not match.group("num").isdigit()
                    else int(match.group("num"))
                )
                if not years:
                    continue
                dates = find_dates(match.group(0))
                start = dates[0].value if dates else issued
                if start is not None:
                    ends.append((_years_later(start, years), clean_text(match.group(0))))
            if ends:
                break  # the most specific pattern that matched decides
    if not ends:
        return None
    return max(ends, key=lambda e: e[0])


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def policy_info(page: ParsedPage) -> PolicyInfo | None:
    return memo(page, "policy", _policy_info)


def _policy_info(page: ParsedPage) -> PolicyInfo | None:
    if not is_policy_document(page):
        return None
    text = page.text
    issued_match = _compiled()["issued"].search(text)
    issued = parse_date(issued_match.group(0)) if issued_match else None
    if issued is None:
        published = page_pub_date(page)
        issued = published.value if published else None
    end = validity_end(text, issued)
    words = policy_rules().interpretation_words
    has_interpretation = any(link.kind == "a" and any(w in link.text for w in words) for link in page.links)
    return PolicyInfo(
        validity=_validity_field(text),
        ended_mark=_ended_mark(page),
        valid_until=end[0] if end else None,
        until_text=end[1] if end else None,
        issued=issued,
        interpretation_link=has_interpretation,
    )


@fact("policy")
def policy_fact(page: ParsedPage) -> dict[str, Any] | None:
    info = policy_info(page)
    return info.to_fact() if info else None
