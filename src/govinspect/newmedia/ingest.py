"""One way into the posts table for all three connectors (feeds, spreadsheets, pushes).

Identity of a post: its account plus its URL when it has one, else its account plus the minute it
was published plus its title; a re-import adds nothing twice (a richer copy of a known post, e.g.
the full text after a feed's summary, updates it). Bad items (no date, nothing in them) are
rejected with a reason; the good ones of the same batch are stored in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govinspect.crawl.urls import BadURL, normalize
from govinspect.newmedia.model import Post
from govinspect.newmedia.rules import media_rules
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.workflow.clock import as_utc, utcnow


@dataclass
class PostIn:
    """A post as a connector read it, not yet validated."""

    where: str  # 第 3 行, 第 2 条: for messages about it
    published_at: datetime | None
    title: str = ""
    text: str = ""
    url: str | None = None
    original: bool | None = None
    origin_source: str | None = None


@dataclass
class MessageIn:
    where: str
    received_at: datetime | None
    content: str = ""
    replied_at: datetime | None = None
    reply: str | None = None
    number: str | None = None


@dataclass(frozen=True)
class Rejected:
    where: str
    reason: str

    def describe(self) -> str:
        return f"{self.where}：{self.reason}"


@dataclass
class IngestReport:
    kind: str  # rss | atom | excel | csv | push | messages
    source: str
    account_id: int | None = None
    account_label: str = ""
    read: int = 0
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    error: str | None = None  # the source failed part-way (the items read before it are kept)
    not_modified: bool = False

    @property
    def failed(self) -> bool:
        return self.error is not None

    def describe(self) -> str:
        who = f"{self.account_label}：" if self.account_label else ""
        if self.not_modified:
            return f"{who}订阅源自上次读取后没有变化"
        text = f"{who}读取 {self.read} 条，新增 {self.added}，更新 {self.updated}，重复 {self.duplicates}"
        if self.rejected:
            text += f"，未导入 {len(self.rejected)}"
        return text


def post_url(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return normalize(text) if text.lower().startswith(("http://", "https://")) else text
    except BadURL:
        return text


def post_identity(account_id: int, url: str | None, published_at: datetime, title: str) -> str:
    if url:
        basis = f"u|{account_id}|{url}"
    else:
        minute = as_utc(published_at).replace(second=0, microsecond=0).isoformat()
        basis = f"t|{account_id}|{minute}|{' '.join(title.split())}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def looks_reposted(title: str, text: str) -> bool | None:
    """True when the title or the start of the text carries a repost marker; None: cannot tell."""
    head = f"{title}\n{text[:200]}"
    return True if any(marker in head for marker in media_rules().repost_markers) else None


def _validate(item: PostIn) -> str | None:
    if item.published_at is None:
        return "缺少发布时间或无法识别"
    if not item.title.strip() and not item.text.strip():
        return "标题和正文都为空"
    return None


def _richer(old: Post, new: dict[str, Any]) -> dict[str, Any]:
    """What a re-imported copy adds to a stored post: longer text, a known origin flag, a URL."""
    changes: dict[str, Any] = {}
    if len(new["text"]) > len(old.text):
        changes["text"] = new["text"]
    if new["title"] and not old.title:
        changes["title"] = new["title"]
    if new["original"] is not None and new["original"] != old.original:
        changes["original"] = new["original"]
    if new["origin_source"] and not old.origin_source:
        changes["origin_source"] = new["origin_source"]
    if new["url"] and not old.url:
        changes["url"] = new["url"]
    return changes


def store_posts(
    db: Database,
    account_id: int,
    items: list[PostIn],
    *,
    kind: str,
    source: str,
    report: IngestReport | None = None,
    now: datetime | None = None,
    import_meta: dict[str, Any] | None = None,
) -> IngestReport:
    """Validate and store one account's posts in one transaction; the import is logged."""
    at = now or utcnow()
    rules = media_rules()
    out = report or IngestReport(kind=kind, source=source, account_id=account_id)
    out.read += len(items)
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        reason = _validate(item)
        if reason:
            out.rejected.append(Rejected(item.where, reason))
            continue
        assert item.published_at is not None
        url = post_url(item.url)
        title = " ".join(item.title.split())
        text = item.text.strip()[: rules.max_text_chars]
        identity = post_identity(account_id, url, item.published_at, title)
        if identity in rows:
            out.duplicates += 1
            continue
        original = item.original if item.original is not None else (False if looks_reposted(title, text) else None)
        rows[identity] = {
            "account_id": account_id, "identity": identity, "published_at": as_utc(item.published_at),
            "title": title, "text": text, "url": url, "original": original,
            "origin_source": (item.origin_source or "").strip() or None, "source": kind, "source_ref": source,
            "imported_at": at,
        }
    with db.engine.begin() as conn:
        known = repo.posts_by_identity(conn, account_id, list(rows))
        fresh = []
        for identity, row in rows.items():
            old = known.get(identity)
            if old is None:
                fresh.append(row)
                continue
            changes = _richer(old, row)
            if changes:
                # new content: the cached text findings no longer apply
                repo.update_post(conn, old.id, {**changes, "check_hash": None, "check_findings": None})
                out.updated += 1
            else:
                out.duplicates += 1
        repo.insert_posts(conn, fresh)
        out.added += len(fresh)
        repo.record_import(conn, _import_row(out, account_id, at, import_meta))
    return out


def _import_row(report: IngestReport, account_id: int | None, at: datetime, meta: dict[str, Any] | None) -> dict[str, Any]:
    errors = [r.describe() for r in report.rejected[:50]] + ([report.error] if report.error else [])
    return {
        "account_id": account_id, "kind": report.kind, "source": report.source, "at": at, "added": report.added,
        "updated": report.updated, "duplicates": report.duplicates, "rejected": len(report.rejected),
        "errors": errors, **(meta or {}),
    }


def message_identity(account_id: int, number: str | None, received_at: datetime, content: str) -> str:
    if number:
        basis = f"n|{account_id}|{number}"
    else:
        minute = as_utc(received_at).replace(second=0, microsecond=0).isoformat()
        basis = f"t|{account_id}|{minute}|{' '.join(content.split())[:200]}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def store_messages(
    db: Database, account_id: int, items: list[MessageIn], *, source: str, report: IngestReport | None = None,
    now: datetime | None = None,
) -> IngestReport:
    """Store citizens' messages; a re-import fills in a reply that has come since."""
    at = now or utcnow()
    out = report or IngestReport(kind="messages", source=source, account_id=account_id)
    out.read += len(items)
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.received_at is None:
            out.rejected.append(Rejected(item.where, "缺少留言时间或无法识别"))
            continue
        if not item.content.strip() and not item.number:
            out.rejected.append(Rejected(item.where, "留言内容为空"))
            continue
        number = (item.number or "").strip() or None
        identity = message_identity(account_id, number, item.received_at, item.content)
        if identity in rows:
            out.duplicates += 1
            continue
        rows[identity] = {
            "account_id": account_id, "identity": identity, "number": number, "received_at": as_utc(item.received_at),
            "replied_at": as_utc(item.replied_at) if item.replied_at else None, "content": item.content.strip(),
            "reply": (item.reply or "").strip() or None, "source_ref": source, "imported_at": at,
        }
    with db.engine.begin() as conn:
        known = repo.messages_by_identity(conn, account_id, list(rows))
        fresh = []
        for identity, row in rows.items():
            old = known.get(identity)
            if old is None:
                fresh.append(row)
            elif old.replied_at is None and row["replied_at"] is not None:
                repo.update_message(conn, old.id, {"replied_at": row["replied_at"], "reply": row["reply"]})
                out.updated += 1
            else:
                out.duplicates += 1
        repo.insert_messages(conn, fresh)
        out.added += len(fresh)
        repo.record_import(conn, _import_row(out, account_id, at, None))
    return out
