"""The portal's home page: latest items of the main columns, service entries, friendly links, footer.

Planted here: hidden links to the gambling host (a display:none block and an off-screen link), a
friendly link to the dead host, and (site-wide) https_missing and ipv6_missing. Not to be flagged:
the navigation's drop-down menus (hidden until hover) and the skip link.
"""

from __future__ import annotations

from govinspect.crawl.urls import normalize
from govinspect.demo.board import Message
from govinspect.demo.build import Build
from govinspect.demo.content import plant_spec
from govinspect.demo.layout import column_href, document, header_html
from govinspect.demo.model import ExpectedFinding, NotAFinding
from govinspect.demo.util import esc

HOME_ITEMS = 7  # items per column box, as portals show them
HOME_MESSAGES = 5


def _box(title: str, more: str, items: list[str]) -> str:
    return (
        f'<div class="home-box"><h3>{esc(title)}<a class="more" href="{more}">更多</a></h3>'
        f'<ul class="home-list">{"".join(items)}</ul></div>'
    )


def _hidden_block(b: Build) -> str:
    spec = plant_spec().hidden_links
    none = "".join(f'<a href="{b.hosts.spam}{h.path}">{esc(h.text)}</a>' for h in spec.display_none)
    off = "".join(
        f'<a href="{b.hosts.spam}{h.path}" style="position:absolute;left:-9999px;top:0">{esc(h.text)}</a>'
        for h in spec.offscreen
    )
    return f'<div style="display:none">{none}</div>{off}'


def render_home(b: Build, messages: list[Message]) -> bytes:
    boxes = []
    for col in b.site.columns:
        if not col.on_home:
            continue
        items = [
            f'<li><a href="{a.path}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
            f'<span class="date">{a.day.isoformat()}</span></li>'
            for a in b.columns[col.key][:HOME_ITEMS]
        ]
        boxes.append(_box(col.name, column_href(col.key), items))
    msgs = [
        f'<li><a href="{m.path}">{esc(m.title)}</a><span class="date">{m.status} {m.asked.isoformat()}</span></li>'
        for m in messages[:HOME_MESSAGES]
    ]
    boxes.append(_box("政民互动", "/hdjl/index.html", msgs))
    sub = b.site.subsite
    today = b.today
    services = (
        '<div class="home-box"><h3>便民服务</h3><ul class="home-list">'
        f'<li><a href="/bm/{sub.key}/">部门网站：{esc(sub.name)}</a></li>'
        f'<li><a href="/calendar/?y={today.year}&amp;m={today.month}">活动日历</a></li>'
        '<li><a href="/hdjl/write.html">我要写信</a></li></ul></div>'
    )
    friends = (
        '<div class="friend-links">友情链接：'
        f'<a href="{b.hosts.good}/" target="_blank">省人民政府门户网站</a>　'
        f'<a href="{b.hosts.dead}/" target="_blank">{esc(plant_spec().dead_link_text)}</a></div>'
    )
    body = (
        header_html(b.site.identity.name, b.nav)
        + '<div class="banner"><img src="/images/banner.png" alt="宁川县人民政府"></div>'
        + f'<div class="wrap" id="content">{"".join(boxes)}{services}{friends}</div>'
        + _hidden_block(b)
        + b.footer
    )
    ident = b.site.identity
    meta = b.site_meta() | {
        "Description": f"{ident.name}门户网站",
        "Keywords": f"{ident.short},政务公开,政民互动",
    }
    return document(title=ident.domain_label, body=body, meta=meta).encode("utf-8")


def home_expectations(b: Build) -> tuple[list[ExpectedFinding], list[NotAFinding]]:
    home = b.url("/")
    spec = plant_spec()
    expected = [
        ExpectedFinding(
            "hidden_link", home, normalize(b.hosts.spam + h.path), h.text, None, {"how": "display:none"}
        )
        for h in spec.hidden_links.display_none
    ]
    expected += [
        ExpectedFinding(
            "hidden_link", home, normalize(b.hosts.spam + h.path), h.text, None, {"how": "off-screen"}
        )
        for h in spec.hidden_links.offscreen
    ]
    # the hidden block's anchor texts are gambling words: a text check sees them like any other text
    expected += [ExpectedFinding("sensitive_word", home, None, w) for w in spec.hidden_links.sensitive_words]
    expected.append(
        ExpectedFinding(
            "broken_link",
            home,
            normalize(b.hosts.dead + "/"),
            spec.dead_link_text,
            None,
            {"trap": "dead_host"},
        )
    )
    expected.append(ExpectedFinding("https_missing", home))
    expected.append(ExpectedFinding("ipv6_missing", home))
    not_flag = [
        NotAFinding("hidden_link", home, "跳转到主要内容", "无障碍跳转链接（指向本页锚点）"),
        NotAFinding("hidden_link", home, b.site.columns[0].name, "导航下拉菜单：鼠标移入前隐藏的站内链接"),
    ]
    return expected, not_flag
