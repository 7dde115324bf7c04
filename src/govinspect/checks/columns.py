"""Column and home-page freshness: column_stale, column_empty, homepage_stale.

In the scan these are site checks over the column tree (structure/columns.py). In check-html the
single page is judged the same way: a list page as its column, a home page as its site's home.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.page import ParsedPage
from govinspect.structure.columns import Column, analyse_site, walk
from govinspect.structure.config import StructureConfig, config_from
from govinspect.structure.offline import fresh_context, single_page_site
from govinspect.structure.sitemap import SiteMap, column_key, item_date
from govinspect.structure.subsites import Home

_CODES = ("column_stale", "column_empty", "homepage_stale")


def column_findings(columns: list[Column], today: date) -> Iterator[Finding]:
    for column in walk(columns):
        base: dict[str, Any] = {"column": column.name, "kind": column.kind_label, "items": column.item_count}
        if column.subsite:
            base["home"] = column.home
        if column.status == "empty":
            yield Finding(
                "column_empty",
                page=column.url,
                evidence=column.empty_marker or column.name,
                detail=base | {"marker": column.empty_marker},
            )
        elif column.status == "stale":
            limit = column.limit.describe() if column.limit else None
            yield Finding(
                "column_stale",
                page=column.url,
                evidence=column.name,
                detail=base
                | {
                    "newest": column.newest.isoformat() if column.newest else None,
                    "newest_title": column.newest_title,
                    "days_since": column.days_since_newest(today),
                    "limit": limit,
                },
            )


def home_newest(
    home: Home, sitemap: SiteMap, columns: list[Column], today: date
) -> tuple[date | None, str | None]:
    """The newest dated item on a home page; for a navigation-only home, that of the pages it links to."""
    info = sitemap.home_like.get(home.url, {})
    newest: date | None = None
    title: str | None = None
    for item in (info.get("listing") or {}).get("items") or []:
        when = item_date(item.get("date"), today)
        if when is not None and (newest is None or when > newest):
            newest, title = when, item.get("title")
    if newest is not None:
        return newest, title
    by_key = {c.key: c for c in walk(columns)}
    for target in sitemap.links_from.get(home.url, ()):
        candidates = [sitemap.pub_dates.get(target)]
        column = by_key.get(column_key(target))
        if column is not None:
            candidates.append(column.newest)
        for when in candidates:
            if when is not None and (newest is None or when > newest):
                newest, title = when, None
    return newest, title


def homepage_findings(
    homes: list[Home], sitemap: SiteMap, columns: list[Column], config: StructureConfig, today: date
) -> Iterator[Finding]:
    limit = config.homepage_limit
    if limit is None:
        return
    for home in homes:
        if home.url not in sitemap.home_like:
            continue  # the home page was not crawled: nothing to judge
        newest, title = home_newest(home, sitemap, columns, today)
        if newest is None and not config.undated_column_stale:
            continue
        if newest is not None and newest >= limit.cutoff(today):
            continue
        yield Finding(
            "homepage_stale",
            page=home.url,
            evidence=title,
            detail={
                "newest": newest.isoformat() if newest else None,
                "days_since": (today - newest).days if newest else None,
                "limit": limit.describe(),
                "subsite": home.subsite,
                "home_rule": home.reason,
            },
        )


def _all_findings(site: SiteData, ctx: CheckContext) -> list[Finding]:
    sitemap, homes, columns = analyse_site(site, ctx)
    today = ctx.now.date()
    config = config_from(ctx)
    return list(column_findings(columns, today)) + list(
        homepage_findings(homes, sitemap, columns, config, today)
    )


@site_check("columns", *_CODES)
def check_columns(site: SiteData, ctx: CheckContext) -> Iterable[Finding]:
    return _all_findings(site, ctx)


@page_check("columns_page", *_CODES)
def check_columns_page(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only: in the scan the site check judges every column once."""
    if not ctx.offline:
        return []
    # check-html knows only the page's own address: the site's home is its host's root
    parts = urlsplit(page.url)
    root = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    return _all_findings(single_page_site(page, root), fresh_context(ctx))
