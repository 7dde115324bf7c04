"""Turn a finished scan's findings into problems and move existing problems along.

- a finding with no problem yet opens one (待整改), assigned by the registry's rule, with a
  deadline; one matching an ignore rule opens as 误报 instead;
- a problem whose finding is present again: 待复核 goes back to where it was (the fix did not
  hold), 已销号 reopens (待整改, reopen count + 1);
- a 待整改/整改中 problem whose finding is absent goes to 待复核; a 待复核 problem absent from a
  later scan is closed (已销号) by that verifying scan.

"Absent" counts only where the scan looked: the problem's page was fetched (or is gone for good)
and the scan ran a check that raises the problem's code (a scan limited to some checks, as its
stored settings' "checks" say, proves nothing about the others).
A scan whose start page failed changes nothing but new problems. Each scan is synced once (the
problem_syncs row is written in the same transaction), so syncing twice changes nothing; an older
scan than the last synced one is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from govinspect.findings import Finding
from govinspect.registry.mapping import UnitResolver
from govinspect.registry.model import RegistryError, Site
from govinspect.store import problems_repo as repo
from govinspect.store.db import Database
from govinspect.store.registry_repo import get_site
from govinspect.workflow.calendar import deadline_for
from govinspect.workflow.clock import as_utc, utcnow
from govinspect.workflow.ignore import IgnoreRule
from govinspect.workflow.states import ACTIVE, CLOSED, FALSE_ALARM, IN_PROGRESS, OPEN, REVIEW

SYSTEM = "系统"


@dataclass
class SyncReport:
    scan_id: int
    site_id: int
    already_synced: bool = False
    skipped: str | None = None
    opened: int = 0
    ignored: int = 0
    still_open: int = 0
    reappeared: int = 0
    reopened: int = 0
    to_review: int = 0
    closed: int = 0
    not_checked: int = 0  # absent, but the scan did not look at their pages

    def describe(self) -> str:
        if self.already_synced:
            return f"扫描 #{self.scan_id} 已同步过，未作改动"
        if self.skipped:
            return f"扫描 #{self.scan_id} 未同步：{self.skipped}"
        return (
            f"扫描 #{self.scan_id}：新问题 {self.opened}（其中按忽略规则记为误报 {self.ignored}），"
            f"仍存在 {self.still_open}，复核未通过 {self.reappeared}，重新打开 {self.reopened}，"
            f"转待复核 {self.to_review}，复核销号 {self.closed}，本次未检查到的页面上的问题 {self.not_checked}"
        )


def event_row(problem_id: int, at: datetime, action: str, from_state: str | None, to_state: str | None,
           reason: str | None, scan_id: int | None, actor: str = SYSTEM, detail: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    return {
        "problem_id": problem_id,
        "at": at,
        "actor": actor,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "scan_id": scan_id,
        "detail": detail or {},
    }


def _ignored_by(rules: list[IgnoreRule], f: Finding) -> IgnoreRule | None:
    return next((r for r in rules if r.matches(f.code, f.page, f.target, f.evidence)), None)


def checked_codes(scan_settings: dict[str, Any]) -> frozenset[str] | None:
    """The finding codes a scan could raise, from its stored settings' "checks"; None: all."""
    raw = scan_settings.get("checks")
    names = [n.strip() for n in raw.split(",")] if isinstance(raw, str) else list(raw or [])
    names = [n for n in names if n]
    if not names:
        return None
    from govinspect.checks.registry import all_checks

    table = all_checks()
    return frozenset(code for name in names if name in table for code in table[name].codes)


def sync_problems(
    db: Database, site_id: int, scan_id: int, *, now: datetime | None = None, actor: str = SYSTEM,
    codes: Iterable[str] | None = None,
) -> SyncReport:
    """Sync one finished scan; ``codes`` limits which problems its absence may move (default: from
    the scan's settings, else all)."""
    info = db.scan(scan_id)
    if info is None:
        raise RegistryError(f"没有编号为 {scan_id} 的扫描")
    if info.site_id != site_id:
        raise RegistryError(f"扫描 #{scan_id} 不属于站点 {site_id}")
    if info.status != "finished":
        raise RegistryError(f"扫描 #{scan_id} 尚未完成（{info.status}），完成后才能同步问题")
    site = get_site(db, site_id)
    if site is None:
        raise RegistryError(f"没有编号为 {site_id} 的站点")
    report = SyncReport(scan_id=scan_id, site_id=site_id)
    moment = as_utc(now) if now else (as_utc(info.finished_at) if info.finished_at else utcnow())
    try:
        with db.engine.begin() as conn:
            repo.lock_site(conn, site_id)
            if repo.is_synced(conn, scan_id):
                report.already_synced = True
                return report
            last = repo.last_synced_scan(conn, site_id)
            if last is not None and scan_id < last:
                report.skipped = f"比已同步的扫描 #{last} 更早"
                repo.mark_synced(conn, site_id, scan_id, moment, {"skipped": report.skipped})
                return report
            scope = frozenset(codes) if codes is not None else checked_codes(info.settings)
            _sync(conn, site, info.id, as_utc(info.monitoring_point), moment, actor, report, scope)
            summary = {k: v for k, v in asdict(report).items() if isinstance(v, int) and not isinstance(v, bool)}
            repo.mark_synced(conn, site_id, scan_id, moment, summary)
    except IntegrityError:
        # another process synced this scan at the same moment: its result stands
        return SyncReport(scan_id=scan_id, site_id=site_id, already_synced=True)
    return report


def _sync(
    conn: Connection, site: Site, scan_id: int, found_at: datetime, moment: datetime, actor: str, report: SyncReport,
    codes: frozenset[str] | None,
) -> None:
    current = {f.fingerprint(): f for f in repo.scan_findings(conn, scan_id)}
    known = repo.problems_of_site(conn, site.id)
    rules = repo.ignore_rules_for(conn, site.id)
    resolver = UnitResolver(site)
    events: list[dict[str, Any]] = []
    new_rows: list[dict[str, Any]] = []
    new_events: dict[str, tuple[str, str | None, IgnoreRule | None]] = {}
    seen_ids: list[int] = []

    for fp, f in current.items():
        problem = known.get(fp)
        if problem is None:
            rule = _ignored_by(rules, f)
            state = FALSE_ALARM if rule else OPEN
            reason = f"忽略规则 #{rule.id}：{rule.reason}" if rule else None
            new_rows.append({
                "site_id": site.id, "fingerprint": fp, "code": f.code, "severity": f.severity, "page": f.page,
                "target": f.target, "evidence": f.evidence, "suggestion": f.suggestion, "detail": f.detail,
                "unit_id": resolver.unit_for(f.page, f.detail), "state": state, "reason": reason,
                "first_scan_id": scan_id, "last_seen_scan_id": scan_id, "reopen_count": 0,
                "ignore_rule_id": rule.id if rule else None, "first_seen_at": found_at, "updated_at": moment,
                "deadline": None if rule else deadline_for(f.severity or "deduct", found_at, site.settings),
            })
            new_events[fp] = (state, reason, rule)
            report.opened += 1
            report.ignored += 1 if rule else 0
            continue
        seen_ids.append(problem.id)
        if problem.state == REVIEW:
            back = repo.last_review_origin(conn, problem.id)
            back = back if back in ACTIVE else OPEN
            repo.update_problem(conn, problem.id, {"state": back, "review_scan_id": None, "updated_at": moment})
            events.append(event_row(problem.id, moment, "reappear", REVIEW, back, f"复核未通过：扫描 #{scan_id} 仍发现该问题", scan_id))
            report.reappeared += 1
        elif problem.state == CLOSED:
            rule = _ignored_by(rules, f)
            state = FALSE_ALARM if rule else OPEN
            reason = f"忽略规则 #{rule.id}：{rule.reason}" if rule else f"扫描 #{scan_id} 再次发现已销号的问题"
            repo.update_problem(conn, problem.id, {
                "state": state, "reopen_count": problem.reopen_count + 1, "closed_at": None, "closed_scan_id": None,
                "review_scan_id": None, "detail": f.detail, "suggestion": f.suggestion, "updated_at": moment,
                "reason": reason if rule else problem.reason, "ignore_rule_id": rule.id if rule else None,
                "deadline": None if rule else deadline_for(problem.severity, found_at, site.settings),
            })
            events.append(event_row(problem.id, moment, "reopen", CLOSED, state, reason, scan_id))
            report.reopened += 1
        elif problem.state in ACTIVE:
            report.still_open += 1
    repo.touch_seen(conn, seen_ids, scan_id)

    if new_rows:
        repo.insert_problems(conn, new_rows)
        ids = repo.ids_by_fingerprint(conn, site.id, list(new_events))
        for fp, (state, reason, rule) in new_events.items():
            detail = {"ignore_rule": rule.id} if rule else {}
            events.append(event_row(ids[fp], moment, "open", None, state, reason, scan_id, detail=detail))

    error = repo.scan_error(conn, scan_id)
    absent = [p for fp, p in known.items() if fp not in current and p.state in (OPEN, IN_PROGRESS, REVIEW)]
    if absent and error is None:
        visited = repo.visited_urls(conn, scan_id)
        for problem in absent:
            if problem.page not in visited or (codes is not None and problem.code not in codes):
                report.not_checked += 1
                continue
            if problem.state in ACTIVE:
                repo.update_problem(conn, problem.id, {"state": REVIEW, "review_scan_id": scan_id, "updated_at": moment})
                events.append(event_row(problem.id, moment, "auto_review", problem.state, REVIEW, f"扫描 #{scan_id} 未再发现该问题", scan_id))
                report.to_review += 1
            elif problem.review_scan_id is None or scan_id > problem.review_scan_id:
                repo.update_problem(conn, problem.id, {
                    "state": CLOSED, "closed_scan_id": scan_id, "closed_at": moment, "updated_at": moment,
                })
                events.append(event_row(problem.id, moment, "verify_close", REVIEW, CLOSED, f"复核扫描 #{scan_id} 确认已整改", scan_id))
                report.closed += 1
    elif absent:
        report.not_checked += len(absent)
    repo.insert_events(conn, [dict(e, actor=actor) for e in events])


def sync_pending(db: Database, *, now: datetime | None = None) -> list[SyncReport]:
    """Sync every finished scan not synced yet, oldest first (after a crash, for the daemon)."""
    return [sync_problems(db, site_id, scan_id, now=now) for site_id, scan_id in repo.unsynced_scans(db)]
