"""From log records to per-day traffic: page views, visits, bounces, visitors and column views.

Definitions (docs/stats.md): a page view (PV) is a successful GET of an HTML page by a visitor
that is not a robot; a visitor is one (IP, user agent) pair; a visit is a visitor's page views with
gaps under the session gap; a bounce is a visit of one page view. A visit counts for the day it
began. Visitors are kept per day as 64-bit keyed hashes (never raw IP addresses), so that the
database can count distinct visitors over any period exactly.

One pass, streaming: sessions still open are kept in a dict and swept out as log time advances,
so memory grows with the visitors of a day, not with the size of the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote

from govinspect.stats.logformat import NO_AGENT, LineParser
from govinspect.stats.rules import TrafficRules, bot_patterns, parse_offset

_EPOCH_DAY = date(1970, 1, 1).toordinal()
_VISITOR_KEY = b"govinspect-visitor-v1"  # a fixed key: hashes from different imports must agree
_CACHE_LIMIT = 100_000
OTHER_COLUMNS = "(其他)"
_MAX_COLUMN_CHARS = 255
_UNKNOWN = ""  # never a column (columns start with "/"): marks a cache miss


def visitor_id(ip: str, agent: str) -> int:
    """A stable 64-bit identity of a visitor; the IP address itself is never stored."""
    raw = f"{ip}\x00{agent}".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8, key=_VISITOR_KEY).digest(), "big")


def day_of(number: int) -> date:
    return date.fromordinal(number + _EPOCH_DAY)


class Classifier:
    """Which requests are page views, which agents are robots, which column a page belongs to."""

    def __init__(self, rules: TrafficRules) -> None:
        self.methods = frozenset(rules.pv_methods)
        self.statuses = frozenset(str(s) for s in rules.pv_statuses)
        self.extensions = frozenset(rules.page_extensions)
        self.empty_agent_is_bot = rules.empty_agent_is_bot
        self._bot_re = re.compile("|".join(re.escape(p) for p in bot_patterns()))
        self._stop = re.compile(rules.column.stop_segment)
        self._max_segments = rules.column.max_segments
        self._bots: dict[str, bool] = {}
        self._columns: dict[str, str | None] = {}

    def is_bot(self, agent: str) -> bool:
        known = self._bots.get(agent)
        if known is None:
            if agent == NO_AGENT:
                known = False
            elif agent in ("", "-"):
                known = self.empty_agent_is_bot
            else:
                known = self._bot_re.search(agent.lower()) is not None
            if len(self._bots) > _CACHE_LIMIT:
                self._bots.clear()
            self._bots[agent] = known
        return known

    def page_column(self, target: str) -> str | None:
        """The column of a page's path; None when the path is not a page (a static file …).

        Cached: a log asks about the same stylesheets and images over and over.
        """
        known = self._columns.get(target, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        path = target
        for mark in "?#;":
            cut = path.find(mark)
            if cut >= 0:
                path = path[:cut]
        last = path[path.rfind("/") + 1 :]
        dot = last.rfind(".")
        name: str | None = None
        if dot < 0 or last[dot + 1 :].lower() in self.extensions:
            name = self._column_of(path)
        if len(self._columns) > _CACHE_LIMIT:
            self._columns.clear()
        self._columns[target] = name
        return name

    def _column_of(self, path: str) -> str:
        """/col/tzgg/202305/t20230512_1.html → /col/tzgg/ ; /index.html → /"""
        kept: list[str] = []
        for segment in path.split("/")[1:-1]:
            if not segment or segment in (".", ".."):
                continue
            if self._stop.match(segment) or len(kept) >= self._max_segments:
                break
            kept.append(segment)
        return unquote("/" + "/".join(kept) + "/" if kept else "/", errors="replace")[:_MAX_COLUMN_CHARS]


@dataclass
class DayTraffic:
    hits: int = 0  # every valid request, robots and static files included
    pv: int = 0
    visits: int = 0
    bounces: int = 0
    bot_hits: int = 0
    visitors: set[int] = field(default_factory=set)


@dataclass
class BadLine:
    number: int
    text: str


@dataclass
class TrafficResult:
    format: str
    days: dict[date, DayTraffic]
    columns: dict[tuple[date, str], int]
    lines_bad: int
    bad_examples: list[BadLine]
    lines_skipped: int
    first_time: datetime | None
    last_time: datetime | None

    @property
    def pv(self) -> int:
        return sum(d.pv for d in self.days.values())

    @property
    def hits(self) -> int:
        return sum(d.hits for d in self.days.values())

    @property
    def visits(self) -> int:
        return sum(d.visits for d in self.days.values())

    @property
    def bounces(self) -> int:
        return sum(d.bounces for d in self.days.values())


class TrafficAggregator:
    """Feed batches of lines; ``finish()`` closes the open visits and returns the figures."""

    def __init__(
        self,
        parser: LineParser,
        rules: TrafficRules,
        *,
        gap_minutes: float | None = None,
        timezone: str | None = None,
        skip_lines: int = 0,
    ) -> None:
        self.parser = parser
        self.rules = rules
        self.classifier = Classifier(rules)
        self.gap = int((gap_minutes if gap_minutes is not None else rules.session_gap_minutes) * 60)
        offset = parse_offset(timezone or rules.timezone).utcoffset(None)
        assert offset is not None
        self.tz_seconds = int(offset.total_seconds())
        self.tolerance = rules.out_of_order_seconds
        self.skip_lines = skip_lines
        self.lines_skipped = 0
        self.days: dict[int, list[int]] = {}  # day number → [hits, pv, visits, bounces, bot_hits]
        self.day_visitors: dict[int, set[int]] = {}
        self.columns: dict[tuple[int, str], int] = {}
        self.sessions: dict[tuple[str, str], list[int]] = {}  # → [last time, page views, start day, visitor]
        self.next_sweep: int | None = None
        self.lines_bad = 0
        self.bad_examples: list[BadLine] = []
        self.first: int | None = None
        self.last: int | None = None

    def _bad(self, number: int, line: str) -> None:
        self.lines_bad += 1
        if len(self.bad_examples) < self.rules.bad_line_examples:
            self.bad_examples.append(BadLine(number, line[:200]))

    def _close(self, session: list[int]) -> None:
        counts = self.days[session[2]]
        counts[2] += 1
        if session[1] == 1:
            counts[3] += 1

    def _sweep(self, now: int) -> None:
        limit = now - self.gap - self.tolerance
        sessions = self.sessions
        for key in [k for k, s in sessions.items() if s[0] < limit]:
            self._close(sessions.pop(key))
        self.next_sweep = now + self.gap

    def feed(self, first_number: int, lines: list[str]) -> None:
        """Count one batch of lines; ``first_number`` is the file line number of ``lines[0]``."""
        if self.skip_lines:
            already = self.skip_lines - (first_number - 1)
            if already >= len(lines):
                self.lines_skipped += len(lines)
                return
            if already > 0:
                self.lines_skipped += already
                lines = lines[already:]
                first_number += already
        # locals: this loop runs for every line of the file
        parse = self.parser.parse
        is_bot = self.classifier.is_bot
        page_column = self.classifier.page_column
        methods = self.classifier.methods
        statuses = self.classifier.statuses
        days = self.days
        day_visitors = self.day_visitors
        columns = self.columns
        sessions = self.sessions
        gap = self.gap
        tz_seconds = self.tz_seconds
        first, last = self.first, self.last
        next_sweep = self.next_sweep
        for offset, line in enumerate(lines):
            if not line:
                continue
            record = parse(line)
            if record is None:
                if not line.isspace():
                    self._bad(first_number + offset, line)
                continue
            if not record:
                continue
            ip, moment, method, target, status, agent = record
            day = (moment + tz_seconds) // 86400
            counts = days.get(day)
            if counts is None:
                counts = days[day] = [0, 0, 0, 0, 0]
                day_visitors[day] = set()
            counts[0] += 1
            if first is None or moment < first:
                first = moment
            if last is None or moment > last:
                last = moment
            if is_bot(agent):
                counts[4] += 1
                continue
            if status not in statuses or method not in methods:
                continue
            column = page_column(target)
            if column is None:
                continue
            counts[1] += 1
            key = (day, column)
            columns[key] = columns.get(key, 0) + 1
            visitor = (ip, agent)
            session = sessions.get(visitor)
            if session is None:
                session = sessions[visitor] = [moment, 1, day, visitor_id(ip, agent)]
            elif -gap < moment - session[0] < gap:
                if moment > session[0]:
                    session[0] = moment
                session[1] += 1
            else:
                self._close(session)
                session[0], session[1], session[2] = moment, 1, day
            day_visitors[day].add(session[3])
            if next_sweep is None:
                next_sweep = moment + gap
            elif moment > next_sweep:
                self._sweep(moment)
                next_sweep = self.next_sweep
        self.first, self.last = first, last
        self.next_sweep = next_sweep

    def finish(self) -> TrafficResult:
        for session in self.sessions.values():
            self._close(session)
        self.sessions.clear()
        days = {
            day_of(n): DayTraffic(c[0], c[1], c[2], c[3], c[4], self.day_visitors[n]) for n, c in sorted(self.days.items())
        }
        return TrafficResult(
            format=self.parser.name,
            days=days,
            columns=self._capped_columns(),
            lines_bad=self.lines_bad,
            bad_examples=self.bad_examples,
            lines_skipped=self.lines_skipped,
            first_time=self._datetime(self.first),
            last_time=self._datetime(self.last),
        )

    def _capped_columns(self) -> dict[tuple[date, str], int]:
        """At most max_columns_per_day per day; the rest pooled, so that odd URL schemes stay small."""
        per_day: dict[int, list[tuple[str, int]]] = {}
        for (day, name), pv in self.columns.items():
            per_day.setdefault(day, []).append((name, pv))
        cap = self.rules.max_columns_per_day
        out: dict[tuple[date, str], int] = {}
        for day, entries in per_day.items():
            entries.sort(key=lambda e: (-e[1], e[0]))
            for name, pv in entries[:cap]:
                out[(day_of(day), name)] = pv
            rest = sum(pv for _, pv in entries[cap:])
            if rest:
                out[(day_of(day), OTHER_COLUMNS)] = out.get((day_of(day), OTHER_COLUMNS), 0) + rest
        return out

    def _datetime(self, moment: int | None) -> datetime | None:
        if moment is None:
            return None
        return datetime.fromtimestamp(moment, timezone(timedelta(seconds=self.tz_seconds)))
