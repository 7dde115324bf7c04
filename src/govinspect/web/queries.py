"""Read queries the console needs and the repositories do not offer: filtered, paged problem lists,
per-site and per-unit counts, trends and availability by day — each one SQL statement, so pages
stay fast on a database of hundreds of thousands of problems. Rows come back as the repositories'
own types (problems_repo.Problem, registry Site), so nothing here re-implements their mapping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, func, or_, select

from govinspect.store import problems_repo as prepo
from govinspect.store.db import Database, ScanInfo
from govinspect.store.schema import findings, scans, sites, urls
from govinspect.store.schema_workflow import judgements, probes, problems, units
from govinspect.web.access import Access
from govinspect.workflow.clock import CHINA, as_utc
from govinspect.workflow.states import ACTIVE, CLOSED, FALSE_ALARM, IN_PROGRESS, OPEN, REVIEW, WONTFIX

PENDING_STATES = (OPEN, IN_PROGRESS, REVIEW)  # not settled yet: what the lists show by default
STATE_FILTERS = {"pending": PENDING_STATES, "all": None}


def _where(query: Any, *conditions: Any) -> Any:
    real = [c for c in conditions if c is not None]
    return query.where(*real) if real else query


def china_day_start(day: date) -> datetime:
    return as_utc(datetime.combine(day, time.min, tzinfo=CHINA))


# --- problems ----------------------------------------------------------------------------------


@dataclass
class ProblemFilters:
    site_id: int | None = None
    unit_id: int | None = None
    code: str | None = None
    severity: str | None = None
    state: str = "pending"  # pending | all | a state id
    overdue: bool = False
    date_from: date | None = None  # first found, China dates, inclusive
    date_to: date | None = None
    q: str | None = None  # text in the evidence or the page address

    def conditions(self, now: datetime) -> list[Any]:
        out: list[Any] = []
        if self.site_id is not None:
            out.append(problems.c.site_id == self.site_id)
        if self.unit_id is not None:
            out.append(problems.c.unit_id == self.unit_id)
        if self.code:
            out.append(problems.c.code == self.code)
        if self.severity:
            out.append(problems.c.severity == self.severity)
        if self.state in STATE_FILTERS:
            states = STATE_FILTERS[self.state]
            if states is not None:
                out.append(problems.c.state.in_(states))
        elif self.state:
            out.append(problems.c.state == self.state)
        if self.overdue:
            out.append(problems.c.state.in_(sorted(ACTIVE)))
            out.append(problems.c.deadline.is_not(None))
            out.append(problems.c.deadline < as_utc(now))
        if self.date_from:
            out.append(problems.c.first_seen_at >= china_day_start(self.date_from))
        if self.date_to:
            out.append(problems.c.first_seen_at < china_day_start(self.date_to + timedelta(days=1)))
        if self.q:
            pattern = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            out.append(or_(problems.c.evidence.like(pattern, escape="\\"), problems.c.page.like(pattern, escape="\\")))
        return out


@dataclass
class ProblemPage:
    items: list[prepo.Problem]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def count_problems(db: Database, access: Access, filters: ProblemFilters, *, now: datetime) -> int:
    query = _where(select(func.count()).select_from(problems), access.problem_condition(), *filters.conditions(now))
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def problem_page(
    db: Database, access: Access, filters: ProblemFilters, *, now: datetime, page: int = 1, size: int = 50,
    total: int | None = None,
) -> ProblemPage:
    """One page of the problems, newest first, and how many there are (``total``: known already)."""
    conditions = [access.problem_condition(), *filters.conditions(now)]
    page = max(1, page)
    list_query = (
        _where(prepo._problem_query(), *conditions)
        .order_by(problems.c.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    if total is None:
        total = count_problems(db, access, filters, now=now)
    with db.engine.connect() as conn:
        items = [prepo._problem(r) for r in conn.execute(list_query).mappings()]
    return ProblemPage(items=items, total=total, page=page, size=size)


def visible_problem(db: Database, access: Access, problem_id: int) -> prepo.Problem | None:
    query = _where(prepo._problem_query().where(problems.c.id == problem_id), access.problem_condition())
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return prepo._problem(row) if row else None


def visible_problem_ids(db: Database, access: Access, ids: list[int]) -> list[int]:
    if not ids:
        return []
    query = _where(select(problems.c.id).where(problems.c.id.in_(ids)), access.problem_condition())
    with db.engine.connect() as conn:
        found = {int(i) for (i,) in conn.execute(query)}
    return [i for i in ids if i in found]


# --- sites, units and scans --------------------------------------------------------------------


def visible_site_ids(db: Database, access: Access) -> list[int]:
    query = _where(select(sites.c.id), access.site_condition()).order_by(sites.c.id)
    with db.engine.connect() as conn:
        return [int(i) for (i,) in conn.execute(query)]


def site_names(db: Database) -> dict[int, str]:
    with db.engine.connect() as conn:
        return {int(i): (n or u) for i, n, u in conn.execute(select(sites.c.id, sites.c.name, sites.c.url))}


def unit_names(db: Database, access: Access) -> dict[int, str]:
    query = _where(select(units.c.id, units.c.name), access.unit_condition()).order_by(units.c.name)
    with db.engine.connect() as conn:
        return {int(i): str(n) for i, n in conn.execute(query)}


_FINDING_COUNTS: dict[tuple[str, int], int] = {}  # (database, finished scan) → its number of findings
_FINDING_COUNTS_KEPT = 10_000


@dataclass(frozen=True)
class ScanRow:
    info: ScanInfo
    findings: int


def scan_history(db: Database, access: Access, *, site_id: int | None = None, limit: int = 20,
                 offset: int = 0) -> list[ScanRow]:
    query = _where(select(scans.c.id), access.scan_condition())
    if site_id is not None:
        query = query.where(scans.c.site_id == site_id)
    query = query.order_by(scans.c.id.desc()).limit(limit).offset(offset)
    with db.engine.connect() as conn:
        ids = [int(i) for (i,) in conn.execute(query)]
        where = str(db.engine.url)
        missing = [i for i in ids if (where, i) not in _FINDING_COUNTS]
        counts: dict[int, int] = {}
        if missing:
            count_query = select(findings.c.scan_id, func.count()).where(findings.c.scan_id.in_(missing)).group_by(
                findings.c.scan_id
            )
            counts = {int(s): int(n) for s, n in conn.execute(count_query)}
    out = []
    for scan_id in ids:
        info = db.scan(scan_id)
        if info is None:
            continue
        found = _FINDING_COUNTS.get((where, scan_id), counts.get(scan_id, 0))
        if info.status == "finished" and (where, scan_id) not in _FINDING_COUNTS:  # never changes once finished
            if len(_FINDING_COUNTS) > _FINDING_COUNTS_KEPT:
                _FINDING_COUNTS.clear()
            _FINDING_COUNTS[(where, scan_id)] = found
        out.append(ScanRow(info=info, findings=found))
    return out


def visible_scan(db: Database, access: Access, scan_id: int) -> ScanInfo | None:
    query = _where(select(scans.c.id).where(scans.c.id == scan_id), access.scan_condition())
    with db.engine.connect() as conn:
        found = conn.execute(query).scalar()
    return db.scan(int(found)) if found is not None else None


def scan_findings_page(db: Database, scan_id: int, *, code: str | None, page: int, size: int) -> tuple[list[Any], int]:
    conditions = [findings.c.scan_id == scan_id]
    if code:
        conditions.append(findings.c.code == code)
    with db.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(findings).where(*conditions)).scalar_one())
        rows = conn.execute(
            select(findings).where(*conditions).order_by(findings.c.id).limit(size).offset((max(1, page) - 1) * size)
        ).mappings().all()
    return list(rows), total


def page_title(db: Database, scan_id: int, url: str) -> str | None:
    """The title a scan read on a page (untrusted text: the templates escape it)."""
    query = select(urls.c.title).where(urls.c.scan_id == scan_id, urls.c.url == url).limit(1)
    with db.engine.connect() as conn:
        value = conn.execute(query).scalar()
    return str(value) if value else None


def latest_scans(db: Database, site_ids: list[int], at: datetime) -> dict[int, int]:
    """Each site's latest finished scan at or before ``at`` (as problems_repo.latest_scan picks it)."""
    if not site_ids:
        return {}
    ranked = (
        select(
            scans.c.site_id,
            scans.c.id,
            func.row_number()
            .over(partition_by=scans.c.site_id, order_by=(scans.c.monitoring_point.desc(), scans.c.id.desc()))
            .label("rank"),
        )
        .where(scans.c.site_id.in_(site_ids), scans.c.status == "finished", scans.c.monitoring_point <= as_utc(at))
        .subquery()
    )
    with db.engine.connect() as conn:
        rows = conn.execute(select(ranked.c.site_id, ranked.c.id).where(ranked.c.rank == 1)).all()
    return {int(s): int(i) for s, i in rows}


def recent_finished_scans(db: Database, site_id: int, at: datetime, limit: int) -> list[tuple[int, datetime]]:
    query = (
        select(scans.c.id, scans.c.monitoring_point)
        .where(scans.c.site_id == site_id, scans.c.status == "finished", scans.c.monitoring_point <= as_utc(at))
        .order_by(scans.c.monitoring_point.desc(), scans.c.id.desc())
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [(int(i), as_utc(m)) for i, m in conn.execute(query)][::-1]


def score_versions(db: Database, site_ids: list[int]) -> dict[int, str]:
    """What a site's score depends on besides its scan: its judgements and its 误报 marks."""
    if not site_ids:
        return {}
    with db.engine.connect() as conn:
        judged = dict(
            conn.execute(
                select(judgements.c.site_id, func.max(judgements.c.id))
                .where(judgements.c.site_id.in_(site_ids))
                .group_by(judgements.c.site_id)
            ).all()
        )
        marked = {
            int(s): (int(n), m)
            for s, n, m in conn.execute(
                select(problems.c.site_id, func.count(), func.max(problems.c.updated_at))
                .where(problems.c.site_id.in_(site_ids), problems.c.state == FALSE_ALARM)
                .group_by(problems.c.site_id)
            )
        }
    out = {}
    for site_id in site_ids:
        count, moment = marked.get(site_id, (0, None))
        stamp = as_utc(moment).strftime("%Y%m%d%H%M%S%f") if moment is not None else "-"
        out[site_id] = f"j{judged.get(site_id) or 0}:f{count}:{stamp}"
    return out


# --- counts for the overview -------------------------------------------------------------------


@dataclass
class Counts:
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    veto_open: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def pending(self) -> int:
        return sum(self.by_state.get(s, 0) for s in PENDING_STATES)

    @property
    def closed(self) -> int:
        return self.by_state.get(CLOSED, 0)

    @property
    def false_alarm(self) -> int:
        return self.by_state.get(FALSE_ALARM, 0)

    @property
    def counted(self) -> int:
        return self.total - self.false_alarm

    @property
    def rate(self) -> float | None:
        """问题处理完成率 as workflow.rates defines it (closed / all but 误报), on today's states."""
        return self.closed / self.counted if self.counted else None


def counts_by(
    db: Database, access: Access, column: str, *, now: datetime, site_id: int | None = None
) -> dict[int | None, Counts]:
    """Problem counts by state, overdue and open veto problems, grouped by site_id or unit_id."""
    key = problems.c[column]
    condition = access.problem_condition()
    only_site = problems.c.site_id == site_id if site_id is not None else None
    overdue = case(
        (and_(problems.c.state.in_(sorted(ACTIVE)), problems.c.deadline.is_not(None), problems.c.deadline < as_utc(now)), 1),
        else_=0,
    )
    veto = case((and_(problems.c.state.in_(PENDING_STATES), problems.c.severity == "veto"), 1), else_=0)
    query = _where(
        select(key, problems.c.state, func.count(), func.sum(overdue), func.sum(veto)).group_by(key, problems.c.state),
        condition,
        only_site,
    )
    out: dict[int | None, Counts] = defaultdict(Counts)
    with db.engine.connect() as conn:
        for group, state, n, late, vetoes in conn.execute(query):
            counts = out[int(group) if group is not None else None]
            counts.by_state[str(state)] = int(n)
            counts.overdue += int(late or 0)
            counts.veto_open += int(vetoes or 0)
    return dict(out)


def counts_by_site_and_unit(
    db: Database, access: Access, *, now: datetime
) -> tuple[dict[int | None, Counts], dict[int | None, Counts]]:
    """counts_by for sites and for units at once: one pass over the problems instead of two."""
    overdue = case(
        (and_(problems.c.state.in_(sorted(ACTIVE)), problems.c.deadline.is_not(None), problems.c.deadline < as_utc(now)), 1),
        else_=0,
    )
    veto = case((and_(problems.c.state.in_(PENDING_STATES), problems.c.severity == "veto"), 1), else_=0)
    query = _where(
        select(problems.c.site_id, problems.c.unit_id, problems.c.state, func.count(), func.sum(overdue), func.sum(veto))
        .group_by(problems.c.site_id, problems.c.unit_id, problems.c.state),
        access.problem_condition(),
    )
    by_site: dict[int | None, Counts] = defaultdict(Counts)
    by_unit: dict[int | None, Counts] = defaultdict(Counts)
    with db.engine.connect() as conn:
        for site_id, unit_id, state, n, late, vetoes in conn.execute(query):
            for counts in (by_site[int(site_id)], by_unit[int(unit_id) if unit_id is not None else None]):
                counts.by_state[str(state)] = counts.by_state.get(str(state), 0) + int(n)
                counts.overdue += int(late or 0)
                counts.veto_open += int(vetoes or 0)
    return dict(by_site), dict(by_unit)


def _week_bucket(db: Database, column: Any, start: datetime) -> Any:
    """Whole weeks from ``start`` to the column's time, in SQL (so the rows are counted, not fetched)."""
    if db.dialect == "postgresql":
        return func.floor(func.extract("epoch", column - start) / (7 * 86400))
    return func.cast((func.julianday(column) - func.julianday(start)) / 7, Integer)


def weekly_trend(db: Database, access: Access, *, now: datetime, weeks: int) -> dict[str, Any]:
    """Problems found and closed per week (China time, weeks starting on Monday), oldest first."""
    today = as_utc(now).astimezone(CHINA).date()
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    edges = [china_day_start(d) for d in starts] + [china_day_start(monday + timedelta(weeks=1))]

    series: dict[str, list[int]] = {}
    with db.engine.connect() as conn:
        for name, column in (("found", problems.c.first_seen_at), ("closed", problems.c.closed_at)):
            bucket = _week_bucket(db, column, edges[0]).label("week")
            query = _where(
                select(bucket, func.count()).where(column >= edges[0], column < edges[-1]).group_by(bucket),
                access.problem_condition(),
            )
            values = [0] * weeks
            for week, n in conn.execute(query):
                if week is not None and 0 <= int(week) < weeks:
                    values[int(week)] += int(n)
            series[name] = values
    return {"labels": [d.strftime("%m-%d") for d in starts], **series}


def availability_by_day(db: Database, site_ids: list[int], *, now: datetime, days: int) -> dict[str, Any]:
    """Per site and China day: probes and failures over the last ``days`` days (today included)."""
    today = as_utc(now).astimezone(CHINA).date()
    starts = [today - timedelta(days=days - 1 - i) for i in range(days)]
    edges = [china_day_start(d) for d in starts] + [china_day_start(today + timedelta(days=1))]
    columns = []
    for i in range(days):
        inside = and_(probes.c.at >= edges[i], probes.c.at < edges[i + 1])
        columns.append(func.sum(case((inside, 1), else_=0)))
        columns.append(func.sum(case((and_(inside, probes.c.ok.is_(False)), 1), else_=0)))
    out: dict[int, list[tuple[int, int]]] = {}
    if site_ids:
        query = (
            select(probes.c.site_id, *columns)
            .where(probes.c.site_id.in_(site_ids), probes.c.at >= edges[0], probes.c.at < edges[-1])
            .group_by(probes.c.site_id)
        )
        with db.engine.connect() as conn:
            for row in conn.execute(query):
                values = [int(v or 0) for v in row[1:]]
                out[int(row[0])] = [(values[2 * i], values[2 * i + 1]) for i in range(days)]
    return {"labels": [d.strftime("%m-%d") for d in starts], "sites": out}


STATE_ORDER = (OPEN, IN_PROGRESS, REVIEW, CLOSED, FALSE_ALARM, WONTFIX)
