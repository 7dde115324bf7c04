"""The column tree: discovery, kinds, overrides, pagination, parents, sub-sites, rendering."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from govinspect.checks.registry import CheckContext
from govinspect.settings import Settings
from govinspect.structure.columns import build_column_tree, classify_name, render_column_tree, walk
from govinspect.structure.config import ConfigError
from govinspect.structure.offline import site_from_html
from govinspect.structure.sitemap import column_key

TZ = timezone(timedelta(hours=8))
NOW = datetime(2024, 6, 30, 10, 0, tzinfo=TZ)
B = "http://127.0.0.1:8080"
NAV = (
    '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/zwdt/index.html">政务动态</a></li>'
    '<li><a href="/col/tzgg/index.html">通知公告</a></li><li><a href="/col/zcwj/index.html">政策文件</a></li>'
    '<li><a href="/col/ztzl/index.html">专题专栏</a></li></ul>'
)


def ago(days: int) -> str:
    return (NOW - timedelta(days=days)).date().isoformat()


def page(title: str, body: str, nav: str = NAV) -> str:
    return f"<html><head><title>{title}</title></head><body>{nav}{body}<div class='footer'>主办单位：某县人民政府</div></body></html>"


def list_page(name: str, key: str, ages: list[int], pages: int = 1, crumbs: str = "") -> str:
    rows = "".join(
        f'<li><a href="/col/{key}/202401/t20240101_{i}.html">关于做好第{i}项工作的通知</a><span>[{ago(a)}]</span></li>'
        for i, a in enumerate(ages)
    )
    trail = crumbs or f'<a href="/">首页</a> &gt; <a href="/col/{key}/index.html">{name}</a>'
    return page(
        f"{name}_某县人民政府",
        f'<div class="position">当前位置：{trail}</div><ul class="list">{rows}</ul>'
        f'<script>createPageHTML({pages}, 0, "index", "html");</script>',
    )


def home(ages: list[int]) -> str:
    rows = "".join(
        f'<li><a href="/col/zwdt/202401/t20240101_{i}.html">县长调研第{i}个重点项目</a><span>{ago(a)}</span></li>'
        for i, a in enumerate(ages)
    )
    return page("某县人民政府", f"<ul class='news'>{rows}</ul>")


def site(extra: dict[str, str] | None = None, home_ages: tuple[int, ...] = (1, 2, 3)) -> dict[str, str]:
    pages = {
        B + "/": home(list(home_ages)),
        B + "/col/zwdt/index.html": list_page("政务动态", "zwdt", [3, 5, 9]),
        B + "/col/tzgg/index.html": list_page("通知公告", "tzgg", [250, 260, 300], pages=2),
        B + "/col/tzgg/index_1.html": list_page("通知公告", "tzgg", [320, 330]),
        B + "/col/zcwj/index.html": list_page("政策文件", "zcwj", [20, 40]),
        B + "/col/ztzl/index.html": page(
            "专题专栏_某县人民政府",
            '<div class="position">当前位置：<a href="/">首页</a> &gt; 专题专栏</div><div class="list"><p>暂无信息</p></div>',
        ),
    }
    pages.update(extra or {})
    return pages


def context(site_config: dict[str, object] | None = None) -> CheckContext:
    return CheckContext(settings=Settings(), site_url=B + "/", now=NOW, site_config=dict(site_config or {}))


def columns_by_name(pages: dict[str, str], site_config: dict[str, object] | None = None) -> dict[str, object]:
    tree = build_column_tree(site_from_html(pages, B + "/"), context(site_config))
    return {c.name: c for c in walk(tree)}


def test_columns_found_with_kind_count_newest_and_status() -> None:
    cols = columns_by_name(site())
    assert set(cols) == {"政务动态", "通知公告", "政策文件", "专题专栏"}
    tzgg = cols["通知公告"]
    assert tzgg.kind == "notice" and tzgg.kind_source == "名称"  # type: ignore[attr-defined]
    assert tzgg.item_count == 5  # both paginated pages  # type: ignore[attr-defined]
    assert tzgg.newest.isoformat() == ago(250)  # type: ignore[attr-defined]
    assert tzgg.status == "stale"  # type: ignore[attr-defined]
    assert tzgg.url == B + "/col/tzgg/index.html"  # type: ignore[attr-defined]
    assert cols["政务动态"].status == "ok"  # type: ignore[attr-defined]
    assert cols["政策文件"].status == "ok"  # type: ignore[attr-defined]
    assert cols["专题专栏"].status == "empty"  # type: ignore[attr-defined]


def test_pagination_not_fully_crawled_gives_a_lower_bound() -> None:
    pages = site()
    del pages[B + "/col/tzgg/index_1.html"]
    tzgg = columns_by_name(pages)["通知公告"]
    assert tzgg.item_count == 3 and tzgg.count_is_lower_bound  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("部门动态", "dynamic"),
        ("公示公告", "notice"),
        ("政策文件", "policy"),
        ("政策解读", "other"),
        ("人事信息", "personnel"),
        ("规划计划", "plan"),
        ("2019年", "other"),
        ("机构职能", "other"),
    ],
)
def test_kind_from_name(name: str, kind: str) -> None:
    assert classify_name(name) == kind


def test_settings_override_kind_and_limits() -> None:
    config = {
        "columns": {"专题专栏": "动态要闻", B + "/col/zcwj/": "忽略"},
        "column_limits": {"通知公告": "1y", "动态要闻": "2d"},
    }
    cols = columns_by_name(site(), config)
    assert cols["通知公告"].status == "ok"  # 250 days < 1 year  # type: ignore[attr-defined]
    assert cols["政务动态"].status == "stale"  # newest 3 days old > 2 days  # type: ignore[attr-defined]
    assert cols["专题专栏"].kind == "dynamic" and cols["专题专栏"].kind_source == "设置"  # type: ignore[attr-defined]
    assert cols["专题专栏"].status == "empty"  # type: ignore[attr-defined]
    assert cols["政策文件"].status == "ignored"  # type: ignore[attr-defined]


def test_per_column_limit_by_url() -> None:
    cols = columns_by_name(site(), {"column_limits": {B + "/col/zwdt/index.html": "2d"}})
    assert cols["政务动态"].status == "stale"  # type: ignore[attr-defined]


def test_bad_settings_give_chinese_errors() -> None:
    with pytest.raises(ConfigError, match="无法识别"):
        columns_by_name(site(), {"column_limits": {"通知公告": "半年多"}})
    with pytest.raises(ConfigError, match="栏目类型"):
        columns_by_name(site(), {"columns": {"通知公告": "新闻类"}})


def test_parent_from_breadcrumb_and_kind_inherited() -> None:
    crumbs = '<a href="/">首页</a> &gt; <a href="/col/zcwj/index.html">政策文件</a> &gt; <a href="/col/zcwj/xzgfxwj/index.html">行政规范</a>'
    extra = {B + "/col/zcwj/xzgfxwj/index.html": list_page("行政规范", "zcwj/xzgfxwj", [400], crumbs=crumbs)}
    tree = build_column_tree(site_from_html(site(extra), B + "/"), context())
    parent = next(c for c in tree if c.name == "政策文件")
    assert [c.name for c in parent.children] == ["行政规范"]
    child = parent.children[0]
    assert child.level == 2
    assert child.kind == "policy" and child.kind_source == "上级栏目"
    assert child.status == "stale"


def test_year_archive_column_is_never_stale() -> None:
    crumbs = '<a href="/">首页</a> &gt; <a href="/col/zcwj/index.html">政策文件</a> &gt; <a href="/col/zcwj/2019/index.html">2019年</a>'
    extra = {B + "/col/zcwj/2019/index.html": list_page("2019年", "zcwj/2019", [1800, 1900], crumbs=crumbs)}
    cols = columns_by_name(site(extra))
    assert cols["2019年"].kind == "other" and cols["2019年"].status == "ok"  # type: ignore[attr-defined]


def test_subsite_with_its_own_navigation() -> None:
    sub_nav = (
        '<ul class="nav"><li><a href="/bm/jyj/">教育局首页</a></li><li><a href="/bm/jyj/col/tzgg/index.html">通知公告</a></li>'
        '<li><a href="/bm/jyj/col/zcfg/index.html">政策法规</a></li><li><a href="/bm/jyj/col/bszn/index.html">办事指南</a></li></ul>'
    )
    rows = "".join(
        f'<li><a href="/bm/jyj/col/tzgg/202401/t20240101_{i}.html">教育局第{i}号通知</a><span>{ago(40 + i)}</span></li>'
        for i in range(3)
    )
    extra = {
        B + "/bm/jyj/": page(
            "某县教育局", f"<ul class='news'>{rows}</ul><ul class='other'><li>x</li></ul>", nav=sub_nav
        ),
        B + "/bm/jyj/col/tzgg/index.html": list_page("通知公告", "bm/jyj/col/tzgg", [40, 41]),
    }
    sd = site_from_html(site(extra), B + "/")
    ctx = context()
    cols = {c.key: c for c in walk(build_column_tree(sd, ctx))}
    sub = cols[B + "/bm/jyj/col/tzgg/"]
    assert sub.subsite and sub.home == B + "/bm/jyj/"
    assert not cols[B + "/col/tzgg/"].subsite


def test_column_key_drops_pagination() -> None:
    assert column_key(B + "/col/tzgg/index_3.html") == B + "/col/tzgg/"
    assert column_key(B + "/list.jsp?cid=5&page=2") == B + "/list.jsp?cid=5"
    assert column_key(B + "/col/tzgg/") == B + "/col/tzgg/"


def test_render_column_tree_has_chinese_headings_and_rows() -> None:
    tree = build_column_tree(site_from_html(site(), B + "/"), context())
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(render_column_tree(tree))
    text = out.getvalue()
    for heading in ("栏目", "类型", "条目数", "最新日期", "状态"):
        assert heading in text
    assert "未及时更新（超过6个月）" in text
    assert "空白栏目" in text
    assert ago(250) in text
