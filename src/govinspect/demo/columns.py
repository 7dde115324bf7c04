"""The portal's columns: TRS list pages (index.html, index_1.html …) and the resources of their articles."""

from __future__ import annotations

from functools import partial

from govinspect.demo import articles, special
from govinspect.demo.build import Build
from govinspect.demo.content import ColumnSpec
from govinspect.demo.files import CONTENT_TYPES, attachment
from govinspect.demo.layout import (
    ListItem,
    column_href,
    document,
    header_html,
    list_body,
    page_count,
    page_name,
)
from govinspect.demo.model import ExpectedFinding, Resource

HTML_UTF8 = "text/html; charset=utf-8"
EMPTY_TEXT = "暂无信息"


def render_list(b: Build, col: ColumnSpec, index: int) -> bytes:
    arts = b.columns[col.key]
    size = b.site.page_size
    chunk = arts[index * size : (index + 1) * size]
    prefix = f"/col/{col.key}/"
    # relative hrefs, as TRS writes them: ./202305/t20230512_123456.html
    items = [ListItem(a.title, "./" + a.path[len(prefix) :], a.day.isoformat()) for a in chunk]
    inner = list_body(
        column_name=col.name,
        items=items,
        page_count=page_count(len(arts), size),
        page_index=index,
        empty_text=EMPTY_TEXT,
    )
    body = header_html(b.site.identity.name, b.nav) + inner + b.footer
    meta = b.site_meta() | {"ColumnName": col.name, "ColumnType": col.kind}
    title = f"{col.name}_{b.site.identity.name}"
    return document(title=title, body=body, meta=meta, scripts=("/js/common.js", "/js/page.js")).encode(
        "utf-8"
    )


def _file(kind: str, title: str) -> Resource:
    return Resource(CONTENT_TYPES[kind], render=partial(attachment, kind, title))


def column_resources(b: Build) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for col in b.site.columns:
        arts = b.columns[col.key]
        for index in range(page_count(len(arts), b.site.page_size)):
            out[f"/col/{col.key}/{page_name(index)}"] = Resource(
                HTML_UTF8, render=partial(render_list, b, col, index), encoding="utf-8"
            )
        for a in arts:
            out[a.path] = Resource(HTML_UTF8, render=partial(articles.render_article, b, a), encoding="utf-8")
            if a.special is not None:
                for path, text, kind, exists in special.attachment_paths(a):
                    if exists:
                        out[path] = _file(kind, text.split(".")[0].strip("《》"))
            elif (att := articles.ordinary_attachment(a)) is not None:
                assert a.attachment is not None
                out[att[0]] = _file(a.attachment, att[2])
    return out


def column_expectations(b: Build) -> list[ExpectedFinding]:
    out = []
    for col in b.site.columns:
        if col.planted is None:
            continue
        page = b.url(column_href(col.key))
        arts = b.columns[col.key]
        detail: dict[str, object] = {"column": col.name}
        evidence = col.name
        if arts:
            newest = arts[0].day
            detail |= {"newest": newest.isoformat(), "days": (b.today - newest).days}
        else:  # an empty column: the page says so
            evidence = EMPTY_TEXT
        out.append(ExpectedFinding(col.planted, page, None, evidence, None, detail))
    return out
