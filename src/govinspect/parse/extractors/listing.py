"""List pages of columns (栏目): dated items, empty markers (暂无信息), pagination, navigation, breadcrumb.

Facts (all JSON):

- ``listing``: ``{"list": bool, "empty": bool, "count": int, "items": [{"date", "url", "title"}],
  "pages": int|None, "total": int|None, "column_name": str|None}``. ``items`` are the page's main
  list on a list page and every dated item elsewhere (a home page's news blocks). A date is ISO
  ``2023-05-12`` or ``--05-12`` when the page prints no year (resolved later against the
  monitoring time point).
- ``nav``: the navigation links ``[{"url", "text"}]`` (not kept on article pages).
- ``breadcrumb``: ``[{"text", "url"}]`` (当前位置：首页 > 政务公开 > 通知公告).
- ``page_kind``: ``list`` | ``article`` | ``other``.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from govinspect.crawl.urls import BadURL, normalize
from govinspect.parse.dates import (
    date_from_url,
    find_dates,
    labelled_date,
    meta_date,
    parse_date,
    parse_month_day,
    year_of_heading,
)
from govinspect.parse.extractors._memo import memo
from govinspect.parse.facts import fact
from govinspect.parse.page import ParsedPage, clean_text
from govinspect.parse.soft404 import is_soft_404
from govinspect.structure.rules import listing_rules

_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
# CMS paging variables (Hanweb <totalpage>, JSON totalPage); 共N页 / 共N条 are read in the visible text
_CMS_PAGES = re.compile(r"(?:<totalpage>|total[Pp]age[\"']?\s*[:=]\s*[\"']?)\s*(\d+)")
_CMS_RECORDS = re.compile(r"(?:<totalrecord>|total[Rr]ecord[\"']?\s*[:=]\s*[\"']?)\s*(\d+)")
_TEXT_PAGES = re.compile(r"共\s*(\d+)\s*页")
_TEXT_RECORDS = re.compile(r"共\s*(\d+)\s*条")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)
_ANCHOR_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_JSON_PUBDATE = re.compile(
    r"[\"'](?:pubDate|publishDate|publishTime|pubTime)[\"']\s*:\s*[\"']([^\"']{8,25})[\"']"
)
_JSON_TITLE = re.compile(r"[\"']title[\"']\s*:\s*[\"']([^\"']{2,200})[\"']")
_JSON_URL = re.compile(
    r"[\"'](?:url|urls|link|href)[\"']\s*:\s*[\"'](?:\{\\?[\"']pc\\?[\"']\s*:\s*\\?[\"'])?([^\"'\\]+)"
)
_DIGIT = re.compile(r"\d")
_TITLE_SPLIT = re.compile(r"\s*[-_|—–｜]+\s*")


@dataclass(slots=True)
class Item:
    date: str  # ISO date, or --MM-DD without a year
    url: str | None
    title: str
    group: int = 0

    def to_fact(self) -> dict[str, Any]:
        return {"date": self.date, "url": self.url, "title": self.title[:80]}


@dataclass(slots=True)
class Listing:
    is_list: bool = False
    empty: bool = False
    items: list[Item] = field(default_factory=list)  # main list on a list page, else all dated items
    all_items: int = 0
    pages: int | None = None
    total: int | None = None
    column_name: str | None = None
    column_name_source: str | None = None  # meta | breadcrumb | title
    empty_marker: str | None = None
    article_like: bool = False

    def to_fact(self) -> dict[str, Any]:
        kept = listing_rules().max_items_kept
        ordered = sorted(self.items, key=lambda i: i.date, reverse=True)
        return {
            "list": self.is_list,
            "empty": self.empty,
            "count": len(self.items),
            "items": [i.to_fact() for i in ordered[:kept]],
            "pages": self.pages,
            "total": self.total,
            "column_name": self.column_name,
            "column_name_source": self.column_name_source,
            "empty_marker": self.empty_marker,
        }


@cache
def _compiled() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...], str, str]:
    rules = listing_rules()
    list_file = re.compile(rules.list_file_pattern, re.I)
    article_urls = tuple(re.compile(p, re.I) for p in rules.article_url_patterns)
    nav_selector = ", ".join(["nav"] + [f"[class*={m}], [id*={m}]" for m in rules.nav_markers])
    crumb_selector = ", ".join(f"[class*={m}], [id*={m}]" for m in rules.breadcrumb_markers)
    return list_file, article_urls, nav_selector, crumb_selector


def _resolve(page: ParsedPage, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        return normalize(html_lib.unescape(href), page.url)
    except BadURL:
        return None


def is_article_url(url: str) -> bool:
    _, article_urls, _, _ = _compiled()
    return any(p.search(url) for p in article_urls)


def is_list_url(url: str) -> bool:
    list_file, _, _, _ = _compiled()
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return path != "/" and (path.endswith("/") or bool(list_file.match(last)))


def _title_anchor(node: LexborNode, min_chars: int) -> tuple[LexborNode, str] | None:
    anchors = node.css("a[href]")
    if len(anchors) > 4:  # a container of items, not an item
        return None
    for anchor in anchors:
        text = clean_text(anchor.text(deep=True)) or clean_text(anchor.attributes.get("title"))
        if len(text) >= min_chars:
            return anchor, text
    return None


def _year_nearby(node: LexborNode) -> int | None:
    """The year of a heading just before the item or its list (2023 / 2023年)."""
    current: LexborNode | None = node
    for _ in range(3):
        if current is None:
            return None
        sibling = current.prev
        steps = 0
        while sibling is not None and steps < 12:
            if sibling.is_element_node:
                year = year_of_heading(clean_text(sibling.text(deep=True)))
                if year is not None:
                    return year
            sibling = sibling.prev
            steps += 1
        current = current.parent
    return None


def _item_date(node: LexborNode, text: str, title: str, url: str | None) -> str | None:
    outside = text.replace(title, " ", 1) if title else text
    found = find_dates(outside)
    if found:
        return found[-1].value.isoformat()
    month_day = parse_month_day(outside)
    if month_day is None:
        # some lists print the date inside the link: <a>标题 <span>2023-05-12</span></a>
        tail = find_dates(title[-16:]) or find_dates(title[:16])
        if tail:
            return tail[0].value.isoformat()
        # a list without printed dates: the date the CMS put in the article's URL (t20230512_1.html)
        from_url = date_from_url(url) if url else None
        return from_url.isoformat() if from_url else None
    month, day = month_day
    year = _year_nearby(node)
    if year is None and url:
        from_url = date_from_url(url)
        if from_url is not None and (from_url.month, from_url.day) == (month, day):
            year = from_url.year
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _markup_items(page: ParsedPage) -> list[Item]:
    rules = listing_rules()
    items: list[Item] = []
    seen: set[str] = set()
    for node in page.tree.css("li, tr, dd, dt, p"):
        raw = node.text(deep=True, separator=" ")
        if not raw or len(raw) > 2 * rules.item_max_chars:
            continue
        if not _DIGIT.search(raw):
            # no printed date: only an article URL can date it (t20230512_1.html)
            first = node.css_first("a[href]")
            if first is None or not _DIGIT.search(first.attributes.get("href") or ""):
                continue
        text = clean_text(raw)
        if not text or len(text) > rules.item_max_chars:
            continue
        anchor = _title_anchor(node, rules.item_title_min_chars)
        if anchor is None:
            continue
        a_node, title = anchor
        url = _resolve(page, a_node.attributes.get("href"))
        key = url or title
        if key in seen:
            continue
        item_date = _item_date(node, text, title, url)
        if item_date is None:
            continue
        seen.add(key)
        parent = node.parent
        items.append(Item(item_date, url, title, parent.mem_id if parent is not None else 0))
    return items


def _script_items(page: ParsedPage) -> list[Item]:
    """Lists a CMS ships inside scripts: Hanweb <record><![CDATA[<li>…]]>, JSON articleList."""
    html = page.html
    items: list[Item] = []
    if "<record" in html or "<RECORD" in html:
        for record in _RECORD.findall(html):
            text = clean_text(_TAGS.sub(" ", record))
            value = parse_date(text)
            if value is None:
                continue
            href = _HREF.search(record)
            url = _resolve(page, href.group(1)) if href else None
            anchor = _ANCHOR_TEXT.search(record)
            title = clean_text(_TAGS.sub(" ", anchor.group(1))) if anchor else text
            items.append(Item(value.isoformat(), url, title[:80], -1))
    if not items and ("pubDate" in html or "publishDate" in html or "publishTime" in html):
        for match in _JSON_PUBDATE.finditer(html):
            value = parse_date(match.group(1))
            if value is None:
                continue
            before = html[max(0, match.start() - 800) : match.start()]
            titles = _JSON_TITLE.findall(before)
            after = html[match.end() : match.end() + 400]
            url_match = _JSON_URL.search(after) or _JSON_URL.search(before[-400:])
            url = _resolve(page, url_match.group(1)) if url_match else None
            items.append(Item(value.isoformat(), url, titles[-1] if titles else "", -2))
    return items


def _pagination(page: ParsedPage) -> tuple[int | None, int | None]:
    html = page.html
    pages: int | None = None
    total: int | None = None
    if "createPageHTML" in html:
        match = _TRS_PAGER.search(html)
        pages = int(match.group(1)) if match else None
    has_cms = "otalpage" in html or "otalPage" in html or "otalrecord" in html or "otalRecord" in html
    if has_cms:
        found = _CMS_PAGES.search(html)
        pages = pages if pages is not None or not found else int(found.group(1))
        records = _CMS_RECORDS.search(html)
        total = int(records.group(1)) if records else None
    if "共" in page.text:
        if pages is None and (found_text := _TEXT_PAGES.search(page.text)):
            pages = int(found_text.group(1))
        if total is None and (records_text := _TEXT_RECORDS.search(page.text)):
            total = int(records_text.group(1))
    if pages is None:
        words = listing_rules().next_page_words
        if any(link.text in words for link in page.links if link.kind == "a"):
            pages = 2  # at least two pages; the count is unknown
    return pages, total


def empty_marker(page: ParsedPage) -> str | None:
    """The short text block that says the column has nothing (暂无信息), if any."""
    rules = listing_rules()
    for block in page.text_blocks:
        if len(block) <= rules.empty_marker_max_chars and any(m in block for m in rules.empty_markers):
            return block
    return None


def column_name_of(page: ParsedPage) -> tuple[str, str] | None:
    """(name, source): ColumnName meta, else the breadcrumb's last step, else the title's first part."""
    name = page.meta.get("columnname")
    if name:
        return name, "meta"
    crumbs = breadcrumb(page)
    if crumbs:
        last = crumbs[-1]["text"]
        if last and last not in {"首页", "正文", "详情", "内容"}:
            return str(last), "breadcrumb"
    if page.title:
        first = _TITLE_SPLIT.split(page.title)[0].strip()
        if first:
            return first, "title"
    return None


def analyse_listing(page: ParsedPage) -> Listing:
    return memo(page, "listing", _analyse_listing)


def _analyse_listing(page: ParsedPage) -> Listing:
    rules = listing_rules()
    pages, total = _pagination(page)
    article_like = (
        is_article_url(page.url)
        or labelled_date(page.text) is not None
        or (meta_date(page) is not None and not is_list_url(page.url))
    )
    # an article's sidebar lists make no column and no home page: not worth reading (most pages)
    markup = [] if article_like and not pages else _markup_items(page)
    scripted = _script_items(page)
    groups = Counter(i.group for i in markup)
    is_root = urlsplit(page.url).path.rsplit("/", 1)[0] == ""  # the site's home is never a column
    listing = Listing(
        pages=pages, total=total, all_items=len(markup) + len(scripted), article_like=article_like
    )
    main: list[Item] = []
    if groups:
        group, size = groups.most_common(1)[0]
        share = size / len(markup)
        big_enough = size >= rules.min_list_items or (is_list_url(page.url) and not article_like)
        if big_enough and share >= rules.dominant_share and (not article_like or pages):
            main = [i for i in markup if i.group == group]
    if scripted and len(scripted) >= len(main):
        main = scripted
    if main and not is_root and not (article_like and not pages and main is not scripted):
        listing.is_list = True
        listing.items = main
    else:
        listing.items = markup
        # a column page that shows 暂无信息 instead of a list (an article's 暂无相关文章 is not one)
        if not article_like and len(markup) < rules.min_list_items:
            listing.empty_marker = empty_marker(page)
            listing.empty = listing.empty_marker is not None
    if listing.is_list or listing.empty:
        named = column_name_of(page)
        if named is not None:
            listing.column_name, listing.column_name_source = named
    return listing


def _crumb_from_node(page: ParsedPage, node: LexborNode) -> list[dict[str, Any]]:
    rules = listing_rules()
    steps: list[dict[str, Any]] = []
    for anchor in node.css("a[href]"):
        text = clean_text(anchor.text(deep=True))
        if text:
            steps.append({"text": text, "url": _resolve(page, anchor.attributes.get("href"))})
    full = clean_text(node.text(deep=True, separator=" "))
    tail = full
    if steps:
        position = full.rfind(steps[-1]["text"])
        tail = full[position + len(steps[-1]["text"]) :] if position >= 0 else ""
    for sep in rules.breadcrumb_separators:
        tail = tail.replace(sep, " ")
    for label in rules.breadcrumb_labels:
        tail = tail.replace(label, " ")
    tail = clean_text(tail.replace("：", " ").replace(":", " "))
    if tail and len(tail) <= 20 and "|" not in tail:
        steps.append({"text": tail, "url": None})
    return steps


def breadcrumb(page: ParsedPage) -> list[dict[str, Any]]:
    return memo(page, "breadcrumb", _breadcrumb)


def _breadcrumb(page: ParsedPage) -> list[dict[str, Any]]:
    rules = listing_rules()
    _, _, _, crumb_selector = _compiled()
    for node in page.tree.css(crumb_selector):
        text = clean_text(node.text(deep=True, separator=" "))
        if not text or len(text) > 200:
            continue
        if not (
            any(label in text for label in rules.breadcrumb_labels)
            or any(sep in text for sep in rules.breadcrumb_separators if sep not in {"-", "/"})
        ):
            continue
        steps = _crumb_from_node(page, node)
        if steps:
            return steps
    return []


def navigation(page: ParsedPage) -> list[dict[str, str]]:
    """Links inside navigation containers, to the page's own host, in page order."""
    rules = listing_rules()
    _, _, nav_selector, _ = _compiled()
    host = urlsplit(page.url).netloc
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for container in page.tree.css(nav_selector):
        for anchor in container.css("a[href]"):
            url = _resolve(page, anchor.attributes.get("href"))
            text = clean_text(anchor.text(deep=True)) or clean_text(anchor.attributes.get("title"))
            if not url or not text or url in seen or urlsplit(url).netloc != host:
                continue
            seen.add(url)
            out.append({"url": url, "text": text[:40]})
            if len(out) >= rules.max_nav_links:
                return out
    return out


def is_missing_page(page: ParsedPage) -> bool:
    """A "soft 404": answered 200 but says the page does not exist (no structure to judge)."""
    return memo(page, "soft404", is_soft_404)


def page_kind(page: ParsedPage) -> str:
    if is_missing_page(page):
        return "not_found"
    listing = analyse_listing(page)
    if listing.is_list or listing.empty:
        return "list"
    if listing.article_like:
        return "article"
    return "other"


@fact("listing")
def listing_fact(page: ParsedPage) -> dict[str, Any] | None:
    listing = analyse_listing(page)
    if not listing.items and not listing.is_list and not listing.empty:
        return None
    return listing.to_fact()


@fact("page_kind")
def page_kind_fact(page: ParsedPage) -> str:
    return page_kind(page)


@fact("nav")
def nav_fact(page: ParsedPage) -> list[dict[str, str]] | None:
    if page_kind(page) == "article":
        return None  # articles repeat their site's navigation: kept only where columns are found
    return navigation(page) or None


@fact("breadcrumb")
def breadcrumb_fact(page: ParsedPage) -> list[dict[str, Any]] | None:
    if page_kind(page) == "article":
        return None  # columns take their place in the tree from their own list pages
    return breadcrumb(page) or None
