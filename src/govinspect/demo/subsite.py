"""The department sub-site /bm/jyj/ (宁川县教育局): GBK bytes, no charset in the HTTP header, and a
<meta> that says gb2312 on some pages and nothing on others.

Planted: its home page is stale (homepage_stale) and its footer lacks 网站标识码 (footer_info_missing).
Its columns are of kinds whose limits are long, so none of them is stale by itself.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

from govinspect.demo import bodies
from govinspect.demo.article_page import ArticleParts, Chrome, article_html
from govinspect.demo.articles import policy_table
from govinspect.demo.build import Build
from govinspect.demo.content import ColumnSpec, Topic
from govinspect.demo.layout import (
    ListItem,
    NavGroup,
    document,
    footer_html,
    header_html,
    list_body,
    page_count,
    page_name,
)
from govinspect.demo.model import ExpectedFinding, Resource
from govinspect.demo.plan import Article, PolicyInfo
from govinspect.demo.util import esc

SUBSITE_ID_BASE = 200_001
GAP_DAYS = 17  # days between a sub-site column's items
HTML_NO_CHARSET = "text/html"


def prefix(b: Build) -> str:
    return f"/bm/{b.site.subsite.key}/"


def _chrome(b: Build, charset: str | None) -> Chrome:
    sub = b.site.subsite
    root = prefix(b)
    nav = [NavGroup("首页", root)]
    nav += [NavGroup(c.name, f"{root}col/{c.key}/index.html") for c in sub.columns]
    nav.append(NavGroup("县政府门户网站", "/"))
    footer = footer_html(b.site.identity, b.hosts.good, sponsor=sub.sponsor, phone=sub.phone, site_code=False)
    meta = {"SiteName": sub.name, "SiteDomain": b.hosts.main.split("//", 1)[1] + root}
    return Chrome(header_html(sub.name, nav, logo="/images/jyj_logo.png"), footer, meta, root, charset)


def _charset(article_id: int) -> str | None:
    """gb2312 declared on even ids, nothing at all on odd ones: both must decode as GBK."""
    return "gb2312" if article_id % 2 == 0 else None


def plan_subsite(b: Build) -> dict[str, list[Article]]:
    sub = b.site.subsite
    rng = random.Random(f"{b.seed}:subsite")
    out: dict[str, list[Article]] = {}
    next_id = SUBSITE_ID_BASE
    for col in sub.columns:
        arts = []
        for k in range(col.count or 1):
            day = b.today - timedelta(days=col.newest_days + k * GAP_DAYS)
            if col.kind == "guide":
                name = b.site.subsite_guides[k % len(b.site.subsite_guides)]
                title = f"{name}办事指南"
            else:
                name = b.site.subsite_topics[next_id % len(b.site.subsite_topics)]
                templates = b.text.titles["policy" if col.kind == "policy" else "notice"]
                title = templates[k % len(templates)].format(
                    topic=name, dept=sub.name, town=b.text.towns[0], year=day.year, unit=""
                )
            topic = Topic(name=name, dept=sub.name)
            art = Article(next_id, col, day, f"{rng.randint(8, 17):02d}:30", title, topic, b.text.towns[0])
            if col.kind == "policy":
                doc_no = f"宁教发〔{day.year}〕{k + 1}号"
                index_no = f"jyj/{day.year}-{next_id % 1000:05d}"
                art.policy = PolicyInfo(
                    doc_no, index_no, sub.name, day - timedelta(days=3), day, None, "有效"
                )
            next_id += 1
            arts.append(art)
        out[col.key] = arts
    return out


def article_path(b: Build, a: Article) -> str:
    return f"{prefix(b)}col/{a.column.key}/{a.day:%Y%m}/t{a.day:%Y%m%d}_{a.id}.html"


def _guide(b: Build, a: Article) -> str:
    rows = "".join(
        f"<tr><th>{esc(item.label)}</th><td>{esc(item.value.format(topic=a.topic.name, phone=b.site.subsite.phone))}</td></tr>"
        for item in b.text.guide.items
    )
    return f"<table>{rows}</table>"


def render_article(b: Build, a: Article) -> bytes:
    rng = random.Random(f"{b.seed}:{a.id}")
    if a.kind == "guide":
        parts = ArticleParts(_guide(b, a), source=a.topic.dept)
    elif a.kind == "policy":
        parts = ArticleParts(bodies.policy(a, b.text, rng), source=a.topic.dept, head_table=policy_table(a))
    else:
        parts = ArticleParts(bodies.notice(a, b.text, rng, a.topic.dept), source=a.topic.dept)
    return article_html(b, a, parts, rng, _chrome(b, _charset(a.id))).encode("gbk")


def _home(b: Build, columns: dict[str, list[Article]]) -> bytes:
    chrome = _chrome(b, "gb2312")
    boxes = []
    for col in b.site.subsite.columns:
        items = "".join(
            f'<li><a href="{article_path(b, a)}">{esc(a.title)}</a><span class="date">{a.day.isoformat()}</span></li>'
            for a in columns[col.key]
        )
        more = f'<a class="more" href="{prefix(b)}col/{col.key}/index.html">更多</a>'
        boxes.append(
            f'<div class="home-box"><h3>{esc(col.name)}{more}</h3><ul class="home-list">{items}</ul></div>'
        )
    body = chrome.header + f'<div class="wrap" id="content">{"".join(boxes)}</div>' + chrome.footer
    return document(title=b.site.subsite.name, body=body, meta=chrome.meta, charset="gb2312").encode("gbk")


def _list(b: Build, col: ColumnSpec, arts: list[Article], index: int) -> bytes:
    chrome = _chrome(b, None)
    size = b.site.page_size
    items = [
        ListItem(a.title, article_path(b, a), a.day.isoformat())
        for a in arts[index * size : (index + 1) * size]
    ]
    inner = list_body(
        column_name=col.name,
        items=items,
        page_count=page_count(len(arts), size),
        page_index=index,
        home_href=prefix(b),
    )
    body = chrome.header + inner + chrome.footer
    title = f"{col.name}_{b.site.subsite.name}"
    return document(
        title=title, body=body, meta=chrome.meta, charset=None, scripts=("/js/common.js", "/js/page.js")
    ).encode("gbk")


def subsite_resources(b: Build, columns: dict[str, list[Article]]) -> dict[str, Resource]:
    def res(fn: partial[bytes]) -> Resource:
        return Resource(HTML_NO_CHARSET, render=fn, encoding="gbk")

    out = {prefix(b): res(partial(_home, b, columns))}
    by_key = {c.key: c for c in b.site.subsite.columns}
    for key, arts in columns.items():
        for index in range(page_count(len(arts), b.site.page_size)):
            out[f"{prefix(b)}col/{key}/{page_name(index)}"] = res(partial(_list, b, by_key[key], arts, index))
        for a in arts:
            out[article_path(b, a)] = res(partial(render_article, b, a))
    return out


def subsite_expectations(b: Build, columns: dict[str, list[Article]]) -> list[ExpectedFinding]:
    home = b.url(prefix(b))
    newest = max((a for arts in columns.values() for a in arts), key=lambda a: (a.day, a.id))
    detail = {"newest": newest.day.isoformat(), "days": (b.today - newest.day).days}
    return [
        # evidence: the newest item on the stale home page
        ExpectedFinding("homepage_stale", home, None, newest.title, None, detail),
        ExpectedFinding("footer_info_missing", home, None, None, None, {"item": "site_code"}),
    ] + [
        # the department's policies are published without interpretations (not linked to any 解读)
        ExpectedFinding("policy_interpretation_missing", b.url(article_path(b, a)), None, None, None, {})
        for arts in columns.values()
        for a in arts
        if a.policy is not None
    ]
