"""The connectors put together: a feed URL or an export file in, posts (or messages) stored.

``import_feed`` fetches one feed for one account (conditional GET with the last ETag);
``import_feeds`` does so for every running account with a feed address; ``import_post_file`` and
``import_message_file`` read an export whose rows name their account, or all belong to one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from govinspect.newmedia.accounts import require_account
from govinspect.newmedia.feeds import fetch_feed
from govinspect.newmedia.ingest import IngestReport, MessageIn, PostIn, Rejected, store_messages, store_posts
from govinspect.newmedia.model import Account, MediaError
from govinspect.newmedia.rules import platforms, running_state
from govinspect.newmedia.sheets import EXCEL_SUFFIXES, read_messages, read_posts
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database

Item = TypeVar("Item", PostIn, MessageIn)


def _account(db: Database, ref: str | int | Account) -> Account:
    return ref if isinstance(ref, Account) else require_account(db, ref)


async def import_feed_async(
    db: Database, account_ref: str | int | Account, url: str | None = None, *, now: datetime | None = None,
    timeout: float | None = None, max_bytes: int | None = None,
) -> IngestReport:
    account = _account(db, account_ref)
    source = (url or account.feed_url or "").strip()
    if not source:
        raise MediaError(f"{account.label} 没有登记订阅源地址（用 --feed 登记，或在命令中给出网址）")
    last = repo.last_import(db, source)
    read = await fetch_feed(
        source,
        etag=last.get("etag") if last else None,
        last_modified=last.get("last_modified") if last else None,
        timeout=timeout,
        max_bytes=max_bytes,
    )
    report = IngestReport(kind=read.kind or "rss", source=source, account_id=account.id, account_label=account.label)
    if read.not_modified:
        report.not_modified = True
        return report
    report.error = read.error
    meta = {"etag": read.etag, "last_modified": read.last_modified} if read.error is None else {}
    # store (and log) even when the feed failed: the items completed before the failure are good
    return await asyncio.to_thread(
        store_posts, db, account.id, read.items, kind=report.kind, source=source, report=report, now=now,
        import_meta=meta,
    )


def import_feed(
    db: Database, account_ref: str | int | Account, url: str | None = None, *, now: datetime | None = None,
    timeout: float | None = None, max_bytes: int | None = None,
) -> IngestReport:
    return asyncio.run(import_feed_async(db, account_ref, url, now=now, timeout=timeout, max_bytes=max_bytes))


def import_feeds(db: Database, *, now: datetime | None = None) -> list[IngestReport]:
    """Every running account's feed, one after the other (each feed's host is a different RSSHub route)."""
    accounts = [a for a in repo.list_accounts(db, states=[running_state()]) if a.feed_url]

    async def run() -> list[IngestReport]:
        return [await import_feed_async(db, account, now=now) for account in accounts]

    return asyncio.run(run())


@dataclass
class FileImport:
    reports: list[IngestReport] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # rows whose account is unknown or unreadable
    ignored_columns: tuple[str, ...] = ()

    @property
    def added(self) -> int:
        return sum(r.added for r in self.reports)

    @property
    def all_rejected(self) -> list[Rejected]:
        return self.rejected + [x for r in self.reports for x in r.rejected]


def _resolve_groups(
    db: Database, groups: dict[tuple[str | None, str | None], list[Item]], fixed: Account | None
) -> tuple[dict[int, tuple[Account, list[Item]]], list[Rejected]]:
    """Rows grouped by (platform, account name) → rows by registered account; the rest rejected."""
    out: dict[int, tuple[Account, list[Item]]] = {}
    rejected: list[Rejected] = []
    every = repo.list_accounts(db)
    for (platform_text, name), items in groups.items():
        account = fixed
        reason: str | None = None
        if account is None:
            if not name:
                reason = "未写明账号（表中无账号列时请用 --account 指定）"
            else:
                try:
                    platform = platforms().parse(platform_text) if platform_text else None
                except ValueError as exc:
                    platform, reason = None, str(exc)
                matches = [a for a in every if a.name == name and (platform is None or a.platform == platform)]
                if reason is None and len(matches) != 1:
                    reason = f"账号“{name}”未登记" if not matches else f"有多个平台的账号名为“{name}”，请加“平台”列"
                account = matches[0] if reason is None else None
        elif name and name != account.name:
            reason = f"账号列为“{name}”，与指定的 {account.label} 不符"
        if reason is not None or account is None:
            rejected.extend(Rejected(i.where, reason or "") for i in items)
            continue
        out.setdefault(account.id, (account, []))[1].extend(items)
    return out, rejected


def import_post_file(
    db: Database, path: Path, *, account: str | int | None = None, now: datetime | None = None
) -> FileImport:
    rows = read_posts(path)
    fixed = require_account(db, account) if account is not None else None
    kind = "excel" if path.suffix.lower() in EXCEL_SUFFIXES else "csv"
    groups, rejected = _resolve_groups(db, rows.posts, fixed)
    result = FileImport(rejected=list(rows.rejected) + rejected, ignored_columns=rows.header.ignored)
    for found, items in groups.values():
        report = IngestReport(kind=kind, source=str(path), account_id=found.id, account_label=found.label)
        result.reports.append(store_posts(db, found.id, items, kind=kind, source=str(path), report=report, now=now))
    return result


def import_message_file(
    db: Database, path: Path, *, account: str | int | None = None, now: datetime | None = None
) -> FileImport:
    rows = read_messages(path)
    fixed = require_account(db, account) if account is not None else None
    message_groups, rejected = _resolve_groups(db, rows.messages, fixed)
    result = FileImport(rejected=list(rows.rejected) + rejected, ignored_columns=rows.header.ignored)
    for found, messages in message_groups.values():
        report = IngestReport(kind="messages", source=str(path), account_id=found.id, account_label=found.label)
        result.reports.append(store_messages(db, found.id, messages, source=str(path), report=report, now=now))
    return result
