"""Which registered site a page belongs to when sites nest (a 子站 under its portal's URL)."""

from __future__ import annotations

from govinspect.registry.model import Site
from govinspect.scoring.scope import (
    areas_of,
    covering_sites,
    in_site,
    nested_in,
    nested_sites,
    owner_of,
    site_area,
)

PORTAL = Site(id=1, url="http://gov.cn/", name="县政府门户", kind="portal")
DEPT = Site(id=2, url="http://gov.cn/bm/jyj/index.html", name="县教育局", kind="department")
SCHOOL = Site(id=3, url="http://gov.cn/bm/jyj/xx", name="实验小学", kind="subsite")
OTHER_HOST = Site(id=4, url="http://jyj.gov.cn/", name="教育局新站", kind="subsite")
WIDE = Site(id=5, url="http://gov.cn/", name="", scope=("jyj.gov.cn", "http://gov.cn/zt/"))
SITES = [PORTAL, DEPT, SCHOOL, OTHER_HOST]


def test_a_site_holds_its_home_directory_in_both_schemes():
    assert in_site("http://gov.cn/bm/jyj/", DEPT) and in_site("https://gov.cn/bm/jyj/art/1.html", DEPT)
    assert not in_site("http://gov.cn/bm/jyjx/", DEPT) and not in_site("http://gov.cn/", DEPT)
    # a home without a trailing slash is a directory: its own page and what lies under it
    assert in_site("http://gov.cn/bm/jyj/xx", SCHOOL) and in_site("http://gov.cn/bm/jyj/xx/a.html", SCHOOL)
    assert not in_site("http://gov.cn/bm/jyj/xxy.html", SCHOOL)


def test_scope_entries_add_hosts_and_prefixes():
    assert in_site("https://jyj.gov.cn/a.html", WIDE) and in_site("http://gov.cn/zt/2026/", WIDE)
    assert not in_site("http://other.cn/", WIDE)
    assert "https://jyj.gov.cn/" in site_area(WIDE).prefixes


def test_nesting_is_strict_and_follows_the_urls():
    assert nested_in(DEPT, PORTAL) and nested_in(SCHOOL, PORTAL) and nested_in(SCHOOL, DEPT)
    assert not nested_in(PORTAL, DEPT) and not nested_in(DEPT, DEPT) and not nested_in(OTHER_HOST, PORTAL)
    assert nested_in(OTHER_HOST, WIDE)  # a portal whose scope takes in another host
    assert not nested_in(PORTAL, WIDE) and not nested_in(WIDE, PORTAL)  # same home: neither inside the other
    assert [s.id for s in nested_sites(PORTAL, SITES)] == [2, 3]
    assert [s.id for s in covering_sites(SCHOOL, SITES)] == [1, 2]
    assert covering_sites(PORTAL, SITES) == []


def test_a_page_belongs_to_the_most_specific_site_that_holds_it():
    assert owner_of("http://gov.cn/bm/jyj/xx/a.html", areas_of(SITES)) == SCHOOL
    assert owner_of("http://gov.cn/bm/jyj/a.html", areas_of(SITES)) == DEPT
    assert owner_of("http://gov.cn/a.html", areas_of(SITES)) == PORTAL
    assert owner_of("http://else.cn/", areas_of(SITES)) is None
