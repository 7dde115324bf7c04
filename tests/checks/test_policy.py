"""policy_expired_unlabeled: a policy whose validity ended while the page does not say 失效/废止."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.extractors.policy import policy_fact
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure.offline import site_from_html

TZ = timezone(timedelta(hours=8))
NOW = datetime(2024, 6, 30, 10, 0, tzinfo=TZ)
URL = "http://127.0.0.1:8080/col/zcwj/202105/t20210520_1.html"
REPO = Path(__file__).resolve().parents[2]


def doc(
    validity: str, body: str, title: str = "某县人民政府办公室关于印发某某管理办法的通知", interp: bool = True
) -> str:
    link = '<a href="/col/zcjd/t1.html">《某某管理办法》政策解读</a>' if interp else ""
    return f"""<html><head><title>{title}</title></head><body>
<table class="xxgk"><tr><td>索引号：</td><td>001234567/2021-00012</td><td>发布机构：</td><td>某县政府办</td></tr>
<tr><td>文号：</td><td>某政办发〔2021〕12号</td><td>成文日期：</td><td>2021年05月20日</td></tr>
<tr><td>有效性：</td><td>{validity}</td></tr></table><h1>{title}</h1>
<div class="content"><p>第一条 为了……制定本办法。</p><p>{body}</p></div>{link}</body></html>"""


def check(html: str, url: str = URL) -> list[Finding]:
    """The scan's site check over the stored fact and check-html's page check must agree."""
    ctx = CheckContext(settings=Settings(), site_url="http://127.0.0.1:8080/", now=NOW)
    in_scan = list(all_checks()["policy_validity"].fn(site_from_html({url: html}, "http://127.0.0.1:8080/"), ctx))
    offline = CheckContext(settings=Settings(), site_url="http://127.0.0.1:8080/", now=NOW, offline=True)
    single = list(all_checks()["policy_validity_page"].fn(parse_html(html, url), offline))
    assert [(f.page, f.evidence, f.detail) for f in in_scan] == [(f.page, f.evidence, f.detail) for f in single]
    return in_scan


def test_a_policy_expiring_after_the_last_scan_is_found_from_its_stored_fact() -> None:
    """An incremental scan reuses an unchanged page's findings, so expiry is judged from the fact at each scan."""
    html = doc("有效", "本办法自2021年6月1日起施行，有效期2年。")
    site = site_from_html({URL: html}, "http://127.0.0.1:8080/")
    before = CheckContext(settings=Settings(), site_url="http://127.0.0.1:8080/", now=datetime(2023, 5, 1, tzinfo=TZ))
    after = CheckContext(settings=Settings(), site_url="http://127.0.0.1:8080/", now=datetime(2023, 6, 2, tzinfo=TZ))
    assert list(all_checks()["policy_validity"].fn(site, before)) == []
    assert [f.code for f in all_checks()["policy_validity"].fn(site, after)] == ["policy_expired_unlabeled"]
    assert all_checks()["policy_validity"].scope == "site"


def test_ended_period_still_marked_valid() -> None:
    found = check(doc("有效", "本办法自2021年6月1日起施行，有效期2年。"))
    assert len(found) == 1
    f = found[0]
    assert f.code == "policy_expired_unlabeled" and f.page == URL
    assert f.evidence == "自2021年6月1日起施行，有效期2年"
    assert f.detail["valid_until"] == "2023-05-31" and f.detail["validity"] == "有效"


@pytest.mark.parametrize(
    "body",
    [
        "有效期至2023年12月31日。",
        "本办法自印发之日起施行，有效期两年。",
        "有效期为2020年1月1日至2022年12月31日。",
    ],
)
def test_other_ways_of_stating_the_period(body: str) -> None:
    assert [f.code for f in check(doc("有效", body))] == ["policy_expired_unlabeled"]


@pytest.mark.parametrize(
    ("validity", "body", "title"),
    [
        ("失效", "本办法自2021年6月1日起施行，有效期2年。", "关于印发某某管理办法的通知"),
        ("废止", "有效期至2023年12月31日。", "关于印发某某管理办法的通知"),
        ("有效", "本办法自2021年6月1日起施行，有效期2年。", "关于印发某某管理办法的通知（已失效）"),
        ("有效", "本办法自2023年6月1日起施行，有效期5年。", "关于印发某某管理办法的通知"),
        ("有效", "本办法自印发之日起施行。", "关于印发某某管理办法的通知"),
    ],
)
def test_labelled_still_valid_or_open_ended_is_not_flagged(validity: str, body: str, title: str) -> None:
    assert check(doc(validity, body, title)) == []


def test_an_article_quoting_a_period_is_no_policy_document() -> None:
    html = "<html><body><h1>我县召开会议</h1><p>发布时间：2021-06-01</p><p>该项目有效期至2022年12月31日。</p></body></html>"
    assert check(html, "http://127.0.0.1:8080/col/zwdt/202106/t20210601_1.html") == []


def test_interpretation_link_is_kept_as_a_fact() -> None:
    with_link = policy_fact(parse_html(doc("有效", "自印发之日起施行。"), URL))
    without = policy_fact(parse_html(doc("有效", "自印发之日起施行。", interp=False), URL))
    assert with_link is not None and with_link["interpretation_link"] is True
    assert without is not None and without["interpretation_link"] is False
    assert with_link["issued"] == "2021-05-20"


def test_real_policy_pages_are_not_flagged() -> None:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    for name in (
        "gne-govcn-gongbao-2007-23.html",
        "gs-fzgg-notice-2025.html",
        "nfra-article-rendered-2024.html",
    ):
        assert check((folder / name).read_text("utf-8"), "http://127.0.0.1/a/b.html") == [], name
