"""Cloaking: a hacked site shows search-engine spiders links (and titles) that visitors never see.

The home page is fetched twice, as a visitor and as Baiduspider; links to outside hosts that only
the spider gets, and a title that differs, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govinspect.parse.page import parse_html
from govinspect.structure.hidden import LinkJudge
from govinspect.structure.http import FetchError, fetch
from govinspect.structure.rules import hidden_link_rules


@dataclass
class CloakingResult:
    url: str
    spider_user_agent: str
    visitor_title: str | None = None
    spider_title: str | None = None
    spider_only_links: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


def compare_as_spider(url: str, visitor_agent: str, site_hosts: set[str], timeout: float) -> CloakingResult:
    spider_agent = hidden_link_rules().spider_user_agent
    result = CloakingResult(url=url, spider_user_agent=spider_agent)
    try:
        visitor = fetch(url, visitor_agent, timeout)
        spider = fetch(url, spider_agent, timeout)
    except FetchError as exc:
        result.error = str(exc)
        return result
    visitor_page = parse_html(visitor.html, visitor.url)
    spider_page = parse_html(spider.html, spider.url)
    result.url = visitor.url
    result.visitor_title, result.spider_title = visitor_page.title, spider_page.title
    judge = LinkJudge(visitor.url, site_hosts)
    seen = {link.url for link in visitor_page.links}
    reported: set[str] = set()
    for link in spider_page.links:
        is_link = link.category == "link" or link.kind == "attachment"
        if is_link and link.url not in seen and link.url not in reported and judge.outside(link.url):
            reported.add(link.url)
            result.spider_only_links.append((link.url, link.text))
    return result
