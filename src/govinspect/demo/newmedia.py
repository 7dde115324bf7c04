"""Demo data for the 政务新媒体 part: accounts, posts, messages, an important item, menu links, and a
loopback server that serves one account's RSS feed (as a self-hosted RSSHub would) and its menu.

    python -m govinspect.demo.newmedia --db out/demo.db     # seed, import, check, print the report part

Planted, relative to ``now`` (the monitoring point):
- 某县应急管理局's 今日头条 account posted last 20 days ago → account_stale;
- a post with a typo (布署) and one with a serious wording error (一带一路战略) → typo, serious_error;
- an important item due 9 days ago, carried late by the 微博 account and never by the 今日头条 account;
- 某县人民政府办公室 runs two 微信公众号 accounts (一单位一平台多号);
- a citizen's message unanswered for longer than the limit → message_overdue;
- a dead menu link → broken_link; a 移动客户端 closed this quarter; a low original share.
All text is written for this demo (nothing taken from outside sources).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from aiohttp import web

from govinspect.newmedia.accounts import add_account, set_state, update_account
from govinspect.newmedia.ingest import MessageIn, PostIn, store_messages, store_posts
from govinspect.newmedia.model import Account, AccountSpec
from govinspect.newmedia.run import CheckRun, run_checks
from govinspect.newmedia.summary import QuarterSummary, quarter_summary
from govinspect.settings import CrawlSettings, Settings
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.store.registry_repo import add_unit, find_unit
from govinspect.workflow.clock import CHINA, as_utc

OFFICE, EMERGENCY, CULTURE = "某县人民政府办公室", "某县应急管理局", "某县文化和旅游局"
IMPORTANT_TITLE = "国务院办公厅关于进一步优化政务服务提升行政效能的通知"
TYPO_TITLE = "我县布署春季森林防火工作"
SERIOUS_TITLE = "我县企业积极参与一带一路战略合作"
FEED_PATH = "/rsshub/wechat/moujufabu"
MENU_OK, MENU_DEAD = "/menu/banshi.html", "/menu/hudong.html"

# neutral, checked-clean titles for everyday posts (the text engine finds nothing in them)
_DAILY = (
    "我县召开全县春耕生产工作推进会",
    "县人民医院开展义诊进社区活动",
    "全县中小学开展消防安全演练",
    "我县新建一批便民停车位",
    "县图书馆推出周末亲子阅读活动",
    "我县开展农村人居环境整治行动",
    "县政务服务中心推行周末延时服务",
    "我县举办就业援助专场招聘会",
    "全县开展食品安全专项检查",
    "我县完成一批老旧小区改造项目",
)


@dataclass(frozen=True)
class Planted:
    kind: str  # a finding code, or repost_late / repost_missed / duplicate
    account: str  # platform:name


@dataclass
class MediaDemo:
    now: datetime
    accounts: dict[str, Account] = field(default_factory=dict)
    planted: list[Planted] = field(default_factory=list)
    feed_url: str | None = None


def _unit(db: Database, name: str) -> None:
    if find_unit(db, name) is None:
        add_unit(db, name)


def _daily(days: range, now: datetime, *, original: bool | None = True, offset: int = 0) -> list[PostIn]:
    out = []
    for i, day in enumerate(days):
        moment = now - timedelta(days=day, hours=(i % 5) + 1)
        title = f"{_DAILY[(i + offset) % len(_DAILY)]}（{moment.astimezone(CHINA):%m月%d日}）"
        out.append(PostIn(f"第 {i + 1} 条", moment, title, "详细情况请关注后续报道。", original=original))
    return out


def feed_document(now: datetime, base: str) -> str:
    """The RSS of 微信公众号“某县发布” for the last 30 days, planted errors included."""
    items = []
    for i, post in enumerate(_feed_posts(now)):
        assert post.published_at is not None
        stamp = post.published_at.astimezone(CHINA).strftime("%a, %d %b %Y %H:%M:%S +0800")
        items.append(
            f"<item><title><![CDATA[{post.title}]]></title><link>{base}/wechat/moujufabu/{i + 1}.html</link>"
            f"<pubDate>{stamp}</pubDate><description><![CDATA[<p>{post.text}</p>]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>某县发布 - 微信公众号</title>'
        f"<link>{base}/</link><description>演示订阅源</description>{''.join(items)}</channel></rss>"
    )


def _feed_posts(now: datetime) -> list[PostIn]:
    posts = _daily(range(0, 30, 1), now)
    posts[3] = PostIn("第 4 条", posts[3].published_at, TYPO_TITLE, "各乡镇要认真落实防火责任。")
    posts[6] = PostIn("第 7 条", posts[6].published_at, SERIOUS_TITLE, "多家企业签订合作协议。")
    posts[10] = PostIn("第 11 条", now - timedelta(days=11, hours=2), f"【转载】{IMPORTANT_TITLE}", "请各单位认真贯彻落实。")
    return posts


def seed_newmedia(db: Database, now: datetime, *, feed_base: str | None = None) -> MediaDemo:
    """Accounts, posts, messages, the important item and menu links; with ``feed_base`` the 微信
    account's posts come from its feed (import them with newmedia.imports), else they are stored here."""
    now = as_utc(now)
    demo = MediaDemo(now=now)
    for name in (OFFICE, EMERGENCY, CULTURE):
        _unit(db, name)
    opened = date(2019, 6, 1)
    specs = {
        "wechat": AccountSpec("微信公众号", "某县发布", unit=OFFICE, opened_on=opened, filing_no="XMT-0001",
                              feed_url=f"{feed_base}{FEED_PATH}" if feed_base else None),
        "wechat2": AccountSpec("微信公众号", "某县政务服务", unit=OFFICE, opened_on=opened, filing_no="XMT-0002"),
        "weibo": AccountSpec("微博", "某县发布", unit=OFFICE, opened_on=opened, filing_no="XMT-0003"),
        "toutiao": AccountSpec("今日头条", "某县应急", unit=EMERGENCY, opened_on=opened, filing_no="XMT-0004"),
        "douyin": AccountSpec("抖音", "某县文旅", unit=CULTURE, opened_on=opened, filing_no="XMT-0005"),
        "app": AccountSpec("移动客户端", "某县政务APP", unit=OFFICE, opened_on=date(2018, 3, 1), filing_no="XMT-0006"),
        "mini": AccountSpec("小程序", "某县办事", unit=OFFICE, opened_on=opened, filing_no="XMT-0007"),
    }
    for key, spec in specs.items():
        demo.accounts[key] = add_account(db, spec, now=now)
    quarter_start = date(now.astimezone(CHINA).year, 3 * ((now.astimezone(CHINA).month - 1) // 3) + 1, 1)
    closing = max(quarter_start, (now - timedelta(days=40)).astimezone(CHINA).date())
    set_state(db, demo.accounts["app"].id, "拟注销", on_date=closing, note="申请注销", now=now)
    set_state(db, demo.accounts["app"].id, "已注销", on_date=closing + timedelta(days=5), note="注销完成", now=now)
    demo.accounts["app"] = repo.list_accounts(db, ids=[demo.accounts["app"].id])[0]
    update_account(db, demo.accounts["mini"].id, settings={"repost": False}, now=now)

    a = demo.accounts
    if feed_base:
        demo.feed_url = f"{feed_base}{FEED_PATH}"
        repo.add_menu_link(db, a["wechat"].id, "办事服务", f"{feed_base}{MENU_OK}", now)
        repo.add_menu_link(db, a["wechat"].id, "互动留言", f"{feed_base}{MENU_DEAD}", now)
        demo.planted.append(Planted("broken_link", "微信公众号:某县发布"))
    else:
        store_posts(db, a["wechat"].id, _feed_posts(now), kind="push", source="demo", now=now)
    store_posts(db, a["wechat"].id, _daily(range(30, 120, 2), now, offset=3), kind="excel", source="demo", now=now)
    # the second 微信 account mostly re-posts: a low original share
    store_posts(db, a["wechat2"].id, _daily(range(0, 100, 3), now, original=False, offset=1)
                + _daily(range(1, 100, 15), now, offset=2), kind="excel", source="demo", now=now)
    weibo = _daily(range(0, 100, 2), now, offset=4)
    weibo.append(PostIn("转载", now - timedelta(days=4, hours=3), f"{IMPORTANT_TITLE}｜某县发布", "转发。", original=False))
    store_posts(db, a["weibo"].id, weibo, kind="push", source="demo", now=now)
    # 今日头条“某县应急” stopped 20 days ago
    store_posts(db, a["toutiao"].id, _daily(range(20, 100, 4), now, offset=5), kind="push", source="demo", now=now)
    store_posts(db, a["douyin"].id, _daily(range(0, 100, 5), now, offset=6), kind="push", source="demo", now=now)
    store_posts(db, a["app"].id, _daily(range(45, 100, 6), now, offset=7), kind="push", source="demo", now=now)

    repo.add_important(db, {
        "title": IMPORTANT_TITLE, "issued_at": now - timedelta(days=12), "deadline": now - timedelta(days=9),
        "note": "演示：须在3天内转载", "created_at": now,
    })
    store_messages(db, a["wechat"].id, [
        MessageIn("1", now - timedelta(days=12), "请问春季招聘会在哪里报名？", number="WX-001"),
        MessageIn("2", now - timedelta(days=8), "小区门口路灯不亮", replied_at=now - timedelta(days=7),
                  reply="已转相关部门处理", number="WX-002"),
    ], source="demo", now=now)
    demo.planted += [
        Planted("account_stale", "今日头条:某县应急"),
        Planted("typo", "微信公众号:某县发布"),
        Planted("serious_error", "微信公众号:某县发布"),
        Planted("message_overdue", "微信公众号:某县发布"),
        Planted("repost_late", "微博:某县发布"),
        Planted("repost_missed", "今日头条:某县应急"),
        Planted("repost_missed", "微信公众号:某县政务服务"),
        Planted("duplicate", f"{OFFICE}:微信公众号"),
    ]
    return demo


@dataclass
class FeedServer:
    base_url: str
    _runner: web.AppRunner

    async def close(self) -> None:
        await self._runner.cleanup()


async def start_feed_server(now: datetime, *, host: str = "127.0.0.1", port: int = 0) -> FeedServer:
    """A loopback server with the demo feed and menu pages (one menu page is missing: a 404)."""
    state: dict[str, str] = {}

    async def handle(request: web.Request) -> web.Response:
        if request.path == FEED_PATH:
            return web.Response(body=feed_document(now, state["base"]).encode("utf-8"),
                                headers={"Content-Type": "application/rss+xml; charset=utf-8"})
        if request.path == MENU_OK:
            return web.Response(text="<html><body>办事服务</body></html>", content_type="text/html")
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state["base"] = f"http://{host}:{bound}"
    return FeedServer(state["base"], runner)


async def run_demo(db: Database, now: datetime, db_url: str) -> tuple[MediaDemo, CheckRun, QuarterSummary]:
    """Seed, serve and import the feed, check every account, and build the quarter's report part."""
    from govinspect.newmedia.imports import import_feed_async

    server = await start_feed_server(now)
    try:
        demo = seed_newmedia(db, now, feed_base=server.base_url)
        await import_feed_async(db, demo.accounts["wechat"], now=now)
        settings = Settings(db=db_url, crawl=CrawlSettings(concurrency=4, rate=0, timeout=5, retries=0))
        run = await asyncio.to_thread(run_checks, db, settings, now)
    finally:
        await server.close()
    local = now.astimezone(CHINA)
    summary = quarter_summary(db, f"{local.year}Q{(local.month - 1) // 3 + 1}", now=now)
    return demo, run, summary


def main() -> None:
    from rich.console import Console

    from govinspect.demo.util import monitoring_now
    from govinspect.store import open_database

    parser = argparse.ArgumentParser(description="政务新媒体演示：登记账号、导入信息、检查并输出季度报告内容")
    parser.add_argument("--db", type=Path, default=Path("out/demo.db"))
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{args.db}"
    db = open_database(url)
    console = Console(soft_wrap=True)
    if repo.list_accounts(db):
        console.print(f"{args.db} 中已有新媒体账号，未重复生成演示数据", highlight=False)
        return
    demo, run, summary = asyncio.run(run_demo(db, monitoring_now(None), url))
    console.print(f"政务新媒体演示：{len(demo.accounts)} 个账号，发现问题 {len(run.findings)} 条（{args.db}）",
                  highlight=False)
    for sentence in summary.sentences():
        console.print(sentence, highlight=False)


if __name__ == "__main__":
    main()
