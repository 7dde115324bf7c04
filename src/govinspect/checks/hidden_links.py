"""hidden_link (暗链): links a visitor cannot see, to targets outside the site.

A page check (structure/hidden.py) in the scan and in check-html, and a network site check that
fetches the home page a second time as Baiduspider and reports links or a title shown only to the
spider (cloaking).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.page import ParsedPage
from govinspect.structure.cloaking import compare_as_spider
from govinspect.structure.config import config_from
from govinspect.structure.hidden import find_hidden_links


def site_hosts(ctx: CheckContext) -> set[str]:
    """The hosts that belong to the site: the start host and the crawl's extra hosts."""
    hosts = {urlsplit(ctx.site_url).netloc.lower()}
    for item in ctx.settings.crawl.include:
        item = item.strip()
        hosts.add(urlsplit(item).netloc.lower() if "://" in item else item.lower().rstrip("/"))
    return {h for h in hosts if h}


@page_check("hidden_links", "hidden_link")
def check_hidden_links(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    return [
        Finding(
            "hidden_link",
            page=page.url,
            target=hidden.url,
            evidence=hidden.text or None,
            suggestion="立即删除该链接并排查网站是否被篡改（挂马、暗链）",
            detail={"rule": hidden.rule, "how": hidden.how, "element": hidden.where},
        )
        for hidden in find_hidden_links(page, site_hosts(ctx))
    ]


@site_check("spider_cloaking", "hidden_link", network=True)
def check_spider_cloaking(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    config = config_from(ctx)
    result = compare_as_spider(
        site.start_url, ctx.settings.crawl.user_agent, site_hosts(ctx), config.network_timeout
    )
    if result.error:
        ctx.errors.append(f"蜘蛛访问对比未完成：{result.error}")
        return
    for url, text in result.spider_only_links:
        yield Finding(
            "hidden_link",
            page=result.url,
            target=url,
            evidence=text or None,
            suggestion="立即删除该链接并排查网站是否被篡改（针对搜索引擎的暗链）",
            detail={
                "rule": "cloaking",
                "how": "仅对搜索引擎蜘蛛显示",
                "user_agent": result.spider_user_agent,
            },
        )
    if result.spider_title is not None and result.spider_title != result.visitor_title:
        yield Finding(
            "hidden_link",
            page=result.url,
            evidence=result.spider_title,
            detail={
                "rule": "cloaking_title",
                "how": "对搜索引擎蜘蛛显示不同的标题",
                "visitor_title": result.visitor_title,
            },
        )
