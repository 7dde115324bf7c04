"""Data access of the workflow: problems, their events, ignore rules, judgements, sync bookkeeping,
probes and alerts. Functions taking a Connection run inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from govinspect.findings import Finding
from govinspect.scoring.engine import Judgement
from govinspect.store.db import Database, ScanInfo
from govinspect.store.schema import findings, scans, sites, urls
from govinspect.store.schema_workflow import (
    ignore_rules,
    judgements,
    problem_events,
    problem_syncs,
    problems,
    units,
)
from govinspect.workflow.clock import as_utc, maybe_utc
from govinspect.workflow.ignore import IgnoreRule
from govinspect.workflow.states import ACTIVE


@dataclass(frozen=True)
class Problem:
    id: int
    site_id: int
    fingerprint: str
    code: str
    severity: str
    page: str
    target: str | None
    evidence: str | None
    suggestion: str | None
    detail: dict[str, Any]
    unit_id: int | None
    unit_name: str | None
    state: str
    reason: str | None
    first_scan_id: int
    last_seen_scan_id: int
    review_scan_id: int | None
    closed_scan_id: int | None
    reopen_count: int
    ignore_rule_id: int | None
    first_seen_at: datetime
    updated_at: datetime
    deadline: datetime | None
    closed_at: datetime | None
    site_url: str = ""

    def overdue(self, now: datetime) -> bool:
        return self.state in ACTIVE and self.deadline is not None and as_utc(now) > self.deadline

    def finding(self) -> Finding:
        return Finding(
            code=self.code,
            page=self.page,
            severity=self.severity,  # type: ignore[arg-type]
            target=self.target,
            evidence=self.evidence,
            suggestion=self.suggestion,
            detail=dict(self.detail),
        )


@dataclass(frozen=True)
class Event:
    id: int
    problem_id: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    scan_id: int | None
    detail: dict[str, Any] = field(default_factory=dict)


def _problem_query() -> Any:
    return select(problems, units.c.name.label("unit_name"), sites.c.url.label("site_url")).select_from(
        problems.outerjoin(units, units.c.id == problems.c.unit_id).join(sites, sites.c.id == problems.c.site_id)
    )


def _problem(row: Any) -> Problem:
    return Problem(
        id=row["id"],
        site_id=row["site_id"],
        fingerprint=row["fingerprint"],
        code=row["code"],
        severity=row["severity"],
        page=row["page"],
        target=row["target"],
        evidence=row["evidence"],
        suggestion=row["suggestion"],
        detail=dict(row["detail"] or {}),
        unit_id=row["unit_id"],
        unit_name=row["unit_name"],
        state=row["state"],
        reason=row["reason"],
        first_scan_id=row["first_scan_id"],
        last_seen_scan_id=row["last_seen_scan_id"],
        review_scan_id=row["review_scan_id"],
        closed_scan_id=row["closed_scan_id"],
        reopen_count=row["reopen_count"],
        ignore_rule_id=row["ignore_rule_id"],
        first_seen_at=as_utc(row["first_seen_at"]),
        updated_at=as_utc(row["updated_at"]),
        deadline=maybe_utc(row["deadline"]),
        closed_at=maybe_utc(row["closed_at"]),
        site_url=row["site_url"],
    )


def list_problems(
    db: Database,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    states: Iterable[str] | None = None,
    code: str | None = None,
    overdue_at: datetime | None = None,
    ids: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[Problem]:
    query = _problem_query()
    if site_id is not None:
        query = query.where(problems.c.site_id == site_id)
    if unit_id is not None:
        query = query.where(problems.c.unit_id == unit_id)
    if states is not None:
        query = query.where(problems.c.state.in_(list(states)))
    if code:
        query = query.where(problems.c.code == code)
    if ids is not None:
        query = query.where(problems.c.id.in_(list(ids)))
    if overdue_at is not None:
        query = query.where(
            problems.c.state.in_(list(ACTIVE)), problems.c.deadline.is_not(None), problems.c.deadline < overdue_at
        )
    query = query.order_by(problems.c.id)
    if limit:
        query = query.limit(limit)
    with db.engine.connect() as conn:
        return [_problem(r) for r in conn.execute(query).mappings()]


def get_problem(db: Database, problem_id: int) -> Problem | None:
    found = list_problems(db, ids=[problem_id])
    return found[0] if found else None


def problem_in(conn: Connection, problem_id: int) -> Problem | None:
    row = conn.execute(_problem_query().where(problems.c.id == problem_id)).mappings().first()
    return _problem(row) if row else None


def problems_of_site(conn: Connection, site_id: int) -> dict[str, Problem]:
    rows = conn.execute(_problem_query().where(problems.c.site_id == site_id)).mappings()
    return {r["fingerprint"]: _problem(r) for r in rows}


def _event(row: Any) -> Event:
    return Event(
        id=row["id"],
        problem_id=row["problem_id"],
        at=as_utc(row["at"]),
        actor=row["actor"],
        action=row["action"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        reason=row["reason"],
        scan_id=row["scan_id"],
        detail=dict(row["detail"] or {}),
    )


def events_of(db: Database, problem_id: int) -> list[Event]:
    query = select(problem_events).where(problem_events.c.problem_id == problem_id).order_by(problem_events.c.id)
    with db.engine.connect() as conn:
        return [_event(r) for r in conn.execute(query).mappings()]


def all_events(db: Database, problem_ids: Sequence[int] | None = None) -> list[Event]:
    query = select(problem_events).order_by(problem_events.c.id)
    if problem_ids is not None:
        query = query.where(problem_events.c.problem_id.in_(list(problem_ids)))
    with db.engine.connect() as conn:
        return [_event(r) for r in conn.execute(query).mappings()]


def last_review_origin(conn: Connection, problem_id: int) -> str | None:
    """The state a problem was in before it last entered 待复核."""
    query = (
        select(problem_events.c.from_state)
        .where(problem_events.c.problem_id == problem_id, problem_events.c.to_state == "review")
        .order_by(problem_events.c.id.desc())
        .limit(1)
    )
    value = conn.execute(query).scalar()
    return str(value) if value is not None else None


def insert_events(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(problem_events), list(rows))


def insert_problems(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(problems), list(rows))


def update_problem(conn: Connection, problem_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(problems).where(problems.c.id == problem_id).values(**values))


def touch_seen(conn: Connection, problem_ids: Sequence[int], scan_id: int) -> None:
    for start in range(0, len(problem_ids), 500):
        chunk = list(problem_ids[start : start + 500])
        conn.execute(update(problems).where(problems.c.id.in_(chunk)).values(last_seen_scan_id=scan_id))


def ids_by_fingerprint(conn: Connection, site_id: int, fingerprints: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(fingerprints), 500):
        chunk = list(fingerprints[start : start + 500])
        query = select(problems.c.fingerprint, problems.c.id).where(
            problems.c.site_id == site_id, problems.c.fingerprint.in_(chunk)
        )
        out.update({fp: pid for fp, pid in conn.execute(query)})
    return out


# --- scans as the workflow sees them -----------------------------------------------------------


def scan_error(conn: Connection, scan_id: int) -> str | None:
    value = conn.execute(select(scans.c.error).where(scans.c.id == scan_id)).scalar()
    return str(value) if value else None


def scan_findings(conn: Connection, scan_id: int) -> list[Finding]:
    query = select(findings).where(findings.c.scan_id == scan_id).order_by(findings.c.id)
    return [
        Finding(
            code=r.code,
            severity=r.severity,
            page=r.page,
            target=r.target,
            evidence=r.evidence,
            suggestion=r.suggestion,
            detail=dict(r.detail or {}),
        )
        for r in conn.execute(query)
    ]


def visited_urls(conn: Connection, scan_id: int) -> set[str]:
    """URLs the scan really looked at: fetched fine, or gone for good (404/410)."""
    query = select(urls.c.url).where(
        urls.c.scan_id == scan_id,
        urls.c.state == "done",
        or_(urls.c.ok.is_(True), urls.c.status.in_((404, 410))),
    )
    return {u for (u,) in conn.execute(query)}


def lock_site(conn: Connection, site_id: int) -> None:
    """Serialise syncs of one site (PostgreSQL row lock; SQLite's writer lock does it anyway)."""
    conn.execute(select(sites.c.id).where(sites.c.id == site_id).with_for_update())


def is_synced(conn: Connection, scan_id: int) -> bool:
    return conn.execute(select(problem_syncs.c.scan_id).where(problem_syncs.c.scan_id == scan_id)).first() is not None


def last_synced_scan(conn: Connection, site_id: int) -> int | None:
    value = conn.execute(select(func.max(problem_syncs.c.scan_id)).where(problem_syncs.c.site_id == site_id)).scalar()
    return int(value) if value is not None else None


def mark_synced(conn: Connection, site_id: int, scan_id: int, at: datetime, summary: dict[str, Any]) -> None:
    conn.execute(insert(problem_syncs).values(scan_id=scan_id, site_id=site_id, synced_at=at, summary=summary))


def latest_scan(db: Database, site_id: int, at: datetime | None = None) -> ScanInfo | None:
    """The site's latest finished scan whose monitoring point is at or before ``at``."""
    query = select(scans.c.id).where(scans.c.site_id == site_id, scans.c.status == "finished")
    if at is not None:
        query = query.where(scans.c.monitoring_point <= as_utc(at))
    query = query.order_by(scans.c.monitoring_point.desc(), scans.c.id.desc()).limit(1)
    with db.engine.connect() as conn:
        scan_id = conn.execute(query).scalar()
    return db.scan(int(scan_id)) if scan_id is not None else None


def latest_scan_reaching(
    db: Database,
    site_id: int,
    at: datetime,
    *,
    covering: Sequence[int],
    prefixes: Sequence[str],
    exact: Sequence[str] = (),
) -> ScanInfo | None:
    """The latest finished scan at or before ``at`` that speaks for the site: one of its own, or one
    of a ``covering`` site's that crawled a page of the site (a URL starting with one of ``prefixes``
    or equal to one of ``exact``). The latest monitoring point wins; on a tie the site's own scan.

    A covering scan that never got into the site (a page limit, a redirect to another host) says
    nothing about it and is passed over.
    """
    reached = (
        select(urls.c.scan_id)
        .where(
            urls.c.scan_id == scans.c.id,
            urls.c.role == "page",
            urls.c.state == "done",
            or_(*[urls.c.url.startswith(p, autoescape=True) for p in prefixes], urls.c.url.in_(list(exact))),
        )
        .exists()
    )
    speaks = scans.c.site_id == site_id
    if covering and prefixes:
        speaks = or_(speaks, and_(scans.c.site_id.in_(list(covering)), reached))
    query = (
        select(scans.c.id)
        .where(speaks, scans.c.status == "finished", scans.c.monitoring_point <= as_utc(at))
        .order_by(
            scans.c.monitoring_point.desc(), case((scans.c.site_id == site_id, 0), else_=1), scans.c.id.desc()
        )
        .limit(1)
    )
    with db.engine.connect() as conn:
        scan_id = conn.execute(query).scalar()
    return db.scan(int(scan_id)) if scan_id is not None else None


def unsynced_scans(db: Database) -> list[tuple[int, int]]:
    """(site id, scan id) of finished scans not turned into problems yet, oldest first."""
    query = (
        select(scans.c.site_id, scans.c.id)
        .select_from(scans.outerjoin(problem_syncs, problem_syncs.c.scan_id == scans.c.id))
        .where(scans.c.status == "finished", problem_syncs.c.scan_id.is_(None))
        .order_by(scans.c.id)
    )
    with db.engine.connect() as conn:
        return [(int(a), int(b)) for a, b in conn.execute(query)]


# --- ignore rules ------------------------------------------------------------------------------


def _ignore_rule(row: Any) -> IgnoreRule:
    return IgnoreRule(
        id=row["id"],
        site_id=row["site_id"],
        code=row["code"],
        url=row["url"],
        evidence=row["evidence"],
        reason=row["reason"],
        created_by=row["created_by"],
        created_at=as_utc(row["created_at"]),
        active=bool(row["active"]),
    )


def add_ignore_rule(
    db: Database,
    *,
    site_id: int | None,
    code: str | None,
    url: str | None,
    evidence: str | None,
    reason: str,
    actor: str,
    at: datetime,
) -> IgnoreRule:
    with db.engine.begin() as conn:
        result = conn.execute(
            insert(ignore_rules).values(
                site_id=site_id, code=code, url=url, evidence=evidence, reason=reason, created_by=actor, created_at=at, active=True
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        row = conn.execute(select(ignore_rules).where(ignore_rules.c.id == int(key[0]))).mappings().one()
    return _ignore_rule(row)


def ignore_rules_for(conn: Connection, site_id: int | None, *, active_only: bool = True) -> list[IgnoreRule]:
    query = select(ignore_rules).order_by(ignore_rules.c.id)
    if site_id is not None:
        query = query.where(or_(ignore_rules.c.site_id.is_(None), ignore_rules.c.site_id == site_id))
    if active_only:
        query = query.where(ignore_rules.c.active.is_(True))
    return [_ignore_rule(r) for r in conn.execute(query).mappings()]


def list_ignore_rules(db: Database, site_id: int | None = None, *, active_only: bool = False) -> list[IgnoreRule]:
    with db.engine.connect() as conn:
        return ignore_rules_for(conn, site_id, active_only=active_only)


def deactivate_ignore_rule(db: Database, rule_id: int) -> bool:
    with db.engine.begin() as conn:
        result = conn.execute(
            update(ignore_rules).where(ignore_rules.c.id == rule_id, ignore_rules.c.active.is_(True)).values(active=False)
        )
        return bool(result.rowcount)


# --- judgements --------------------------------------------------------------------------------


def add_judgement(db: Database, site_id: int, judgement: Judgement) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(judgements).values(
                site_id=site_id,
                item=judgement.item,
                fingerprint=judgement.fingerprint,
                decision=judgement.decision,
                points=judgement.points,
                reason=judgement.reason,
                actor=judgement.actor,
                at=judgement.at,
            )
        )


def judgements_for(
    db: Database, site_id: int, *, item_level_until: datetime | None = None, findings_only: bool = False
) -> list[Judgement]:
    """A site's judgements in time order. Words on a finding always count; words on a whole item
    count for monitoring points at or after they were given (``item_level_until``), and are left
    out altogether with ``findings_only``."""
    query = select(judgements).where(judgements.c.site_id == site_id)
    if findings_only:
        query = query.where(judgements.c.fingerprint.is_not(None))
    if item_level_until is not None:
        query = query.where(or_(judgements.c.fingerprint.is_not(None), judgements.c.at <= as_utc(item_level_until)))
    query = query.order_by(judgements.c.at, judgements.c.id)
    with db.engine.connect() as conn:
        return [
            Judgement(
                item=r["item"],
                decision=r["decision"],
                fingerprint=r["fingerprint"],
                points=r["points"],
                reason=r["reason"],
                actor=r["actor"],
                at=as_utc(r["at"]),
            )
            for r in conn.execute(query).mappings()
        ]


def _states_at(at: datetime, *conditions: Any) -> Any:
    """Per problem, the ``to_state`` and effective time of its last state change at or before ``at``.

    A change a scan brought (opened, to 待复核, closed, reopened: the event names its scan) takes
    effect at that scan's monitoring point, not when it was synced: a scan at 3/31 23:00 synced
    after midnight speaks for 3/31. A person's change takes effect when it was made."""
    effective = func.coalesce(scans.c.monitoring_point, problem_events.c.at)
    ranked = (
        select(
            problem_events.c.problem_id,
            problem_events.c.to_state,
            effective.label("effective_at"),
            func.row_number()
            .over(partition_by=problem_events.c.problem_id, order_by=(effective.desc(), problem_events.c.id.desc()))
            .label("rank"),
        )
        .select_from(
            problem_events.join(problems, problems.c.id == problem_events.c.problem_id).outerjoin(
                scans, scans.c.id == problem_events.c.scan_id
            )
        )
        .where(problem_events.c.to_state.is_not(None), effective <= as_utc(at), *conditions)
        .subquery()
    )
    return select(ranked.c.problem_id, ranked.c.to_state, ranked.c.effective_at).where(ranked.c.rank == 1).subquery()


def problem_states_at(db: Database, problem_ids: Sequence[int], at: datetime) -> dict[int, tuple[str, datetime]]:
    """Each problem's state at ``at`` and since when (see ``_states_at``); a problem missing from
    the result did not exist yet."""
    out: dict[int, tuple[str, datetime]] = {}
    with db.engine.connect() as conn:
        for start in range(0, len(problem_ids), 500):
            chunk = list(problem_ids[start : start + 500])
            last = _states_at(at, problem_events.c.problem_id.in_(chunk))
            for problem_id, state, since in conn.execute(select(last)):
                out[int(problem_id)] = (str(state), as_utc(since))
    return out


def fingerprints_in_state_at(db: Database, site_id: int, state: str, at: datetime) -> frozenset[str]:
    """Fingerprints of the site's problems that were in ``state`` at the moment ``at``."""
    last = _states_at(at, problems.c.site_id == site_id)
    query = select(problems.c.fingerprint).join(last, last.c.problem_id == problems.c.id).where(last.c.to_state == state)
    with db.engine.connect() as conn:
        return frozenset(fp for (fp,) in conn.execute(query))
