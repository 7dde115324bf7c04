"""Each check planted and found: stale accounts, text errors in posts, dead menu links, unanswered
messages, missed reposts; their findings become problems of the owner unit and count in the score."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from govinspect.newmedia import checks
from govinspect.newmedia.accounts import set_state, update_account
from govinspect.newmedia.ingest import MessageIn, PostIn, store_messages, store_posts
from govinspect.newmedia.model import ImportantItem
from govinspect.newmedia.rules import media_rules
from govinspect.newmedia.run import run_checks
from govinspect.newmedia.scoring import score_account
from govinspect.settings import Settings
from govinspect.store import newmedia_repo as repo
from govinspect.store import problems_repo as prepo
from govinspect.store.registry_repo import find_unit
from govinspect.workflow.clock import utcnow
from tests.newmedia.helpers import AT, UNIT, account, posts


def _settings(db) -> Settings:
    return Settings(db=str(db.engine.url))


def _codes(run, acc) -> list[str]:
    return sorted(f.code for r in run.results if r.account.id == acc.id for f in r.findings)


def test_stale_account_is_found_and_fresh_ones_are_not(db):
    stale = account(db, "两周未更新")
    fresh = account(db, "按时更新", platform="微博")
    account(db, "从未发布", platform="抖音")
    new = account(db, "新开账号", platform="今日头条", opened_on=(AT - timedelta(days=5)).date())
    service = account(db, "办事小程序", platform="小程序")
    relaxed = account(db, "宽限账号", platform="快手")
    update_account(db, relaxed.id, settings={"stale_days": 30})
    closed = account(db, "已关停账号", platform="移动客户端")
    set_state(db, closed.id, "已关停", on_date=date(2026, 1, 5))
    posts(db, stale, [(20, "二十天前的信息", "")])
    posts(db, fresh, [(3, "三天前的信息", "")])
    posts(db, relaxed, [(20, "二十天前的信息", "")])
    run = run_checks(db, _settings(db), AT, network=False)
    flagged = {r.account.name for r in run.results for f in r.findings if f.code == "account_stale"}
    assert flagged == {"两周未更新", "从未发布"}
    assert closed.id not in {r.account.id for r in run.results}
    finding = next(f for f in run.findings if f.code == "account_stale" and f.evidence == "两周未更新")
    assert finding.severity == "veto" and finding.page == stale.pseudo_url
    assert finding.detail["days_since"] == 20 and finding.detail["limit_days"] == 14
    assert finding.detail["newest_title"] == "二十天前的信息"
    assert {new.id, service.id} <= {r.account.id for r in run.results}


def test_text_errors_in_posts_point_at_the_post(db):
    acc = account(db, "某县发布", url="https://wx.example/home")
    store_posts(db, acc.id, [
        PostIn("1", AT - timedelta(days=1), "我县布署春季防火工作", "会议要求各地认真落实。", url="https://wx.example/s/1"),
        PostIn("2", AT - timedelta(days=2), "推进一带一路战略合作", "内容"),
        PostIn("3", AT - timedelta(days=3), "便民热线", "如有疑问请联系王先生13812345678。", url="https://wx.example/s/3"),
        PostIn("4", AT - timedelta(days=400), "很久以前布署的工作", "", url="https://wx.example/s/old"),
    ], kind="push", source="t")
    run = run_checks(db, _settings(db), AT, network=False)
    by_code = {f.code: f for f in run.findings}
    assert by_code["typo"].page == "https://wx.example/s/1" and by_code["typo"].suggestion == "部署"
    assert by_code["serious_error"].evidence == "一带一路战略" and by_code["serious_error"].page.startswith(acc.pseudo_url + "post/")
    assert by_code["privacy_leak"].page == "https://wx.example/s/3" and by_code["privacy_leak"].evidence == "13812345678"
    assert by_code["typo"].detail["account"] == "某县发布"
    # a post outside the text window is not checked
    assert not any(f.page == "https://wx.example/s/old" for f in run.findings)
    cached = {p.url: p.check_findings for p in repo.posts_of(db, [acc.id])}
    assert cached["https://wx.example/s/1"] and cached["https://wx.example/s/old"] is None


def test_cached_text_findings_are_reused_and_recheck_rebuilds_them(db):
    acc = account(db, "某县发布")
    posts(db, acc, [(1, "我县布署春季防火工作", "")])
    first = run_checks(db, _settings(db), AT, network=False, store=False)
    post = repo.posts_of(db, [acc.id])[0]
    with db.engine.begin() as conn:  # tamper with the cache: a re-used cache shows it
        repo.store_check_cache(conn, post.id, post.check_hash or "", [])
    cached = run_checks(db, _settings(db), AT, network=False, store=False)
    rebuilt = run_checks(db, _settings(db), AT, network=False, store=False, recheck=True)
    assert [f.code for f in first.findings] == ["typo"]
    assert cached.findings == []
    assert [f.code for f in rebuilt.findings] == ["typo"]


async def test_menu_links_are_checked_over_the_network(db, mini_site):
    acc = account(db, "某县发布")
    posts(db, acc, [(1, "正常更新", "")])
    site = await mini_site({"/menu/ok": (200, "text/html", "<p>ok</p>")})
    repo.add_menu_link(db, acc.id, "办事服务", site.base + "/menu/ok", utcnow())
    repo.add_menu_link(db, acc.id, "互动留言", site.base + "/menu/gone", utcnow())
    run = await asyncio.to_thread(run_checks, db, _settings(db), AT)
    broken = [f for f in run.findings if f.code == "broken_link"]
    assert len(broken) == 1
    assert broken[0].target == site.base + "/menu/gone" and broken[0].evidence == "互动留言"
    assert broken[0].page == acc.page and broken[0].detail["status"] == 404
    states = {m.label: m.last_ok for m in repo.menu_links(db, [acc.id])}
    assert states == {"办事服务": True, "互动留言": False}
    offline = await asyncio.to_thread(run_checks, db, _settings(db), AT, network=False, store=False)
    assert not [f for f in offline.findings if f.code == "broken_link"]


def test_unanswered_message_beyond_the_limit(db):
    acc = account(db, "某县发布")
    posts(db, acc, [(1, "正常更新", "")])
    limit = media_rules().message_limit_days
    store_messages(db, acc.id, [
        MessageIn("1", AT - timedelta(days=limit + 3), "路灯坏了没人修", number="L1"),
        MessageIn("2", AT - timedelta(days=limit + 3), "咨询社保", replied_at=AT - timedelta(days=1), number="L2"),
        MessageIn("3", AT - timedelta(days=1), "刚刚留言", number="L3"),
    ], source="t")
    run = run_checks(db, _settings(db), AT, network=False)
    overdue = [f for f in run.findings if f.code == "message_overdue"]
    assert [f.detail["item"] for f in overdue] == ["L1"]
    assert overdue[0].severity == media_rules().message_severity and overdue[0].evidence == "路灯坏了没人修"


def test_required_reposts_carried_late_and_missed(db):
    on_time = account(db, "按时转载")
    late = account(db, "转载晚了", platform="微博")
    missed = account(db, "没有转载", platform="今日头条")
    video = account(db, "抖音号", platform="抖音")  # not a repost platform by default
    exempt = account(db, "不转载", platform="移动客户端")
    update_account(db, exempt.id, settings={"repost": False})
    title = "国务院办公厅关于进一步优化政务服务提升行政效能的意见"
    repo.add_important(db, {"title": title, "issued_at": AT - timedelta(days=10), "deadline": AT - timedelta(days=7),
                            "created_at": AT})
    posts(db, on_time, [(9, f"【转载】{title}", "")])
    posts(db, late, [(2, "国务院办公厅印发关于进一步优化政务服务提升行政效能的意见", "")])
    posts(db, missed, [(5, "我县召开安全生产工作会议", "")])
    posts(db, video, [(1, "视频", "")])
    run = run_checks(db, _settings(db), AT, network=False)
    status = {r.account.name: r.status for r in run.reposts}
    assert status == {"按时转载": checks.CARRIED, "转载晚了": checks.LATE, "没有转载": checks.MISSED}
    assert {r.account.name for r in run.repost_problems()} == {"转载晚了", "没有转载"}


def test_repost_status_of_an_item_not_yet_due():
    from govinspect.newmedia.model import Account

    acc = Account(id=1, platform="wechat", name="a", state="running")
    item = ImportantItem(id=1, title="重要通知标题文字", issued_at=AT - timedelta(days=1), deadline=AT + timedelta(days=2))
    assert checks.repost_status(item, acc, [], AT, media_rules()).status == checks.PENDING


def test_findings_become_problems_of_the_owner_unit_and_follow_the_account(any_db):
    db = any_db
    acc = account(db, "某县发布")
    posts(db, acc, [(20, "旧信息", "")])
    first = run_checks(db, _settings(db), AT, network=False)
    result = first.results[0]
    assert result.sync is not None and result.sync.opened == 1
    problems = prepo.list_problems(db, code="account_stale")
    unit = find_unit(db, UNIT)
    assert unit is not None and [p.unit_id for p in problems] == [unit.id]
    assert problems[0].state == "open" and problems[0].page == acc.pseudo_url
    # the account posts again: the next check sends the problem to review, the one after closes it
    posts(db, acc, [(0.5, "新信息", "")])
    run_checks(db, _settings(db), AT + timedelta(days=1), network=False)
    assert prepo.list_problems(db, code="account_stale")[0].state == "review"
    run_checks(db, _settings(db), AT + timedelta(days=2), network=False)
    closed = prepo.list_problems(db, code="account_stale")[0]
    assert closed.state == "closed" and closed.closed_at is not None


def test_a_stale_account_fails_the_new_media_veto(db):
    stale = account(db, "停更账号")
    ok = account(db, "正常账号", platform="微博")
    posts(db, stale, [(30, "一个月前", "")])
    posts(db, ok, [(1, "昨天", "")])
    run_checks(db, _settings(db), AT, network=False)
    stale, ok = repo.list_accounts(db, ids=[stale.id])[0], repo.list_accounts(db, ids=[ok.id])[0]
    bad = score_account(db, stale, AT + timedelta(minutes=1)).result
    good = score_account(db, ok, AT + timedelta(minutes=1)).result
    assert bad.verdict == "不合格" and [v.item.id for v in bad.vetoes if v.failed] == ["N2"]
    assert good.verdict == "合格"


def test_dry_run_writes_nothing(db):
    acc = account(db, "某县发布")
    posts(db, acc, [(20, "旧信息", "")])
    run = run_checks(db, _settings(db), AT, network=False, store=False)
    assert [f.code for f in run.findings] == ["account_stale"]
    assert prepo.list_problems(db) == [] and db.list_scans() == []


def test_original_share_and_longest_gap():
    from govinspect.newmedia.model import Post

    def post(original):
        return Post(id=1, account_id=1, published_at=AT, title="t", text="", url=None, original=original,
                    origin_source=None, source="push")

    stat = checks.original_share([post(True), post(True), post(False), post(None)])
    assert (stat.total, stat.original, stat.reposted, stat.unknown) == (4, 2, 1, 1)
    assert stat.share == 2 / 3
    start, end = AT - timedelta(days=30), AT
    assert checks.longest_gap([AT - timedelta(days=20), AT - timedelta(days=5)], start, end, None) == 15
    assert checks.longest_gap([AT - timedelta(days=25)], start, end, AT - timedelta(days=40)) == 25
