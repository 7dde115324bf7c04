"""footer_info_missing: the footer lacks 网站标识码, ICP备案号, 公安机关备案号, 党政机关标识 or 主办单位
(``detail.item``: site_code, icp, psb_filing, party_gov_logo, sponsor).

Judged per footer template: a (sub-)site includes one footer into all its page layouts, so pages
that show the same footer items with the same values (fact ``footer.signature``) form one footer
template, reported once on its first page, not on every page built from it. check-html judges the
one page it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.extractors.layout import footer_items, template_signature
from govinspect.parse.page import ParsedPage
from govinspect.structure.config import config_from
from govinspect.structure.rules import footer_rules
from govinspect.structure.templates import footer_groups


def missing_items(
    url: str, footer: dict[str, Any], required: tuple[str, ...], extra: dict[str, Any]
) -> Iterator[Finding]:
    items = footer_rules().items
    for item in required:
        if footer.get(item):
            continue
        detail: dict[str, Any] = {"item": item, "label": items[item].label} | extra
        if item == "site_code" and footer.get("site_code_meta"):
            detail["meta_site_code"] = footer["site_code_meta"]  # only in <meta name="SiteIDCode">
        yield Finding("footer_info_missing", page=url, evidence=None, detail=detail)


@site_check("footer", "footer_info_missing")
def check_footer(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    """Each distinct footer (fact ``footer.signature``) judged once, on the first page showing it."""
    required = config_from(ctx).footer_items
    for group in footer_groups(site, ctx):
        extra = {"template": group.signature, "template_pages": group.pages}
        yield from missing_items(group.first_url, group.first_facts["footer"], required, extra)


@page_check("footer_page", "footer_info_missing")
def check_footer_page(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only: in the scan the site check reports each template once."""
    if not ctx.offline:
        return []
    required = config_from(ctx).footer_items
    return list(missing_items(page.url, footer_items(page), required, {"template": template_signature(page)}))
