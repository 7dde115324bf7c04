"""review_footer_missing (三审信息) and attachment_name_unclear (附件命名)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from govinspect.checks.article_norms import unclear_reason
from govinspect.checks.registry import CheckContext, all_checks
from govinspect.findings import Finding
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.structure.offline import site_from_html

NOW = datetime(2024, 6, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
B = "http://127.0.0.1:8080"
FULL = "<p>撰稿：张三　审核：李四　审签：王五</p>"


def ctx(offline: bool = False, **site_config: object) -> CheckContext:
    return CheckContext(
        settings=Settings(), site_url=B + "/", now=NOW, offline=offline, site_config=site_config
    )


def article(n: int, footer: str) -> str:
    return (
        f"<html><head><title>第{n}篇文章</title></head><body><h1>第{n}篇文章</h1>"
        f"<p>发布时间：2024-06-0{1 + n % 9}</p><p>正文内容。</p>{footer}</body></html>"
    )


def article_site(footers: list[str]) -> dict[str, str]:
    return {f"{B}/col/zwdt/202406/t2024060{1 + n % 9}_{n}.html": article(n, f) for n, f in enumerate(footers)}


def review(pages: dict[str, str], context: CheckContext) -> list[Finding]:
    return list(all_checks()["review_footer"].fn(site_from_html(pages, B + "/"), context))


def test_inferred_requirement_flags_the_articles_without_it() -> None:
    pages = article_site([FULL] * 8 + ["", "<p>撰稿：赵六</p>"])
    found = review(pages, ctx())
    assert len(found) == 2
    missing = sorted(tuple(f.detail["missing"]) for f in found)
    assert missing == [("审核", "审签"), ("撰稿", "审核", "审签")]
    assert all("8/10" in f.detail["basis"] or "9/10" in f.detail["basis"] for f in found)
    partial = next(f for f in found if len(f.detail["missing"]) == 2)
    assert partial.evidence == "撰稿：赵六"


def test_site_that_does_not_print_it_is_not_flagged() -> None:
    assert review(article_site([""] * 9 + [FULL]), ctx()) == []


def test_setting_decides() -> None:
    pages = article_site([""] * 6)
    assert len(review(pages, ctx(require_review_footer=True))) == 6
    assert review(article_site([FULL] * 8 + [""]), ctx(require_review_footer=False)) == []


def test_check_html_only_with_the_setting() -> None:
    check = all_checks()["review_footer_page"].fn
    page = parse_html(article(1, ""), f"{B}/col/zwdt/202406/t20240602_1.html")
    assert list(check(page, ctx(offline=True))) == []
    found = list(check(page, ctx(offline=True, require_review_footer=True)))
    assert [f.code for f in found] == ["review_footer_missing"]
    ok = parse_html(article(1, FULL), f"{B}/col/zwdt/202406/t20240602_1.html")
    assert list(check(ok, ctx(offline=True, require_review_footer=True))) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("附件", "bare_word"),
        ("点击下载", "bare_word"),
        ("附件1", "bare_word"),
        ("附件二：", "bare_word"),
        ("P020230512345678901234.pdf", "raw_name"),
        ("P020230512345678901234", "raw_name"),
        ("scan_001.docx", "raw_name"),
        ("《某某县实施方案》.pdf", None),
        ("附件1：某某县2024年项目清单.xlsx", None),
        ("某某县实施方案", None),
        ("", None),
    ],
)
def test_unclear_names(text: str, reason: str | None) -> None:
    assert unclear_reason(text) == reason


def test_attachment_page_check() -> None:
    html = (
        "<html><body><h1>关于印发方案的通知</h1>"
        '<a href="/col/tzgg/202406/P020240601000001.docx">附件</a>'
        '<a href="/col/tzgg/202406/P020230512345678901234.pdf">P020230512345678901234.pdf</a>'
        '<a href="/col/tzgg/202406/P020240601000002.pdf">《某某县实施方案》.pdf</a>'
        '<a href="/col/tzgg/202406/t20240601_2.html">附件</a></body></html>'
    )
    url = f"{B}/col/tzgg/202406/t20240601_1.html"
    found = list(all_checks()["attachment_names"].fn(parse_html(html, url), ctx()))
    assert [(f.evidence, f.target) for f in found] == [
        ("附件", f"{B}/col/tzgg/202406/P020240601000001.docx"),
        ("P020230512345678901234.pdf", f"{B}/col/tzgg/202406/P020230512345678901234.pdf"),
    ]
    assert [f.detail["rule"] for f in found] == ["bare_word", "raw_name"]
    assert all(f.severity == "notice" and f.suggestion for f in found)
