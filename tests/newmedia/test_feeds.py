"""RSS/Atom feeds served from a loopback server: good feeds, broken ones, endless ones, re-imports."""

from __future__ import annotations

import asyncio

from aiohttp import web

from govinspect.newmedia.feeds import html_to_text, parse_feed_bytes
from govinspect.newmedia.imports import import_feed_async
from govinspect.store import newmedia_repo as repo
from tests.newmedia.helpers import account, atom, rss

RSS_ITEMS = [
    ("我县召开防汛工作会议", "https://wx.example/s/1", "Mon, 30 Mar 2026 09:00:00 +0800", "<p>会议要求<b>压实责任</b>。</p>"),
    ("春耕生产有序推进", "https://wx.example/s/2", "Sun, 29 Mar 2026 18:30:00 +0800", "<p>各乡镇抢抓农时。</p><script>x()</script>"),
]


def test_rss_items_are_read_with_times_links_and_plain_text():
    read = parse_feed_bytes(rss(RSS_ITEMS).encode("utf-8"))
    assert read.error is None and read.kind == "rss" and read.title == "某县发布"
    first = read.items[0]
    assert first.title == "我县召开防汛工作会议"
    assert first.url == "https://wx.example/s/1"
    assert first.published_at is not None and first.published_at.isoformat() == "2026-03-30T01:00:00+00:00"
    assert first.text == "会议要求压实责任。"
    assert "x()" not in read.items[1].text


def test_atom_entries_are_read():
    read = parse_feed_bytes(atom([("通知公告", "https://wb.example/1", "2026-03-28T08:00:00+08:00", "&lt;p&gt;正文&lt;/p&gt;")]).encode())
    assert read.kind == "atom" and read.error is None
    assert read.items[0].url == "https://wb.example/1"
    assert read.items[0].text == "正文"


def test_html_page_is_not_a_feed():
    read = parse_feed_bytes(b"<html><head><title>x</title></head><body>404</body></html>")
    assert read.items == [] and read.error is not None and "不是 RSS/Atom" in read.error


def test_entity_declarations_are_refused():
    doc = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel><item><title>&a;</title></item></channel></rss>'
    read = parse_feed_bytes(doc)
    assert read.items == [] and read.error is not None and "实体" in read.error


def test_gbk_feed_and_empty_or_unknown_encodings():
    doc = rss(RSS_ITEMS[:1]).replace('encoding="UTF-8"', 'encoding="GBK"')
    read = parse_feed_bytes(doc.encode("gbk"))
    assert read.error is None and read.items[0].title == "我县召开防汛工作会议"
    assert parse_feed_bytes(b"").error == "订阅源为空"
    odd = parse_feed_bytes(doc.replace("GBK", "x-klingon").encode("gbk"))
    assert odd.error == "订阅源声明的编码 x-klingon 无法识别" and odd.items == []


def test_html_to_text_keeps_blocks_apart():
    assert html_to_text("<p>第一段</p><p>第二段</p>") == "第一段\n第二段"
    assert html_to_text("一行<br>两行<span>相连</span>") == "一行\n两行相连"
    assert html_to_text("纯文本") == "纯文本"


async def _serve(mini_site, routes):
    return await mini_site(routes)


async def test_rss_import_from_loopback_is_idempotent_and_conditional(db, mini_site):
    acc = account(db, "某县发布")
    calls = {"n": 0}

    async def feed(request: web.Request) -> web.StreamResponse:
        calls["n"] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(body=rss(RSS_ITEMS).encode(), headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    site = await mini_site({"/wechat/mp/1": feed})
    url = site.base + "/wechat/mp/1"
    first = await import_feed_async(db, acc, url)
    assert (first.added, first.duplicates, first.error) == (2, 0, None)
    second = await import_feed_async(db, acc, url)
    assert second.not_modified and second.added == 0
    assert repo.count_posts(db, acc.id) == 2
    assert calls["n"] == 2


async def test_reimport_without_etag_adds_nothing_twice(db, mini_site):
    acc = account(db, "某县发布")
    site = await mini_site({"/feed": (200, "application/xml", rss(RSS_ITEMS))})
    await import_feed_async(db, acc, site.base + "/feed")
    again = await import_feed_async(db, acc, site.base + "/feed")
    assert (again.added, again.duplicates) == (0, 2)
    assert repo.count_posts(db, acc.id) == 2


async def test_not_xml_feed_gives_a_clear_error(db, mini_site):
    acc = account(db, "某县发布")
    site = await mini_site({"/feed": (200, "application/json", '{"error": "route not found"}')})
    report = await import_feed_async(db, acc, site.base + "/feed")
    assert report.failed and "XML" in (report.error or "")
    assert report.added == 0


async def test_broken_xml_keeps_the_items_before_the_break(db, mini_site):
    acc = account(db, "某县发布")
    good = rss(RSS_ITEMS)
    broken = good.replace("</channel></rss>", "<item><title>坏条目<title></item></channel></rss>")
    site = await mini_site({"/feed": (200, "application/xml", broken)})
    report = await import_feed_async(db, acc, site.base + "/feed")
    assert report.failed and "XML" in (report.error or "")
    assert report.added == 2
    assert repo.count_posts(db, acc.id) == 2


async def test_item_without_date_is_rejected_and_others_kept(db, mini_site):
    acc = account(db, "某县发布")
    items = [*RSS_ITEMS, ("没有日期的条目", "https://wx.example/s/3", "", "<p>x</p>")]
    site = await mini_site({"/feed": (200, "application/xml", rss(items))})
    report = await import_feed_async(db, acc, site.base + "/feed")
    assert report.added == 2
    assert [r.reason for r in report.rejected] == ["缺少发布时间或无法识别"]


async def test_never_ending_feed_stops_at_the_time_cap_and_keeps_complete_items(db, mini_site):
    acc = account(db, "某县发布")

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>')
        for i in range(400):  # bounded: stops by itself after ~20 s even if nobody hangs up
            item = (f"<item><title>第{i}条</title><link>https://wx.example/e/{i}</link>"
                    f"<pubDate>Mon, 30 Mar 2026 09:00:00 +0800</pubDate></item>")
            try:
                await response.write(item.encode())
            except (ConnectionResetError, RuntimeError):
                break
            await asyncio.sleep(0.05)
        return response

    site = await mini_site({"/feed": endless})
    report = await import_feed_async(db, acc, site.base + "/feed", timeout=0.6)
    assert report.failed and "未传输完毕" in (report.error or "")
    assert 1 <= report.added < 400
    assert repo.count_posts(db, acc.id) == report.added


async def test_oversized_feed_stops_at_the_size_cap(db, mini_site):
    acc = account(db, "某县发布")
    many = [(f"标题{i}", f"https://wx.example/big/{i}", "Mon, 30 Mar 2026 09:00:00 +0800", "x" * 500) for i in range(200)]
    site = await mini_site({"/feed": (200, "application/xml", rss(many))})
    report = await import_feed_async(db, acc, site.base + "/feed", max_bytes=20_000)
    assert report.failed and "上限" in (report.error or "")
    assert 0 < report.added < 200


async def test_http_error_and_refused_connection_are_reported(db, mini_site):
    acc = account(db, "某县发布")
    site = await mini_site({})
    missing = await import_feed_async(db, acc, site.base + "/nothing")
    assert missing.error == "订阅源返回 HTTP 404"
    refused = await import_feed_async(db, acc, "http://127.0.0.3:9/feed", timeout=2)
    assert refused.failed and "无法读取订阅源" in (refused.error or "")


async def test_fetch_all_registered_feeds_and_the_command_line(db, mini_site, sqlite_url):
    from typer.testing import CliRunner

    from govinspect.newmedia.accounts import update_account
    from govinspect.newmedia.commands import media_app
    from govinspect.newmedia.imports import import_feeds

    site = await mini_site({"/a": (200, "application/xml", rss(RSS_ITEMS)),
                            "/b": (200, "application/xml", atom([("微博一条", "https://wb.example/9",
                                                                  "2026-03-28T08:00:00+08:00", "正文")]))})
    first = account(db, "某县发布", feed_url=site.base + "/a")
    second = account(db, "某县发布", platform="微博")
    update_account(db, second.id, fields={"feed_url": site.base + "/b"})
    reports = await asyncio.to_thread(import_feeds, db)
    assert {(r.account_id, r.kind, r.added) for r in reports} == {(first.id, "rss", 2), (second.id, "atom", 1)}
    runner = CliRunner()
    result = await asyncio.to_thread(runner.invoke, media_app, ["posts", "fetch", "--db", sqlite_url])
    assert result.exit_code == 0 and "重复 2" in result.output
    by_url = await asyncio.to_thread(runner.invoke, media_app, ["posts", "import", site.base + "/b", "--db", sqlite_url])
    assert by_url.exit_code == 0 and "重复 1" in by_url.output
    broken = await asyncio.to_thread(
        runner.invoke, media_app, ["posts", "import", site.base + "/missing", "--account", "1", "--db", sqlite_url]
    )
    assert broken.exit_code == 1 and "HTTP 404" in broken.output
