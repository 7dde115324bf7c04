"""The article template: title, 发布时间/来源, body, attachments, related links, 撰稿/审核/审签 line."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from govinspect.demo.bodies import person_name
from govinspect.demo.build import Build
from govinspect.demo.layout import document, header_html
from govinspect.demo.plan import Article
from govinspect.demo.util import esc


@dataclass
class ArticleParts:
    content: str
    source: str
    top_line: str | None = None  # printed above the body (a 密级 mark)
    head_table: str = ""  # the 政府信息公开 table above a policy's title
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)
    related: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)
    related_label: str = "相关链接"
    review: bool = True
    legacy: bool = False  # the old template: no viewport, fixed-width layout
    scripts: tuple[str, ...] = ("/js/common.js",)


@dataclass(frozen=True)
class Chrome:
    """What surrounds an article: the portal's header and footer, or a sub-site's."""

    header: str
    footer: str
    meta: dict[str, str]
    home: str = "/"
    charset: str | None = "utf-8"


def portal_chrome(b: Build) -> Chrome:
    return Chrome(header_html(b.site.identity.name, b.nav), b.footer, b.site_meta())


def review_line(b: Build, rng: random.Random) -> str:
    writer, reviewer, approver = (person_name(b.text, rng) for _ in range(3))
    return f'<div class="review">撰稿：{writer}　审核：{reviewer}　审签：{approver}</div>'


def article_html(
    b: Build, a: Article, parts: ArticleParts, rng: random.Random, chrome: Chrome | None = None
) -> str:
    chrome = chrome or portal_chrome(b)
    col = a.column
    pub = f"{a.day.isoformat()} {a.clock}"
    meta = chrome.meta | {
        "ColumnName": col.name,
        "ColumnType": col.kind,
        "ArticleTitle": a.title,
        "PubDate": pub,
        "ContentSource": parts.source,
        "Keywords": a.topic.name,
    }
    top = f'<p class="secret-mark">{esc(parts.top_line)}</p>' if parts.top_line else ""
    attachments = ""
    if parts.attachments:
        items = "".join(f'<li><a href="{href}">{esc(text)}</a></li>' for href, text in parts.attachments)
        attachments = f'<div class="attachments"><p>附件：</p><ul>{items}</ul></div>'
    related = ""
    if parts.related:
        items = "".join(
            f'<li><a href="{href}" target="_blank">{esc(text)}</a></li>' for href, text in parts.related
        )
        related = f'<div class="related"><p>{esc(parts.related_label)}：</p><ul>{items}</ul></div>'
    review = review_line(b, rng) if parts.review else ""
    body = (
        chrome.header
        + '<div class="wrap" id="content">'
        + f'<div class="position">当前位置：<a href="{chrome.home}">首页</a> &gt; <a href="../index.html">{esc(col.name)}</a></div>'
        + f'<div class="article">{parts.head_table}<h1 class="title">{esc(a.title)}</h1>'
        + f'<div class="info"><span>发布时间：{pub}</span>　<span>来源：{esc(parts.source)}</span></div>'
        + f'{top}<div class="content" id="zoom">{parts.content}</div>{attachments}{related}{review}'
        + '<div class="tools"><a href="javascript:window.print()">打印本页</a>　'
        + '<a href="javascript:window.close()">关闭窗口</a></div></div></div>'
        + chrome.footer
    )
    site_name = chrome.meta.get("SiteName", b.site.identity.name)
    return document(
        title=f"{a.title}_{col.name}_{site_name}",
        body=body,
        meta=meta,
        charset=chrome.charset,
        viewport=not parts.legacy,
        scripts=parts.scripts,
    )
