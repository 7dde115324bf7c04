"""Pages grouped by template (fact ``template``): the first page of each, and how many share it."""

from __future__ import annotations

from typing import Any

from govinspect.checks.site import SiteData
from govinspect.structure.sitemap import TemplateGroup, site_map


def template_groups(site: SiteData, ctx: Any) -> list[TemplateGroup]:
    """Templates in order of their first page (crawl order)."""
    return list(site_map(site, ctx).templates.values())


def footer_groups(site: SiteData, ctx: Any) -> list[TemplateGroup]:
    """Distinct footers (fact ``footer.signature``) in order of their first page."""
    return list(site_map(site, ctx).footers.values())
