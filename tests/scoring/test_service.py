"""score_site at a monitoring point: a registered 子站 is scored apart from its portal (from the
portal's scan when that is the latest word on it), and 误报 marks count as they stood at the point."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from rich.console import Console

from govinspect.findings import Finding
from govinspect.registry.model import RegistryError
from govinspect.scoring.profile import national_profile
from govinspect.scoring.render import render_text, to_json
from govinspect.scoring.service import SiteScore, score_site
from govinspect.store import Database
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow import actions
from govinspect.workflow.states import FALSE_ALARM
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import T0, store_scan

PORTAL = "http://127.0.0.1:8080/"
SUB = PORTAL + "bm/jyj/"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def stale_home(url: str, *, subsite: bool) -> Finding:
    return Finding(
        "homepage_stale", page=url, evidence="旧消息",
        detail={"newest": "2026-01-05", "days_since": 56, "limit": "2周", "subsite": subsite, "home_rule": "独立导航"},
    )


SUB_STALE = stale_home(SUB, subsite=True)
PORTAL_STALE = stale_home(PORTAL, subsite=False)
PORTAL_LINK = Finding("broken_link", page=PORTAL + "a.html", target=PORTAL + "gone.html", evidence="旧链接")
SUB_LINK = Finding("broken_link", page=SUB + "news/1.html", target=SUB + "gone.html", evidence="旧链接")
SUB_ERROR = Finding("serious_error", page=SUB + "news/2.html", evidence="错误提法")


def register(db: Database) -> None:
    rrepo.add_site(db, PORTAL, "县政府门户", kind="门户网站")
    rrepo.add_site(db, SUB, "县教育局子站", kind="子站")


def scan(db: Database, url: str, findings: list[Finding], at: datetime, pages: list[str] | None = None) -> int:
    """A finished scan at ``at``, synced into problems ten minutes later."""
    scan_id = store_scan(db, url, findings, at=at, pages=pages)
    sync_problems(db, db.scan(scan_id).site_id, scan_id, now=at + timedelta(minutes=10))
    return scan_id


def status(scored: SiteScore, item: str) -> str:
    return next(v.status for v in scored.result.vetoes if v.item.id == item)


def counted(scored: SiteScore) -> set[str]:
    """Pages of every finding the score took into account (veto findings, candidates, deductions)."""
    r = scored.result
    pages = {f.page for v in r.vetoes for rule in v.rules for f in rule.findings}
    pages |= {c.finding.page for v in r.vetoes for rule in v.rules for c in rule.candidates}
    return pages | {f.page for d in r.deductions for f in d.findings}


def problem_of(db: Database, finding: Finding, site_url: str = PORTAL) -> prepo.Problem:
    site = rrepo.require_site(db, site_url)
    return next(p for p in prepo.list_problems(db, site_id=site.id) if p.fingerprint == finding.fingerprint())


# --- a registered 子站 under its portal ------------------------------------------------------------


def test_the_portal_scan_scores_the_subsite_apart_from_the_portal(db):
    register(db)
    scan_id = scan(db, PORTAL, [SUB_STALE, PORTAL_LINK, SUB_LINK], T0)

    portal = score_site(db, "县政府门户", at=T0 + HOUR)
    assert status(portal, "V3") == "通过" and portal.result.verdict == "合格"
    assert counted(portal) == {PORTAL_LINK.page}
    assert portal.scan.id == scan_id and portal.scan_site.id == portal.site.id and not portal.inherited
    assert [(n.site.name, n.findings) for n in portal.nested] == [("县教育局子站", 2)]
    assert any("县教育局子站" in note and "2 条" in note for note in portal.result.notes)

    sub = score_site(db, "县教育局子站", at=T0 + HOUR)
    assert status(sub, "V3") == "否决" and sub.result.verdict == "不合格"
    assert counted(sub) == {SUB, SUB_LINK.page}  # the portal's own broken link is not the sub-site's
    assert sub.scan.id == scan_id and sub.inherited and sub.scan_site.name == "县政府门户"
    assert sub.basis == f"取自上级站点“县政府门户”的扫描 #{scan_id}"
    # the problems (整改) of a portal scan's findings live under the portal
    assert sub.problem_ids[SUB_STALE.fingerprint()] == problem_of(db, SUB_STALE).id

    document = to_json(sub)
    assert document["scan"]["id"] == scan_id and document["scan"]["inherited"] is True
    assert document["scan"]["site"]["name"] == "县政府门户"
    assert document["scan"]["basis"] == f"取自上级站点“县政府门户”的扫描 #{scan_id}"
    assert to_json(portal)["scan"]["inherited"] is False
    assert to_json(portal)["nested_sites"] == [
        {"id": sub.site.id, "name": "县教育局子站", "url": SUB, "kind": "子站", "findings": 2}
    ]
    console = Console(width=200, record=True)
    console.print(render_text(sub))
    assert f"取自上级站点“县政府门户”的扫描 #{scan_id}" in console.export_text()


def test_a_subsite_with_its_own_newer_scan_is_scored_from_it(db):
    register(db)
    portal_scan = scan(db, PORTAL, [SUB_STALE, PORTAL_LINK], T0)
    own_scan = scan(db, SUB, [], T0 + DAY)

    fresh = score_site(db, "县教育局子站", at=T0 + DAY + HOUR)
    assert fresh.scan.id == own_scan and not fresh.inherited and fresh.basis == f"扫描 #{own_scan}"
    assert status(fresh, "V3") == "通过" and fresh.result.verdict == "合格"
    earlier = score_site(db, "县教育局子站", at=T0 + HOUR)
    assert earlier.scan.id == portal_scan and status(earlier, "V3") == "否决"

    newer_portal_scan = scan(db, PORTAL, [SUB_STALE], T0 + 2 * DAY)
    latest = score_site(db, "县教育局子站", at=T0 + 2 * DAY + HOUR)
    assert latest.scan.id == newer_portal_scan and latest.inherited and status(latest, "V3") == "否决"


def test_a_portal_scan_that_never_reached_the_subsite_says_nothing_about_it(any_db):
    db = any_db  # the SQL of the scan choice and of the audit trail, on both backends
    register(db)
    scan(db, PORTAL, [PORTAL_LINK], T0, pages=[PORTAL, PORTAL_LINK.page])
    with pytest.raises(RegistryError, match="没有完成的扫描"):
        score_site(db, "县教育局子站", at=T0 + HOUR)
    own_scan = scan(db, SUB, [SUB_LINK], T0 - DAY)
    assert score_site(db, "县教育局子站", at=T0 + HOUR).scan.id == own_scan


def test_nested_sites_are_left_out_again_when_scoring_from_a_covering_scan(db):
    register(db)
    school = SUB + "xx/"
    rrepo.add_site(db, school, "实验小学", kind="子站")
    school_stale = stale_home(school, subsite=True)
    scan_id = scan(db, PORTAL, [SUB_LINK, school_stale, PORTAL_LINK], T0)

    sub = score_site(db, "县教育局子站", at=T0 + HOUR)
    assert counted(sub) == {SUB_LINK.page} and status(sub, "V3") == "通过"
    assert [(n.site.name, n.findings) for n in sub.nested] == [("实验小学", 1)]
    school_score = score_site(db, "实验小学", at=T0 + HOUR)
    assert school_score.scan.id == scan_id and status(school_score, "V3") == "否决"
    assert counted(score_site(db, "县政府门户", at=T0 + HOUR)) == {PORTAL_LINK.page}


def test_judgements_and_false_alarms_are_read_where_the_findings_came_from(db):
    register(db)
    scan(db, PORTAL, [SUB_ERROR, SUB_LINK, PORTAL_LINK], T0)
    profile = national_profile()

    sub = score_site(db, "县教育局子站", at=T0 + HOUR)
    assert status(sub, "V1") == "待确认" and sub.result.deduction_points == 0.5
    actions.judge_problem(
        db, sub.problem_ids[SUB_ERROR.fingerprint()], profile, confirmed=True, actor="审核员", reason="职务写错",
        now=T0 + HOUR,
    )
    actions.change_state(db, problem_of(db, SUB_LINK).id, FALSE_ALARM, actor="审核员", reason="链接有效", now=T0 + HOUR)
    judged = score_site(db, "县教育局子站", at=T0 + 2 * HOUR)
    assert status(judged, "V1") == "否决" and judged.result.deduction_points == 0

    # a word on a whole item belongs to the site it was given for, not to the sites under it
    portal = rrepo.require_site(db, PORTAL)
    actions.judge_item(db, portal.id, "V5.2", profile, confirmed=True, points=None, actor="审核员", reason="无渠道",
                       now=T0 + HOUR)
    assert status(score_site(db, "县政府门户", at=T0 + 2 * HOUR), "V5") == "否决"
    assert status(score_site(db, "县教育局子站", at=T0 + 2 * HOUR), "V5") == "通过"
    actions.judge_item(db, sub.site.id, "V5.2", profile, confirmed=True, points=None, actor="审核员", reason="无渠道",
                       now=T0 + HOUR)
    assert status(score_site(db, "县教育局子站", at=T0 + 2 * HOUR), "V5") == "否决"


# --- 误报 marks as they stood at the monitoring point -------------------------------------------------


def test_a_false_alarm_marked_after_the_point_counts_at_the_point(db):
    rrepo.add_site(db, PORTAL, "县政府门户", kind="门户网站")
    scan(db, PORTAL, [PORTAL_STALE], T0)
    actions.change_state(db, problem_of(db, PORTAL_STALE).id, FALSE_ALARM, actor="审核员", reason="首页有新信息",
                         now=T0 + 3 * DAY)
    assert score_site(db, "县政府门户", at=T0 + DAY).result.verdict == "不合格"
    assert score_site(db, "县政府门户", at=T0 + 3 * DAY).result.verdict == "合格"  # the mark's own moment counts
    assert score_site(db, "县政府门户", at=T0 + 4 * DAY).result.verdict == "合格"


def test_a_false_alarm_reopened_after_the_point_is_still_left_out_at_the_point(any_db):
    db = any_db  # the SQL of the scan choice and of the audit trail, on both backends
    rrepo.add_site(db, PORTAL, "县政府门户", kind="门户网站")
    scan(db, PORTAL, [PORTAL_STALE], T0)
    problem_id = problem_of(db, PORTAL_STALE).id
    actions.change_state(db, problem_id, FALSE_ALARM, actor="审核员", reason="首页有新信息", now=T0 + DAY)
    actions.change_state(db, problem_id, "open", actor="审核员", reason="误判撤销", now=T0 + 3 * DAY)
    assert score_site(db, "县政府门户", at=T0 + HOUR).result.verdict == "不合格"
    assert score_site(db, "县政府门户", at=T0 + 2 * DAY).result.verdict == "合格"
    assert score_site(db, "县政府门户", at=T0 + 4 * DAY).result.verdict == "不合格"


def test_problems_opened_or_moved_as_false_alarms_by_ignore_rules(db):
    site = rrepo.add_site(db, PORTAL, "县政府门户", kind="门户网站")
    actions.add_ignore_rule(db, site_id=site.id, code="homepage_stale", url=None, evidence=None, reason="首页为导航页",
                            actor="审核员", now=T0 - DAY)
    scan(db, PORTAL, [PORTAL_STALE, PORTAL_LINK], T0)
    stale = problem_of(db, PORTAL_STALE)
    assert [(e.action, e.from_state, e.to_state) for e in prepo.events_of(db, stale.id)] == [("open", None, FALSE_ALARM)]
    assert score_site(db, "县政府门户", at=T0 + HOUR).result.verdict == "合格"

    actions.add_ignore_rule(db, site_id=site.id, code="broken_link", url=None, evidence=None, reason="外部原因",
                            actor="审核员", now=T0 + 2 * DAY, apply_existing=True)
    assert score_site(db, "县政府门户", at=T0 + DAY).result.deduction_points == 0.5
    assert score_site(db, "县政府门户", at=T0 + 3 * DAY).result.deduction_points == 0


def test_fingerprints_in_state_at_reads_the_audit_trail(any_db):
    db = any_db  # the SQL of the scan choice and of the audit trail, on both backends
    register(db)
    scan(db, PORTAL, [PORTAL_LINK], T0)
    scan(db, SUB, [SUB_LINK], T0)
    portal, sub = rrepo.require_site(db, PORTAL), rrepo.require_site(db, SUB)
    link = problem_of(db, PORTAL_LINK)
    actions.change_state(db, link.id, FALSE_ALARM, actor="审核员", reason="误判", now=T0 + DAY)
    actions.assign(db, [link.id], rrepo.add_unit(db, "信息中心").name, actor="审核员", now=T0 + 2 * DAY)

    def marked(site_id: int, at: datetime) -> frozenset[str]:
        return prepo.fingerprints_in_state_at(db, site_id, FALSE_ALARM, at)

    assert marked(portal.id, T0 + DAY - timedelta(seconds=1)) == frozenset()
    assert marked(portal.id, T0 + DAY) == {PORTAL_LINK.fingerprint()}
    assert marked(portal.id, T0 + 3 * DAY) == {PORTAL_LINK.fingerprint()}  # an assignment keeps the state
    assert marked(sub.id, T0 + 3 * DAY) == frozenset()
    assert prepo.fingerprints_in_state_at(db, portal.id, "open", T0 + HOUR) == {PORTAL_LINK.fingerprint()}
    # synced ten minutes after the scan, yet open from the scan's own monitoring point on
    assert prepo.fingerprints_in_state_at(db, portal.id, "open", T0) == {PORTAL_LINK.fingerprint()}
    assert prepo.fingerprints_in_state_at(db, portal.id, "open", T0 - timedelta(seconds=1)) == frozenset()


def test_the_console_scores_a_subsite_that_has_no_scan_of_its_own(db):
    """The console's overview lists every site: a sub-site known only through its portal's scan gets
    its score from that scan, and the score is cached like any other."""
    from govinspect.store.schema_web import web_score_cache
    from govinspect.web import scores

    register(db)
    scan_id = scan(db, PORTAL, [SUB_STALE, PORTAL_LINK, SUB_LINK], T0)
    portal, sub = rrepo.require_site(db, PORTAL), rrepo.require_site(db, SUB)
    shown = scores.current_scores(db, [portal.id, sub.id], now=T0 + HOUR, rows=5)
    assert shown[portal.id]["verdict"] == "合格" and shown[sub.id]["verdict"] == "不合格"
    assert shown[sub.id]["scan"]["id"] == scan_id and shown[sub.id]["scan"]["inherited"] is True
    with db.engine.connect() as conn:
        cached = {r.site_id for r in conn.execute(web_score_cache.select())}
    assert cached == {portal.id, sub.id}


def test_a_false_alarm_on_the_portal_renews_the_subsite_console_score(db):
    from govinspect.web import scores

    register(db)
    scan(db, PORTAL, [SUB_STALE, PORTAL_LINK, SUB_ERROR], T0)
    sub = rrepo.require_site(db, SUB)
    before = scores.current_scores(db, [sub.id], now=T0 + HOUR, rows=5)[sub.id]
    assert before["verdict"] == "不合格"
    actions.change_state(db, problem_of(db, SUB_STALE).id, FALSE_ALARM, actor="审核员", reason="子站首页已更新",
                         now=T0 + 2 * HOUR)
    after = scores.current_scores(db, [sub.id], now=T0 + 3 * HOUR, rows=5)[sub.id]
    assert all(v["id"] != "V3" or not v["failed"] for v in after["veto"])  # the cached 不合格 was not reused


def test_a_scan_synced_later_speaks_for_its_own_monitoring_point(db):
    """The CLI and the console sync after the crawl ends: an ignore rule's 误报 holds from the scan's
    monitoring point, not from the sync, so scoring at that point does not count it."""
    site = rrepo.add_site(db, PORTAL, "县政府门户", kind="门户网站")
    actions.add_ignore_rule(db, site_id=site.id, code="homepage_stale", url=None, evidence=None, reason="首页为导航页",
                            actor="审核员", now=T0 - DAY)
    scan_id = store_scan(db, PORTAL, [PORTAL_STALE, PORTAL_LINK], at=T0)
    sync_problems(db, site.id, scan_id, now=T0 + 3 * HOUR)
    assert prepo.fingerprints_in_state_at(db, site.id, FALSE_ALARM, T0 + HOUR) == {PORTAL_STALE.fingerprint()}
    assert score_site(db, "县政府门户", at=T0 + HOUR).result.verdict == "合格"


def test_the_console_scores_a_subsite_from_the_same_scan_as_the_score_command(db):
    """An older scan of its own and a newer portal scan: both ways of asking pick the portal's, and
    the console caches it (a different pick would re-score the site on every request)."""
    from govinspect.store.schema_web import web_score_cache
    from govinspect.web import scores

    register(db)
    scan(db, SUB, [SUB_LINK], T0)
    newer = scan(db, PORTAL, [SUB_STALE, PORTAL_LINK], T0 + DAY)
    sub = rrepo.require_site(db, SUB)
    assert score_site(db, SUB, at=T0 + 2 * DAY).scan.id == newer
    shown = scores.current_scores(db, [sub.id], now=T0 + 2 * DAY, rows=5)[sub.id]
    assert shown["scan"]["id"] == newer
    with db.engine.connect() as conn:
        assert {(r.site_id, r.scan_id) for r in conn.execute(web_score_cache.select())} == {(sub.id, newer)}


def test_reports_count_a_subsite_known_only_through_its_portal_as_scanned(db):
    from govinspect.reports.data import site_operation
    from govinspect.reports.scope import Window
    from govinspect.stats.period import Period

    register(db)
    scan_id = scan(db, PORTAL, [SUB_STALE, PORTAL_LINK], T0)
    march = Window(Period(T0.date().replace(day=1), T0.date().replace(day=31), "2026年3月"))
    operation = site_operation(db, rrepo.require_site(db, SUB), march, with_score=True)
    assert operation.latest is not None and operation.latest.id == scan_id
    assert operation.verdict == "不合格"  # its stale home page, from the portal's scan
