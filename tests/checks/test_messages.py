"""message_overdue: messages unanswered beyond three months, within the last year."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.extractors.messages import messages_fact
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure.messages import use_site_config
from govinspect.structure.offline import site_from_html

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=timezone(timedelta(hours=8)))
B = "http://127.0.0.1:8080"
ROWS = [
    ("20250116001", "反映农田灌溉渠道堵塞问题", "2025-01-16", "未回复"),
    ("20250115001", "咨询农村危房改造补助政策", "2025-01-15", "已回复"),
    ("20250610001", "咨询职业技能培训报名时间", "2025-06-10", "未回复"),
    ("20230301001", "两年前的留言", "2023-03-01", "未回复"),
]


def board(rows: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f'<tr><td>{i}</td><td><a href="lyxq/{n}.html">{t}</a></td><td>{d}</td><td>{s}</td></tr>'
        for i, (n, t, d, s) in enumerate(rows, 1)
    )
    return (
        "<html><head><title>县长信箱</title></head><body><table class='msg-list'>"
        f"<tr><th>序号</th><th>留言标题</th><th>留言时间</th><th>状态</th></tr>{body}</table></body></html>"
    )


def detail(title: str, asked: str, status: str, reply: str = "") -> str:
    answer = (
        f"<tr><th>答复时间</th><td>{reply}</td></tr><tr><th>答复内容</th><td>已处理。</td></tr>"
        if reply
        else ""
    )
    return (
        f"<html><head><title>{title}</title></head><body><h2>留言详情</h2><table>"
        f"<tr><th>留言标题</th><td>{title}</td></tr><tr><th>留言时间</th><td>{asked} 10:00</td></tr>"
        f"<tr><th>状态</th><td>{status}</td></tr>{answer}</table></body></html>"
    )


def ctx(offline: bool = False, **site_config: object) -> CheckContext:
    return CheckContext(
        settings=Settings(), site_url=B + "/", now=NOW, offline=offline, site_config=site_config
    )


def run(pages: dict[str, str], context: CheckContext) -> list[Finding]:
    return list(all_checks()["messages"].fn(site_from_html(pages, B + "/"), context))


def test_overdue_message_reported_on_its_own_page() -> None:
    pages = {
        B + "/hdjl/index.html": board(ROWS),
        B + "/hdjl/lyxq/20250116001.html": detail("反映农田灌溉渠道堵塞问题", "2025-01-16", "未回复"),
        B + "/hdjl/lyxq/20250115001.html": detail(
            "咨询农村危房改造补助政策", "2025-01-15", "已回复", "2025-01-18"
        ),
    }
    found = run(pages, ctx())
    assert len(found) == 1
    f = found[0]
    assert f.page == B + "/hdjl/lyxq/20250116001.html"
    assert f.evidence == "反映农田灌溉渠道堵塞问题"
    assert (
        f.detail["asked"] == "2025-01-16"
        and f.detail["rule"] == "unanswered"
        and f.detail["limit"] == "3个月"
    )
    assert f.severity == "veto"


def test_overdue_seen_only_on_the_list() -> None:
    found = run({B + "/hdjl/index.html": board(ROWS)}, ctx())
    assert [(f.page, f.target) for f in found] == [
        (B + "/hdjl/index.html", B + "/hdjl/lyxq/20250116001.html")
    ]


def test_limit_is_a_setting() -> None:
    assert run({B + "/hdjl/index.html": board(ROWS)}, ctx(message_limit="6个月")) == []


def test_answered_late_is_reported() -> None:
    pages = {B + "/hdjl/lyxq/1.html": detail("反映路灯不亮", "2024-10-01", "已回复", "2025-02-05")}
    found = run(pages, ctx())
    assert [(f.detail["rule"], f.detail["answered"]) for f in found] == [("late", "2025-02-05")]


def test_message_facts_keep_each_message() -> None:
    facts = messages_fact(parse_html(board(ROWS), B + "/hdjl/index.html"))
    assert facts is not None and len(facts) == 4
    assert facts[0] == {
        "url": B + "/hdjl/lyxq/20250116001.html",
        "title": "反映农田灌溉渠道堵塞问题",
        "asked": "2025-01-16",
        "answered": None,
        "status": "unanswered",
        "status_text": "未回复",
    }
    one = messages_fact(
        parse_html(detail("咨询", "2025-01-15", "已回复", "2025-01-18"), B + "/hdjl/lyxq/2.html")
    )
    assert one is not None and one[0]["answered"] == "2025-01-18" and one[0]["status"] == "answered"


def test_pages_that_only_mention_message_times_are_no_board() -> None:
    html = "<html><body><p>发布时间：2025-01-01</p><div><span>留言时间：</span><span>2025-01-02</span></div></body></html>"
    assert messages_fact(parse_html(html, B + "/a.html")) is None


SELECTORS = {"item": "div.xj", "title": "a.bt", "asked": "span.sj", "status": "span.zt"}
CUSTOM = (
    "<html><body>"
    '<div class="xj"><a class="bt" href="/xj/1.html">来信反映噪声扰民</a><span class="sj">2025/01/10</span><span class="zt">处理中</span></div>'
    '<div class="xj"><a class="bt" href="/xj/2.html">来信咨询公积金</a><span class="sj">2025/01/12</span><span class="zt">办结</span></div>'
    "</body></html>"
)


def test_site_selectors_in_check_html() -> None:
    check = all_checks()["messages_page"].fn
    page = parse_html(CUSTOM, B + "/xj/index.html")
    found = list(check(page, ctx(offline=True, messages=SELECTORS)))
    assert [(f.evidence, f.detail["rule"]) for f in found] == [("来信反映噪声扰民", "unanswered")]


def test_site_selectors_reach_the_extractor_in_the_scan() -> None:
    page = parse_html(CUSTOM, B + "/xj/index.html")
    with use_site_config({"messages": SELECTORS}):
        facts = messages_fact(page)
    assert facts is not None and [m["status"] for m in facts] == ["unanswered", "answered"]
