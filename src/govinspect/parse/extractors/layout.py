"""Facts about a page's template: ``template`` (a signature shared by pages built from the same
template), ``viewport`` (the mobile viewport meta) and ``footer`` (网站标识码, ICP备案, 公安备案,
党政机关标识, 主办单位 as found).

The signature hashes the page skeleton (tags, ids and classes of the first levels under <body>,
digits blanked) together with whether the page has a viewport and which footer items it shows, so
that a sub-site built on the same skeleton but with a different footer counts as its own template.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from govinspect.parse.extractors._memo import memo
from govinspect.parse.extractors.listing import is_missing_page
from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage, clean_text
from govinspect.structure.rules import footer_rules

# the first three levels under <body>: layout, not content
_SKELETON_SELECTOR = "body > *, body > * > *, body > * > * > *"
_SKIP_TAGS = frozenset({"script", "style", "noscript", "link", "meta", "template", "-text", "-comment", "br"})
_DIGITS = re.compile(r"\d+")
_FIXED_WIDTH = re.compile(r"(?:^|[,;\s])width\s*=\s*(\d+)", re.I)


def _skeleton(page: ParsedPage) -> set[str]:
    """tag#id.classes of the elements in the first levels under <body>, digits blanked."""
    shape: set[str] = set()
    for node in page.tree.css(_SKELETON_SELECTOR):
        tag = node.tag
        if tag is None or tag in _SKIP_TAGS:
            continue
        classes = " ".join(sorted((node.attributes.get("class") or "").split()))
        shape.add(_DIGITS.sub("N", f"{tag}#{node.id or ''}.{classes}"))
    return shape


def viewport(page: ParsedPage) -> str | None:
    """The viewport meta's content (the last one wins, as in browsers); None when there is none."""
    found: str | None = None
    for node in page.tree.css("meta[name]"):
        if (node.attributes.get("name") or "").strip().lower() == "viewport":
            found = clean_text(node.attributes.get("content"))
    return found


def viewport_fits(content: str | None, screen_width: int) -> bool:
    """A viewport fits a phone unless it is missing or fixes a layout wider than the screen."""
    if content is None:
        return False
    match = _FIXED_WIDTH.search(content)
    return not (match and int(match.group(1)) > screen_width)


@cache
def _compiled() -> tuple[dict[str, tuple[re.Pattern[str], ...]], dict[str, tuple[re.Pattern[str], ...]], str]:
    rules = footer_rules()
    text_patterns = {k: tuple(re.compile(p, re.I) for p in v.patterns) for k, v in rules.items.items()}
    html_patterns = {k: tuple(re.compile(p, re.I) for p in v.html_patterns) for k, v in rules.items.items()}
    selector = ", ".join(["footer"] + [f"[class*={m}], [id*={m}]" for m in rules.footer_markers])
    return text_patterns, html_patterns, selector


def footer_text(page: ParsedPage, *, elements: bool = True) -> str:
    """The page's last text blocks plus (``elements``) the text of footer-like elements."""
    rules = footer_rules()
    _, _, selector = _compiled()
    parts = page.text_blocks[-rules.footer_blocks :]
    if not elements:
        return "\n".join(parts)
    seen = 0
    for node in page.tree.css(selector):
        if node.tag in {"script", "style"}:
            continue
        text = clean_text(node.text(deep=True, separator=" "))
        if text and len(text) <= 3000:
            parts.append(text)
            seen += len(text)
            if seen > 20_000:
                break
    return "\n".join(parts)


def _first_value(patterns: tuple[re.Pattern[str], ...], keywords: list[str], text: str) -> str | None:
    """The first pattern match in the text around the item's keywords (a short window each)."""
    for keyword in keywords:
        start = text.find(keyword)
        while start >= 0:
            window = text[max(0, start - 50) : start + 120]
            for pattern in patterns:
                match = pattern.search(window)
                if match:
                    return clean_text(match.groupdict().get("value") or match.group(0))
            start = text.find(keyword, start + 1)
    return None


def footer_items(page: ParsedPage) -> dict[str, str | bool | None]:
    return memo(page, "footer", _footer_items)


def _footer_items(page: ParsedPage) -> dict[str, str | bool | None]:
    text_patterns, html_patterns, _ = _compiled()
    found: dict[str, str | bool | None] = {}
    # the last text blocks usually hold the whole footer; footer elements are read only when not
    texts: list[str | None] = [footer_text(page, elements=False), None]
    for item, patterns in text_patterns.items():
        value: str | bool | None = None
        for index in (0, 1):
            if not patterns:
                break
            if texts[index] is None:
                texts[index] = footer_text(page)
            value = _first_value(patterns, footer_rules().items[item].keywords, texts[index] or "")
            if value is not None:
                break
        if value is None and any(p.search(page.html) for p in html_patterns[item]):
            value = True
        found[item] = value
    # footers are included from one file per (sub-)site: pages showing the same items with the same
    # values share one footer, judged once
    basis = json.dumps([urlsplit(page.url).netloc, found], ensure_ascii=False, sort_keys=True)
    found["signature"] = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
    if not found.get("site_code"):
        # the visible footer lacks it; the meta tag is kept as a hint, not as the item
        found["site_code_meta"] = page.meta.get("siteidcode") or None
    return found


def template_signature(page: ParsedPage) -> str:
    return memo(page, "template", _template_signature)


def _template_signature(page: ParsedPage) -> str:
    shape = _skeleton(page)
    footer = footer_items(page)
    present = ",".join(k for k in sorted(footer) if footer[k] and k not in {"site_code_meta", "signature"})
    basis = "\n".join(sorted(shape)) + f"\nviewport={viewport(page) is not None}\nfooter={present}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


@fact("template")
def template_fact(page: ParsedPage) -> str | None:
    return None if is_missing_page(page) else template_signature(page)


@fact("viewport")
def viewport_fact(page: ParsedPage) -> dict[str, Any] | None:
    return None if is_missing_page(page) else {"content": viewport(page)}


@fact("footer")
def footer_fact(page: ParsedPage) -> dict[str, str | bool | None] | None:
    return None if is_missing_page(page) else footer_items(page)
