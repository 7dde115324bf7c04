"""`govinspect import logs`: one log file → per-day figures in the database, in one transaction.

Re-imports add nothing: a file whose decompressed content was imported before is skipped; a log
that has grown since an earlier import (the earlier content is its exact prefix) is imported from
the first new line on. A truncated or corrupt gzip file is rejected as a whole (nothing of it is
stored): the complete file, once obtained, then imports cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govinspect.stats.errors import StatsError
from govinspect.stats.logformat import LineParser, detect_format
from govinspect.stats.logread import LineReader, LogFile, first_line_sha256, open_log, prefix_hashes
from govinspect.stats.rules import TrafficRules, parse_offset, traffic_rules
from govinspect.stats.traffic import BadLine, TrafficAggregator, TrafficResult
from govinspect.store import stats_repo
from govinspect.store.db import Database

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LogOptions:
    """What the figures depend on; None means: as data/stats/traffic.yaml says."""

    gap_minutes: float | None = None
    timezone: str | None = None

    def resolved(self, rules: TrafficRules) -> dict[str, object]:
        gap = self.gap_minutes if self.gap_minutes is not None else rules.session_gap_minutes
        if gap <= 0:
            raise StatsError("会话间隔必须大于 0 分钟")
        zone = self.timezone or rules.timezone
        parse_offset(zone)
        return {"session_gap_minutes": gap, "timezone": zone}


@dataclass
class LogImportReport:
    path: Path
    status: str  # imported | duplicate
    import_id: int | None = None
    format: str = ""
    lines: int = 0
    lines_bad: int = 0
    lines_skipped: int = 0
    bad_examples: list[BadLine] = field(default_factory=list)
    result: TrafficResult | None = None
    duplicate_of: str | None = None


def _detect(log: LogFile, rules: TrafficRules) -> LineParser:
    sample: list[str] = []
    reader = LineReader(log)
    for _, lines in reader.batches():
        sample.extend(line for line in lines if line.strip())
        if len(sample) >= rules.detect_lines:
            break
    if not sample:
        raise StatsError(f"文件 {log.path} 是空的，没有可导入的日志")
    parser = detect_format(sample[: rules.detect_lines])
    if parser is None:
        raise StatsError(
            f"无法识别文件 {log.path} 的日志格式：前 {min(len(sample), rules.detect_lines)} 行都不是 "
            "nginx/Apache combined 或 IIS W3C 格式"
        )
    return parser


def _already_imported(db: Database, site_id: int, log: LogFile) -> tuple[str | None, int]:
    """(name of the earlier import with this very content, lines to skip because already imported)."""
    first = first_line_sha256(log)
    if first is None:
        return None, 0
    candidates = stats_repo.log_imports_starting_with(db, site_id, first)
    if not candidates:
        return None, 0
    full, _, prefixes = prefix_hashes(log, {c.content_bytes for c in candidates})
    for candidate in candidates:
        if candidate.content_sha256 == full:
            return candidate.file_name, 0
    skip = 0
    for candidate in candidates:
        if prefixes.get(candidate.content_bytes) == candidate.content_sha256:
            skip = max(skip, candidate.line_count)
    return None, skip


def import_log_file(
    db: Database,
    site_id: int,
    path: Path,
    options: LogOptions | None = None,
    progress: Progress | None = None,
) -> LogImportReport:
    rules = traffic_rules()
    options = options or LogOptions()
    settings = options.resolved(rules)
    log = open_log(path)
    parser = _detect(log, rules)
    duplicate_of, skip = _already_imported(db, site_id, log)
    if duplicate_of is not None:
        return LogImportReport(path=path, status="duplicate", format=parser.name, duplicate_of=duplicate_of)
    aggregator = TrafficAggregator(
        parser, rules, gap_minutes=options.gap_minutes, timezone=options.timezone, skip_lines=skip
    )
    reader = LineReader(log)
    for number, lines in reader.batches():
        aggregator.feed(number, lines)
        if progress is not None:
            progress(reader.reader.bytes_read)
    result = aggregator.finish()
    identity = reader.identity
    assert identity is not None
    record = stats_repo.LogImportRecord(
        file_name=path.name,
        format=parser.name,
        content_sha256=identity.sha256,
        content_bytes=identity.size,
        line_count=identity.lines,
        first_line_sha256=identity.first_line_sha256,
        settings={**settings, "skipped_lines": skip},
    )
    import_id = stats_repo.save_log_import(db, site_id, record, result)
    if import_id is None:
        return LogImportReport(path=path, status="duplicate", format=parser.name, duplicate_of=path.name)
    return LogImportReport(
        path=path,
        status="imported",
        import_id=import_id,
        format=parser.name,
        lines=identity.lines,
        lines_bad=result.lines_bad,
        lines_skipped=result.lines_skipped,
        bad_examples=result.bad_examples,
        result=result,
    )
