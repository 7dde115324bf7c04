from __future__ import annotations

import pytest

from govinspect.crawl.urls import BadURL, Scope, max_segment_repeats, normalize, path_pattern


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.GOV.cn:80/a/../b/./c.html#frag", "http://example.gov.cn/b/c.html"),
        ("https://x.gov.cn:443/", "https://x.gov.cn/"),
        ("http://x.gov.cn:8080", "http://x.gov.cn:8080/"),
        ("http://x.gov.cn/a.jsp;jsessionid=ABC123?b=2&a=1", "http://x.gov.cn/a.jsp?a=1&b=2"),
        ("http://x.gov.cn/a?JSESSIONID=1&z=1", "http://x.gov.cn/a?z=1"),
        ("http://x.gov.cn/%E6%94%BF%E5%BA%9C/", "http://x.gov.cn/%E6%94%BF%E5%BA%9C/"),
        ("http://x.gov.cn/政府/", "http://x.gov.cn/%E6%94%BF%E5%BA%9C/"),
        ("http://x.gov.cn/a b.html", "http://x.gov.cn/a%20b.html"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_relative_resolution() -> None:
    assert normalize("../tzgg/index_1.html", "http://x.gov.cn/col/zwdt/index.html") == (
        "http://x.gov.cn/col/tzgg/index_1.html"
    )


@pytest.mark.parametrize("bad", ["", "ftp://x/", "http://", "javascript:void(0)", "http://[::1"])
def test_bad_urls(bad: str) -> None:
    with pytest.raises(BadURL):
        normalize(bad)


def test_traps_are_recognisable() -> None:
    assert path_pattern("http://x/cal?y=2023&m=5") == path_pattern("http://x/cal?m=6&y=2024")
    assert path_pattern("http://x/col/a/202305/t20230512_1.html") == "x/col/a/N/tN_N.html?"
    assert max_segment_repeats("http://x/a/b/a/b/a/c.html") == 3


def test_scope_hosts_and_prefixes() -> None:
    scope = Scope("http://127.0.0.1:8080/", ["127.0.0.9:8080", "http://127.0.0.2:8080/bm/"])
    assert scope.contains("http://127.0.0.1:8080/x.html")
    assert scope.contains("http://127.0.0.9:8080/y")
    assert scope.contains("http://127.0.0.2:8080/bm/jyj/")
    assert not scope.contains("http://127.0.0.2:8080/other/")
    assert not scope.contains("http://127.0.0.1:8081/")
