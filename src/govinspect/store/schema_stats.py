"""Tables of traffic and message statistics, on the same ``metadata`` as store/schema.py.

Migration 0003_stats creates them. Only govinspect.store.stats_repo reads and writes them.

Traffic is kept as per-day aggregates of each imported log file (never raw log lines): page views,
visits, bounces, requests and the day's visitors as a compressed set of 64-bit hashes, so that
the distinct visitors of any period can be counted exactly from the database.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from govinspect.store.schema import metadata

# One row per imported log file. The content hash (of the decompressed bytes) makes a re-import
# a no-op; the first-line hash finds earlier imports that a grown log starts with.
log_imports = Table(
    "stats_log_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("content_bytes", BigInteger, nullable=False),
    Column("line_count", BigInteger, nullable=False),
    Column("first_line_sha256", String(64), nullable=False),
    Column("skipped_lines", BigInteger, nullable=False),  # a prefix an earlier import already counted
    Column("bad_lines", BigInteger, nullable=False),
    Column("hits", BigInteger, nullable=False),
    Column("pv", BigInteger, nullable=False),
    Column("first_time", DateTime(timezone=True)),
    Column("last_time", DateTime(timezone=True)),
    Column("settings", JSON, nullable=False),  # session gap, time zone: what the figures depend on
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("site_id", "content_sha256", name="uq_stats_log_imports_site_id"),
    Index("ix_stats_log_imports_first_line", "site_id", "first_line_sha256"),
)

traffic_days = Table(
    "stats_traffic_days",
    metadata,
    Column("import_id", Integer, ForeignKey("stats_log_imports.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("hits", BigInteger, nullable=False),
    Column("pv", BigInteger, nullable=False),
    Column("visits", BigInteger, nullable=False),
    Column("bounces", BigInteger, nullable=False),
    Column("bot_hits", BigInteger, nullable=False),
    Column("visitor_count", Integer, nullable=False),
    Column("visitors", LargeBinary, nullable=False),  # zlib of sorted big-endian uint64 visitor hashes
    Index("ix_stats_traffic_days_site_day", "site_id", "day"),
)

column_days = Table(
    "stats_column_days",
    metadata,
    Column("import_id", Integer, ForeignKey("stats_log_imports.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("path", String(255), primary_key=True),  # the column's path prefix, e.g. /col/tzgg/
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("pv", BigInteger, nullable=False),
    Index("ix_stats_column_days_site_day", "site_id", "day"),
)

message_imports = Table(
    "stats_message_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_new", Integer, nullable=False),
    Column("rows_updated", Integer, nullable=False),
    Column("rows_bad", Integer, nullable=False),
    Column("columns", JSON, nullable=False),  # field → the header it was read from
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("site_id", "content_sha256", name="uq_stats_message_imports_site_id"),
)

# One row per citizen message. identity is the export's number ("no:…") or, without one, the
# received time and title ("tt:…"): a re-import updates a row (its answer may have come since),
# never adds it twice. Times are local wall-clock times as the export writes them.
messages = Table(
    "stats_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("identity", String(400), nullable=False),
    Column("number", Text),
    Column("title", Text, nullable=False),
    Column("kind", Text),
    Column("status", Text),
    Column("unit", Text),
    Column("received_at", DateTime(timezone=False), nullable=False),
    Column("answered_at", DateTime(timezone=False)),
    Column("answered", Boolean, nullable=False),
    Column("import_id", Integer, ForeignKey("stats_message_imports.id", ondelete="SET NULL")),
    UniqueConstraint("site_id", "identity", name="uq_stats_messages_site_id"),
    Index("ix_stats_messages_site_received", "site_id", "received_at"),
)
