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
