"""Fact ``review_footer`` on article pages: which of the three reviews (三审：撰稿/审核/审签) the
page names, e.g. ``{"roles": ["writer", "reviewer"], "text": "撰稿：张三 审核：李四"}``."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from govinspect.parse.extractors.listing import page_kind
from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage
from govinspect.structure.rules import article_norm_rules, words_pattern

ROLE_LABELS = {"writer": "撰稿", "reviewer": "审核", "approver": "审签"}


@cache
def _role_patterns() -> dict[str, re.Pattern[str]]:
    return {
        role: re.compile(
            rf"{words_pattern(labels, guard_cjk=True)}\s*(?:人)?\s*[：:]\s*[^\s：:|，,。；;]{{1,20}}"
        )
        for role, labels in article_norm_rules().review_roles.items()
    }


def review_roles(text: str) -> tuple[list[str], list[str]]:
    """The roles named in ``text`` and the statements as printed (撰稿：张三)."""
    roles: list[str] = []
    printed: list[str] = []
    for role, pattern in _role_patterns().items():
        match = pattern.search(text)
        if match:
            roles.append(role)
            printed.append(match.group(0))
    return roles, printed


@fact("review_footer")
def review_footer_fact(page: ParsedPage) -> dict[str, Any] | None:
    if page_kind(page) != "article":
        return None
    roles, printed = review_roles(page.text)
    return {"roles": roles, "text": " ".join(printed) or None}
