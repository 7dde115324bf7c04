"""Messages the scan read from the site's message board (page facts ``messages``).

The fact (parse/extractors/messages.py) is a list of ``{"url", "title", "asked", "answered",
"status", "status_text"}`` per page; a message appears on list pages and on its own detail page,
and the detail page's data wins. Messages already imported from an export are left out, matched by
(day received, title): a board shows no numbers, and its times are days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from govinspect.stats.errors import StatsError
from govinspect.stats.model import Message, normal_title
from govinspect.store import stats_repo
from govinspect.store.db import Database

_ANSWERED = "answered"


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _from_fact(page_url: str, item: Any) -> tuple[tuple[Any, ...], bool, Message] | None:
    if not isinstance(item, dict):
        return None
    asked = _day(item.get("asked"))
    title = str(item.get("title") or "").strip()
    if asked is None or not title:
        return None  # a message with no date cannot be placed in any period
    answered = _day(item.get("answered"))
    url = item.get("url") if isinstance(item.get("url"), str) else None
    message = Message(
        number=None,
        title=title,
        received_at=datetime.combine(asked, time.min),
        answered_at=datetime.combine(answered, time.min) if answered else None,
        answered=answered is not None or item.get("status") == _ANSWERED,
        status=item.get("status_text") if isinstance(item.get("status_text"), str) else None,
        source="scan",
        url=url,
    )
    key: tuple[Any, ...] = ("url", url) if url else ("day-title", asked, normal_title(title))
    return key, url == page_url, message


def _merge(old: Message, new: Message, new_is_detail: bool) -> Message:
    """The detail page's fields first, the other's where the first lacks them."""
    first, second = (new, old) if new_is_detail else (old, new)
    answered_at = first.answered_at or second.answered_at
    return Message(
        number=None,
        title=first.title,
        received_at=first.received_at,
        answered_at=answered_at,
        answered=answered_at is not None or first.answered or second.answered,
        status=first.status or second.status,
        source="scan",
        url=first.url or second.url,
    )


def board_messages(db: Database, scan_id: int) -> list[Message]:
    """Every message the scan saw, once each (list rows and detail pages merged)."""
    scan = db.scan(scan_id)
    if scan is None:
        raise StatsError(f"没有编号为 {scan_id} 的扫描")
    merged: dict[tuple[Any, ...], Message] = {}
    for page in db.site_data(scan_id, scan.start_url).pages():
        items = page.facts.get("messages")
        if not isinstance(items, list):
            continue
        for item in items:
            found = _from_fact(page.url, item)
            if found is None:
                continue
            key, is_detail, message = found
            current = merged.get(key)
            merged[key] = message if current is None else _merge(current, message, is_detail)
    return sorted(merged.values(), key=lambda m: (m.received_at, m.title))


def messages_from_scan(db: Database, scan_id: int) -> list[Message]:
    """The scan's board messages that are not already imported from an export (by day and title)."""
    scan = db.scan(scan_id)
    if scan is None:
        raise StatsError(f"没有编号为 {scan_id} 的扫描")
    found = board_messages(db, scan_id)
    if not found:
        return []
    first = min(m.received_at for m in found)
    last = max(m.received_at for m in found)
    imported = stats_repo.messages_received_between(
        db, scan.site_id, datetime.combine(first.date(), time.min), datetime.combine(last.date() + timedelta(days=1), time.min)
    )
    known = {m.day_title for m in imported}
    out: list[Message] = []
    seen: set[tuple[date, str]] = set()
    for message in found:
        key = message.day_title
        if key in known or key in seen:
            continue
        seen.add(key)
        out.append(message)
    return out
