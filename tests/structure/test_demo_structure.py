"""The structure checks on the bundled demo site, read offline page by page (no server, no crawler):
every planted problem of this issue's codes is found, and nothing else of these codes is flagged."""

from __future__ import annotations

from datetime import datetime

import pytest

from govinspect.checks.registry import CheckContext, run_page_checks, run_site_checks, selected
from govinspect.checks.site import ListSiteData
from govinspect.findings import Finding
from govinspect.parse.encoding import decode_html
from govinspect.settings import Settings
from govinspect.structure.columns import build_column_tree, walk
from govinspect.structure.offline import site_from_html
from govinspect.structure.transport import probe_https, probe_ipv6

demo_sitegen = pytest.importorskip("govinspect.demo.sitegen")
demo_model = pytest.importorskip("govinspect.demo.model")
demo_util = pytest.importorskip("govinspect.demo.util")

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=demo_util.CHINA_TZ)
PORT = 18799  # only in URLs: nothing listens there
CODES = {
    "column_stale",
    "column_empty",
    "homepage_stale",
    "policy_expired_unlabeled",
    "review_footer_missing",
    "attachment_name_unclear",
    "footer_info_missing",
    "mobile_unfriendly",
    "hidden_link",
    "message_overdue",
}


@pytest.fixture(scope="module")
def demo() -> tuple[object, ListSiteData, list[Finding], CheckContext]:
    hosts = demo_model.DemoHosts.for_port(PORT)
    site = demo_sitegen.build_site(pages=300, now=NOW, seed=1, hosts=hosts)
    pages: dict[str, str] = {}
    for url, res in site.resources.items():
        if url.startswith(hosts.main) and "html" in res.content_type and res.status == 200:
            pages[url] = decode_html(res.body, res.content_type)[0]
    crawl = site_from_html(pages, hosts.main + "/")
    ctx = CheckContext(settings=Settings(), site_url=hosts.main + "/", now=NOW)
    page_checks = [c for c in selected("page") if set(c.codes) & CODES]
    site_checks = [c for c in selected("site") if set(c.codes) & CODES and not c.network]
    from govinspect.parse.page import parse_html

    findings: list[Finding] = []
    for url, html in pages.items():
        findings += run_page_checks(parse_html(html, url), ctx, page_checks)
    findings += run_site_checks(crawl, ctx, site_checks)
    return site, crawl, findings, ctx


def test_every_planted_problem_is_found(
    demo: tuple[object, ListSiteData, list[Finding], CheckContext],
) -> None:
    site, _, findings, ctx = demo
    assert ctx.errors == []
    for expected in site.expected:  # type: ignore[attr-defined]
        if expected.code not in CODES:
            continue
        matches = [f for f in findings if f.code == expected.code and f.page == expected.page]
        if expected.target is not None:
            matches = [f for f in matches if f.target == expected.target]
        assert matches, f"未找到：{expected}"
        if expected.code in {"hidden_link", "attachment_name_unclear", "column_stale", "column_empty"}:
            assert any(f.evidence == expected.evidence for f in matches), expected
        if expected.code == "footer_info_missing":
            assert any(f.detail["item"] == expected.detail["item"] for f in matches)


def test_nothing_else_is_flagged(demo: tuple[object, ListSiteData, list[Finding], CheckContext]) -> None:
    site, _, findings, _ = demo
    planted = {(e.code, e.page, e.target) for e in site.expected}  # type: ignore[attr-defined]
    planted_pages = {(e.code, e.page) for e in site.expected}  # type: ignore[attr-defined]
    extra = [
        f
        for f in findings
        if (f.code, f.page, f.target) not in planted and (f.code, f.page) not in planted_pages
    ]
    assert extra == []
    for wrong in site.must_not_flag:  # type: ignore[attr-defined]
        assert not any(
            f.code == wrong.code and f.page == wrong.page and f.evidence == wrong.evidence for f in findings
        )


def test_demo_column_tree(demo: tuple[object, ListSiteData, list[Finding], CheckContext]) -> None:
    _, crawl, _, ctx = demo
    columns = {c.name: c for c in walk(build_column_tree(crawl, ctx)) if not c.subsite}
    assert columns["部门动态"].status == "stale" and columns["部门动态"].kind == "dynamic"
    assert columns["公示公告"].status == "stale" and columns["公示公告"].kind == "notice"
    assert columns["专题专栏"].status == "empty"
    assert columns["动态要闻"].status == "ok" and columns["动态要闻"].item_count > 20
    assert columns["政策解读"].kind == "other"
    stale = {c.name for c in columns.values() if c.status in {"stale", "empty"}}
    assert stale == {"公示公告", "专题专栏", "部门动态"}


def test_transport_of_a_loopback_site() -> None:
    # nothing listens on 127.0.0.1:443 and a bare IPv4 address has no IPv6: both are "missing"
    base = f"http://127.0.0.1:{PORT}/"
    https = probe_https(base, 2.0)
    assert not https.ok and https.tried == "https://127.0.0.1/"
    ipv6 = probe_ipv6(base, 2.0)
    assert not ipv6.ok and "IPv4" in ipv6.reason
