"""`govinspect import messages`: rows of a mailbox-system export → stored messages.

Each data row becomes a Message; a row whose received time cannot be read, which has neither
title nor number, or whose answer predates its question is reported by its row number and left
out, and the good rows are kept. A message counts as answered when it has an answer time, or
when its status says so (已回复, 已办结 …) even without one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from govinspect.stats.errors import StatsError
from govinspect.stats.headers import HeaderFinder, HeaderMatch, load_mapping
from govinspect.stats.model import Message
from govinspect.stats.rules import FIELD_LABELS, MessageRules, message_rules
from govinspect.stats.tables import read_grid
from govinspect.store import stats_repo
from govinspect.store.db import Database

_DATETIME_RE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*$"
)
_COMPACT_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954 … 2119: a number in this range in a date column is a serial


def parse_moment(value: Any) -> datetime | None:
    """A cell as a naive local datetime; None when empty. ValueError when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_SERIAL_RANGE[0] <= value <= _EXCEL_SERIAL_RANGE[1]:
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
        raise ValueError(str(value))
    text = str(value).strip()
    if not text or text in ("-", "—", "/", "无"):
        return None
    match = _DATETIME_RE.match(text) or _COMPACT_RE.match(text)
    if not match:
        raise ValueError(text)
    parts = [int(p) if p else 0 for p in match.groups()]
    return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class BadRow:
    number: int  # the row number as the spreadsheet shows it (1-based)
    reason: str


@dataclass
class ParsedRows:
    messages: list[Message]
    bad: list[BadRow]
    bad_count: int


def _answered_by_status(status: str, rules: MessageRules) -> bool | None:
    if not status:
        return None
    if any(word in status for word in rules.unanswered_words):  # 未办结 contains 办结: check "not yet" first
        return False
    if any(word in status for word in rules.answered_words):
        return True
    return None


def rows_to_messages(rows: list[list[Any]], header: HeaderMatch, rules: MessageRules) -> ParsedRows:
    columns = header.columns
    messages: list[Message] = []
    bad: list[BadRow] = []
    bad_count = 0

    def value(row: list[Any], name: str) -> Any:
        column = columns.get(name)
        return row[column] if column is not None and column < len(row) else None

    for index in range(header.row + 1, len(rows)):
        row = rows[index]
        if all(cell_text(v) == "" for v in row):
            continue
        number = index + 1
        reason: str | None = None
        title = cell_text(value(row, "title"))
        code = cell_text(value(row, "number")) or None
        received: datetime | None = None
        answered_at: datetime | None = None
        try:
            received = parse_moment(value(row, "received_at"))
        except ValueError as exc:
            reason = f"{FIELD_LABELS['received_at']}“{exc}”无法识别"
        if reason is None and received is None:
            reason = f"缺少{FIELD_LABELS['received_at']}"
        if reason is None:
            try:
                answered_at = parse_moment(value(row, "answered_at"))
            except ValueError as exc:
                reason = f"{FIELD_LABELS['answered_at']}“{exc}”无法识别"
        if reason is None and not title and not code:
            reason = "既无标题也无编号"
        if reason is None and answered_at is not None and received is not None and answered_at < received:
            reason = f"{FIELD_LABELS['answered_at']}早于{FIELD_LABELS['received_at']}"
        if reason is not None or received is None:
            bad_count += 1
            if len(bad) < rules.bad_row_examples:
                bad.append(BadRow(number, reason or "无法读取"))
            continue
        status = cell_text(value(row, "status"))
        by_status = _answered_by_status(status, rules)
        messages.append(
            Message(
                number=code,
                title=title or f"（编号 {code}）",
                received_at=received,
                answered_at=answered_at,
                answered=answered_at is not None or bool(by_status),
                kind=cell_text(value(row, "kind")) or None,
                status=status or None,
                unit=cell_text(value(row, "unit")) or None,
            )
        )
    return ParsedRows(messages, bad, bad_count)


@dataclass
class MessageImportReport:
    path: Path
    status: str  # imported | duplicate
    where: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_count: int = 0


def read_messages(path: Path, mapping: Path | None = None) -> tuple[ParsedRows, HeaderMatch, str]:
    """Parse an export without storing it (the import and the tests both use this)."""
    rules = message_rules()
    columns = load_mapping(mapping) if mapping is not None else None
    grid = read_grid(path)
    if not grid.rows:
        raise StatsError(f"文件 {path} 是空的")
    try:
        header = HeaderFinder(rules, columns).find(grid.rows)
    except StatsError as exc:
        raise StatsError(f"{path.name}（{grid.where}）：{exc}") from exc
    return rows_to_messages(grid.rows, header, rules), header, grid.where


def import_messages(db: Database, site_id: int, path: Path, mapping: Path | None = None) -> MessageImportReport:
    if not path.is_file():
        raise StatsError(f"文件不存在：{path}")
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise StatsError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    parsed, header, where = read_messages(path, mapping)
    labels = {FIELD_LABELS[f]: text for f, text in header.labels.items()}
    if stats_repo.message_import_seen(db, site_id, sha):
        return MessageImportReport(path=path, status="duplicate", where=where, columns=labels, rows=len(parsed.messages))
    counts = stats_repo.save_messages(
        db,
        site_id,
        file_name=path.name,
        sha256=sha,
        columns=labels,
        rows=parsed.messages,
        rows_bad=parsed.bad_count,
    )
    if counts is None:
        return MessageImportReport(path=path, status="duplicate", where=where, columns=labels, rows=len(parsed.messages))
    return MessageImportReport(
        path=path,
        status="imported",
        where=where,
        columns=labels,
        rows=len(parsed.messages),
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        bad=parsed.bad,
        bad_count=parsed.bad_count,
    )
