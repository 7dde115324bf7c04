"""Facts of list pages: items with dates, empty markers, pagination, breadcrumb, navigation."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.parse.extractors.listing import (
    analyse_listing,
    breadcrumb_fact,
    listing_fact,
    nav_fact,
    page_kind,
)
from govinspect.parse.facts import all_extractors, extract_facts
from govinspect.parse.page import parse_html

REPO = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8080"
NAV = (
    '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/zwdt/index.html">政务动态</a></li>'
    '<li><a href="/col/tzgg/index.html">通知公告</a></li></ul>'
)


def realpages() -> Path:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    return folder


def trs_list(items: str, pager: str = 'createPageHTML(7, 0, "index", "html");') -> str:
    return (
        "<html><head><title>通知公告_某县人民政府</title></head><body>"
        + NAV
        + '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/xxgk/">信息公开</a> &gt; 通知公告</div>'
        + f'<ul class="list">{items}</ul><div class="page"><script>{pager}</script></div>'
        + '<div class="footer">主办单位：某县人民政府</div></body></html>'
    )


def items(dates: list[str]) -> str:
    return "".join(
        f'<li><a href="/col/tzgg/202305/t20230512_{i}.html">关于做好第{i}项工作的通知</a><span>[{d}]</span></li>'
        for i, d in enumerate(dates)
    )


def test_trs_list_page_items_dates_and_pagination() -> None:
    page = parse_html(
        trs_list(items(["2023-05-12", "2023-05-10", "2023-04-30"])), f"{BASE}/col/tzgg/index.html"
    )
    fact = listing_fact(page)
    assert fact is not None
    assert fact["list"] is True and fact["empty"] is False
    assert fact["count"] == 3
    assert fact["pages"] == 7
    assert fact["items"][0] == {
        "date": "2023-05-12",
        "url": f"{BASE}/col/tzgg/202305/t20230512_0.html",
        "title": "关于做好第0项工作的通知",
    }
    assert fact["column_name"] == "通知公告" and fact["column_name_source"] == "breadcrumb"
    assert page_kind(page) == "list"


def test_month_day_under_a_year_heading() -> None:
    html = trs_list(
        "<li class='year'>2022</li>"
        '<li><a href="/col/tzgg/a1.html">关于开展安全检查的通知</a><span>12-28</span></li>'
        '<li><a href="/col/tzgg/a2.html">关于春节放假安排的通知</a><span>12-20</span></li>'
        '<li><a href="/col/tzgg/a3.html">关于冬季防火工作的通知</a><span>11-02</span></li>'
    )
    fact = listing_fact(parse_html(html, f"{BASE}/col/tzgg/index.html"))
    assert fact is not None
    assert [i["date"] for i in fact["items"]] == ["2022-12-28", "2022-12-20", "2022-11-02"]


def test_month_day_without_any_year_stays_partial() -> None:
    html = trs_list(
        "".join(
            f'<li><a href="/col/tzgg/b{i}.html">关于第{i}批项目的公示</a><em>05-1{i}</em></li>'
            for i in range(3)
        )
    )
    fact = listing_fact(parse_html(html, f"{BASE}/col/tzgg/index.html"))
    assert fact is not None
    assert {i["date"] for i in fact["items"]} == {"--05-10", "--05-11", "--05-12"}


def test_a_date_in_a_title_is_not_the_item_date() -> None:
    html = trs_list(
        "".join(
            f'<li><a href="/col/tzgg/c{i}.html">2019年{i + 1}月工作例会纪要</a><span>2024-0{i + 1}-15</span></li>'
            for i in range(3)
        )
    )
    fact = listing_fact(parse_html(html, f"{BASE}/col/tzgg/index.html"))
    assert fact is not None
    assert sorted(i["date"] for i in fact["items"]) == ["2024-01-15", "2024-02-15", "2024-03-15"]


def test_undated_list_takes_dates_from_article_urls() -> None:
    links = "".join(
        f'<li><a href="/col/tzgg/2023050{i}/t2023050{i}_{i}.html">关于第{i}批名单的公示</a></li>'
        for i in range(1, 5)
    )
    fact = listing_fact(parse_html(trs_list(links), f"{BASE}/col/tzgg/index.html"))
    assert fact is not None and fact["list"] is True
    assert fact["items"][0]["date"] == "2023-05-04"


def test_empty_column_marker() -> None:
    html = trs_list("", pager="").replace('<ul class="list"></ul>', '<div class="list"><p>暂无信息</p></div>')
    page = parse_html(html, f"{BASE}/col/ztzl/index.html")
    fact = listing_fact(page)
    assert fact is not None
    assert fact["empty"] is True and fact["list"] is False
    assert fact["empty_marker"] == "暂无信息"
    assert page_kind(page) == "list"


def test_article_saying_no_related_items_is_not_an_empty_column() -> None:
    html = (
        "<html><head><title>某县召开会议</title></head><body>"
        + NAV
        + "<h1>某县召开会议</h1><p>发布时间：2024-03-01</p><p>正文内容……</p>"
        + '<div class="related"><h3>相关文章</h3><p>暂无相关信息</p></div></body></html>'
    )
    page = parse_html(html, f"{BASE}/col/zwdt/202403/t20240301_5.html")
    fact = listing_fact(page)
    assert fact is None or fact["empty"] is False
    assert page_kind(page) == "article"


def test_the_site_home_is_never_a_column() -> None:
    page = parse_html(trs_list(items(["2023-05-12", "2023-05-10", "2023-04-30"])), f"{BASE}/")
    fact = listing_fact(page)
    assert fact is not None and fact["list"] is False
    assert fact["count"] == 3  # its dated items are kept for homepage_stale


def test_breadcrumb_and_navigation() -> None:
    page = parse_html(trs_list(items(["2023-05-12"])), f"{BASE}/col/tzgg/index.html")
    crumbs = breadcrumb_fact(page)
    assert crumbs == [
        {"text": "首页", "url": f"{BASE}/"},
        {"text": "信息公开", "url": f"{BASE}/col/xxgk/"},
        {"text": "通知公告", "url": None},
    ]
    nav = nav_fact(page)
    assert nav is not None
    assert [n["text"] for n in nav] == ["首页", "政务动态", "通知公告"]


def test_articles_do_not_keep_navigation() -> None:
    html = "<html><body>" + NAV + "<h1>标题</h1><p>发布时间：2024-03-01</p></body></html>"
    assert nav_fact(parse_html(html, f"{BASE}/col/zwdt/202403/t20240301_5.html")) is None


def test_soft_404_page_has_no_structure() -> None:
    html = "<html><head><title>页面不存在</title></head><body><p>对不起，您访问的页面不存在或已被删除</p></body></html>"
    assert page_kind(parse_html(html, f"{BASE}/col/zwdt/202403/t20240301_5.html")) == "not_found"


def test_every_extractor_runs_through_the_registry() -> None:
    names = set(all_extractors())
    assert {
        "listing",
        "page_kind",
        "nav",
        "breadcrumb",
        "pub_date",
        "template",
        "footer",
        "viewport",
    } <= names
    assert {"policy", "review_footer", "messages"} <= names
    facts = extract_facts(parse_html(trs_list(items(["2023-05-12"])), f"{BASE}/col/tzgg/index.html"))
    assert facts["page_kind"] == "list"


def test_hanweb_dataproxy_records() -> None:
    path = realpages() / "js-sthjt-dataproxy-page1.xml"
    page = parse_html(path.read_text("utf-8"), f"{BASE}/col/col84025/index.html")
    listing = analyse_listing(page)
    assert listing.is_list
    assert len(listing.items) == 76
    assert listing.total == 756
    newest = max(i.date for i in listing.items)
    assert newest == "2025-10-29"
    assert not any("2025-10-29" in i.title for i in listing.items)


def test_list_in_script_json() -> None:
    path = realpages() / "jx-sthjt-list-zcfgjd.html"
    page = parse_html(path.read_text("utf-8"), f"{BASE}/jxssthjt/col/col42150/index.html")
    fact = listing_fact(page)
    assert fact is not None and fact["list"] is True
    assert fact["items"][0]["date"] == "2025-07-29"
    assert fact["items"][0]["title"] == "《江西省生态环境分类执法监管办法》政策解读"


def test_real_home_page_items_and_articles() -> None:
    folder = realpages()
    home = parse_html((folder / "yichun-homepage-saved.html").read_text("utf-8"), f"{BASE}/")
    fact = listing_fact(home)
    assert fact is not None and fact["list"] is False
    assert max(i["date"] for i in fact["items"]) == "2023-10-11"
    for name in (
        "gne-shanxi-gov-article-2019.html",
        "gs-fzgg-notice-2025.html",
        "nfra-article-rendered-2024.html",
    ):
        article = parse_html((folder / name).read_text("utf-8"), f"{BASE}/a/b.html")
        assert page_kind(article) == "article", name
