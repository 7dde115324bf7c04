"""Items published in a period, as far as a scan saw them (page facts ``listing`` and ``pub_date``).

An item is counted once, by URL: the dated rows of list pages and the publication dates of
article pages are merged. A scan sees what the site still lists, so the count is a lower bound
of what was published (items removed since, or beyond the crawl's limits, are missing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govinspect.stats.period import Period
from govinspect.store.db import Database


@dataclass
class PublishedItems:
    scan_id: int
    total: int
    by_column: list[tuple[str, int]] = field(default_factory=list)


def _iso_day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10 or value.startswith("--"):
        return None  # "--05-12" (no year) cannot be placed in a year
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def published_items(db: Database, scan_id: int, period: Period) -> PublishedItems:
    scan = db.scan(scan_id)
    if scan is None:
        return PublishedItems(scan_id, 0)
    dated: dict[str, date] = {}
    column_of: dict[str, str] = {}
    for page in db.site_data(scan_id, scan.start_url).pages():
        facts = page.facts or {}
        listing = facts.get("listing")
        if isinstance(listing, dict) and listing.get("list"):
            column = str(listing.get("column_name") or "").strip()
            for item in listing.get("items") or []:
                if not isinstance(item, dict):
                    continue
                day = _iso_day(item.get("date"))
                url = item.get("url") or f"{page.url}#{item.get('title')}"
                if day is not None:
                    dated.setdefault(url, day)
                    if column:
                        column_of.setdefault(url, column)
        pub = facts.get("pub_date")
        if isinstance(pub, dict):
            day = _iso_day(pub.get("date"))
            if day is not None:
                dated[page.url] = day  # the article's own date beats a list row's
    counted = [url for url, day in dated.items() if period.start <= day <= period.end]
    columns = Counter(column_of[u] for u in counted if u in column_of)
    return PublishedItems(
        scan_id=scan_id,
        total=len(counted),
        by_column=sorted(columns.items(), key=lambda kv: (-kv[1], kv[0])),
    )
