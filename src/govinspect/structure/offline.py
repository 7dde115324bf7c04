"""check-html: one page seen as a tiny crawl, so that site-level rules can judge a single page."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from govinspect.checks.site import LinkRecord, ListSiteData, PageRecord
from govinspect.parse.facts import all_extractors
from govinspect.parse.page import ParsedPage


def page_facts(page: ParsedPage) -> dict[str, Any]:
    """The page's facts: those the scan stored, else computed now by every extractor."""
    if page.facts:
        return dict(page.facts)
    facts: dict[str, Any] = {}
    for name, extractor in all_extractors().items():
        try:
            value = extractor(page)
        except Exception:  # a failing extractor only loses its own fact, as in the scan
            continue
        if value is not None:
            facts[name] = value
    return facts


def single_page_site(page: ParsedPage, start_url: str) -> ListSiteData:
    record = PageRecord(url=page.url, status=page.status, ok=True, title=page.title, facts=page_facts(page))
    links = [
        LinkRecord(page.url, link.url, link.kind, link.category, link.text, target_ok=None)
        for link in page.links
    ]
    return ListSiteData(start_url=start_url, page_list=[record], link_list=links)


def fresh_context(ctx: Any) -> Any:
    """A copy of the context whose cache holds nothing about other pages."""
    return dataclasses.replace(ctx, cache={})


def site_from_html(pages: dict[str, str], start_url: str) -> ListSiteData:
    """A crawl made of given pages (URL → HTML), facts extracted as the scan would: for saved
    copies of a site and for tests. Links to pages that are not given count as unchecked."""
    records: list[PageRecord] = []
    links: list[LinkRecord] = []
    for url, html in pages.items():
        page = ParsedPage(url=url, html=html)
        digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
        records.append(
            PageRecord(url=url, status=200, ok=True, title=page.title, facts=page_facts(page), content_hash=digest)
        )
        for link in page.links:
            ok = True if link.url in pages else None
            links.append(LinkRecord(url, link.url, link.kind, link.category, link.text, target_ok=ok))
    return ListSiteData(start_url=start_url, page_list=records, link_list=links)
