"""The page check "text": the six content codes from a page's title and visible text."""

from __future__ import annotations

import datetime as dt
import glob
from pathlib import Path

import pytest

from govinspect.checks.registry import CheckContext, all_checks, run_page_checks
from govinspect.checks.text import check_attachment
from govinspect.parse.page import parse_html
from govinspect.settings import Settings
from govinspect.text.privacy import id_check_char

URL = "http://127.0.0.1:8765/col/tzgg/202401/t20240105_1.html"
NOW = dt.datetime(2026, 11, 29, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
VALID_ID = "11010119900307757" + id_check_char("11010119900307757")

DEMO_PAGE = f"""<html><head><title>关于布署2024年防汛工作的通知</title>
<script>var s = "六合彩 in a script is not visible text";</script></head>
<body><div class="nav"><a href="/">首页</a></div>
<div class="article">
<p>各单位要再接再励，深入学习党的20大精神。北朝鲜代表团来访。</p>
<p>机密★1年</p>
<p>（一）总体要求</p><p>（二）主要任务</p><p>（二）保障措施</p><p>（四）工作要求</p>
<p>申请人身份证号{VALID_ID}，联系电话13812345678。</p>
</div>
<div style="display:none"><a href="http://127.0.0.2/">六合彩</a><a href="http://127.0.0.2/c">网上赌场</a></div>
</body></html>"""


def _ctx(**kw: object) -> CheckContext:
    return CheckContext(settings=Settings(), site_url="http://127.0.0.1:8765/", now=NOW, **kw)  # type: ignore[arg-type]


def test_text_check_is_registered() -> None:
    check = all_checks()["text"]
    assert check.scope == "page"
    assert set(check.codes) == {
        "typo",
        "serious_error",
        "sensitive_word",
        "privacy_leak",
        "secret_marking",
        "numbering_error",
    }


def test_demo_page_gives_all_six_codes() -> None:
    page = parse_html(DEMO_PAGE, URL)
    ctx = _ctx()
    findings = run_page_checks(page, ctx, [all_checks()["text"]])
    assert ctx.errors == []
    evidence = {(f.code, f.evidence) for f in findings}
    for expected in [
        ("typo", "布署"),
        ("typo", "再接再励"),
        ("serious_error", "党的20大"),
        ("serious_error", "北朝鲜"),
        ("sensitive_word", "六合彩"),
        ("sensitive_word", "网上赌场"),
        ("privacy_leak", VALID_ID),
        ("privacy_leak", "13812345678"),
        ("secret_marking", "机密★1年"),
        ("numbering_error", "（二）"),
    ]:
        assert expected in evidence, expected
    assert all(f.page == URL and f.target is None for f in findings)
    # the script's text is not page text: 六合彩 is found once (the hidden link), not twice
    assert sum(1 for f in findings if f.evidence == "六合彩") == 1
    assert len({f.fingerprint() for f in findings}) == len(findings)


def test_engine_built_once_per_scan() -> None:
    ctx = _ctx()
    check = all_checks()["text"]
    run_page_checks(parse_html("<p>布署</p>", URL), ctx, [check])
    engine = ctx.cache["text_engine"]
    run_page_checks(parse_html("<p>再接再励</p>", URL), ctx, [check])
    assert ctx.cache["text_engine"] is engine


def test_clean_page_gives_nothing() -> None:
    html = "<html><head><title>市政府办公室关于做好防汛工作的通知</title></head><body><p>各县区人民政府：为做好今年防汛工作，现将有关事项通知如下。</p><p>联系电话：0791-86123456</p></body></html>"
    assert run_page_checks(parse_html(html, URL), _ctx(), [all_checks()["text"]]) == []


def test_site_allow_list_reaches_the_check() -> None:
    ctx = _ctx(site_config={"text": {"allow": ["六合彩"]}})
    findings = run_page_checks(parse_html("<p>六合彩</p>", URL), ctx, [all_checks()["text"]])
    assert findings == []


def test_bad_user_list_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "typos.tsv").write_text("只有一列\n", encoding="utf-8")
    ctx = CheckContext(settings=Settings(data_dir=tmp_path), site_url="http://127.0.0.1:8765/", now=NOW)
    assert run_page_checks(parse_html("<p>布署</p>", URL), ctx, [all_checks()["text"]]) == []
    assert len(ctx.errors) == 1 and "typos.tsv 第 1 行" in ctx.errors[0]


def test_attachment_findings_name_the_attachment() -> None:
    ctx = _ctx()
    findings = check_attachment(
        "名单：张三，13812345678\n".encode(), "名单.txt", url="http://127.0.0.1:8765/a.txt", page_url=URL, ctx=ctx
    )
    assert [(f.code, f.target, f.page) for f in findings] == [("privacy_leak", "http://127.0.0.1:8765/a.txt", URL)]
    assert check_attachment(b"", "x.pdf", url="http://127.0.0.1:8765/x.pdf", page_url=URL, ctx=ctx) == []
    assert "x.pdf" in ctx.errors[-1]


REAL_PAGES = sorted(glob.glob("/work/shared/data/realpages/*.html"))


@pytest.mark.skipif(not REAL_PAGES, reason="shared real pages not available")
def test_real_government_pages_raise_few_alarms() -> None:
    """Real pages are mostly clean: no secret marks or sensitive words, and few typo alarms."""
    ctx = _ctx()
    check = all_checks()["text"]
    counts: dict[str, int] = {}
    for path in REAL_PAGES:
        html = Path(path).read_text("utf-8", errors="replace")
        for f in run_page_checks(parse_html(html, "http://127.0.0.1:8765/p.html"), ctx, [check]):
            counts[f.code] = counts.get(f.code, 0) + 1
    assert ctx.errors == []
    assert counts.get("secret_marking", 0) == 0
    assert counts.get("sensitive_word", 0) == 0
    assert counts.get("typo", 0) <= 5


TEXT_CODES = {"typo", "serious_error", "sensitive_word", "privacy_leak", "secret_marking", "numbering_error"}


def test_demo_site_plants_found_and_nothing_else() -> None:
    """Every text problem the demo site plants is found on its page; no other text finding anywhere."""
    sitegen = pytest.importorskip("govinspect.demo.sitegen")
    from govinspect.demo.model import DemoHosts

    site = sitegen.build_site(pages=300, hosts=DemoHosts.for_port(8765))
    ctx = CheckContext(settings=Settings(), site_url=site.home_url, now=site.now, site_config=site.site_config)
    check = all_checks()["text"]
    found = set()
    for url, resource in site.html_pages():
        if not site.is_dynamic(url):
            for f in run_page_checks(parse_html(resource.text(), url), ctx, [check]):
                found.add((f.code, f.page, f.evidence))
    assert ctx.errors == []
    expected = {(e.code, e.page, e.evidence) for e in site.expected if e.code in TEXT_CODES}
    assert len(expected) >= 10
    assert expected - found == set()
    assert found - expected == set()
    must_not = {(m.code, m.page, m.evidence) for m in site.must_not_flag if m.code in TEXT_CODES}
    assert must_not & found == set()
