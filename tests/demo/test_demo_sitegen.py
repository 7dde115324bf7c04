"""The generated demo portal: deterministic, complete manifest, every link resolves but the planted ones."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from govinspect.crawl.urls import normalize
from govinspect.demo.model import DemoHosts, DemoSite, Resource
from govinspect.demo.sitegen import build_site
from govinspect.demo.util import chinese_number, id_check_digit
from govinspect.findings import code_table
from govinspect.parse.encoding import decode_html
from govinspect.parse.page import Link, parse_html
from govinspect.parse.soft404 import is_soft_404

BROKEN_CODES = {"broken_link", "broken_resource"}


def _digest(site: DemoSite) -> str:
    h = hashlib.sha256()
    for url in sorted(site.resources):
        res = site.resources[url]
        h.update(url.encode())
        h.update(res.content_type.encode())
        h.update(res.body)
    return h.hexdigest()


def test_same_inputs_give_the_same_site(site: DemoSite) -> None:
    again = build_site(pages=300, now=site.now, seed=1, hosts=site.hosts)
    assert _digest(again) == _digest(site)
    assert again.expected == site.expected
    assert again.must_not_flag == site.must_not_flag


def test_another_seed_changes_the_content_but_not_the_plants(site: DemoSite) -> None:
    other = build_site(pages=300, now=site.now, seed=2, hosts=site.hosts)
    assert _digest(other) != _digest(site)
    assert [(e.code, e.page, e.target) for e in other.expected] == [
        (e.code, e.page, e.target) for e in site.expected
    ]


def test_every_code_but_account_stale_and_site_unreachable_is_planted(site: DemoSite) -> None:
    planted = {e.code for e in site.expected}
    assert planted == set(code_table()) - {"account_stale", "site_unreachable"}
    for e in site.expected:
        assert e.code in code_table()


def test_expected_pages_exist_and_carry_their_evidence(
    site: DemoSite, text_of: Callable[[Resource], str]
) -> None:
    for e in site.expected:
        res = site.get(e.page)
        assert res is not None and res.status == 200, e
        assert res.is_html, e
        if e.evidence is not None:
            assert e.evidence in text_of(res), e


def test_must_not_flag_items_are_on_their_pages(site: DemoSite, text_of: Callable[[Resource], str]) -> None:
    assert {n.code for n in site.must_not_flag} >= {"privacy_leak", "hidden_link", "policy_expired_unlabeled"}
    for n in site.must_not_flag:
        res = site.get(n.page)
        assert res is not None
        assert n.evidence is not None and n.evidence in text_of(res), n


def test_planted_words_never_appear_outside_their_pages(
    site: DemoSite, text_of: Callable[[Resource], str]
) -> None:
    """Titles are repeated on list pages: a planted word there would be an unplanned finding."""
    words: dict[str, set[str]] = {}
    for e in site.expected:
        if e.code in {"typo", "serious_error", "sensitive_word"} and e.evidence:
            words.setdefault(e.evidence, set()).add(e.page)
    assert len(words) >= 6
    for url, res in site.html_pages("main"):
        text = text_of(res)
        for word, pages in words.items():
            assert word not in text or url in pages, (word, url)


_RESOLVED: dict[str, bool] = {}


def _resolves(site: DemoSite, url: str) -> bool:
    """True when following ``url`` ends on a real page or file (not a loop, a 404, a soft 404)."""
    key = f"{site.hosts.main} {url}"
    if key not in _RESOLVED:
        _RESOLVED[key] = _resolves_uncached(site, url)
    return _RESOLVED[key]


def _resolves_uncached(site: DemoSite, url: str) -> bool:
    if site.is_dynamic(url):
        return urlsplit(url).path != site.slow_path
    res = site.get(url)
    if res is None and url.endswith("/"):
        res = site.get(url + "index.html")
    if res is None or res.status != 200:
        return False
    return not (res.is_html and is_soft_404(parse_html(res.text(), url)))


def test_links_resolve_except_the_planted_broken_ones(
    site: DemoSite, links_of: Callable[[str, Resource], list[Link]]
) -> None:
    planted = {(e.page, e.target) for e in site.expected if e.code in BROKEN_CODES}
    hidden = {(e.page, e.target) for e in site.expected if e.code == "hidden_link"}
    seen_broken: set[tuple[str | None, str | None]] = set()
    checked = 0
    for url, res in site.html_pages("main"):
        for link in links_of(url, res):
            target = normalize(link.url)
            checked += 1
            if (url, target) in hidden:
                continue
            if _resolves(site, target):
                assert (url, target) not in planted, f"planted broken target works: {target}"
            else:
                assert (url, target) in planted, f"unplanned broken link on {url}: {target}"
                seen_broken.add((url, target))
    assert checked > 5000
    assert seen_broken == planted


def test_nothing_links_outside_loopback(
    site: DemoSite, links_of: Callable[[str, Resource], list[Link]]
) -> None:
    for url, res in site.html_pages():
        for link in links_of(url, res):
            host = urlsplit(link.url).hostname or ""
            assert host.startswith("127."), (url, link.url)
        # no real domain is even written as a link target (the ICP number links to the 127.0.0.2 mirror)
        assert "miit.gov.cn" not in res.text() and "conac.cn" not in res.text()


def test_gbk_subsite_decodes_only_as_gbk(site: DemoSite) -> None:
    pages = list(site.html_pages())
    gbk = [(u, r) for u, r in pages if "/bm/jyj/" in u]
    assert len(gbk) >= 8
    declared = Counter("charset=gb2312" in r.body.decode("gbk") for _, r in gbk)
    assert declared[True] >= 2 and declared[False] >= 2  # meta on some pages, nothing on others
    for url, res in gbk:
        assert res.content_type == "text/html", url  # no charset in the header
        with pytest.raises(UnicodeDecodeError):
            res.body.decode("utf-8")
        text, enc = decode_html(res.body, res.content_type)
        assert enc == "gb18030", url
        assert "宁川县教育局" in text


def test_subsite_home_is_stale_and_the_portal_home_is_fresh(site: DemoSite) -> None:
    dates = re.compile(r"\d{4}-\d{2}-\d{2}")
    sub_home = site.get(site.url("/bm/jyj/"))
    assert sub_home is not None
    sub_dates = [d for d in dates.findall(sub_home.text())]
    assert sub_dates and max(sub_dates) < (site.now.date() - timedelta(days=30)).isoformat()
    home = site.get(site.home_url)
    assert home is not None
    assert max(dates.findall(home.text())) >= (site.now.date() - timedelta(days=2)).isoformat()


def test_stale_and_empty_columns(site: DemoSite) -> None:
    stale = {e.page: e.detail for e in site.expected if e.code == "column_stale"}
    assert {d["days"] for d in stale.values()} == {40, 240}
    empty = [e for e in site.expected if e.code == "column_empty"]
    assert len(empty) == 1
    res = site.get(empty[0].page)
    assert res is not None and "暂无信息" in res.text()


def test_fresh_columns_stay_fresh(site: DemoSite) -> None:
    planted = {e.page for e in site.expected if e.code in {"column_stale", "column_empty"}}
    for key in ("zwdt", "tzgg", "zcwj", "zcjd", "rsxx", "ghjh"):
        url = site.url(f"/col/{key}/index.html")
        assert url not in planted
        res = site.get(url)
        assert res is not None
        newest = max(re.findall(r"\[(\d{4}-\d{2}-\d{2})\]", res.text()))
        assert newest >= (site.now.date() - timedelta(days=14)).isoformat(), key


def test_privacy_plants(site: DemoSite) -> None:
    leaks = [e for e in site.expected if e.code == "privacy_leak"]
    id_card = next(e.evidence for e in leaks if e.detail.get("kind") == "id_card")
    assert id_card is not None and id_card.startswith("110101") and len(id_card) == 18
    assert id_check_digit(id_card[:17]) == id_card[17]
    mobile = next(e.evidence for e in leaks if e.detail.get("kind") == "mobile")
    assert mobile is not None and re.fullmatch(r"1[3-9]\d{9}", mobile)
    masked = [n.evidence for n in site.must_not_flag if n.code == "privacy_leak"]
    assert any(m and "*" in m and m.startswith("110101") for m in masked)


def test_id_check_digit_matches_the_standard_example() -> None:
    assert id_check_digit("11010519491231002") == "X"  # the GB 11643 sample number
    assert chinese_number(12) == "十二" and chinese_number(20) == "二十" and chinese_number(4) == "四"


def test_pagination_is_written_by_script_only(site: DemoSite) -> None:
    res = site.get(site.url("/col/zwdt/index.html"))
    assert res is not None
    text = res.text()
    assert "createPageHTML(" in text
    assert 'href="index_1.html"' not in text
    assert site.get(site.url("/col/zwdt/index_1.html")) is not None


def test_attachments_are_real_files(site: DemoSite) -> None:
    import docx
    import openpyxl
    import pypdf

    kinds: Counter[str] = Counter()
    for url, res in site.resources.items():
        path = urlsplit(url).path
        if path.endswith(".pdf"):
            assert len(pypdf.PdfReader(io.BytesIO(res.body)).pages) == 1
        elif path.endswith(".docx"):
            assert docx.Document(io.BytesIO(res.body)).paragraphs
        elif path.endswith(".xlsx"):
            assert openpyxl.load_workbook(io.BytesIO(res.body)).active is not None
        elif path.endswith(".txt") and "/col/" in path:
            assert res.content_type == "text/plain"
            res.body.decode("gb18030")
            with pytest.raises(UnicodeDecodeError):
                res.body.decode("utf-8")
        else:
            continue
        kinds[path.rsplit(".", 1)[1]] += 1
    assert set(kinds) == {"pdf", "docx", "xlsx", "txt"}


def test_soft404_page_is_recognised_and_articles_are_not(site: DemoSite) -> None:
    soft = [e.target for e in site.expected if e.code == "broken_link" and e.target and "99002" in e.target]
    assert len(soft) == 1
    res = site.get(soft[0])
    assert res is not None and res.status == 200
    assert is_soft_404(parse_html(res.text(), soft[0]))
    article = next(e.page for e in site.expected if e.code == "typo")
    res2 = site.get(article)
    assert res2 is not None and not is_soft_404(parse_html(res2.text(), article))


def test_one_page_without_viewport(site: DemoSite) -> None:
    mobile = {e.page for e in site.expected if e.code == "mobile_unfriendly"}
    for url, res in site.html_pages("main"):
        page = parse_html(res.text(), url)
        if url in mobile:
            assert "viewport" not in page.meta and "width:1200px" in res.text()
        elif not is_soft_404(page):
            assert "viewport" in page.meta, url


def test_footer_items_everywhere_but_the_subsite_code(site: DemoSite) -> None:
    for url, res in site.html_pages("main"):
        text = res.text() if res.encoding == "utf-8" else res.body.decode("gbk")
        page = parse_html(text, url)
        if is_soft_404(page):
            continue
        for item in ("主办单位", "ICP备", "公网安备", "党政机关"):
            assert item in text, (url, item)
        assert ("网站标识码" in text) == ("/bm/jyj/" not in url), url


def test_review_footer_on_all_articles_but_two(site: DemoSite) -> None:
    missing = {e.page for e in site.expected if e.code == "review_footer_missing"}
    assert len(missing) == 2
    articles = [(u, r) for u, r in site.html_pages("main") if re.search(r"/t\d{8}_\d+\.html$", u)]
    for url, res in articles:
        res_text = res.body.decode(res.encoding or "utf-8")
        if site.get(url) is None or "PubDate" not in res_text:
            continue
        assert ("撰稿：" in res_text) == (url not in missing), url


@pytest.mark.parametrize("pages", [5000])
def test_large_site_is_built_lazily(site: DemoSite, pages: int) -> None:
    import tracemalloc

    tracemalloc.start()
    big = build_site(pages=pages, now=site.now, seed=1, hosts=site.hosts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    html_pages = sum(1 for _ in big.html_pages())
    assert 0.9 * pages <= html_pages <= 1.1 * pages
    assert peak < 60 * 1024 * 1024
    # the deepest list page and an old article render on request
    last = max(
        (u for u in big.resources if "/col/zwdt/index_" in u), key=lambda u: int(u.rsplit("_", 1)[1][:-5])
    )
    assert "createPageHTML(" in big.resources[last].text()
    assert {e.code for e in big.expected} == {
        e.code for e in build_site(pages=300, now=site.now, hosts=big.hosts).expected
    }


def test_bad_page_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="页面数"):
        build_site(pages=0, hosts=DemoHosts.for_port(1))
