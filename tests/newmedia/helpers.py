"""Shared helpers of the new-media tests: accounts, posts, feeds and exports made on the spot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govinspect.newmedia.accounts import add_account
from govinspect.newmedia.ingest import PostIn, store_posts
from govinspect.newmedia.model import Account, AccountSpec
from govinspect.store.db import Database
from govinspect.store.registry_repo import add_unit, find_unit

AT = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)  # 2026-03-31 10:00 China time, the monitoring point
UNIT = "某县人民政府办公室"


def account(db: Database, name: str, platform: str = "微信公众号", unit: str | None = UNIT, **extra: Any) -> Account:
    if unit and find_unit(db, unit) is None:
        add_unit(db, unit)
    return add_account(db, AccountSpec(platform=platform, name=name, unit=unit, **extra))


def posts(db: Database, acc: Account, items: Iterable[tuple[float, str, str]], *, kind: str = "push",
          original: bool | None = None) -> None:
    """Posts ``days`` before AT: (days ago, title, text)."""
    store_posts(
        db, acc.id,
        [PostIn(f"第 {i} 条", AT - timedelta(days=d), t, x, original=original) for i, (d, t, x) in enumerate(items, 1)],
        kind=kind, source="test",
    )


def rss(items: Iterable[tuple[str, str, str, str]], title: str = "某县发布") -> str:
    """An RSS 2.0 document as RSSHub writes it: (title, link, pubDate, description HTML)."""
    body = "".join(
        f"<item><title><![CDATA[{t}]]></title><link>{link}</link><guid isPermaLink=\"false\">{link}</guid>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{desc}]]></description></item>"
        for t, link, date, desc in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title><![CDATA[{title}]]></title><link>https://rsshub.example/</link>"
        f"<description>RSSHub</description>{body}</channel></rss>"
    )


def atom(entries: Iterable[tuple[str, str, str, str]], title: str = "某县发布") -> str:
    body = "".join(
        f'<entry><title>{t}</title><link href="{link}" rel="alternate"/><id>{link}</id>'
        f'<published>{date}</published><content type="html">{desc}</content></entry>'
        for t, link, date, desc in entries
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{body}</feed>'


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def china(text: str) -> datetime:
    """'2026-03-30 09:00' in China time, as an aware UTC datetime."""
    return (datetime.fromisoformat(text) - timedelta(hours=8)).replace(tzinfo=UTC)
