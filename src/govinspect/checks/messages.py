"""message_overdue: a citizen's message left unanswered beyond the limit (3 months by default),
among the messages of the last year (国办秘函〔2019〕19号 V5(b)); a reply given later than the limit
is reported too. In the scan a site check over the ``messages`` facts (one finding per message,
on its own page when crawled); check-html judges the messages of the page it is given, using the
site's CSS selectors when its settings have them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from govinspect.checks.registry import CheckContext, page_check, site_check
from govinspect.checks.site import SiteData
from govinspect.findings import Finding
from govinspect.parse.page import ParsedPage
from govinspect.structure.config import config_from
from govinspect.structure.messages import Message, Overdue, extract_messages, overdue_messages
from govinspect.structure.sitemap import site_map

_REASONS = {"unanswered": "超期未回复", "late": "超期后才回复"}


def _finding(item: Overdue, limit: str) -> Finding:
    message = item.message
    return Finding(
        "message_overdue",
        page=item.page,
        target=message.url if message.url != item.page else None,
        evidence=message.title or None,
        suggestion="尽快答复并公开答复内容",
        detail={
            "rule": item.reason,
            "reason": _REASONS[item.reason],
            "asked": message.asked.isoformat() if message.asked else None,
            "answered": message.answered.isoformat() if message.answered else None,
            "status": message.status_text,
            "days": item.days,
            "limit": limit,
        },
    )


def _judge(found: list[tuple[str, Message]], ctx: CheckContext) -> list[Finding]:
    config = config_from(ctx)
    if config.message_limit is None:
        return []
    overdue = overdue_messages(found, ctx.now.date(), config.message_limit, config.message_window)
    return [_finding(item, config.message_limit.describe()) for item in overdue]


@site_check("messages", "message_overdue")
def check_messages(site: SiteData, ctx: CheckContext) -> Iterator[Finding]:
    found = [(url, Message.from_fact(data)) for url, data in site_map(site, ctx).messages]
    yield from _judge(found, ctx)


@page_check("messages_page", "message_overdue")
def check_messages_page(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    """check-html only: in the scan the site check sees every message once."""
    if not ctx.offline:
        return []
    selectors = config_from(ctx).message_selectors or None
    return _judge([(page.url, m) for m in extract_messages(page, selectors)], ctx)
