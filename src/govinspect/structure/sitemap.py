"""One pass over a finished crawl, keeping what the column, home-page and sub-site analyses need.

The store streams pages and links; this module reads each stream once and keeps small per-URL
summaries (a date, a listing, a navigation), so memory stays proportional to the number of pages,
not to their HTML.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from govinspect.checks.site import SiteData
from govinspect.crawl.urls import BadURL, normalize
from govinspect.parse.dates import parse_fact_date, resolve_month_day
from govinspect.structure.rules import column_kind_rules, date_rules, listing_rules


@cache
def _list_file() -> re.Pattern[str]:
    return re.compile(listing_rules().list_file_pattern, re.I)


def column_key(url: str) -> str:
    """The URL that names a column: its list pages' directory, pagination dropped.

    /col/tzgg/index_3.html → /col/tzgg/ ; /list.jsp?cid=5&page=2 → /list.jsp?cid=5
    """
    parts = urlsplit(url)
    page_keys = {k.lower() for k in listing_rules().page_query_keys}
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in page_keys]
    path = parts.path
    last = path.rsplit("/", 1)[-1]
    if not query and _list_file().match(last):  # with a query left, the file is the column's endpoint
        path = path[: len(path) - len(last)]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def is_first_list_page(url: str) -> bool:
    """index.html rather than index_3.html (the page a column is reported on)."""
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    match = _list_file().match(last)
    return bool(match and not match.group(2)) or last == ""


def item_date(value: Any, today: date) -> date | None:
    """A list item's stored date (ISO, or --MM-DD without a year) as a date not in the future."""
    if not isinstance(value, str):
        return None
    if value.startswith("--") and len(value) == 7:
        try:
            return resolve_month_day(int(value[2:4]), int(value[5:7]), today)
        except ValueError:
            return None
    found = parse_fact_date(value)
    if found is None or found > today + timedelta(days=date_rules().future_tolerance_days):
        return None
    return found


@dataclass
class ListPage:
    url: str
    listing: dict[str, Any]
    breadcrumb: list[dict[str, Any]]
    meta_name: str | None = None


@dataclass
class SiteMap:
    """What the structure analyses keep of a crawl."""

    start_url: str
    pub_dates: dict[str, date] = field(default_factory=dict)  # page URL → publication date
    list_pages: dict[str, list[ListPage]] = field(default_factory=dict)  # column key → its list pages
    home_like: dict[str, dict[str, Any]] = field(default_factory=dict)  # directory-index pages → facts
    link_texts: dict[str, Counter[str]] = field(default_factory=dict)  # column key → texts of links to it
    links_from: dict[str, set[str]] = field(default_factory=dict)  # list or home page → its link targets
    kinds: Counter[str] = field(default_factory=Counter)
    # per template (fact ``template``): first page, its viewport fact, number of pages
    templates: dict[str, TemplateGroup] = field(default_factory=dict)
    # per footer (fact ``footer.signature``): first page, its footer fact, number of pages
    footers: dict[str, TemplateGroup] = field(default_factory=dict)
    # article pages: (URL, review roles named, review text as printed)
    articles: list[tuple[str, list[str], str | None]] = field(default_factory=list)
    # message-board data: (page URL, message fact)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class TemplateGroup:
    signature: str
    first_url: str
    first_facts: dict[str, Any] = field(default_factory=dict)
    pages: int = 0
    first_hash: str | None = None  # content hash of the first page


def _group(
    groups: dict[str, TemplateGroup], signature: str, url: str, facts: dict[str, Any], content_hash: str | None
) -> None:
    group = groups.get(signature)
    if group is None:
        group = groups[signature] = TemplateGroup(signature, url, facts, first_hash=content_hash)
    group.pages += 1


def _normal(url: str) -> str:
    try:
        return normalize(url)
    except BadURL:
        return url


def _is_directory_index(url: str) -> bool:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last == "" or (last.startswith(("index.", "default.")) and "_" not in last)


def _links_needed(result: SiteMap, start: str) -> bool:
    """Links name columns known only by their title, and date a home page without dated items."""
    for pages in result.list_pages.values():
        if not any(p.listing.get("column_name_source") in {"meta", "breadcrumb"} for p in pages):
            return True
    home = result.home_like.get(start)
    return home is None or not (home.get("listing") or {}).get("items")


def _home_info(facts: dict[str, Any]) -> dict[str, Any]:
    return {"listing": facts.get("listing") or {}, "nav": facts.get("nav") or []}


def _keep_page_facts(
    result: SiteMap, url: str, facts: dict[str, Any], kind: str, content_hash: str | None = None
) -> None:
    """What the template, footer, review-footer and message checks need of one page."""
    template = facts.get("template")
    if template:
        # no viewport fact (not extracted) is not "no viewport meta" ({"content": None}): judge neither
        shown = facts.get("viewport")
        _group(result.templates, str(template), url, {"viewport": shown} if shown is not None else {}, content_hash)
    footer = facts.get("footer")
    if isinstance(footer, dict):
        _group(result.footers, str(footer.get("signature") or template or ""), url, {"footer": footer}, content_hash)
    if kind == "article":
        review = facts.get("review_footer") or {}
        result.articles.append((url, list(review.get("roles") or []), review.get("text")))
    for message in facts.get("messages") or []:
        if isinstance(message, dict):
            result.messages.append((url, message))


def site_map(site: SiteData, ctx: Any) -> SiteMap:
    """The crawl read once for all structure checks of a context (kept in its cache)."""
    cache: dict[str, Any] = ctx.cache
    key = f"structure.sitemap.{id(site)}"
    if key not in cache:
        cache[key] = read_site(site, ctx.now.date())
    result: SiteMap = cache[key]
    return result


def read_site(site: SiteData, today: date) -> SiteMap:
    """One pass over the pages; the links are read only when a column or home page needs them."""
    start = _normal(site.start_url)
    result = SiteMap(start_url=start)
    list_urls: set[str] = set()
    for record in site.pages():
        if not record.ok or not record.facts:
            continue
        facts = record.facts
        url = record.url
        kind = facts.get("page_kind") or "other"
        result.kinds[kind] += 1
        _keep_page_facts(result, url, facts, kind, record.content_hash)
        if kind == "article":
            published = parse_fact_date((facts.get("pub_date") or {}).get("date"))
            if published is not None and published <= today + timedelta(
                days=date_rules().future_tolerance_days
            ):
                result.pub_dates[url] = published
        listing = facts.get("listing") or {}
        if url == start:
            result.home_like[url] = _home_info(facts)
            continue
        if listing.get("list") or listing.get("empty"):
            page = ListPage(url, listing, list(facts.get("breadcrumb") or []))
            result.list_pages.setdefault(column_key(url), []).append(page)
            list_urls.add(url)
        if _is_directory_index(url) and kind != "article" and facts.get("nav"):
            # a candidate sub-site home (one with a single news list looks like a list page too)
            result.home_like[url] = _home_info(facts)
    if not _links_needed(result, start):
        return result
    keep_from = list_urls | set(result.home_like)
    skip_texts = set(column_kind_rules().non_name_link_texts)
    texts: dict[str, Counter[str]] = defaultdict(Counter)
    links_from: dict[str, set[str]] = defaultdict(set)
    for link in site.links():
        if link.category != "link":
            continue
        target = link.target_url
        if (
            link.text
            and link.text not in skip_texts
            and len(link.text) <= 20
            and (target in list_urls or is_first_list_page(target))
        ):
            key = column_key(target)
            if key in result.list_pages:
                texts[key][link.text] += 1
        if link.page_url in keep_from:
            links_from[link.page_url].add(target)
    result.link_texts = dict(texts)
    result.links_from = dict(links_from)
    return result
