"""Findings become problems; scans move them to 待复核 and 已销号, and reopen them; nothing is lost or doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govinspect.findings import Finding
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow import actions
from govinspect.workflow.sync import sync_pending, sync_problems
from tests.workflow.helpers import T0, store_scan

BASE = "http://127.0.0.1:8080/"
A = Finding("broken_link", page=BASE + "a.html", target=BASE + "gone.html", evidence="失效链接", detail={"status": 404})
B = Finding("typo", page=BASE + "b.html", evidence="工做", suggestion="工作")
HOME = Finding("homepage_stale", page=BASE, detail={"days_since": 30})


ALL_PAGES = [BASE, BASE + "a.html", BASE + "b.html"]


def scan_and_sync(db, findings, at, **kwargs):
    kwargs.setdefault("pages", ALL_PAGES)  # the whole site was crawled
    scan_id = store_scan(db, BASE, findings, at=at, **kwargs)
    site_id = db.scan(scan_id).site_id
    return scan_id, sync_problems(db, site_id, scan_id, now=at + timedelta(minutes=5))


def by_fp(db, finding):
    return next(p for p in prepo.list_problems(db) if p.fingerprint == finding.fingerprint())


def test_new_findings_open_problems_for_the_responsible_unit(db):
    rrepo.add_unit(db, "办公室")
    rrepo.add_unit(db, "信息中心")
    site = rrepo.add_site(db, BASE, "门户", kind="portal", owner="办公室")
    rrepo.add_rule(db, site.id, "prefix", "/a", "信息中心")
    _, report = scan_and_sync(db, [A, B, HOME], T0)
    assert (report.opened, report.ignored) == (3, 0)
    a, b, home = by_fp(db, A), by_fp(db, B), by_fp(db, HOME)
    assert (a.state, a.unit_name, b.unit_name, home.unit_name) == ("open", "信息中心", "办公室", "办公室")
    assert a.detail == {"status": 404} and b.suggestion == "工作"
    # T0 is Monday 2026-03-02 09:00 UTC: veto → end of Tuesday, others → end of the 5th working day (China time)
    assert home.deadline == T0.replace(day=3, hour=15, minute=59, second=59)
    assert b.deadline == T0.replace(day=9, hour=15, minute=59, second=59)
    events = prepo.events_of(db, a.id)
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [("open", None, "open", "系统")]


def test_syncing_the_same_scan_twice_changes_nothing(any_db):
    db = any_db
    scan_id, first = scan_and_sync(db, [A, B], T0)
    before = [(p.id, p.state, p.updated_at) for p in prepo.list_problems(db)]
    events_before = len(prepo.all_events(db))
    again = sync_problems(db, first.site_id, scan_id)
    assert again.already_synced and "已同步过" in again.describe()
    assert [(p.id, p.state, p.updated_at) for p in prepo.list_problems(db)] == before
    assert len(prepo.all_events(db)) == events_before


def test_full_lifecycle_fix_verify_regress(any_db):
    db = any_db
    scan_and_sync(db, [A, B], T0)
    _, second = scan_and_sync(db, [B], T0 + timedelta(days=1))
    assert second.to_review == 1 and by_fp(db, A).state == "review"
    third_id, third = scan_and_sync(db, [B], T0 + timedelta(days=2))
    closed = by_fp(db, A)
    assert third.closed == 1 and closed.state == "closed" and closed.closed_scan_id == third_id
    assert closed.closed_at is not None
    _, fourth = scan_and_sync(db, [A, B], T0 + timedelta(days=3))
    reopened = by_fp(db, A)
    assert fourth.reopened == 1 and reopened.state == "open" and reopened.reopen_count == 1
    assert reopened.closed_at is None and reopened.id == closed.id  # the same problem, not a new one
    assert [e.action for e in prepo.events_of(db, reopened.id)] == ["open", "auto_review", "verify_close", "reopen"]
    assert by_fp(db, B).state == "open" and len(prepo.list_problems(db)) == 2


def test_a_fix_that_does_not_hold_goes_back_to_work(db):
    _, first = scan_and_sync(db, [A], T0)
    problem = by_fp(db, A)
    actions.change_state(db, problem.id, "in_progress", actor="张三", now=T0 + timedelta(hours=1))
    scan_and_sync(db, [], T0 + timedelta(days=1))
    assert by_fp(db, A).state == "review"
    _, third = scan_and_sync(db, [A], T0 + timedelta(days=2))
    assert third.reappeared == 1 and by_fp(db, A).state == "in_progress"


def test_the_unit_reports_a_fix_and_the_next_scan_verifies_it(db):
    scan_and_sync(db, [A, B], T0)
    a, b = by_fp(db, A), by_fp(db, B)
    actions.change_state(db, a.id, "review", actor="信息中心", reason="已删除失效链接")
    actions.change_state(db, b.id, "review", actor="信息中心", reason="已改正")
    _, second = scan_and_sync(db, [B], T0 + timedelta(days=1))  # B was not really fixed
    assert by_fp(db, A).state == "closed" and by_fp(db, B).state == "open"
    assert (second.closed, second.reappeared) == (1, 1)


def test_problems_on_pages_the_scan_did_not_reach_stay_put(db):
    scan_and_sync(db, [A, B], T0)
    _, second = scan_and_sync(db, [], T0 + timedelta(days=1), pages=[BASE + "b.html"])  # a.html not crawled
    assert by_fp(db, A).state == "open" and by_fp(db, B).state == "review"
    assert (second.not_checked, second.to_review) == (1, 1)


def test_a_scan_whose_start_page_failed_closes_nothing(db):
    scan_and_sync(db, [A], T0)
    _, second = scan_and_sync(db, [], T0 + timedelta(days=1), error="首页无法访问：连接被拒绝")
    assert by_fp(db, A).state == "open" and second.not_checked == 1


def test_an_older_scan_after_a_newer_one_is_skipped(db):
    old = store_scan(db, BASE, [A], at=T0)
    new = store_scan(db, BASE, [], at=T0 + timedelta(days=1))
    site_id = db.scan(new).site_id
    sync_problems(db, site_id, new)
    report = sync_problems(db, site_id, old)
    assert report.skipped and prepo.list_problems(db) == []
    assert sync_pending(db) == []  # nothing left unsynced


def test_sync_pending_catches_up_in_order(db):
    for day, found in enumerate([[A], [], []]):
        store_scan(db, BASE, found, at=T0 + timedelta(days=day), pages=ALL_PAGES)
    reports = sync_pending(db, now=T0 + timedelta(days=3))
    assert [r.opened for r in reports] == [1, 0, 0] and by_fp(db, A).state == "closed"


def test_unfinished_or_unknown_scans_are_refused(db):
    site_id = db.site_id_for(BASE)
    running = db.create_scan(site_id, BASE, {}, T0)
    with pytest.raises(ValueError, match="尚未完成"):
        sync_problems(db, site_id, running)
    with pytest.raises(ValueError, match="没有编号为 999"):
        sync_problems(db, site_id, 999)
    other = store_scan(db, "http://127.0.0.2/", [], at=T0)
    with pytest.raises(ValueError, match="不属于站点"):
        sync_problems(db, site_id, other)


def test_many_findings_no_problem_lost_or_doubled(any_db):
    db = any_db
    findings = [Finding("broken_link", page=f"{BASE}p{i}.html", target=f"{BASE}x{i % 7}.html", evidence="链") for i in range(600)]
    pages = [f.page for f in findings]
    scan_and_sync(db, findings, T0, pages=pages)
    scan_and_sync(db, findings[:300], T0 + timedelta(days=1), pages=pages)
    scan_and_sync(db, findings, T0 + timedelta(days=2), pages=pages)
    problems = prepo.list_problems(db)
    assert len(problems) == 600 and len({p.fingerprint for p in problems}) == 600
    states = [p.state for p in problems]
    assert states.count("open") == 600  # 300 went to review and came back


def test_a_scan_limited_to_some_checks_proves_nothing_about_the_others(db):
    scan_and_sync(db, [A, B], T0)
    # the scan ran only the link checks (as its stored settings say): the typo may still be there
    _, second = scan_and_sync(db, [], T0 + timedelta(days=1), settings={"checks": "links"})
    assert by_fp(db, A).state == "review" and by_fp(db, B).state == "open"
    assert (second.to_review, second.not_checked) == (1, 1)
    scan_id = store_scan(db, BASE, [], at=T0 + timedelta(days=2), pages=ALL_PAGES)
    sync_problems(db, db.scan(scan_id).site_id, scan_id, codes={"typo"})  # or as the caller says
    assert by_fp(db, A).state == "review" and by_fp(db, B).state == "review"
