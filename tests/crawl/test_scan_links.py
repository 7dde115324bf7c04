"""The scan finds every broken link and resource on a small site, and nothing that works."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from govinspect.scan import ScanJob
from govinspect.store import open_database
from tests.conftest import fast_settings, page


def _site(ext: str) -> dict[str, object]:
    return {
        "/": (200, "text/html", page(
            '<a href="/a.html">甲</a> <a href="/missing.html">失效链接</a> <img src="/logo.png">'
            '<img src="/nope.png" alt="缺图"> <a href="/files/plan.pdf">实施方案</a>'
            f'<a href="{ext}/ok.html">外部好链接</a> <a href="{ext}/gone.html">外部坏链接</a>'
            '<a href="/soft.html">软404</a> <a href="mailto:a@b.cn">邮件</a> <a href="#top">顶部</a>'
        )),
        "/a.html": (200, "text/html", page('<a href="/">首页</a><a href="/b.html?y=1&x=2#frag">乙</a>')),
        "/b.html?x=2&y=1": (200, "text/html", page('<a href="/a.html">甲</a><script src="/missing.js"></script>')),
        "/logo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
        "/files/plan.pdf": (200, "application/pdf", b"%PDF-1.4\n"),
        "/soft.html": (200, "text/html", page("对不起，您访问的页面不存在或已被删除", title="提示")),
    }


async def test_scan_finds_planted_broken_links_only(mini_site, sqlite_url):
    external = await mini_site({"/ok.html": (200, "text/html", page("ok"))}, host="127.0.0.2")
    site = await mini_site(_site(external.base))
    db = open_database(sqlite_url)
    job = ScanJob(fast_settings(sqlite_url), db, site.base + "/")
    result = await job.run()
    got = {(f.code, f.page.removeprefix(site.base), f.target.removeprefix(site.base)) for f in result.findings
           if f.code in ("broken_link", "broken_resource")}
    assert got == {
        ("broken_link", "/", "/missing.html"),
        ("broken_link", "/", f"{external.base}/gone.html"),
        ("broken_link", "/", "/soft.html"),
        ("broken_resource", "/", "/nope.png"),
        ("broken_resource", "/b.html?x=2&y=1", "/missing.js"),
    }
    assert result.pages_fetched == 5  # /, /a.html, /b.html (normalised once), /soft.html, /missing.html
    assert site.hits.get("/b.html?x=2&y=1") == 1  # query order normalised: fetched once
    soft = next(f for f in result.findings if f.target and f.target.endswith("/soft.html"))
    assert soft.detail["error"] == "soft_404" and soft.evidence == "软404"
    assert json.loads(json.dumps(result.to_json()))["pages_fetched"] == 5


async def test_external_links_checked_never_crawled(mini_site, sqlite_url):
    ext_routes = {"/ok.html": (200, "text/html", page('<a href="/deeper.html">更深</a>'))}
    external = await mini_site(ext_routes, host="127.0.0.2")
    site = await mini_site({"/": (200, "text/html", page(f'<a href="{external.base}/ok.html">外</a>'))})
    db = open_database(sqlite_url)
    await ScanJob(fast_settings(sqlite_url), db, site.base + "/").run()
    assert external.hits.get("/ok.html") == 1
    assert "/deeper.html" not in external.hits


async def test_head_refused_falls_back_to_get(mini_site, sqlite_url):
    async def head_405(request: web.Request) -> web.Response:
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(body=b"%PDF", content_type="application/pdf")

    site = await mini_site({"/": (200, "text/html", page('<a href="/x.pdf">文件</a>')), "/x.pdf": head_405})
    db = open_database(sqlite_url)
    result = await ScanJob(fast_settings(sqlite_url), db, site.base + "/").run()
    assert [f for f in result.findings if f.code == "broken_resource"] == []


async def test_retry_after_is_honoured(mini_site, sqlite_url):
    calls = {"n": 0}

    async def busy(request: web.Request) -> web.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return web.Response(status=503, headers={"Retry-After": "1"})
        return web.Response(text=page("ok"), content_type="text/html")

    site = await mini_site({"/": (200, "text/html", page('<a href="/busy.html">忙</a>')), "/busy.html": busy})
    db = open_database(sqlite_url)
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await ScanJob(fast_settings(sqlite_url), db, site.base + "/").run()
    assert calls["n"] == 2
    assert loop.time() - started >= 0.9  # waited as asked
    assert [f for f in result.findings if f.code == "broken_link"] == []
