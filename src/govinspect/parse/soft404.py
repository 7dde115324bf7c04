"""Soft 404: a page answered with 200 whose content says it does not exist."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from govinspect.parse.page import ParsedPage


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    raw = yaml.safe_load(resources.files("govinspect.data").joinpath("soft404.yaml").read_text("utf-8"))
    title = re.compile("|".join(raw["title_patterns"]), re.IGNORECASE)
    body = re.compile("|".join(raw["body_patterns"]), re.IGNORECASE)
    max_chars = int(raw["max_body_chars"])
    return title, body, max_chars


def is_soft_404(page: ParsedPage) -> bool:
    """True when the title says "not found", or a short page's text does.

    A long page that merely mentions 页面不存在 (an article about it) is not a soft 404.
    """
    title_re, body_re, max_chars = _patterns()
    if page.title and title_re.search(page.title):
        return True
    text = page.text
    return len(text) <= max_chars and bool(body_re.search(text))
