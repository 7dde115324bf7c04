"""Tables. Every change to them comes with an Alembic migration in store/migrations/versions/."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

scans = Table(
    "scans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False, index=True),
    Column("start_url", Text, nullable=False),
    Column("status", String(16), nullable=False),  # running | finished | failed
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("monitoring_point", DateTime(timezone=True), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("pages_fetched", Integer, nullable=False, default=0),
    Column("error", Text),
)

# Every URL a scan meets: pages it crawls (role page) and targets it only checks (role check).
# seq is assigned by the scan itself, so one scan writes without contention with others.
urls = Table(
    "urls",
    metadata,
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("role", String(8), nullable=False),
    Column("depth", Integer, nullable=False, default=0),
    Column("state", String(8), nullable=False),  # queued | done | skipped
    Column("status", Integer),
    Column("ok", Boolean),
    Column("error", Text),
    Column("final_url", Text),
    Column("content_type", Text),
    Column("size", BigInteger),
    Column("elapsed_ms", Float),
    Column("content_hash", String(64)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("title", Text),
    Column("facts", JSON),
    Column("fetched_at", DateTime(timezone=True)),
    Index("ix_urls_scan_state", "scan_id", "state"),
)

links = Table(
    "links",
    metadata,
    Column("scan_id", Integer, primary_key=True),
    Column("page_seq", Integer, primary_key=True),
    Column("target_seq", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("category", String(8), nullable=False),
    Column("text", Text, nullable=False, default=""),
    ForeignKeyConstraint(["scan_id", "page_seq"], ["urls.scan_id", "urls.seq"], ondelete="CASCADE"),
    ForeignKeyConstraint(["scan_id", "target_seq"], ["urls.scan_id", "urls.seq"], ondelete="CASCADE"),
    Index("ix_links_scan_target", "scan_id", "target_seq"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("page", Text, nullable=False),
    Column("target", Text),
    Column("evidence", Text),
    Column("suggestion", Text),
    Column("detail", JSON, nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("origin", String(12), nullable=False, default="page"),  # page | attachment | site (which stage raised it)
    UniqueConstraint("scan_id", "fingerprint", name="uq_findings_scan_fingerprint"),
    Index("ix_findings_scan_code", "scan_id", "code"),
)


# What a site check keeps from one scan for the next (the mobile render's measurements, by page
# and content hash): an incremental scan reuses them for pages that did not change.
check_memos = Table(
    "check_memos",
    metadata,
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True),
    Column("check_name", String(40), primary_key=True),
    Column("data", JSON, nullable=False),
)
