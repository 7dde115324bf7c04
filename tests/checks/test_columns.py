"""column_stale, column_empty, homepage_stale: site checks in the scan, page checks in check-html."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure.offline import site_from_html

TZ = timezone(timedelta(hours=8))
NOW = datetime(2024, 6, 30, 10, 0, tzinfo=TZ)
B = "http://127.0.0.1:8080"
NAV = '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/bmdt/index.html">部门动态</a></li><li><a href="/col/gsgg/index.html">公示公告</a></li></ul>'


def ago(days: int) -> str:
    return (NOW - timedelta(days=days)).date().isoformat()


def page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{NAV}{body}</body></html>"


def column(name: str, key: str, ages: list[int]) -> str:
    rows = "".join(
        f'<li><a href="/col/{key}/202401/t20240101_{i}.html">第{i}条{name}信息标题</a><span>{ago(a)}</span></li>'
        for i, a in enumerate(ages)
    )
    return page(
        f"{name}_某县",
        f'<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div><ul>{rows}</ul>',
    )


def home(ages: list[int]) -> str:
    rows = "".join(
        f'<li><a href="/col/bmdt/202401/t20240101_{i}.html">第{i}条首页要闻标题</a><span>{ago(a)}</span></li>'
        for i, a in enumerate(ages)
    )
    return page("某县人民政府", f"<ul>{rows}</ul><ul><li><a href='/a.html'>机构设置</a></li></ul>")


def ctx(offline: bool = False, **site_config: object) -> CheckContext:
    return CheckContext(
        settings=Settings(), site_url=B + "/", now=NOW, offline=offline, site_config=site_config
    )


def run_site(pages: dict[str, str], context: CheckContext) -> list[Finding]:
    return list(all_checks()["columns"].fn(site_from_html(pages, B + "/"), context))


PLANTED = {
    B + "/": home([20, 25, 30]),
    B + "/col/bmdt/index.html": column("部门动态", "bmdt", [40, 50, 60]),
    B + "/col/gsgg/index.html": column("公示公告", "gsgg", [240, 250, 260]),
    B + "/col/ztzl/index.html": page(
        "专题专栏_某县", '<div class="position">当前位置：专题专栏</div><p>暂无信息</p>'
    ),
}
CLEAN = {
    B + "/": home([1, 2, 3]),
    B + "/col/bmdt/index.html": column("部门动态", "bmdt", [4, 50, 60]),
    B + "/col/gsgg/index.html": column("公示公告", "gsgg", [100, 250, 260]),
}


def test_planted_stale_empty_and_homepage() -> None:
    found = run_site(PLANTED, ctx())
    by_code = {(f.code, f.page): f for f in found}
    stale = by_code[("column_stale", B + "/col/bmdt/index.html")]
    assert stale.evidence == "部门动态"
    assert (
        stale.detail["newest"] == ago(40)
        and stale.detail["limit"] == "2周"
        and stale.detail["kind"] == "动态要闻"
    )
    assert by_code[("column_stale", B + "/col/gsgg/index.html")].detail["limit"] == "6个月"
    empty = by_code[("column_empty", B + "/col/ztzl/index.html")]
    assert empty.evidence == "暂无信息" and empty.detail["column"] == "专题专栏"
    homepage = by_code[("homepage_stale", B + "/")]
    assert homepage.evidence == "第0条首页要闻标题" and homepage.detail["newest"] == ago(20)
    assert homepage.severity == "veto"
    assert len(found) == 4


def test_clean_site_has_no_findings() -> None:
    assert run_site(CLEAN, ctx()) == []


def test_homepage_limit_is_a_setting() -> None:
    found = run_site(CLEAN, ctx(homepage_limit="0d"))
    assert [f.code for f in found] == ["homepage_stale"]


def test_navigation_only_home_uses_the_pages_it_links_to() -> None:
    pages = dict(PLANTED)
    pages[B + "/"] = page("某县人民政府", "<p>欢迎访问</p>")
    found = run_site(pages, ctx())
    homepage = [f for f in found if f.code == "homepage_stale"]
    # the newest of the linked columns is 40 days old
    assert homepage and homepage[0].detail["newest"] == ago(40) and homepage[0].evidence is None


def test_check_html_judges_a_single_list_page() -> None:
    check = all_checks()["columns_page"].fn
    stale = parse_html(PLANTED[B + "/col/gsgg/index.html"], B + "/col/gsgg/index.html")
    found = list(check(stale, ctx(offline=True)))
    assert [(f.code, f.page) for f in found] == [("column_stale", B + "/col/gsgg/index.html")]
    assert list(check(stale, ctx(offline=False))) == []  # the scan's site check does it once
    fresh = parse_html(CLEAN[B + "/col/bmdt/index.html"], B + "/col/bmdt/index.html")
    assert list(check(fresh, ctx(offline=True))) == []


def test_check_html_judges_a_home_page() -> None:
    check = all_checks()["columns_page"].fn
    found = list(check(parse_html(PLANTED[B + "/"], B + "/"), ctx(offline=True)))
    assert [f.code for f in found] == ["homepage_stale"]


def test_check_html_with_the_page_as_site_url() -> None:
    # check-html passes the page's own address as the site URL: a list page is still a column
    check = all_checks()["columns_page"].fn
    url = B + "/col/gsgg/index.html"
    context = CheckContext(settings=Settings(), site_url=url, now=NOW, offline=True)
    found = list(check(parse_html(PLANTED[url], url), context))
    assert [(f.code, f.page) for f in found] == [("column_stale", url)]
