"""Manual changes with reasons and an audit trail, ignore rules, deadlines in working days, overdue flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from govinspect.findings import Finding
from govinspect.registry.model import RegistryError
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow import actions
from govinspect.workflow.calendar import add_working_days, deadline_for, is_workday
from govinspect.workflow.states import parse_state
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import T0, store_scan

BASE = "http://127.0.0.1:8080/"
TYPO = Finding("typo", page=BASE + "old/1.html", evidence="工做")
TYPO2 = Finding("typo", page=BASE + "new/1.html", evidence="工做")
LINK = Finding("broken_link", page=BASE + "old/2.html", target=BASE + "x.html", evidence="链接")


def synced(db, findings, at=T0):
    scan_id = store_scan(db, BASE, findings, at=at)
    report = sync_problems(db, db.scan(scan_id).site_id, scan_id, now=at)
    return report


def problem(db, finding):
    return next(p for p in prepo.list_problems(db) if p.fingerprint == finding.fingerprint())


def test_manual_changes_need_reasons_and_leave_an_audit_trail(db):
    synced(db, [TYPO])
    p = problem(db, TYPO)
    with pytest.raises(RegistryError, match="必须用 --reason"):
        actions.change_state(db, p.id, "false_alarm", actor="李四")
    with pytest.raises(RegistryError, match="不能从“待整改”改为“已销号”"):
        actions.change_state(db, p.id, "closed", actor="李四")
    with pytest.raises(RegistryError, match="没有编号为 99 的问题"):
        actions.change_state(db, 99, "in_progress", actor="李四")
    when = T0 + timedelta(hours=2)
    actions.change_state(db, p.id, parse_state("整改中"), actor="李四", now=when)
    marked = actions.change_state(db, p.id, "false_alarm", actor="王五", reason="“工做”出现在引用的原文中", now=when)
    assert marked.state == "false_alarm" and marked.reason == "“工做”出现在引用的原文中"
    trail = [(e.actor, e.at, e.from_state, e.to_state, e.reason) for e in prepo.events_of(db, p.id)][1:]
    assert trail == [
        ("李四", when, "open", "in_progress", None),
        ("王五", when, "in_progress", "false_alarm", "“工做”出现在引用的原文中"),
    ]
    reopened = actions.change_state(db, p.id, "open", actor="王五", reason="误判撤销", now=when)
    assert reopened.state == "open" and reopened.deadline is not None


def test_wontfix_needs_a_reason_and_is_kept_across_scans(db):
    synced(db, [LINK])
    p = problem(db, LINK)
    actions.change_state(db, p.id, "wontfix", actor="李四", reason="外部网站，无法控制")
    synced(db, [LINK], T0 + timedelta(days=1))
    synced(db, [], T0 + timedelta(days=2))
    assert problem(db, LINK).state == "wontfix"


def test_assigning_records_the_units(db):
    rrepo.add_unit(db, "办公室")
    rrepo.add_unit(db, "信息中心")
    rrepo.add_site(db, BASE, "门户", owner="办公室")
    synced(db, [TYPO, LINK])
    ids = [problem(db, TYPO).id, problem(db, LINK).id]
    assert actions.assign(db, ids, "信息中心", actor="主任") == 2
    assert actions.assign(db, ids, "信息中心", actor="主任") == 0  # already there
    assert {p.unit_name for p in prepo.list_problems(db)} == {"信息中心"}
    event = prepo.events_of(db, ids[0])[-1]
    assert event.action == "assign" and event.detail == {"from_unit": "办公室", "to_unit": "信息中心"}
    with pytest.raises(RegistryError, match="没有找到单位"):
        actions.assign(db, ids, "不存在", actor="主任")


def test_ignore_rules_turn_future_matches_into_false_alarms(db):
    synced(db, [LINK])
    site_id = rrepo.require_site(db, BASE).id
    rule, changed = actions.add_ignore_rule(
        db, site_id=site_id, code="typo", url="*/old/*", evidence=None, reason="旧栏目为历史档案", actor="李四"
    )
    assert changed == 0
    synced(db, [LINK, TYPO, TYPO2], T0 + timedelta(days=1))
    ignored = problem(db, TYPO)
    assert ignored.state == "false_alarm" and ignored.reason == f"忽略规则 #{rule.id}：旧栏目为历史档案"
    assert ignored.deadline is None
    assert problem(db, TYPO2).state == "open" and problem(db, LINK).state == "open"
    # applied to what is already open only when asked
    _, changed = actions.add_ignore_rule(
        db, site_id=None, code="broken_*", url=None, evidence="链*", reason="测试", actor="李四", apply_existing=True
    )
    assert changed == 1 and problem(db, LINK).state == "false_alarm"
    assert len(prepo.list_ignore_rules(db)) == 2
    assert prepo.deactivate_ignore_rule(db, rule.id) and not prepo.deactivate_ignore_rule(db, rule.id)


def test_ignore_rule_validation():
    from govinspect.workflow.ignore import validate_patterns

    with pytest.raises(RegistryError, match="至少要给出"):
        validate_patterns(None, None, None, "理由")
    with pytest.raises(RegistryError, match="--reason"):
        validate_patterns("typo", None, None, " ")
    with pytest.raises(RegistryError, match="未知的问题代码"):
        validate_patterns("typos", None, None, "理由")


def test_deadlines_count_working_days_in_china_time():
    friday_evening_utc = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # already Saturday 01:00 in China
    assert deadline_for("veto", friday_evening_utc).date() == date(2026, 3, 9)  # Monday, China end of day
    friday_morning = datetime(2026, 3, 6, 1, 0, tzinfo=UTC)
    assert deadline_for("veto", friday_morning) == datetime(2026, 3, 9, 15, 59, 59, tzinfo=UTC)
    assert deadline_for("deduct", friday_morning).date() == date(2026, 3, 13)
    assert deadline_for("deduct", friday_morning, {"deadline_days": {"deduct": 2}}).date() == date(2026, 3, 10)


def test_holiday_schedule_with_swapped_workdays():
    pytest.importorskip("chinese_calendar")
    assert is_workday(date(2026, 2, 14))  # a Saturday worked before 春节 2026
    assert not is_workday(date(2026, 2, 17))  # 春节
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) > date(2026, 2, 20)


def test_overdue_flags(db):
    synced(db, [TYPO, LINK])
    p = problem(db, TYPO)
    assert p.deadline is not None
    assert not p.overdue(p.deadline) and p.overdue(p.deadline + timedelta(seconds=1))
    late = p.deadline + timedelta(days=1)
    assert {q.id for q in prepo.list_problems(db, overdue_at=late)} == {p.id, problem(db, LINK).id}
    actions.change_state(db, p.id, "review", actor="李四", reason="已改")
    assert not problem(db, TYPO).overdue(late)  # waiting for verification is not overdue
