"""Citizen messages (政民互动 留言): reading message boards, judging overdue replies, statistics.

A message board shows a list (title, 留言时间, 状态 已回复/未回复, sometimes 答复时间) and a detail
page per message (留言时间：…, 答复时间：…, 答复内容：…). Built-in patterns (data/structure/
messages.yaml) read both; a site whose board the patterns miss names its parts with CSS selectors
in its settings::

    [sites."http://…".messages]
    item = "table.lyb tr"          # one element per message (list) or the detail block
    title = "td.bt a"              # inside item; its href is the message's page
    asked = "td.lysj"              # question date
    answered = "td.dfsj"           # reply date
    status = "td.zt"               # status text

Page facts cannot see site settings, so the scan makes them visible to the extractor through
``use_site_config`` (a context variable); check-html passes them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from selectolax.lexbor import LexborNode

from govinspect.crawl.urls import BadURL, normalize
from govinspect.parse.dates import DATE_PATTERN, find_dates, parse_date, parse_fact_date
from govinspect.parse.page import ParsedPage, clean_text
from govinspect.structure.config import Limit, add_months
from govinspect.structure.rules import message_rules, words_pattern

MESSAGE_SELECTORS: ContextVar[dict[str, str] | None] = ContextVar(
    "govinspect_message_selectors", default=None
)


@contextmanager
def use_site_config(site_config: dict[str, Any] | None) -> Iterator[None]:
    """Make the site's message-board selectors visible to the ``messages`` fact extractor."""
    selectors = (site_config or {}).get("messages") or None
    token = MESSAGE_SELECTORS.set(dict(selectors) if isinstance(selectors, dict) else None)
    try:
        yield
    finally:
        MESSAGE_SELECTORS.reset(token)


@dataclass
class Message:
    url: str | None
    title: str
    asked: date | None
    answered: date | None
    status: str | None  # answered | unanswered | None (the page does not say)
    status_text: str | None = None

    def to_fact(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title[:100],
            "asked": self.asked.isoformat() if self.asked else None,
            "answered": self.answered.isoformat() if self.answered else None,
            "status": self.status,
            "status_text": self.status_text,
        }

    @classmethod
    def from_fact(cls, data: dict[str, Any]) -> Message:
        return cls(
            url=data.get("url"),
            title=str(data.get("title") or ""),
            asked=parse_fact_date(data.get("asked")),
            answered=parse_fact_date(data.get("answered")),
            status=data.get("status"),
            status_text=data.get("status_text"),
        )


@cache
def _compiled() -> dict[str, Any]:
    rules = message_rules()
    return {
        "asked": re.compile(rf"{words_pattern(rules.question_labels)}\s*[：:]?\s*(?:{DATE_PATTERN})"),
        "answered": re.compile(rf"{words_pattern(rules.reply_labels)}\s*[：:]?\s*(?:{DATE_PATTERN})"),
        "asked_label": re.compile(words_pattern(rules.question_labels)),
        "status": re.compile(rf"{words_pattern(rules.status_labels, guard_cjk=True)}\s*[：:]?\s*(\S{{2,6}})"),
        "title": re.compile(
            rf"{words_pattern(rules.title_labels, guard_cjk=True)}\s*[：:]?\s*([^\n]{{2,100}})"
        ),
        "reply_content": re.compile(rf"{words_pattern(rules.reply_content_labels)}\s*[：:]?\s*(\S)?"),
        "status_word": re.compile(words_pattern(rules.unanswered + rules.answered)),
    }


def classify_status(text: str | None) -> str | None:
    if not text:
        return None
    rules = message_rules()
    # 未回复 contains 回复: test the unanswered words first
    if any(w in text for w in rules.unanswered):
        return "unanswered"
    if any(w in text for w in rules.answered):
        return "answered"
    return None


def _resolve(page: ParsedPage, href: str | None) -> str | None:
    if not href or href.startswith(("#", "javascript:")):
        return None
    try:
        return normalize(href, page.url)
    except BadURL:
        return None


def _detail_message(page: ParsedPage) -> Message | None:
    compiled = _compiled()
    text = page.text
    if len(compiled["asked_label"].findall(text)) != 1:
        return None  # none, or several: a list, not one message's page
    asked_match = compiled["asked"].search(text)
    if asked_match is None:
        return None
    asked = parse_date(asked_match.group(0))
    answered_match = compiled["answered"].search(text)
    answered = parse_date(answered_match.group(0)) if answered_match else None
    status_match = compiled["status"].search(text)
    status_text = status_match.group(1) if status_match else None
    status = classify_status(status_text)
    reply = compiled["reply_content"].search(text)
    if status is None and (answered is not None or (reply is not None and reply.group(1))):
        status = "answered"
    if status is None and answered is None and reply is None and status_match is None:
        return None  # a page that only mentions a 留言时间
    labelled = compiled["title"].search(text)
    heading = page.tree.css_first("h1") or page.tree.css_first("h2")
    if labelled is not None:
        title = labelled.group(1).strip()
    else:
        title = clean_text(heading.text(deep=True)) if heading is not None else page.title
    return Message(page.url, title, asked, answered, status, status_text)


def _row_message(page: ParsedPage, row: LexborNode) -> Message | None:
    text = clean_text(row.text(deep=True, separator=" "))
    if not text or len(text) > 400:
        return None
    word = _compiled()["status_word"].search(text)
    if word is None:
        return None
    dates = find_dates(text)
    if not dates:
        return None
    anchor = None
    for candidate in row.css("a[href]"):
        if len(clean_text(candidate.text(deep=True))) >= 4:
            anchor = candidate
            break
    title = clean_text(anchor.text(deep=True)) if anchor is not None else text[: dates[0].start].strip()
    url = _resolve(page, anchor.attributes.get("href")) if anchor is not None else None
    asked = dates[0].value
    answered = dates[1].value if len(dates) > 1 and dates[1].value >= asked else None
    return Message(url, title, asked, answered, classify_status(word.group(0)), word.group(0))


def _list_messages(page: ParsedPage) -> list[Message]:
    if _compiled()["status_word"].search(page.text) is None:
        return []
    out: list[Message] = []
    seen: set[tuple[str | None, str]] = set()
    for row in page.tree.css("tr, li"):
        if len(row.css("tr, li")) > 1:  # Lexbor's node.css includes the node itself
            continue  # a container of rows
        message = _row_message(page, row)
        if message is not None and (message.url, message.title) not in seen:
            seen.add((message.url, message.title))
            out.append(message)
    return out


def _selected_text(node: LexborNode, selector: str | None) -> tuple[str, LexborNode | None]:
    if not selector:
        return "", None
    found = node.css_first(selector)
    return (clean_text(found.text(deep=True, separator=" ")), found) if found is not None else ("", None)


def messages_by_selectors(page: ParsedPage, selectors: dict[str, str]) -> list[Message]:
    """Messages read with a site's own CSS selectors (keys: item, title, asked, answered, status)."""
    item_selector = selectors.get("item")
    if not item_selector:
        return []
    try:
        items = page.tree.css(item_selector)
    except Exception as exc:  # Lexbor rejects the selector: say which setting is wrong
        raise ValueError(f"站点设置 messages.item 的 CSS 选择器无效：{item_selector!r}（{exc}）") from exc
    out: list[Message] = []
    for item in items:
        title, title_node = _selected_text(item, selectors.get("title"))
        asked = parse_date(_selected_text(item, selectors.get("asked"))[0])
        if asked is None:
            continue
        answered = parse_date(_selected_text(item, selectors.get("answered"))[0])
        status_text = _selected_text(item, selectors.get("status"))[0] or None
        status = classify_status(status_text) or ("answered" if answered else None)
        href = title_node.attributes.get("href") if title_node is not None else None
        url = _resolve(page, href) or (page.url if len(items) == 1 else None)
        out.append(Message(url, title, asked, answered, status, status_text))
    return out


def extract_messages(page: ParsedPage, selectors: dict[str, str] | None = None) -> list[Message]:
    """The messages a page shows: with the site's selectors if given, else the built-in patterns."""
    if selectors:
        found = messages_by_selectors(page, selectors)
        if found:
            return found
    detail = _detail_message(page)
    if detail is not None:
        return [detail]
    return _list_messages(page)


@dataclass(frozen=True, slots=True)
class Overdue:
    message: Message
    page: str
    reason: str  # unanswered | late
    days: int


def merge_messages(found: list[tuple[str, Message]]) -> list[tuple[str, Message]]:
    """One entry per message (its own page's data wins over a list row's)."""
    merged: dict[tuple[Any, ...], tuple[str, Message]] = {}
    for page_url, message in found:
        key: tuple[Any, ...] = (message.url,) if message.url else (message.title, message.asked)
        current = merged.get(key)
        if current is None or (message.url == page_url and current[0] != page_url):
            if current is not None:
                message.answered = message.answered or current[1].answered
                message.status = message.status or current[1].status
            merged[key] = (page_url, message)
        else:
            kept = current[1]
            kept.answered = kept.answered or message.answered
            kept.status = kept.status or message.status
    return list(merged.values())


def overdue_messages(
    found: list[tuple[str, Message]], today: date, limit: Limit, window: Limit | None
) -> list[Overdue]:
    """Messages of the window (the last year) unanswered, or answered, beyond the limit."""
    window_start = window.cutoff(today) if window else date.min
    out: list[Overdue] = []
    for page_url, message in merge_messages(found):
        asked = message.asked
        if asked is None or asked < window_start or asked > today:
            continue
        deadline = _deadline(asked, limit)
        if message.answered is not None:
            if message.answered > deadline:
                out.append(Overdue(message, page_url, "late", (message.answered - asked).days))
        elif message.status == "unanswered" and today > deadline:
            out.append(Overdue(message, page_url, "unanswered", (today - asked).days))
    return out


def _deadline(asked: date, limit: Limit) -> date:
    return add_months(asked, limit.months) + timedelta(days=limit.days)


def message_stats(found: list[tuple[str, Message]], today: date, window: Limit | None) -> dict[str, Any]:
    """Received, answered, answer rate and average days to answer, over the window."""
    window_start = window.cutoff(today) if window else date.min
    received = answered = 0
    waits: list[int] = []
    for _, message in merge_messages(found):
        if message.asked is None or message.asked < window_start or message.asked > today:
            continue
        received += 1
        if message.status == "answered" or message.answered is not None:
            answered += 1
            if message.answered is not None and message.answered >= message.asked:
                waits.append((message.answered - message.asked).days)
    return {
        "received": received,
        "answered": answered,
        "answer_rate": round(answered / received, 4) if received else None,
        "average_days_to_answer": round(sum(waits) / len(waits), 1) if waits else None,
    }
