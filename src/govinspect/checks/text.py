"""Page check "text": the text engine on a page's title and visible text (all six content codes).

The engine is built once per scan (ctx.cache) from settings.data_dir and the site's own lists.
``check_attachment`` does the same for a downloaded attachment: its findings name the page that
links it and the attachment as ``target``.
"""

from __future__ import annotations

from collections.abc import Iterable

from govinspect.checks.registry import CheckContext, attachment_check, page_check
from govinspect.findings import Finding
from govinspect.parse.page import ParsedPage
from govinspect.text.data import TextDataError
from govinspect.text.engine import CODES, TextEngine
from govinspect.text.extract import ExtractError, extract_text

CACHE_KEY = "text_engine"


def engine_from(ctx: CheckContext) -> TextEngine:
    engine = ctx.cache.get(CACHE_KEY)
    if not isinstance(engine, TextEngine):
        engine = TextEngine.load(ctx.settings.data_dir, ctx.site_config)
        ctx.cache[CACHE_KEY] = engine
    return engine


def page_text(page: ParsedPage) -> str:
    """Title and visible text blocks, one per line (offsets in findings refer to this text)."""
    return "\n".join([page.title, *page.text_blocks] if page.title else page.text_blocks)


def prepare_engine(ctx: CheckContext) -> None:
    """Read the user's word lists before the scan stores anything: a broken list or ``text`` setting is
    then one clear error, not a silently empty check on every page (which would close real problems).
    The engine itself is built with the first page that needs it (an unchanged site needs none)."""
    try:
        TextEngine.check_user_data(ctx.settings.data_dir, ctx.site_config)
    except TextDataError as exc:
        raise ValueError(f"文本检查无法启用：{exc}") from exc


@page_check("text", *CODES, prepare=prepare_engine)
def check_page_text(page: ParsedPage, ctx: CheckContext) -> Iterable[Finding]:
    return engine_from(ctx).check(page_text(page), page=page.url, now=ctx.now)


@attachment_check("text_attachment", *CODES, prepare=prepare_engine)
def check_attachment(data: bytes, name: str, *, url: str, page_url: str, ctx: CheckContext) -> list[Finding]:
    """Findings in an attachment linked from ``page_url``; an unreadable file is noted in ctx.errors."""
    try:
        text = extract_text(data, name)
    except ExtractError as exc:
        ctx.errors.append(f"附件 {url}：{exc}")
        return []
    return engine_from(ctx).check(text, page=page_url, target=url, now=ctx.now)
