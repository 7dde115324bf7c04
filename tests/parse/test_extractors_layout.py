"""Facts about page templates: footer items, viewport, template signature."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.parse.extractors.layout import (
    footer_fact,
    template_fact,
    viewport,
    viewport_fact,
    viewport_fits,
)
from govinspect.parse.page import parse_html

REPO = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8080"
FULL_FOOTER = (
    '<div class="footer"><p>主办单位：某某县人民政府办公室</p>'
    '<p>网站标识码：6401990001 <a href="http://127.0.0.2/beian/">宁ICP备05001234号-1</a> 宁公网安备 64019902000123号</p>'
    '<span id="_ideConac"><a href="http://127.0.0.2/conac/"><img src="/images/dzjg.png" alt="党政机关"></a></span></div>'
)


def realpages() -> Path:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    return folder


def page_html(
    body: str, head: str = '<meta name="viewport" content="width=device-width, initial-scale=1">'
) -> str:
    return f'<html><head><title>某页</title>{head}</head><body><div class="header">页头</div><div class="main">{body}</div>{FULL_FOOTER}</body></html>'


def test_full_footer_items() -> None:
    fact = footer_fact(parse_html(page_html("<p>正文</p>"), f"{BASE}/a.html"))
    assert fact is not None
    assert fact["site_code"] == "6401990001"
    assert fact["icp"] == "宁ICP备05001234号-1"
    assert fact["psb_filing"] == "宁公网安备 64019902000123号"
    assert fact["party_gov_logo"] is True
    assert fact["sponsor"] == "某某县人民政府办公室"


def test_footer_without_site_code_keeps_the_meta_as_a_hint() -> None:
    html = page_html("<p>正文</p>", '<meta name="SiteIDCode" content="6401990002">').replace(
        "网站标识码：6401990001", ""
    )
    fact = footer_fact(parse_html(html, f"{BASE}/a.html"))
    assert fact is not None
    assert fact["site_code"] is None
    assert fact["site_code_meta"] == "6401990002"


def test_same_footer_same_signature_other_footer_other_signature() -> None:
    a = footer_fact(parse_html(page_html("<p>一</p>"), f"{BASE}/a.html"))
    b = footer_fact(parse_html(page_html("<table><tr><td>二</td></tr></table>"), f"{BASE}/b.html"))
    c = footer_fact(
        parse_html(page_html("<p>三</p>").replace("网站标识码：6401990001", ""), f"{BASE}/c.html")
    )
    assert a is not None and b is not None and c is not None
    assert a["signature"] == b["signature"] != c["signature"]


def test_template_signature_follows_the_layout_not_the_content() -> None:
    a = template_fact(parse_html(page_html("<p>一段</p><p>两段</p>"), f"{BASE}/a.html"))
    b = template_fact(parse_html(page_html("<p>另一篇文章</p>"), f"{BASE}/b.html"))
    other = page_html("<p>x</p>").replace('class="main"', 'class="list-wrap"')
    c = template_fact(parse_html(other, f"{BASE}/c.html"))
    no_viewport = template_fact(parse_html(page_html("<p>x</p>", head=""), f"{BASE}/d.html"))
    assert a == b
    assert c != a
    assert no_viewport != a


def test_viewport_rules() -> None:
    assert viewport_fact(parse_html(page_html("<p>x</p>", head=""), f"{BASE}/a.html")) == {"content": None}
    assert viewport_fits("width=device-width, initial-scale=1", 375)
    assert not viewport_fits("width=1100", 375)
    assert not viewport_fits(None, 375)
    twice = '<meta name="viewport" content="width=1200"><meta name="Viewport" content="width=device-width">'
    assert viewport(parse_html(page_html("<p>x</p>", head=twice), f"{BASE}/a.html")) == "width=device-width"


# Footer items of real pages as printed (None: the static HTML does not show it)
REAL_FOOTERS = {
    "gne-govcn-gongbao-2007-23.html": {
        "site_code": "bm01000001",
        "icp": "京ICP备05070218号",
        "psb_filing": "京公网安备11010202000001号",
        "party_gov_logo": True,
        "sponsor": "国务院办公厅",
    },
    "ccgp-hebei-zbgg-2021-saved.html": {
        "site_code": "1300000065",
        "icp": "冀ICP备13016076号-2",
        "party_gov_logo": True,
        "sponsor": "河北省财政厅",
    },
    "gne-shanxi-gov-article-2019.html": {
        "site_code": "1400000045",
        "icp": "晋ICP备12000773号",
        "psb_filing": "晋公网安备 14010502050691号",
        "party_gov_logo": True,
        "sponsor": "山西省人民政府办公厅",
    },
    "gs-jyt-list-wjtz.html": {
        "site_code": "6200000068",
        "icp": "陇ICP备17003689号-1",
        "psb_filing": "甘公网安备62010202000617号",
        "sponsor": "甘肃省教育厅",
    },
    "nfra-article-rendered-2024.html": {
        "site_code": "bm55000001",
        "icp": "京ICP备19014889号",
        "psb_filing": "京公网安备11010202008000号",
        "sponsor": "国家金融监督管理总局",
    },
    "magichtml-kepu-article-2023.html": {
        "site_code": "bm06000004",
        "psb_filing": None,
        "party_gov_logo": True,
    },
    "gne-cmse-article-b.html": {"site_code": None, "icp": "京ICP备20027467号-1", "party_gov_logo": None},
    "wanzai-tjgb-2022-saved.html": {"site_code": "3609220011", "sponsor": "万载县人民政府"},
}


@pytest.mark.parametrize("name", sorted(REAL_FOOTERS))
def test_footer_items_of_real_pages(name: str) -> None:
    path = realpages() / name
    fact = footer_fact(parse_html(path.read_text("utf-8"), f"{BASE}/a/b.html"))
    assert fact is not None
    for item, expected in REAL_FOOTERS[name].items():
        assert fact[item] == expected, item


def test_real_page_with_a_fixed_desktop_viewport() -> None:
    # its device-width viewport is commented out; width=1100 is what a phone gets
    page = parse_html((realpages() / "nfra-article-rendered-2024.html").read_text("utf-8"), f"{BASE}/a.html")
    assert viewport(page) == "width=1100"
    assert not viewport_fits(viewport(page), 375)
