"""mobile_unfriendly: static viewport rule per template, and overflow measured in headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure import browser
from govinspect.structure.offline import site_from_html

NOW = datetime(2024, 6, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
B = "http://127.0.0.1:8080"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def article(body: str, head: str = VIEWPORT, layout: str = "article") -> str:
    return (
        f"<html><head><title>文章</title>{head}</head><body><div class='{layout}'>{body}</div>"
        "<div class='footer'>主办单位：某县人民政府</div></body></html>"
    )


WIDE = "<h1>统计表</h1><table style='width:1200px'><tr><td>数据</td></tr></table>"
FIT = "<h1>新闻</h1><p>正文内容正文内容。</p><img src='/a.png' style='max-width:100%'>"


def ctx(offline: bool = False, site_url: str = B + "/") -> CheckContext:
    return CheckContext(settings=Settings(), site_url=site_url, now=NOW, offline=offline)


def test_check_html_static_rule() -> None:
    check = all_checks()["mobile_viewport"].fn
    bare = parse_html(article(FIT, head=""), B + "/a.html")
    found = list(check(bare, ctx(offline=True)))
    assert [(f.code, f.detail["rule"], f.detail["method"]) for f in found] == [
        ("mobile_unfriendly", "no_viewport", "static")
    ]
    fixed = parse_html(article(FIT, head='<meta name="viewport" content="width=1100">'), B + "/a.html")
    assert [f.evidence for f in check(fixed, ctx(offline=True))] == ["width=1100"]
    assert list(check(parse_html(article(FIT), B + "/a.html"), ctx(offline=True))) == []
    assert list(check(bare, ctx(offline=False))) == []  # the scan judges per template


def test_static_rule_once_per_template() -> None:
    pages = {f"{B}/col/a/t2024010{i}_{i}.html": article(FIT, head="") for i in range(1, 5)}
    pages[f"{B}/col/b/index.html"] = article("<ul><li>列表</li></ul>", layout="list")
    found = list(all_checks()["mobile_static"].fn(site_from_html(pages, B + "/"), ctx()))
    assert [(f.page, f.detail["template_pages"]) for f in found] == [(f"{B}/col/a/t20240101_1.html", 4)]


class _Pages(BaseHTTPRequestHandler):
    pages = {"/wide.html": article(WIDE), "/fit.html": article(FIT, layout="list")}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = self.pages.get(self.path)
        data = (body or "not found").encode("utf-8")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture()
def served() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def render(base: str) -> tuple[list[Finding], CheckContext]:
    pages = {base + path: html for path, html in _Pages.pages.items()}
    context = ctx(site_url=base + "/")
    return list(all_checks()["mobile_render"].fn(site_from_html(pages, base + "/"), context)), context


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="需要 Debian 的 chromium")
def test_overflow_measured_in_chromium(served: str) -> None:
    found, context = render(served)
    assert context.errors == []
    assert len(found) == 1
    f = found[0]
    assert f.page == served + "/wide.html"
    assert f.detail["rule"] == "overflow" and f.detail["method"] == "browser"
    assert f.detail["page_width"] >= 1200 and f.detail["screen_width"] == 375
    assert f.detail["widest_element"].startswith("table")


def test_without_chromium_the_scan_says_so(served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    found, context = render(served)
    assert found == []
    assert context.errors and "移动端适配仅按静态规则" in context.errors[0]
    assert all_checks()["mobile_render"].network and not all_checks()["mobile_static"].network


def _counting_measure(monkeypatch: pytest.MonkeyPatch, widths: dict[str, int] | None = None) -> list[list[str]]:
    """measure_pages replaced by a fake browser: each page is as wide as ``widths`` says (default 375)."""
    from govinspect.checks import mobile

    calls: list[list[str]] = []

    def fake(urls: list[str], screen: int, timeout: float) -> list[browser.Measurement]:
        calls.append(list(urls))
        return [browser.Measurement(u, screen, page_width=(widths or {}).get(u, 375), widest="table") for u in urls]

    monkeypatch.setattr(mobile, "measure_pages", fake)
    return calls


def test_incremental_scan_reuses_measurements_of_unchanged_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_measure(monkeypatch)
    check = all_checks()["mobile_render"].fn
    pages = {B + path: html for path, html in _Pages.pages.items()}
    full = ctx()
    first = list(check(site_from_html(pages, B + "/"), full))
    assert len(calls) == 1 and sorted(calls[0]) == [B + "/fit.html", B + "/wide.html"]
    assert set(full.memos["mobile_render"]["pages"]) == {B + "/fit.html", B + "/wide.html"}

    again = ctx()
    again.previous_memos = full.memos  # what the scan hands an incremental run
    assert [(f.page, f.detail) for f in check(site_from_html(pages, B + "/"), again)] == [
        (f.page, f.detail) for f in first
    ]
    assert len(calls) == 1  # nothing changed: no browser started
    assert again.memos == full.memos  # and the memo carries on to the next scan

    pages[B + "/wide.html"] = article(WIDE + "<p>改过</p>")
    changed = ctx()
    changed.previous_memos = again.memos
    list(check(site_from_html(pages, B + "/"), changed))
    assert calls[-1] == [B + "/wide.html"]  # only the changed page is rendered again

    other_width = ctx()
    other_width.previous_memos = {"mobile_render": {**full.memos["mobile_render"], "screen_width": 320}}
    list(check(site_from_html(pages, B + "/"), other_width))
    assert sorted(calls[-1]) == [B + "/fit.html", B + "/wide.html"]  # another screen width: measured again


def test_an_overflowing_page_is_rendered_again_though_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its fix may be in a stylesheet the page's hash does not see: the next scan must notice it."""
    widths = {B + "/wide.html": 1200}
    calls = _counting_measure(monkeypatch, widths)
    check = all_checks()["mobile_render"].fn
    pages = {B + path: html for path, html in _Pages.pages.items()}
    full = ctx()
    assert [f.page for f in check(site_from_html(pages, B + "/"), full)] == [B + "/wide.html"]
    widths[B + "/wide.html"] = 375  # the stylesheet was fixed
    again = ctx()
    again.previous_memos = full.memos
    assert list(check(site_from_html(pages, B + "/"), again)) == []
    assert calls[-1] == [B + "/wide.html"]  # the fitting page was reused, the overflowing one rendered


def test_without_a_browser_remembered_measurements_still_stand(monkeypatch: pytest.MonkeyPatch) -> None:
    _counting_measure(monkeypatch, {B + "/wide.html": 1200})
    check = all_checks()["mobile_render"].fn
    pages = {B + path: html for path, html in _Pages.pages.items()}
    full = ctx()
    first = list(check(site_from_html(pages, B + "/"), full))
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    from govinspect.checks import mobile

    monkeypatch.setattr(mobile, "measure_pages", browser.measure_pages)
    again = ctx()
    again.previous_memos = full.memos
    found = list(check(site_from_html(pages, B + "/"), again))
    assert [(f.page, f.detail) for f in found] == [(f.page, f.detail) for f in first]  # not closed for want of a browser
    assert len(again.errors) == 1 and "移动端适配仅按静态规则" in again.errors[0]
    assert again.memos == full.memos


def test_full_scan_ignores_memos_when_none_are_given(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_measure(monkeypatch)
    pages = {B + path: html for path, html in _Pages.pages.items()}
    list(all_checks()["mobile_render"].fn(site_from_html(pages, B + "/"), ctx()))
    list(all_checks()["mobile_render"].fn(site_from_html(pages, B + "/"), ctx()))
    assert len(calls) == 2


def test_a_page_without_a_viewport_fact_is_not_judged_as_lacking_the_meta() -> None:
    """A missing fact (not extracted, or an older scan's facts) says nothing about the page's <meta>."""
    from govinspect.checks.site import ListSiteData, PageRecord

    template = {"template": "t1", "page_kind": "article"}
    site = ListSiteData(B + "/", [PageRecord(B + "/a.html", 200, True, facts=template)])
    assert list(all_checks()["mobile_static"].fn(site, ctx())) == []
    bare = ListSiteData(B + "/", [PageRecord(B + "/a.html", 200, True, facts={**template, "viewport": {"content": None}})])
    assert [f.detail["rule"] for f in all_checks()["mobile_static"].fn(bare, ctx())] == ["no_viewport"]
