"""What people do to problems: change their state, assign them, add ignore rules, and judge
scoring candidates. Every change writes an audit event (who, when, from, to, why)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from govinspect.registry.model import RegistryError
from govinspect.scoring.engine import Judgement
from govinspect.scoring.profile import Profile
from govinspect.store import problems_repo as repo
from govinspect.store.db import Database
from govinspect.store.registry_repo import get_site, require_unit
from govinspect.workflow.calendar import deadline_for
from govinspect.workflow.clock import as_utc, utcnow
from govinspect.workflow.ignore import IgnoreRule, validate_patterns
from govinspect.workflow.states import CLOSED, FALSE_ALARM, OPEN, REVIEW, check_manual, label
from govinspect.workflow.sync import event_row


def change_state(
    db: Database, problem_id: int, to_state: str, *, actor: str, reason: str | None = None, now: datetime | None = None
) -> repo.Problem:
    moment = as_utc(now) if now else utcnow()
    with db.engine.begin() as conn:
        problem = repo.problem_in(conn, problem_id)
        if problem is None:
            raise RegistryError(f"没有编号为 {problem_id} 的问题")
        check_manual(problem.state, to_state, reason)
        values: dict[str, object] = {"state": to_state, "updated_at": moment}
        if reason:
            values["reason"] = reason.strip()
        if to_state == REVIEW:
            # the next scan after this one verifies the unit's word
            values["review_scan_id"] = repo.last_synced_scan(conn, problem.site_id) or 0
        elif to_state == CLOSED:
            values["closed_at"] = moment
        elif to_state == OPEN and problem.state != OPEN:
            site = get_site(db, problem.site_id)
            values["deadline"] = deadline_for(problem.severity, moment, site.settings if site else None)
            values["review_scan_id"] = None
            if problem.state == CLOSED:
                values["reopen_count"] = problem.reopen_count + 1
                values["closed_at"] = None
                values["closed_scan_id"] = None
        repo.update_problem(conn, problem.id, values)
        repo.insert_events(conn, [event_row(problem.id, moment, "state", problem.state, to_state, reason, None, actor)])
        updated = repo.problem_in(conn, problem.id)
    assert updated is not None
    return updated


def assign(
    db: Database, problem_ids: Iterable[int], unit_ref: str, *, actor: str, reason: str | None = None,
    now: datetime | None = None,
) -> int:
    moment = as_utc(now) if now else utcnow()
    unit = require_unit(db, unit_ref)
    ids = list(dict.fromkeys(problem_ids))
    with db.engine.begin() as conn:
        events = []
        for problem_id in ids:
            problem = repo.problem_in(conn, problem_id)
            if problem is None:
                raise RegistryError(f"没有编号为 {problem_id} 的问题")
            if problem.unit_id == unit.id:
                continue
            repo.update_problem(conn, problem_id, {"unit_id": unit.id, "updated_at": moment})
            events.append(event_row(
                problem_id, moment, "assign", problem.state, problem.state,
                reason or f"交由 {unit.name} 整改", None, actor,
                detail={"from_unit": problem.unit_name, "to_unit": unit.name},
            ))
        repo.insert_events(conn, events)
    return len(events)


def add_ignore_rule(
    db: Database, *, site_id: int | None, code: str | None, url: str | None, evidence: str | None,
    reason: str, actor: str, now: datetime | None = None, apply_existing: bool = False,
) -> tuple[IgnoreRule, int]:
    """Add a rule; with ``apply_existing`` also mark the matching open problems 误报 now."""
    validate_patterns(code, url, evidence, reason)
    rule = repo.add_ignore_rule(
        db, site_id=site_id, code=code, url=url, evidence=evidence, reason=reason.strip(), actor=actor,
        at=as_utc(now) if now else utcnow(),
    )
    changed = 0
    if apply_existing:
        active = repo.list_problems(db, site_id=site_id, states=["open", "in_progress", "review"])
        for problem in active:
            if rule.matches(problem.code, problem.page, problem.target, problem.evidence):
                change_state(db, problem.id, FALSE_ALARM, actor=actor, reason=f"忽略规则 #{rule.id}：{rule.reason}", now=now)
                changed += 1
    return rule, changed


def candidate_item(profile: Profile, code: str) -> str:
    """The veto item whose judgement rules take findings of this code."""
    for item in profile.veto:
        if any(r.judgement and code in r.codes for r in item.rules):
            return item.id
    raise RegistryError(f"“{code}”类问题在指标方案 {profile.id} 中不是待确认的候选项")


def judge_problem(
    db: Database, problem_id: int, profile: Profile, *, confirmed: bool, actor: str, reason: str | None,
    now: datetime | None = None,
) -> tuple[repo.Problem, str]:
    """Confirm (or reject) a problem as a veto candidate of the profile; returns the item judged."""
    problem = repo.get_problem(db, problem_id)
    if problem is None:
        raise RegistryError(f"没有编号为 {problem_id} 的问题")
    item = candidate_item(profile, problem.code)
    repo.add_judgement(db, problem.site_id, Judgement(
        item=item, decision="confirmed" if confirmed else "rejected", fingerprint=problem.fingerprint,
        reason=reason, actor=actor, at=as_utc(now) if now else utcnow(),
    ))
    return problem, item


def judge_item(
    db: Database, site_id: int, item: str, profile: Profile, *, confirmed: bool, points: float | None,
    actor: str, reason: str | None, now: datetime | None = None,
) -> None:
    """A person's word on a whole item: a judgement-only veto rule, a manual deduction, a bonus."""
    judgement_rules = {r.id for v in profile.veto for r in v.rules if not r.codes}
    manual = {d.id for d in profile.deductions if d.manual}
    bonus = {b.id for b in profile.bonus}
    if item not in judgement_rules | manual | bonus:
        names = "、".join(sorted(judgement_rules | manual | bonus))
        raise RegistryError(f"{item} 不是可人工判断的项目（可用：{names}）")
    if item in bonus and confirmed and points is None:
        raise RegistryError("加分项须用 --points 给出分数")
    if points is not None and points < 0:
        raise RegistryError("分数不能为负数")
    repo.add_judgement(db, site_id, Judgement(
        item=item, decision="confirmed" if confirmed else "rejected", points=points, reason=reason, actor=actor,
        at=as_utc(now) if now else utcnow(),
    ))


def describe_state_change(problem: repo.Problem) -> str:
    return f"问题 #{problem.id} 现为“{label(problem.state)}”"
