"""Dates as government pages write them, and the publication date of article pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govinspect.parse.dates import (
    date_from_url,
    find_dates,
    is_date_only,
    parse_date,
    parse_month_day,
    publication_date,
    resolve_month_day,
    year_of_heading,
)
from govinspect.parse.page import parse_html

REPO = Path(__file__).resolve().parents[2]


def realpages() -> Path:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    return folder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：2023-05-12 10:30", date(2023, 5, 12)),
        ("2023/5/2", date(2023, 5, 2)),
        ("2023.05.12", date(2023, 5, 12)),
        ("2023年5月12日", date(2023, 5, 12)),
        ("2023 年 05 月 26 日", date(2023, 5, 26)),
        ("二〇二三年五月十二日", date(2023, 5, 12)),
        ("二〇二一年十二月三十一日", date(2021, 12, 31)),
        ("[2023-05-12]", date(2023, 5, 12)),
    ],
)
def test_parse_date_reads_the_usual_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2023-02-30", "2023-13-01", "1-10月德清县", "电话 0951-6012345", "1888-01-01", ""]
)
def test_parse_date_rejects_what_is_no_date(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_returns_every_date_in_order() -> None:
    found = find_dates("自2021年6月1日起施行，有效期至2023-05-31。")
    assert [f.value for f in found] == [date(2021, 6, 1), date(2023, 5, 31)]


def test_month_day_and_year_heading() -> None:
    assert parse_month_day("05-12") == (5, 12)
    assert parse_month_day("5月12日") == (5, 12)
    assert parse_month_day("13-40") is None
    assert year_of_heading("2023年") == 2023
    assert year_of_heading("2023年工作") is None


def test_year_less_dates_resolve_to_the_latest_past_day() -> None:
    today = date(2024, 1, 10)
    assert resolve_month_day(1, 5, today) == date(2024, 1, 5)
    assert resolve_month_day(12, 28, today) == date(2023, 12, 28)  # not in the future


def test_date_only_lines() -> None:
    assert is_date_only("2023-12-01 14:43")
    assert is_date_only("[2023-05-12]")
    assert not is_date_only("2023-12-01 会议召开")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1/col/tzgg/202305/t20230512_123456.html", date(2023, 5, 12)),
        ("http://127.0.0.1/art/2025/8/14/art_80179_11623340.html", date(2025, 8, 14)),
        ("http://127.0.0.1/politics/2023-12/01/content_1755244.html", date(2023, 12, 1)),
        ("http://127.0.0.1/col/tzgg/index.html", None),
    ],
)
def test_dates_in_article_urls(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


def _page(body: str, head: str = "", url: str = "http://127.0.0.1/a/b.html") -> str:
    return f"<html><head><title>标题</title>{head}</head><body>{body}</body></html>"


def test_labelled_date_wins_over_meta_and_url() -> None:
    html = _page(
        "<div>日期：2023-01-02</div><div>发布时间：<span>2023-05-12</span></div>",
        '<meta name="PubDate" content="2022-01-01 10:00">',
    )
    found = publication_date(parse_html(html, "http://127.0.0.1/col/a/202001/t20200101_1.html"))
    assert found is not None
    assert found.value == date(2023, 5, 12)
    assert found.source == "label:发布时间"


def test_message_time_is_not_a_publication_time() -> None:
    html = _page("<p>留言时间：2020-01-01</p><p>正文</p>", '<meta name="PubDate" content="2023-05-12">')
    found = publication_date(parse_html(html, "http://127.0.0.1/a.html"))
    assert found is not None and found.value == date(2023, 5, 12)
    assert found.source == "meta:pubdate"


def test_meta_pubdate_equal_to_generation_time_is_ignored() -> None:
    head = '<meta name="PubDate" content="2025-03-27 09:36:38"><meta name="others" content="页面生成时间 2025-03-27 09:36:38">'
    found = publication_date(
        parse_html(_page("<p>正文</p>", head), "http://127.0.0.1/col/x/202502/t20250226_9.html")
    )
    assert found is not None
    assert found.value == date(2025, 2, 26)
    assert found.source == "url"


def test_json_ld_in_a_script() -> None:
    body = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-05T08:00:00+08:00"}</script>'
    found = publication_date(parse_html(_page(body), "http://127.0.0.1/a.html"))
    assert found is not None and found.value == date(2024, 3, 5) and found.source == "script"


def test_a_page_without_any_date() -> None:
    assert publication_date(parse_html(_page("<p>关于我们</p>"), "http://127.0.0.1/about.html")) is None


# Publication dates of the real pages as an inspector reads them on the page (visible label first;
# a meta PubDate that is only the template's generation time does not count).
REAL_DATES = {
    "ccgp-gov-cjgg.html": date(2021, 6, 10),
    "ccgp-hebei-zbgg-2021-saved.html": date(2021, 10, 11),
    "gne-cmse-article-2012.html": date(2012, 6, 24),
    "gne-cmse-article-b.html": date(2021, 1, 5),
    "gne-govcn-gongbao-2007-23.html": date(2007, 8, 20),
    "gne-shanxi-gov-article-2019.html": date(2019, 9, 18),
    "gne-zjfgw-article-2016.html": date(2016, 11, 22),
    "gs-fzgg-notice-2025.html": date(2025, 2, 26),
    "jiangxi-tjgb-2022-on-yichun-saved.html": date(2023, 3, 31),
    "magichtml-kepu-article-2023.html": date(2023, 12, 1),
    "nfra-article-rendered-2024.html": date(2024, 7, 12),
    "nfra-article-rendered-2025.html": date(2025, 6, 3),
    "wanzai-tjgb-2015-saved.html": date(2017, 5, 15),
    "wanzai-tjgb-2022-saved.html": date(2023, 5, 11),
    "yichun-tjgb-2022-saved.html": date(2023, 4, 18),
}


@pytest.mark.parametrize("name", sorted(REAL_DATES))
def test_publication_dates_of_real_pages(name: str) -> None:
    path = realpages() / name
    if not path.exists():
        pytest.skip(f"{name} 不存在")
    page = parse_html(path.read_text("utf-8"), "http://127.0.0.1/a/b.html")
    found = publication_date(page)
    assert found is not None
    assert found.value == REAL_DATES[name]
