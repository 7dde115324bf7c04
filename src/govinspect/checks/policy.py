"""policy_expired_unlabeled: a policy document whose validity period has ended (relative to the
monitoring time point) while the page does not say 失效/废止.

Only one page is needed, so this is a page check: it runs in the scan and in check-html.
policy_interpretation_missing (a notice, a code govinspect adds to findings.md): a policy document in
force with no link to its interpretation (政策解读) — assessors expect the two published together and
linked both ways (关联发布).
"""

from __future__ import annotations

from collections.abc import Iterable

from govinspect.checks.registry import CheckContext, page_check
from govinspect.findings import Finding
from govinspect.parse.extractors.policy import policy_info
from govinspect.parse.page import ParsedPage


@page_check("policy_validity", "policy_expired_unlabeled")
def check_policy_validity(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    info = policy_info(page)
    if info is None or info.valid_until is None or info.labelled_ended:
        return []
    today = ctx.now.date()
    if info.valid_until >= today:
        return []
    return [
        Finding(
            "policy_expired_unlabeled",
            page=page.url,
            evidence=info.until_text,
            suggestion="在页面标注“已失效”或“已废止”，并将有效性改为失效",
            detail={
                "valid_until": info.valid_until.isoformat(),
                "days_expired": (today - info.valid_until).days,
                "validity": info.validity,
                "issued": info.issued.isoformat() if info.issued else None,
            },
        )
    ]


@page_check("policy_interpretation", "policy_interpretation_missing")
def check_policy_interpretation(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    info = policy_info(page)
    if info is None or info.interpretation_link or info.labelled_ended:
        return []
    return [
        Finding(
            "policy_interpretation_missing",
            page=page.url,
            evidence=page.title or None,
            suggestion="政策文件与其解读材料关联发布，并在两个页面互相链接",
            detail={"issued": info.issued.isoformat() if info.issued else None},
        )
    ]
