"""broken_link and broken_resource: every link whose target failed, once per page and target."""

from __future__ import annotations

from collections.abc import Iterator

from govinspect.checks.registry import CheckContext, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding


@site_check("links", "broken_link", "broken_resource")
def broken_links(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    seen: set[tuple[str, str, str]] = set()
    for link in site.links(broken_only=True):
        code = "broken_link" if link.category == "link" else "broken_resource"
        key = (link.page_url, link.target_url, code)
        if key in seen:  # the same target twice on one page is one problem
            continue
        seen.add(key)
        detail: dict[str, object] = {"kind": link.kind}
        if link.target_status is not None:
            detail["status"] = link.target_status
        if link.target_error:
            detail["error"] = link.target_error
        yield Finding(
            code=code,
            page=link.page_url,
            target=link.target_url,
            evidence=link.text or None,
            detail=detail,
        )
