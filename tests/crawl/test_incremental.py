"""Incremental scans: unchanged pages are not parsed again, known-good links not requested again."""

from __future__ import annotations

from aiohttp import web

from govinspect.scan import ScanJob
from govinspect.store import open_database
from tests.conftest import fast_settings, page


def _etag_route(body: str, etag: str, counter: dict[str, int]):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        counter[request.path] = counter.get(request.path, 0) + 1
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type="text/html", headers={"ETag": etag})

    return handler


async def test_unchanged_site_reuses_and_changed_page_is_rechecked(mini_site, sqlite_url):
    bodies = {
        "/": page('<a href="/a.html">甲</a><a href="/b.html">乙</a><img src="/logo.png">'),
        "/a.html": page('<a href="/gone.html">坏链接</a>'),
    }
    full_gets: dict[str, int] = {}
    routes: dict[str, object] = {
        "/": _etag_route(bodies["/"], '"v1"', full_gets),
        "/a.html": _etag_route(bodies["/a.html"], '"a1"', full_gets),
        "/b.html": (200, "text/html", page("<p>乙页，无 ETag</p>")),  # unchanged bytes: reused by hash
        "/logo.png": (200, "image/png", b"png"),
    }
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    first = await ScanJob(settings, db, site.base + "/").run()
    logo_hits = site.hits["/logo.png"]

    second_job = ScanJob(settings, db, site.base + "/", incremental=True)
    second = await second_job.run()
    assert second_job.stats.pages_reused == 3  # /, /a.html by 304, /b.html by hash
    assert site.hits["/logo.png"] == logo_hits  # known good: not requested again
    assert site.hits["/gone.html"] == 2  # broken last time: verified again
    key = sorted((f.code, f.page, f.target) for f in first.findings)
    assert sorted((f.code, f.page, f.target) for f in second.findings) == key

    # a page changes: it is parsed again and its new problem found
    routes["/b.html"] = (200, "text/html", page('<p>乙页已修改</p><a href="/new-gone.html">新坏链接</a>'))
    third_job = ScanJob(settings, db, site.base + "/", incremental=True)
    third = await third_job.run()
    assert third_job.stats.pages_reused == 2
    targets = {f.target.replace(site.base, "") for f in third.findings if f.code == "broken_link"}
    assert targets == {"/gone.html", "/new-gone.html"}


def _links_of(db, scan_id: int) -> set[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from govinspect.store.schema import links, urls

    page, target = urls.alias("p"), urls.alias("t")
    query = (
        select(page.c.url, target.c.url, links.c.kind, links.c.category, links.c.text)
        .select_from(links)
        .join(page, (page.c.scan_id == links.c.scan_id) & (page.c.seq == links.c.page_seq))
        .join(target, (target.c.scan_id == links.c.scan_id) & (target.c.seq == links.c.target_seq))
        .where(links.c.scan_id == scan_id)
    )
    with db.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(query)}


def _seqs_of(db, scan_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return db.previous_urls(scan_id)[1]


async def test_unchanged_pages_keep_their_seqs_and_their_links_are_copied(mini_site, sqlite_url):
    counter: dict[str, int] = {}
    routes: dict[str, object] = {
        "/": _etag_route(page('<a href="/a.html">甲</a><a href="/b.html">乙</a>'), '"h"', counter),
        "/a.html": _etag_route(page('<a href="/b.html">到乙</a><a href="/gone.html">坏</a><img src="/x.png">'),
                               '"a"', counter),
        "/b.html": _etag_route(page('<a href="/a.html">回甲</a>'), '"b"', counter),
        "/x.png": (200, "image/png", b"png"),
    }
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    first = await ScanJob(settings, db, site.base + "/").run()
    job = ScanJob(settings, db, site.base + "/", incremental=True)
    second = await job.run()
    assert job.stats.pages_reused == 3
    assert _seqs_of(db, second.scan_id) == _seqs_of(db, first.scan_id)
    copied = _links_of(db, second.scan_id)
    assert copied == _links_of(db, first.scan_id)
    assert (site.base + "/a.html", site.base + "/b.html", "a", "link", "到乙") in copied
    assert [(f.code, f.target) for f in second.findings] == [("broken_link", site.base + "/gone.html")]


async def test_links_are_written_out_when_a_redirect_took_over_a_target_seq(mini_site, sqlite_url):
    """/b.html had its own seq; now a new redirect reaches it first, so it answers to the redirect's
    seq and the unchanged /a.html's links cannot be copied as they were: they are written again."""
    import asyncio

    from aiohttp import web

    counter: dict[str, int] = {}
    a_page = _etag_route(page('<a href="/b.html">到乙</a><a href="/gone.html">坏</a>'), '"a"', counter)

    async def slow_a(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.3)  # let the redirect land first
        return await a_page(request)

    routes: dict[str, object] = {
        "/": (200, "text/html", page('<a href="/a.html">甲</a><a href="/b.html">乙</a>')),
        "/a.html": a_page,
        "/b.html": _etag_route(page("<p>乙页</p>"), '"b"', counter),
    }
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    db = open_database(sqlite_url)
    first = await ScanJob(settings, db, site.base + "/").run()

    async def to_b(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(location="/b.html")

    routes["/"] = (200, "text/html", page('<a href="/r.html">新</a><a href="/a.html">甲</a>'))
    routes["/r.html"] = to_b
    routes["/a.html"] = slow_a
    asked: list[int] = []
    link_texts = db.link_texts
    db.link_texts = lambda scan_id, seq: asked.append(seq) or link_texts(scan_id, seq)  # type: ignore[method-assign]
    job = ScanJob(settings, db, site.base + "/", incremental=True)
    second = await job.run()
    assert job.stats.pages_reused >= 1  # /a.html
    assert asked == [_seqs_of(db, first.scan_id)[site.base + "/a.html"]]  # its links written out, texts kept
    seqs = _seqs_of(db, second.scan_id)
    assert seqs[site.base + "/a.html"] == _seqs_of(db, first.scan_id)[site.base + "/a.html"]
    assert site.base + "/b.html" not in seqs  # reached through /r.html: one seq for both
    written = _links_of(db, second.scan_id)
    assert (site.base + "/a.html", site.base + "/r.html", "a", "link", "到乙") in written
    assert [(f.code, f.target) for f in second.findings] == [("broken_link", site.base + "/gone.html")]


async def test_the_scan_keeps_render_measurements_for_the_next_incremental_scan(mini_site, sqlite_url, monkeypatch):
    from govinspect.checks import mobile
    from govinspect.structure.browser import Measurement

    rendered: list[list[str]] = []

    def fake_browser(urls: list[str], width: int, timeout: float) -> list[Measurement]:
        rendered.append(sorted(urls))
        return [Measurement(u, width, page_width=width, widest="table") for u in urls]  # fits: reusable

    monkeypatch.setattr(mobile, "measure_pages", fake_browser)
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    counter: dict[str, int] = {}
    routes: dict[str, object] = {
        "/": _etag_route(page('<div class="nav"><a href="/a.html">甲</a></div>', head=viewport), '"h"', counter),
        "/a.html": _etag_route(page("<article><h1>甲</h1><p>正文。</p></article>", head=viewport), '"a"', counter),
    }
    site = await mini_site(routes)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links,mobile_render"})
    db = open_database(sqlite_url)
    first = await ScanJob(settings, db, site.base + "/").run()
    assert len(rendered) == 1 and "mobile_render" in db.check_memos(first.scan_id)
    second = await ScanJob(settings, db, site.base + "/", incremental=True).run()
    assert len(rendered) == 1  # unchanged: the last scan's measurements, no browser
    assert db.check_memos(second.scan_id) == db.check_memos(first.scan_id)
    key = sorted((f.code, f.page, f.detail.get("overflow_px")) for f in first.findings)
    assert sorted((f.code, f.page, f.detail.get("overflow_px")) for f in second.findings) == key
    await ScanJob(settings, db, site.base + "/").run()  # a full scan renders again
    assert len(rendered) == 2


async def test_a_scan_with_other_checks_is_no_base_for_an_incremental_one(mini_site, sqlite_url):
    """A links-only scan holds no text findings: reusing its pages would close real problems."""
    routes: dict[str, object] = {
        "/": (200, "text/html", page('<a href="/a.html">甲</a>')),
        "/a.html": (200, "text/html", page("<p>本文件标注绝密★，不得外传。</p>")),
    }
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    links_only = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    with_text = fast_settings(sqlite_url).model_copy(update={"checks": "links,text"})
    await ScanJob(links_only, db, site.base + "/").run()
    job = ScanJob(with_text, db, site.base + "/", incremental=True)
    result = await job.run()
    assert job.stats.pages_reused == 0  # a full scan instead
    assert "secret_marking" in {f.code for f in result.findings}
    again = ScanJob(with_text, db, site.base + "/", incremental=True)
    second = await again.run()
    assert again.stats.pages_reused == 2  # same checks now: reused, and its page findings with it
    assert sorted((f.code, f.page) for f in second.findings) == sorted((f.code, f.page) for f in result.findings)


async def test_site_norms_stay_dropped_when_most_pages_are_reused(mini_site, sqlite_url):
    """宁川 on every page is the site's own name: an incremental scan in which only one page changed
    must not report it on that page because the reused pages no longer carry the candidate."""
    n = 10
    routes: dict[str, object] = {
        "/": (200, "text/html", page("".join(f'<a href="/p{i}.html">第{i}篇</a>' for i in range(n))))
    }
    for i in range(n):
        routes[f"/p{i}.html"] = (200, "text/html", page(f"<p>宁川市人民政府召开第{i}次会议。</p>"))
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "text"})
    first = await ScanJob(settings, db, site.base + "/").run()
    assert not [f for f in first.findings if f.evidence and "宁川" in f.evidence]
    routes["/p3.html"] = (200, "text/html", page("<p>宁川市人民政府召开第3次会议，内容已更新。</p>"))
    job = ScanJob(settings, db, site.base + "/", incremental=True)
    second = await job.run()
    assert job.stats.pages_reused == n  # the home page and nine articles
    assert not [f for f in second.findings if f.evidence and "宁川" in f.evidence]


async def test_many_unchanged_pages_with_findings_are_reused_in_batches(mini_site, sqlite_url, monkeypatch):
    """More pages than one reuse batch, each with a page finding: all of them come back."""
    import govinspect.scan as scan_module

    monkeypatch.setattr(scan_module, "_REUSE_BATCH", 20)
    n = 230
    routes: dict[str, object] = {
        "/": (200, "text/html", page("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(n))))
    }
    routes.update({f"/p{i}.html": (200, "text/html", page(f"<p>第{i}号文件标注绝密★。</p>")) for i in range(n)})
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url, concurrency=16).model_copy(update={"checks": "text"})
    first = await ScanJob(settings, db, site.base + "/").run()
    batches: list[int] = []
    reusable_pages = db.reusable_pages
    db.reusable_pages = lambda scan_id, pages: batches.append(len(pages)) or reusable_pages(scan_id, pages)  # type: ignore[method-assign]
    job = ScanJob(settings, db, site.base + "/", incremental=True)
    second = await job.run()
    assert job.stats.pages_reused == n + 1 and len(batches) >= 3 and sum(batches) == n + 1
    key = sorted((f.code, f.page) for f in first.findings)
    assert len(key) == n and sorted((f.code, f.page) for f in second.findings) == key


async def test_a_failure_taking_pages_from_the_last_scan_is_recorded_not_fatal(mini_site, sqlite_url):
    routes: dict[str, object] = {
        "/": (200, "text/html", page('<a href="/a.html">甲</a>')),
        "/a.html": (200, "text/html", page("<p>乙</p>")),
    }
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "links"})
    await ScanJob(settings, db, site.base + "/").run()

    def broken(scan_id, pages):  # type: ignore[no-untyped-def]
        raise RuntimeError("数据库连接中断")

    db.reusable_pages = broken  # type: ignore[method-assign]
    job = ScanJob(settings, db, site.base + "/", incremental=True)
    result = await job.run()  # the scan ends
    assert any("数据库连接中断" in e for e in result.check_errors)
    info = db.scan(result.scan_id)
    assert info is not None and info.status == "finished"


def test_a_misspelt_check_name_is_refused_before_a_scan_is_stored(sqlite_url):
    import pytest

    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "link"})
    with pytest.raises(ValueError, match="未知的检查：link（可选：.*links"):
        ScanJob(settings, db, "http://127.0.0.1:9/")
    assert db.list_scans(5) == []


async def test_a_resumed_scan_keeps_the_checks_and_site_settings_it_started_with(mini_site, sqlite_url):
    import asyncio

    routes: dict[str, object] = {"/": (200, "text/html", page("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(20))))}
    routes.update({f"/p{i}.html": (200, "text/html", page("<p>本文件标注绝密★。</p>")) for i in range(20)})
    site = await mini_site(routes)
    db = open_database(sqlite_url)
    started = fast_settings(sqlite_url, concurrency=1, rate=40).model_copy(update={"checks": "text"})
    job = ScanJob(started, db, site.base + "/", site_config={"text": {"allow": ["某词"]}})
    task = asyncio.create_task(job.run())
    await asyncio.sleep(0.3)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    later = fast_settings(sqlite_url).model_copy(update={"checks": "links"})  # the environment changed since
    resumed_job = ScanJob(later, db, resume_scan_id=job.scan_id)
    assert resumed_job.settings.checks == "text" and resumed_job.site_config == {"text": {"allow": ["某词"]}}
    resumed = await resumed_job.run()
    assert len([f for f in resumed.findings if f.code == "secret_marking"]) == 20


def test_a_broken_word_list_stops_the_scan_before_it_starts(sqlite_url, tmp_path):
    """Not a silently empty text check on every page: that would move real problems to 待复核."""
    import pytest

    db = open_database(sqlite_url)
    settings = fast_settings(sqlite_url).model_copy(update={"checks": "text", "data_dir": tmp_path / "没有这个目录"})
    with pytest.raises(ValueError, match="文本检查无法启用"):
        ScanJob(settings, db, "http://127.0.0.1:9/")
    assert db.list_scans(5) == []
