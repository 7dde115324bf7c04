"""mobile_unfriendly: pages that do not fit a phone screen.

- Static rule (no network): a page without a viewport meta, or whose viewport fixes a width wider
  than the phone screen. In the scan it is judged once per template, on the template's first page
  (site check ``mobile_static``); check-html judges the page it is given.
- Browser rule (network): one page per template whose viewport passes is rendered in headless
  Chromium at the phone width (375 px by default) and its horizontal overflow measured. Without
  Chromium the scan keeps the static rule only and says so in its errors. An incremental scan
  reuses the last scan's measurement of a page whose content hash has not changed (the memo
  ``mobile_render``), so an unchanged site starts no browser; a full scan renders every time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.extractors.layout import template_signature, viewport, viewport_fits
from govinspect.parse.page import ParsedPage
from govinspect.structure.browser import BrowserUnavailable, Measurement, measure_pages
from govinspect.structure.config import config_from
from govinspect.structure.sitemap import TemplateGroup
from govinspect.structure.templates import template_groups

MEMO = "mobile_render"
NO_BROWSER = "no_browser"


def static_finding(url: str, content: str | None, width: int, extra: dict[str, Any]) -> Finding | None:
    if viewport_fits(content, width):
        return None
    rule = "no_viewport" if content is None else "fixed_width_viewport"
    return Finding(
        "mobile_unfriendly",
        page=url,
        evidence=content,
        suggestion='在 <head> 中加入 <meta name="viewport" content="width=device-width, initial-scale=1">',
        detail={"rule": rule, "method": "static", "screen_width": width} | extra,
    )


@page_check("mobile_viewport", "mobile_unfriendly")
def check_mobile_viewport(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only: in the scan ``mobile_static`` judges each template once."""
    if not ctx.offline:
        return []
    width = config_from(ctx).mobile_width
    found = static_finding(page.url, viewport(page), width, {"template": template_signature(page)})
    return [found] if found else []


def _viewport_of(facts: dict[str, Any]) -> str | None:
    value = facts.get("viewport") or {}
    content = value.get("content") if isinstance(value, dict) else None
    return str(content) if content is not None else None


@site_check("mobile_static", "mobile_unfriendly")
def check_mobile_static(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    width = config_from(ctx).mobile_width
    for group in template_groups(site, ctx):
        if "viewport" not in group.first_facts:
            continue
        extra = {"template": group.signature, "template_pages": group.pages}
        found = static_finding(group.first_url, _viewport_of(group.first_facts), width, extra)
        if found:
            yield found


@site_check("mobile_render", "mobile_unfriendly", network=True)
def check_mobile_render(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    config = config_from(ctx)
    width = config.mobile_width
    fitting = [
        g
        for g in template_groups(site, ctx)
        if "viewport" in g.first_facts and viewport_fits(_viewport_of(g.first_facts), width)
    ]
    # the templates most pages are built from first: they matter most when the cap is reached
    groups = sorted(fitting, key=lambda g: -g.pages)[: config.mobile_max_renders]
    if len(fitting) > len(groups):
        ctx.errors.append(f"页面模板共 {len(fitting)} 个，移动端只渲染了页面最多的 {len(groups)} 个")
    if not groups:
        return
    measured = _measurements(groups, width, config.mobile_overflow_tolerance, config.network_timeout * 2, ctx)
    for group, measurement in zip(groups, measured, strict=True):
        if measurement.error == NO_BROWSER:  # said once above
            continue
        if measurement.error:
            ctx.errors.append(f"移动端渲染 {measurement.url} 失败：{measurement.error}")
            continue
        overflow = measurement.overflow()
        if overflow <= config.mobile_overflow_tolerance:
            continue
        yield Finding(
            "mobile_unfriendly",
            page=group.first_url,
            evidence=None,
            suggestion="为宽表格、图片等设置 max-width:100% 或在手机上允许其横向滚动",
            detail={
                "rule": "overflow",
                "method": "browser",
                "screen_width": width,
                "page_width": measurement.page_width,
                "overflow_px": overflow,
                "widest_element": measurement.widest,
                "template": group.signature,
                "template_pages": group.pages,
            },
        )


def _remembered(groups: list[TemplateGroup], width: int, ctx: CheckContext) -> dict[str, Measurement]:
    """The last scan's measurements of first pages that have not changed since, at the same width."""
    memo = ctx.previous_memos.get(MEMO)
    if not isinstance(memo, dict) or memo.get("screen_width") != width:
        return {}
    pages = memo.get("pages") or {}
    found: dict[str, Measurement] = {}
    for group in groups:
        kept = pages.get(group.first_url)
        if group.first_hash and isinstance(kept, dict) and kept.get("hash") == group.first_hash:
            found[group.first_url] = Measurement(
                group.first_url, width, page_width=kept.get("page_width"), widest=kept.get("widest")
            )
    return found


def _measurements(
    groups: list[TemplateGroup], width: int, tolerance: int, timeout: float, ctx: CheckContext
) -> list[Measurement]:
    """One measurement per group: reused, rendered now, or (no browser) one saying it is missing.

    A remembered page that fitted is reused; one that overflowed is rendered again, since its fix often
    lies in a shared stylesheet, which leaves the page's own bytes (and hash) as they were. Without a
    browser the remembered measurement stands, so a problem is not closed for want of one."""
    remembered = _remembered(groups, width, ctx)
    known = {url: m for url, m in remembered.items() if m.overflow() <= tolerance}
    wanted = [g.first_url for g in groups if g.first_url not in known]
    if wanted:
        try:
            known |= {m.url: m for m in measure_pages(wanted, width, timeout)}
        except BrowserUnavailable as exc:
            ctx.errors.append(f"{exc}：移动端适配仅按静态规则（viewport）判断")
            known |= {url: remembered.get(url) or Measurement(url, width, error=NO_BROWSER) for url in wanted}
    hashes = {g.first_url: g.first_hash for g in groups}
    ctx.memos[MEMO] = {
        "screen_width": width,
        "pages": {
            url: {"hash": hashes[url], "page_width": m.page_width, "widest": m.widest}
            for url, m in known.items()
            if m.error is None and hashes.get(url)
        },
    }
    return [known[g.first_url] for g in groups]
