"""The column tree (栏目树) of a crawled site, each column with its kind, items and newest date.

A column is found wherever the crawl met a list page (facts ``listing``); its paginated pages
(index.html, index_1.html …) share one column key. Its name comes from the ColumnName meta, the
links that lead to it, its breadcrumb or its title; its kind from that name (data/structure/
column_kinds.yaml), unless the site's settings say otherwise; its parent from its breadcrumb or,
failing that, from URL nesting. Each column's newest date is the newest item over all its list
pages (or, for lists without dates, the newest publication date of the articles they link to).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from rich.table import Table
from rich.text import Text

from govinspect.checks.site import SiteData
from govinspect.structure.config import IGNORE_KIND, Limit, StructureConfig, config_from
from govinspect.structure.rules import column_kind_rules
from govinspect.structure.sitemap import (
    ListPage,
    SiteMap,
    column_key,
    is_first_list_page,
    item_date,
    site_map,
)
from govinspect.structure.subsites import Home, find_homes, home_of

STATUS_LABELS = {
    "ok": "正常",
    "stale": "未及时更新",
    "empty": "空白栏目",
    "unknown": "无日期",
    "ignored": "不检查",
}


@dataclass
class Column:
    key: str
    url: str  # the first list page: where findings about the column are reported
    name: str
    kind: str
    kind_source: str  # 名称 | 设置 | 上级栏目 | 年份归档
    pages: list[str] = field(default_factory=list)
    item_count: int = 0
    count_is_lower_bound: bool = False
    newest: date | None = None
    newest_title: str | None = None
    newest_url: str | None = None
    empty_marker: str | None = None
    parent: str | None = None
    level: int = 1
    home: str | None = None
    subsite: bool = False
    limit: Limit | None = None
    status: str = "unknown"
    children: list[Column] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return column_kind_rules().kinds.get(self.kind, "不检查" if self.kind == IGNORE_KIND else self.kind)

    def days_since_newest(self, today: date) -> int | None:
        return (today - self.newest).days if self.newest else None


@cache
def _archive_pattern() -> re.Pattern[str]:
    return re.compile(column_kind_rules().archive_name_pattern)


def classify_name(name: str) -> str | None:
    """A column kind from the column's name, or None when no rule matches."""
    if _archive_pattern().match(name):
        return "other"
    for rule in column_kind_rules().rules:
        if any(word in name for word in rule.words):
            return rule.kind
    return None


def _column_name(key: str, pages: list[ListPage], sitemap: SiteMap) -> str:
    for source in ("meta", "breadcrumb"):
        for page in pages:
            if page.listing.get("column_name_source") == source and page.listing.get("column_name"):
                return str(page.listing["column_name"])
    votes: Counter[str] = sitemap.link_texts.get(key, Counter())
    if votes:
        return votes.most_common(1)[0][0]
    name = pages[0].listing.get("column_name")
    return str(name or key.rstrip("/").rsplit("/", 1)[-1] or key)


def _parent_key(pages: list[ListPage], key: str, keys: set[str]) -> str | None:
    for page in pages:
        crumbs = [c for c in page.breadcrumb if isinstance(c, dict) and c.get("url")]
        for crumb in reversed(crumbs):
            candidate = column_key(str(crumb["url"]))
            if candidate != key and candidate in keys:
                return candidate
    best: str | None = None
    for other in keys:
        if other != key and key.startswith(other) and (best is None or len(other) > len(best)):
            best = other
    return best


def _newest(column: Column, pages: list[ListPage], sitemap: SiteMap, today: date) -> None:
    count = 0
    lower_bound = False
    total: int | None = None
    for page in pages:
        listing = page.listing
        count += int(listing.get("count") or 0)
        if listing.get("total"):
            total = int(listing["total"])
        if listing.get("pages") and int(listing["pages"]) > len(pages):
            lower_bound = True
        if listing.get("empty") and not column.empty_marker:
            column.empty_marker = listing.get("empty_marker")
        for item in listing.get("items") or []:
            when = item_date(item.get("date"), today)
            if when is not None and (column.newest is None or when > column.newest):
                column.newest, column.newest_title, column.newest_url = (
                    when,
                    item.get("title"),
                    item.get("url"),
                )
    if column.newest is None and not column.empty_marker:
        # a list whose items carry no date: the newest article it links to
        for page in pages:
            for target in sitemap.links_from.get(page.url, ()):
                when = sitemap.pub_dates.get(target)
                if when is not None and (column.newest is None or when > column.newest):
                    column.newest, column.newest_title, column.newest_url = when, None, target
    column.item_count = total if total is not None else count
    column.count_is_lower_bound = lower_bound and total is None


def _kind(name: str, column_url: str, key: str, config: StructureConfig) -> tuple[str, str] | None:
    for override_key in (key, column_url, name):
        if override_key in config.column_kind_overrides:
            return config.column_kind_overrides[override_key], "设置"
    if _archive_pattern().match(name):
        return "other", "年份归档"
    kind = classify_name(name)
    return (kind, "名称") if kind else None


def _status(column: Column, config: StructureConfig, today: date) -> str:
    if column.kind == IGNORE_KIND:
        return "ignored"
    if column.item_count == 0 and column.newest is None and column.empty_marker:
        return "empty"
    if column.newest is None:
        return "stale" if (config.undated_column_stale and column.limit is not None) else "unknown"
    if column.limit is not None and column.newest < column.limit.cutoff(today):
        return "stale"
    return "ok"


def build_columns(sitemap: SiteMap, config: StructureConfig, today: date, homes: list[Home]) -> list[Column]:
    """All columns, as a forest: top-level columns in URL order, each with its children."""
    home_urls = {h.url for h in homes}
    keys = {k for k, pages in sitemap.list_pages.items() if not any(p.url in home_urls for p in pages)}
    columns: dict[str, Column] = {}
    for key in sorted(keys):
        pages = sorted(
            sitemap.list_pages[key], key=lambda p: (not is_first_list_page(p.url), len(p.url), p.url)
        )
        name = _column_name(key, pages, sitemap)
        column = Column(key=key, url=pages[0].url, name=name, kind="other", kind_source="名称")
        column.pages = [p.url for p in pages]
        _newest(column, pages, sitemap, today)
        column.parent = _parent_key(pages, key, keys)
        home = home_of(column.url, homes)
        column.home, column.subsite = home.url, home.subsite
        found = _kind(name, column.url, key, config)
        if found is not None:
            column.kind, column.kind_source = found
        else:
            column.kind_source = ""  # decided after the parents (inherit their kind)
        columns[key] = column
    roots: list[Column] = []
    for key in sorted(columns):
        column = columns[key]
        parent = columns.get(column.parent or "")
        if parent is not None:
            parent.children.append(column)
        else:
            column.parent = None
            roots.append(column)

    def settle(column: Column, level: int, parent_kind: str | None) -> None:
        column.level = level
        if not column.kind_source:
            column.kind, column.kind_source = (parent_kind, "上级栏目") if parent_kind else ("other", "名称")
        if column.kind != IGNORE_KIND:
            column.limit = config.limit_for(column.kind, column.url, column.name)
        column.status = _status(column, config, today)
        for child in column.children:
            settle(child, level + 1, column.kind if column.kind not in {"other", IGNORE_KIND} else None)

    for root in roots:
        settle(root, 1, None)
    return roots


def walk(columns: list[Column]) -> list[Column]:
    """Every column of the forest, parents before their children."""
    out: list[Column] = []
    stack = list(reversed(columns))
    while stack:
        column = stack.pop()
        out.append(column)
        stack.extend(reversed(column.children))
    return out


def analyse_site(site: SiteData, ctx: Any) -> tuple[SiteMap, list[Home], list[Column]]:
    """The crawl read once, its homes and its column tree; kept in the context's cache."""
    cache: dict[str, Any] = ctx.cache
    key = f"structure.analysis.{id(site)}"
    if key not in cache:
        config = config_from(ctx)
        today = ctx.now.date()
        sitemap = site_map(site, ctx)
        homes = find_homes(sitemap, config.subsites)
        cache[key] = (sitemap, homes, build_columns(sitemap, config, today, homes))
    result: tuple[SiteMap, list[Home], list[Column]] = cache[key]
    return result


def build_column_tree(site: SiteData, ctx: Any) -> list[Column]:
    """The column tree of a crawled site (top-level columns, each with ``children``)."""
    return analyse_site(site, ctx)[2]


def render_column_tree(columns: list[Column]) -> Table:
    """A rich table of the tree: 栏目, 类型, 条目数, 最新日期, 状态 (indented by level)."""
    table = Table(title="栏目树", show_lines=False)
    table.add_column("栏目")
    table.add_column("类型")
    table.add_column("条目数", justify="right")
    table.add_column("最新日期")
    table.add_column("状态")
    styles = {"ok": "green", "stale": "bold red", "empty": "bold red", "unknown": "yellow", "ignored": "dim"}
    for column in walk(columns):
        name = Text("  " * (column.level - 1) + column.name)
        if column.subsite:
            name.append("（子站）", style="dim")
        count = f"≥{column.item_count}" if column.count_is_lower_bound else str(column.item_count)
        newest = column.newest.isoformat() if column.newest else "—"
        status = STATUS_LABELS.get(column.status, column.status)
        if column.status == "stale" and column.limit is not None:
            status += f"（超过{column.limit.describe()}）"
        kind = column.kind_label + ("（设置）" if column.kind_source == "设置" else "")
        table.add_row(name, kind, count, newest, Text(status, style=styles.get(column.status, "")))
    return table
