"""Article norms: review_footer_missing (三审信息) and attachment_name_unclear (附件命名).

attachment_name_unclear needs one page: a page check everywhere. review_footer_missing depends on
whether the site requires the footer (its setting ``require_review_footer``; unset: inferred from
the share of its articles that carry one), so in the scan it is a site check over the
``review_footer`` facts; check-html applies it to the page only when the setting is true.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.extractors.article_norms import ROLE_LABELS, review_footer_fact
from govinspect.parse.page import ParsedPage, extension_of
from govinspect.structure.config import config_from
from govinspect.structure.rules import article_norm_rules
from govinspect.structure.sitemap import site_map

_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _unclear_patterns() -> tuple[frozenset[str], tuple[re.Pattern[str], ...], frozenset[str]]:
    rules = article_norm_rules()
    return (
        frozenset(rules.bare_words),
        tuple(re.compile(p, re.I) for p in rules.unclear_patterns),
        frozenset(e.lower() for e in rules.raw_name_extensions),
    )


def unclear_reason(text: str) -> str | None:
    """Why an attachment's link text says nothing about the file, or None when it is fine."""
    words, patterns, extensions = _unclear_patterns()
    name = text.strip().strip("[]【】()（）<>《》\"'“”").strip()
    if not name:
        return None  # an icon beside a named link: nothing to judge
    if name in words:
        return "bare_word"
    if any(p.match(name) for p in patterns):
        return "bare_word" if name.startswith("附") else "raw_name"
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in extensions and not _CJK.search(stem):
        return "raw_name"
    return None


@page_check("attachment_names", "attachment_name_unclear")
def check_attachment_names(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for link in page.links:
        if link.kind != "attachment":
            continue
        reason = unclear_reason(link.text)
        if reason is None or (link.url, link.text) in seen:
            continue
        seen.add((link.url, link.text))
        out.append(
            Finding(
                "attachment_name_unclear",
                page=page.url,
                target=link.url,
                evidence=link.text,
                suggestion="以附件的完整文件名称作为链接文字，如“《某某实施方案》（"
                + (extension_of(link.url).upper() or "文件")
                + "）”",
                detail={"rule": reason},
            )
        )
    return out


def _missing_finding(
    url: str, roles: list[str], printed: str | None, required: list[str], why: str
) -> Finding:
    missing = [ROLE_LABELS[r] for r in required if r not in roles]
    return Finding(
        "review_footer_missing",
        page=url,
        evidence=printed,
        detail={"missing": missing, "required": [ROLE_LABELS[r] for r in required], "basis": why},
    )


@site_check("review_footer", "review_footer_missing")
def check_review_footer(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    config = config_from(ctx)
    if config.require_review_footer is False:
        return
    articles = site_map(site, ctx).articles
    if not articles:
        return
    carrying = [a for a in articles if a[1]]
    if config.require_review_footer:
        required = list(ROLE_LABELS)
        why = "站点设置要求标注三审信息"
    else:
        share = len(carrying) / len(articles)
        if len(articles) < config.review_footer_min_articles or share < config.review_footer_share:
            return
        # the roles most articles name are the ones this site prints
        counts = Counter(role for _, roles, _ in carrying for role in roles)
        required = [r for r in ROLE_LABELS if counts[r] / len(articles) >= config.review_footer_share]
        why = f"本站 {len(carrying)}/{len(articles)} 篇文章标注了三审信息"
    for url, roles, printed in articles:
        if any(r not in roles for r in required):
            yield _missing_finding(url, roles, printed, required, why)


@page_check("review_footer_page", "review_footer_missing")
def check_review_footer_page(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only, and only when the site's settings require the footer."""
    if not ctx.offline or not config_from(ctx).require_review_footer:
        return []
    fact = review_footer_fact(page)
    if fact is None:
        return []
    roles = list(fact["roles"])
    required = list(ROLE_LABELS)
    if all(r in roles for r in required):
        return []
    return [_missing_finding(page.url, roles, fact["text"], required, "站点设置要求标注三审信息")]
