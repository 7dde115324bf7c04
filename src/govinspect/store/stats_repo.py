"""Data access of traffic and message statistics (tables in store/schema_stats.py).

Every import is written in one transaction: a file lands completely or not at all. Visitors are
stored per import and day as a compressed sorted array of 64-bit hashes; reading a period merges
the arrays, so distinct visitors are exact whatever the files overlap.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from govinspect.crawl.urls import BadURL, normalize
from govinspect.stats.errors import StatsError
from govinspect.stats.model import Message, SiteRef
from govinspect.stats.traffic import TrafficResult
from govinspect.store.db import Database
from govinspect.store.schema import scans, sites
from govinspect.store.schema_stats import column_days, log_imports, message_imports, messages, traffic_days

_CHUNK = 500


def _now() -> datetime:
    return datetime.now(UTC)


# --- sites -------------------------------------------------------------------------------------


def _registry_site(db: Database, ref: str) -> SiteRef | None:
    """The registry's resolver (id, name or URL) when that module is present."""
    try:
        from govinspect.store.registry_repo import find_site
    except ImportError:
        return None
    try:
        site = find_site(db, ref)
    except ValueError as exc:  # RegistryError is a ValueError with a Chinese message
        raise StatsError(str(exc)) from exc
    return SiteRef(site.id, site.url, site.name or "") if site is not None else None


def _site_row(conn: Connection, where: Any) -> SiteRef | None:
    row = conn.execute(select(sites.c.id, sites.c.url, sites.c.name).where(where).order_by(sites.c.id)).first()
    return SiteRef(int(row[0]), row[1], row[2] or "") if row else None


def resolve_site(db: Database, ref: str, *, create: bool = True) -> SiteRef:
    """A site given by id, name or URL; a URL not yet known is added when ``create``."""
    text = ref.strip()
    if not text:
        raise StatsError("请用 --site 指明站点（编号、名称或网址）")
    found = _registry_site(db, text)
    if found is not None:
        return found
    with db.engine.connect() as conn:
        if text.isdigit():
            found = _site_row(conn, sites.c.id == int(text))
            if found is None:
                raise StatsError(f"没有编号为 {text} 的站点")
            return found
        if "://" not in text and "." not in text:
            found = _site_row(conn, sites.c.name == text)
            if found is None:
                raise StatsError(f"没有找到站点：{text}（可用编号、名称或网址）")
            return found
    try:
        url = normalize(text if "://" in text else f"http://{text}")
    except BadURL as exc:
        raise StatsError(f"站点网址无效：{text}（{exc}）") from exc
    with db.engine.connect() as conn:
        found = _site_row(conn, sites.c.url.in_({url, url.rstrip("/")}))
    if found is not None:
        return found
    if not create:
        raise StatsError(f"没有找到站点：{text}")
    site_id = db.site_id_for(url)
    return SiteRef(site_id, url, "")


def latest_finished_scan(db: Database, site_id: int, before: datetime | None = None) -> tuple[int, str] | None:
    """(scan id, start URL) of the site's newest finished scan, optionally started before a moment."""
    query = select(scans.c.id, scans.c.start_url).where(scans.c.site_id == site_id, scans.c.status == "finished")
    if before is not None:
        query = query.where(scans.c.started_at < before)
    with db.engine.connect() as conn:
        row = conn.execute(query.order_by(scans.c.id.desc())).first()
    return (int(row[0]), row[1]) if row else None


# --- log imports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousLogImport:
    id: int
    file_name: str
    content_sha256: str
    content_bytes: int
    line_count: int
    imported_at: datetime


def _previous(row: Any) -> PreviousLogImport:
    return PreviousLogImport(
        int(row.id), row.file_name, row.content_sha256, int(row.content_bytes), int(row.line_count), row.imported_at
    )


def log_imports_starting_with(db: Database, site_id: int, first_line_sha256: str) -> list[PreviousLogImport]:
    query = select(log_imports).where(
        log_imports.c.site_id == site_id, log_imports.c.first_line_sha256 == first_line_sha256
    )
    with db.engine.connect() as conn:
        return [_previous(r) for r in conn.execute(query.order_by(log_imports.c.id))]


def log_import_by_hash(db: Database, site_id: int, sha256: str) -> PreviousLogImport | None:
    query = select(log_imports).where(log_imports.c.site_id == site_id, log_imports.c.content_sha256 == sha256)
    with db.engine.connect() as conn:
        row = conn.execute(query).first()
    return _previous(row) if row else None


def encode_visitors(visitors: Iterable[int]) -> bytes:
    values = array("Q", sorted(visitors))
    if sys.byteorder == "little":
        values.byteswap()
    return zlib.compress(values.tobytes(), 6)


def decode_visitors(blob: bytes) -> array[int]:
    values = array("Q")
    values.frombytes(zlib.decompress(blob))
    if sys.byteorder == "little":
        values.byteswap()
    return values


@dataclass(frozen=True)
class LogImportRecord:
    file_name: str
    format: str
    content_sha256: str
    content_bytes: int
    line_count: int
    first_line_sha256: str
    settings: dict[str, Any]


def save_log_import(db: Database, site_id: int, record: LogImportRecord, result: TrafficResult) -> int | None:
    """Store one file's figures in one transaction; None when the same content is already stored."""
    try:
        with db.engine.begin() as conn:
            inserted = conn.execute(
                insert(log_imports).values(
                    site_id=site_id,
                    file_name=record.file_name,
                    format=record.format,
                    content_sha256=record.content_sha256,
                    content_bytes=record.content_bytes,
                    line_count=record.line_count,
                    first_line_sha256=record.first_line_sha256,
                    skipped_lines=result.lines_skipped,
                    bad_lines=result.lines_bad,
                    hits=result.hits,
                    pv=result.pv,
                    first_time=result.first_time,
                    last_time=result.last_time,
                    settings=record.settings,
                    imported_at=_now(),
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            import_id = int(key[0])
            day_rows = [
                {
                    "import_id": import_id,
                    "day": day,
                    "site_id": site_id,
                    "hits": d.hits,
                    "pv": d.pv,
                    "visits": d.visits,
                    "bounces": d.bounces,
                    "bot_hits": d.bot_hits,
                    "visitor_count": len(d.visitors),
                    "visitors": encode_visitors(d.visitors),
                }
                for day, d in result.days.items()
            ]
            if day_rows:
                conn.execute(insert(traffic_days), day_rows)
            column_rows = [
                {"import_id": import_id, "day": day, "path": path, "site_id": site_id, "pv": pv}
                for (day, path), pv in result.columns.items()
            ]
            for start in range(0, len(column_rows), 5000):
                conn.execute(insert(column_days), column_rows[start : start + 5000])
            return import_id
    except IntegrityError:
        if log_import_by_hash(db, site_id, record.content_sha256) is not None:
            return None  # a concurrent import of the same file won
        raise


@dataclass
class TrafficDay:
    day: date
    hits: int = 0
    pv: int = 0
    visits: int = 0
    bounces: int = 0
    bot_hits: int = 0
    visitors: set[int] = field(default_factory=set)


def traffic_days_between(db: Database, site_id: int, start: date, end: date) -> list[TrafficDay]:
    """Per-day figures of [start, end] merged over every imported file (visitors as a union)."""
    query = (
        select(traffic_days)
        .where(traffic_days.c.site_id == site_id, traffic_days.c.day >= start, traffic_days.c.day <= end)
        .order_by(traffic_days.c.day, traffic_days.c.import_id)
    )
    merged: dict[date, TrafficDay] = {}
    with db.engine.connect() as conn:
        for row in conn.execution_options(yield_per=200).execute(query):
            day = merged.setdefault(row.day, TrafficDay(row.day))
            day.hits += row.hits
            day.pv += row.pv
            day.visits += row.visits
            day.bounces += row.bounces
            day.bot_hits += row.bot_hits
            day.visitors.update(decode_visitors(row.visitors))
    return [merged[d] for d in sorted(merged)]


def column_pv_between(db: Database, site_id: int, start: date, end: date) -> list[tuple[str, int]]:
    total = func.sum(column_days.c.pv).label("pv")
    query = (
        select(column_days.c.path, total)
        .where(column_days.c.site_id == site_id, column_days.c.day >= start, column_days.c.day <= end)
        .group_by(column_days.c.path)
        .order_by(total.desc(), column_days.c.path)
    )
    with db.engine.connect() as conn:
        return [(r[0], int(r[1])) for r in conn.execute(query)]


# --- messages ----------------------------------------------------------------------------------


def message_import_seen(db: Database, site_id: int, sha256: str) -> bool:
    query = select(message_imports.c.id).where(
        message_imports.c.site_id == site_id, message_imports.c.content_sha256 == sha256
    )
    with db.engine.connect() as conn:
        return conn.execute(query).first() is not None


@dataclass(frozen=True)
class MessageSaveCounts:
    new: int
    updated: int
    unchanged: int


def _message_values(message: Message) -> dict[str, Any]:
    return {
        "number": message.number,
        "title": message.title,
        "kind": message.kind,
        "status": message.status,
        "unit": message.unit,
        "received_at": message.received_at,
        "answered_at": message.answered_at,
        "answered": message.answered,
    }


def save_messages(
    db: Database,
    site_id: int,
    *,
    file_name: str,
    sha256: str,
    columns: dict[str, str],
    rows: Sequence[Message],
    rows_bad: int,
) -> MessageSaveCounts | None:
    """Insert new messages and update changed ones, in one transaction; None if the file was seen."""
    by_identity: dict[str, Message] = {}
    for message in rows:
        by_identity[message.identity] = message  # a later row of the same message wins
    new: list[dict[str, Any]] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    unchanged = 0
    try:
        with db.engine.begin() as conn:
            inserted = conn.execute(
                insert(message_imports).values(
                    site_id=site_id,
                    file_name=file_name,
                    content_sha256=sha256,
                    rows_total=len(rows),
                    rows_new=0,
                    rows_updated=0,
                    rows_bad=rows_bad,
                    columns=columns,
                    imported_at=_now(),
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            import_id = int(key[0])
            identities = list(by_identity)
            for start in range(0, len(identities), _CHUNK):
                chunk = identities[start : start + _CHUNK]
                query = select(messages).where(messages.c.site_id == site_id, messages.c.identity.in_(chunk))
                existing = {r.identity: r for r in conn.execute(query)}
                for identity in chunk:
                    values = _message_values(by_identity[identity])
                    row = existing.get(identity)
                    if row is None:
                        new.append({"site_id": site_id, "identity": identity, "import_id": import_id, **values})
                    elif any(getattr(row, k) != v for k, v in values.items()):
                        changed.append((int(row.id), {**values, "import_id": import_id}))
                    else:
                        unchanged += 1
            for start in range(0, len(new), 2000):
                conn.execute(insert(messages), new[start : start + 2000])
            for row_id, values in changed:
                conn.execute(update(messages).where(messages.c.id == row_id).values(**values))
            conn.execute(
                update(message_imports)
                .where(message_imports.c.id == import_id)
                .values(rows_new=len(new), rows_updated=len(changed))
            )
    except IntegrityError:
        if message_import_seen(db, site_id, sha256):
            return None
        raise
    return MessageSaveCounts(new=len(new), updated=len(changed), unchanged=unchanged)


def messages_received_between(db: Database, site_id: int, start: datetime, end: datetime) -> list[Message]:
    """Stored messages received in [start, end) (naive local times)."""
    query = (
        select(messages)
        .where(messages.c.site_id == site_id, messages.c.received_at >= start, messages.c.received_at < end)
        .order_by(messages.c.received_at, messages.c.id)
    )
    with db.engine.connect() as conn:
        return [
            Message(
                number=r.number,
                title=r.title,
                received_at=r.received_at,
                answered_at=r.answered_at,
                answered=bool(r.answered),
                kind=r.kind,
                status=r.status,
                unit=r.unit,
            )
            for r in conn.execute(query)
        ]


def message_count(db: Database, site_id: int) -> int:
    query = select(func.count()).select_from(messages).where(messages.c.site_id == site_id)
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
