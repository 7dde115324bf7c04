"""footer_info_missing: judged per footer template, reported once on its first page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure.offline import site_from_html

NOW = datetime(2024, 6, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
B = "http://127.0.0.1:8080"
REPO = Path(__file__).resolve().parents[2]
MAIN_FOOTER = (
    '<div class="footer"><p>主办单位：某县人民政府办公室</p><p>网站标识码：6401990001 '
    '<a href="http://127.0.0.2/beian/">宁ICP备05001234号-1</a> 宁公网安备 64019902000123号</p>'
    '<a href="http://127.0.0.2/conac/"><img src="/images/dzjg.png" alt="党政机关"></a></div>'
)
SUB_FOOTER = MAIN_FOOTER.replace("网站标识码：6401990001", "").replace("某县人民政府办公室", "某县教育局")


def page(body: str, footer: str) -> str:
    return f"<html><head><title>某页</title></head><body><div class='main'>{body}</div>{footer}</body></html>"


def ctx(offline: bool = False, **site_config: object) -> CheckContext:
    return CheckContext(
        settings=Settings(), site_url=B + "/", now=NOW, offline=offline, site_config=site_config
    )


def run(pages: dict[str, str], context: CheckContext) -> list[Finding]:
    return list(all_checks()["footer"].fn(site_from_html(pages, B + "/"), context))


def test_subsite_footer_without_site_code_reported_once() -> None:
    pages = {
        B + "/": page("<ul><li>首页</li></ul>", MAIN_FOOTER),
        B + "/col/a/index.html": page("<ul><li>列表</li></ul>", MAIN_FOOTER),
        B + "/bm/jyj/": page("<ul><li>子站首页</li></ul>", SUB_FOOTER),
        B + "/bm/jyj/col/tzgg/index.html": page("<table><tr><td>子站列表</td></tr></table>", SUB_FOOTER),
        B + "/bm/jyj/col/tzgg/t20240101_1.html": page("<h1>子站文章</h1>", SUB_FOOTER),
    }
    found = run(pages, ctx())
    assert [(f.page, f.detail["item"]) for f in found] == [(B + "/bm/jyj/", "site_code")]
    assert found[0].detail["template_pages"] == 3 and found[0].detail["label"] == "网站标识码"


def test_complete_footers_are_not_flagged() -> None:
    pages = {B + "/": page("<p>首页</p>", MAIN_FOOTER), B + "/a.html": page("<p>文章</p>", MAIN_FOOTER)}
    assert run(pages, ctx()) == []


def test_required_items_are_a_setting() -> None:
    pages = {B + "/": page("<p>首页</p>", "<div class='footer'>版权所有：某县人民政府</div>")}
    assert {f.detail["item"] for f in run(pages, ctx())} == {
        "site_code",
        "icp",
        "psb_filing",
        "party_gov_logo",
    }
    assert {f.detail["item"] for f in run(pages, ctx(footer_items=["icp"]))} == {"icp"}


def test_check_html_judges_the_page() -> None:
    check = all_checks()["footer_page"].fn
    sub = parse_html(page("<p>x</p>", SUB_FOOTER), B + "/bm/jyj/")
    assert [f.detail["item"] for f in check(sub, ctx(offline=True))] == ["site_code"]
    assert list(check(sub, ctx(offline=False))) == []


def test_real_pages_with_complete_footers() -> None:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    check = all_checks()["footer_page"].fn
    for name in (
        "gne-govcn-gongbao-2007-23.html",
        "gne-shanxi-gov-article-2019.html",
        "wanzai-tjgb-2015-saved.html",
    ):
        assert (
            list(check(parse_html((folder / name).read_text("utf-8"), B + "/a.html"), ctx(offline=True)))
            == []
        ), name
    kepu = parse_html((folder / "magichtml-kepu-article-2023.html").read_text("utf-8"), B + "/a.html")
    assert [f.detail["item"] for f in check(kepu, ctx(offline=True))] == ["psb_filing"]
