"""policy_expired_unlabeled: a policy document whose validity period has ended (relative to the
monitoring time point) while the page does not say 失效/废止.

It depends on the monitoring date, so in the scan it is a site check over the stored ``policy``
fact: an incremental scan reuses an unchanged page's findings, yet a policy may expire between two
scans of the same bytes. check-html judges its one page with the page check ``policy_validity_page``.
policy_interpretation_missing (a notice, a code govinspect adds to findings.md): a policy document in
force with no link to its interpretation (政策解读) — assessors expect the two published together and
linked both ways (关联发布).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.extractors.policy import PolicyInfo, policy_info
from govinspect.parse.page import ParsedPage


def expired_finding(url: str, info: PolicyInfo, today: date) -> Finding | None:
    if info.valid_until is None or info.labelled_ended or info.valid_until >= today:
        return None
    return Finding(
        "policy_expired_unlabeled",
        page=url,
        evidence=info.until_text,
        suggestion="在页面标注“已失效”或“已废止”，并将有效性改为失效",
        detail={
            "valid_until": info.valid_until.isoformat(),
            "days_expired": (today - info.valid_until).days,
            "validity": info.validity,
            "issued": info.issued.isoformat() if info.issued else None,
        },
    )


@site_check("policy_validity", "policy_expired_unlabeled")
def check_policy_validity(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    today = ctx.now.date()
    for record in site.pages():
        fact = record.facts.get("policy") if record.ok else None
        if isinstance(fact, dict) and (found := expired_finding(record.url, PolicyInfo.from_fact(fact), today)):
            yield found


@page_check("policy_validity_page", "policy_expired_unlabeled")
def check_policy_validity_page(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only: in the scan ``policy_validity`` judges the stored facts."""
    info = policy_info(page) if ctx.offline else None
    found = expired_finding(page.url, info, ctx.now.date()) if info else None
    return [found] if found else []


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
