"""The database: opening (and migrating) it, and the operations a scan and its exports need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from govinspect.checks.site import LinkRecord, PageRecord
from govinspect.findings import Finding
from govinspect.store.schema import check_memos, findings, links, scans, sites, urls


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message is for the user."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (exports, the console) never block the scan
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def open_database(url: str, *, migrate: bool = True) -> Database:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"数据库地址无效：{url}") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"无法使用数据库 {url}：{exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    db = Database(engine)
    if migrate:
        db.migrate()
    return db


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ScanInfo:
    id: int
    site_id: int
    start_url: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    monitoring_point: datetime
    settings: dict[str, Any]
    pages_fetched: int


@dataclass(frozen=True)
class FrontierRow:
    seq: int
    url: str
    role: str
    depth: int
    state: str
    via: str | None = None  # queued checks: the first page that links it


@dataclass(frozen=True, slots=True)
class PreviousURL:
    seq: int
    role: str
    status: int | None
    ok: bool | None
    error: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    title: str | None
    content_type: str | None
    size: int | None


@dataclass
class ReusablePage:
    facts: dict[str, Any]
    links: list[tuple[int, str, str]]  # (target seq, kind, category)
    findings: list[Finding]


_REUSE_CHUNK = 500  # pages per query: well under any database's bound-parameter limit


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
        try:
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise StoreError(f"无法打开数据库 {self.engine.url.render_as_string(hide_password=True)}：{exc.orig}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def _insert_ignore(self, table: Any) -> Any:
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        raise StoreError(f"不支持的数据库类型：{self.dialect}")

    # --- sites and scans -------------------------------------------------------------------

    def site_id_for(self, url: str, name: str = "") -> int:
        with self.engine.begin() as conn:
            found = conn.execute(select(sites.c.id).where(sites.c.url == url)).scalar()
            if found is not None:
                return int(found)
            conn.execute(self._insert_ignore(sites).values(url=url, name=name, created_at=_now()))
            return int(conn.execute(select(sites.c.id).where(sites.c.url == url)).scalar_one())

    def create_scan(self, site_id: int, start_url: str, settings: dict[str, Any], monitoring_point: datetime) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                scans.insert().values(
                    site_id=site_id,
                    start_url=start_url,
                    status="running",
                    started_at=_now(),
                    monitoring_point=monitoring_point.astimezone(UTC),  # SQLite drops zones: store UTC
                    settings=settings,
                    pages_fetched=0,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def scan(self, scan_id: int) -> ScanInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(scans).where(scans.c.id == scan_id)).mappings().first()
        return _scan_info(row) if row else None

    def latest_unfinished_scan(self, start_url: str | None = None) -> ScanInfo | None:
        query = select(scans).where(scans.c.status == "running").order_by(scans.c.id.desc())
        if start_url:
            query = query.where(scans.c.start_url == start_url)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _scan_info(row) if row else None

    def list_scans(self, limit: int = 50) -> list[ScanInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(scans).order_by(scans.c.id.desc()).limit(limit)).mappings().all()
        return [_scan_info(r) for r in rows]

    def finish_scan(self, scan_id: int, pages_fetched: int, status: str = "finished", error: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(scans)
                .where(scans.c.id == scan_id)
                .values(status=status, finished_at=_now(), pages_fetched=pages_fetched, error=error)
            )

    # --- the frontier --------------------------------------------------------------------

    def load_frontier(self, scan_id: int) -> list[FrontierRow]:
        """A scan's URLs, for a resumed scan. A queued check comes with the first page that links it:
        an attachment is downloaded and its text checked only when the scan knows where it is linked."""
        page = urls.alias("page")
        first_linker = (
            select(page.c.url)
            .select_from(links.join(page, (page.c.scan_id == links.c.scan_id) & (page.c.seq == links.c.page_seq)))
            .where(links.c.scan_id == urls.c.scan_id, links.c.target_seq == urls.c.seq)
            .order_by(links.c.page_seq)
            .limit(1)
            .scalar_subquery()
        )
        via = case((and_(urls.c.role == "check", urls.c.state == "queued"), first_linker), else_=None)
        query = select(urls.c.seq, urls.c.url, urls.c.role, urls.c.depth, urls.c.state, via).where(
            urls.c.scan_id == scan_id
        )
        with self.engine.connect() as conn:
            return [FrontierRow(*row) for row in conn.execute(query.order_by(urls.c.seq))]

    def count_done_pages(self, scan_id: int) -> int:
        query = select(func.count()).where(urls.c.scan_id == scan_id, urls.c.role == "page", urls.c.state == "done")
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def write_batch(
        self,
        scan_id: int,
        new_urls: Sequence[dict[str, Any]],
        results: Sequence[dict[str, Any]],
        new_links: Sequence[dict[str, Any]],
        new_findings: Sequence[Finding],
        attachment_findings: Sequence[Finding] = (),
        copied_links: tuple[int, Sequence[int]] | None = None,
    ) -> None:
        """One transaction: what some fetched pages discovered and what they yielded.

        Either all of it lands or none does, so a scan killed at any moment resumes cleanly.
        ``copied_links`` is (earlier scan, page seqs): unchanged pages whose links are copied inside
        the database, under the same seqs (an incremental scan keeps each URL's seq).
        """
        with self.engine.begin() as conn:
            if new_urls:
                conn.execute(self._insert_ignore(urls), [{"scan_id": scan_id, **u} for u in new_urls])
            self._update_results(conn, scan_id, results)
            if new_links:
                conn.execute(self._insert_ignore(links), [{"scan_id": scan_id, **lk} for lk in new_links])
            if copied_links is not None:
                self._copy_links(conn, scan_id, *copied_links)
            self._insert_findings(conn, scan_id, new_findings, "page")
            self._insert_findings(conn, scan_id, attachment_findings, "attachment")

    @staticmethod
    def _update_results(conn: Connection, scan_id: int, results: Sequence[dict[str, Any]]) -> None:
        # one executemany per shape of row: a statement per row cost more than the crawl itself
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for result in results:
            values = {k: v for k, v in result.items() if k != "seq"}
            shapes.setdefault(tuple(sorted(values)), []).append({"b_scan": scan_id, "b_seq": result["seq"], **values})
        statement = update(urls).where(urls.c.scan_id == bindparam("b_scan"), urls.c.seq == bindparam("b_seq"))
        for rows in shapes.values():
            conn.execute(statement, rows)

    @staticmethod
    def _copy_links(conn: Connection, scan_id: int, from_scan: int, page_seqs: Sequence[int]) -> None:
        columns = ["scan_id", "page_seq", "target_seq", "kind", "category", "text"]
        for start in range(0, len(page_seqs), _REUSE_CHUNK):
            chunk = list(page_seqs[start : start + _REUSE_CHUNK])
            source = select(
                literal(scan_id), links.c.page_seq, links.c.target_seq, links.c.kind, links.c.category, links.c.text
            ).where(links.c.scan_id == from_scan, links.c.page_seq.in_(chunk))
            conn.execute(insert(links).from_select(columns, source))

    def insert_findings(self, scan_id: int, new_findings: Iterable[Finding], origin: str = "site") -> None:
        with self.engine.begin() as conn:
            self._insert_findings(conn, scan_id, list(new_findings), origin)

    def _insert_findings(self, conn: Connection, scan_id: int, new_findings: Sequence[Finding], origin: str) -> None:
        if not new_findings:
            return
        rows = [
            {
                "scan_id": scan_id,
                "code": f.code,
                "severity": f.severity,
                "page": f.page,
                "target": f.target,
                "evidence": f.evidence,
                "suggestion": f.suggestion,
                "detail": f.detail,
                "fingerprint": f.fingerprint(),
                "origin": origin,
            }
            for f in new_findings
        ]
        conn.execute(self._insert_ignore(findings), rows)

    def findings_of(self, scan_id: int, code: str | None = None) -> list[Finding]:
        query = select(findings).where(findings.c.scan_id == scan_id).order_by(findings.c.id)
        if code is not None:
            query = query.where(findings.c.code == code)
        with self.engine.connect() as conn:
            return [_finding(r) for r in conn.execute(query)]

    # --- what an incremental scan reuses from the previous one -------------------------------

    def previous_finished_scan(self, start_url: str) -> ScanInfo | None:
        """The latest finished scan of the site."""
        query = (
            select(scans)
            .where(scans.c.start_url == start_url, scans.c.status == "finished")
            .order_by(scans.c.id.desc())
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _scan_info(row) if row else None

    def previous_urls(self, scan_id: int) -> tuple[dict[str, PreviousURL], dict[str, int]]:
        """An earlier scan's URLs, read once: the outcome of each one it finished, and every URL's
        seq (an incremental scan gives each URL the same seq again)."""
        query = select(
            urls.c.url, urls.c.seq, urls.c.role, urls.c.status, urls.c.ok, urls.c.error, urls.c.etag,
            urls.c.last_modified, urls.c.content_hash, urls.c.title, urls.c.content_type, urls.c.size, urls.c.state,
        ).where(urls.c.scan_id == scan_id)
        done: dict[str, PreviousURL] = {}
        seqs: dict[str, int] = {}
        with self.engine.connect() as conn:
            for r in conn.execution_options(yield_per=5000).execute(query):
                seqs[r[0]] = r[1]
                if r[12] == "done":
                    done[r[0]] = PreviousURL(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11])
        return done, seqs

    def reusable_pages(self, scan_id: int, pages: Sequence[tuple[int, str]]) -> dict[int, ReusablePage]:
        """Pages of an earlier scan as the crawler needs them again (facts, outgoing links, page
        findings), keyed by their seq there. One query each for many pages: an incremental scan
        asks for thousands, and one round trip per page cost more than fetching them. Links come
        as (target seq, kind, category): the caller knows the earlier scan's URLs by seq."""
        found: dict[int, ReusablePage] = {seq: ReusablePage(facts={}, links=[], findings=[]) for seq, _ in pages}
        seq_of_url = {url: seq for seq, url in pages}
        with self.engine.connect() as conn:
            for start in range(0, len(pages), _REUSE_CHUNK):
                chunk = pages[start : start + _REUSE_CHUNK]
                seqs = [seq for seq, _ in chunk]
                facts_query = select(urls.c.seq, urls.c.facts).where(urls.c.scan_id == scan_id, urls.c.seq.in_(seqs))
                for seq, facts in conn.execute(facts_query):
                    found[seq].facts = dict(facts or {})
                link_query = select(links.c.page_seq, links.c.target_seq, links.c.kind, links.c.category).where(
                    links.c.scan_id == scan_id, links.c.page_seq.in_(seqs)
                )
                for page_seq, target_seq, kind, category in conn.execute(link_query):
                    found[page_seq].links.append((target_seq, kind, category))
                page_urls = [url for _, url in chunk]
                for finding in self._findings_where(conn, scan_id, findings.c.page.in_(page_urls), "page"):
                    found[seq_of_url[finding.page]].findings.append(finding)
        return found

    def link_texts(self, scan_id: int, page_seq: int) -> dict[tuple[int, str], str]:
        """The anchor texts of one page's links, by (target seq, kind)."""
        query = select(links.c.target_seq, links.c.kind, links.c.text).where(
            links.c.scan_id == scan_id, links.c.page_seq == page_seq
        )
        with self.engine.connect() as conn:
            return {(target, kind): text or "" for target, kind, text in conn.execute(query)}

    def attachment_findings(self, scan_id: int) -> dict[str, list[Finding]]:
        """A scan's attachment findings by attachment URL (read once: an incremental scan reuses them)."""
        by_target: dict[str, list[Finding]] = {}
        with self.engine.connect() as conn:
            for finding in self._findings_where(conn, scan_id, findings.c.target.is_not(None), "attachment"):
                by_target.setdefault(str(finding.target), []).append(finding)
        return by_target

    def _findings_where(self, conn: Connection, scan_id: int, condition: Any, origin: str) -> list[Finding]:
        query = select(findings).where(findings.c.scan_id == scan_id, findings.c.origin == origin, condition)
        return [_finding(r) for r in conn.execute(query.order_by(findings.c.id))]

    def delete_findings(self, scan_id: int, fingerprints: Iterable[str]) -> int:
        doomed = list(fingerprints)
        deleted = 0
        with self.engine.begin() as conn:
            for start in range(0, len(doomed), 5000):  # stay under the database's bound-parameter limit
                chunk = doomed[start : start + 5000]
                result = conn.execute(
                    findings.delete().where(findings.c.scan_id == scan_id, findings.c.fingerprint.in_(chunk))
                )
                deleted += int(result.rowcount or 0)
        return deleted

    def save_check_memos(self, scan_id: int, memos: dict[str, Any]) -> None:
        if not memos:
            return
        rows = [{"scan_id": scan_id, "check_name": name, "data": data} for name, data in memos.items()]
        with self.engine.begin() as conn:
            conn.execute(check_memos.delete().where(check_memos.c.scan_id == scan_id))  # a resumed scan's own
            conn.execute(check_memos.insert(), rows)

    def check_memos(self, scan_id: int) -> dict[str, Any]:
        query = select(check_memos.c.check_name, check_memos.c.data).where(check_memos.c.scan_id == scan_id)
        with self.engine.connect() as conn:
            return {name: data for name, data in conn.execute(query)}

    def site_data(self, scan_id: int, start_url: str) -> StoredSiteData:
        return StoredSiteData(self, scan_id, start_url)


def _finding(r: Any) -> Finding:
    return Finding(
        code=r.code,
        severity=r.severity,
        page=r.page,
        target=r.target,
        evidence=r.evidence,
        suggestion=r.suggestion,
        detail=dict(r.detail or {}),
    )


def _utc(value: datetime | None) -> datetime | None:
    """Times are stored in UTC; SQLite hands them back without a zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _scan_info(row: Any) -> ScanInfo:
    started, point = _utc(row["started_at"]), _utc(row["monitoring_point"])
    assert started is not None and point is not None
    return ScanInfo(
        id=row["id"],
        site_id=row["site_id"],
        start_url=row["start_url"],
        status=row["status"],
        started_at=started,
        finished_at=_utc(row["finished_at"]),
        monitoring_point=point,
        settings=dict(row["settings"] or {}),
        pages_fetched=row["pages_fetched"],
    )


class StoredSiteData:
    """SiteData over the database, streamed in chunks so memory stays flat in site size."""

    def __init__(self, db: Database, scan_id: int, start_url: str) -> None:
        self.db = db
        self.scan_id = scan_id
        self.start_url = start_url

    def pages(self) -> Iterator[PageRecord]:
        query = (
            select(urls)
            .where(urls.c.scan_id == self.scan_id, urls.c.role == "page", urls.c.state == "done")
            .order_by(urls.c.seq)
        )
        with self.db.engine.connect() as conn:
            for r in conn.execution_options(yield_per=1000).execute(query):
                yield PageRecord(
                    url=r.url,
                    status=r.status,
                    ok=bool(r.ok),
                    title=r.title or "",
                    content_type=r.content_type or "",
                    depth=r.depth,
                    error=r.error,
                    facts=dict(r.facts or {}),
                    content_hash=r.content_hash,
                )

    def links(self, *, broken_only: bool = False) -> Iterator[LinkRecord]:
        page = urls.alias("page")
        target = urls.alias("target")
        query = (
            select(
                page.c.url,
                target.c.url,
                links.c.kind,
                links.c.category,
                links.c.text,
                target.c.ok,
                target.c.status,
                target.c.error,
                target.c.state,
            )
            .select_from(links)
            .join(page, (page.c.scan_id == links.c.scan_id) & (page.c.seq == links.c.page_seq))
            .join(target, (target.c.scan_id == links.c.scan_id) & (target.c.seq == links.c.target_seq))
            .where(links.c.scan_id == self.scan_id)
            .order_by(links.c.page_seq, links.c.target_seq)
        )
        if broken_only:  # the few failed targets first, then their links (index on target_seq)
            query = query.where(target.c.state == "done", target.c.ok.is_(False))
        with self.db.engine.connect() as conn:
            for r in conn.execution_options(yield_per=2000).execute(query):
                ok = r[5] if r[8] == "done" else None
                yield LinkRecord(
                    page_url=r[0],
                    target_url=r[1],
                    kind=r[2],
                    category=r[3],
                    text=r[4] or "",
                    target_ok=ok,
                    target_status=r[6],
                    target_error=r[7],
                )
