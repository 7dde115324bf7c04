"""Ordinary articles: their bodies, attachments and policy tables; the dispatcher for every article page."""

from __future__ import annotations

import random

from govinspect.demo import bodies, special
from govinspect.demo.article_page import ArticleParts, article_html
from govinspect.demo.build import Build
from govinspect.demo.plan import Article, attachment_name
from govinspect.demo.util import esc

# the document title an ordinary attachment of each kind carries (in its link text as 《…》.ext)
_ATTACHMENT_TITLES = {"pdf": "{topic}工作方案", "docx": "{topic}工作情况报表", "xlsx": "{topic}工作任务清单"}


def ordinary_attachment(a: Article) -> tuple[str, str, str] | None:
    """(path, link text, document title) of an ordinary article's attachment, if it has one."""
    if a.attachment is None:
        return None
    doc = _ATTACHMENT_TITLES[a.attachment].format(topic=a.topic.name)
    path = a.directory + attachment_name(a, 1, a.attachment)
    return path, f"《{doc}》.{a.attachment}", doc


def photo_path(index: int) -> str:
    return f"/images/news/photo{index + 1}.png"


def policy_table(a: Article) -> str:
    p = a.policy
    assert p is not None
    return (
        '<table class="gk-table">'
        f"<tr><th>索引号</th><td>{esc(p.index_no)}</td><th>发布机构</th><td>{esc(p.publisher)}</td></tr>"
        f"<tr><th>文号</th><td>{esc(p.doc_no)}</td><th>成文日期</th><td>{p.written.isoformat()}</td></tr>"
        f"<tr><th>发布日期</th><td>{a.day.isoformat()}</td><th>有效性</th><td>{p.label}</td></tr>"
        f'<tr><th>名称</th><td colspan="3">{esc(a.title)}</td></tr></table>'
    )


def ordinary_parts(b: Build, a: Article, rng: random.Random) -> ArticleParts:
    text = b.text
    kind = a.kind
    if kind == "news":
        photo = ""
        if a.photo is not None:
            caption = text.photo_captions[a.photo]
            photo = f'<p style="text-align:center"><img src="{photo_path(a.photo)}" alt="{esc(caption)}"></p>'
        return ArticleParts(bodies.news(a, text, rng, photo), source=a.topic.dept)
    if kind == "notice":
        parts = ArticleParts(bodies.notice(a, text, rng, a.topic.dept), source=a.topic.dept)
        att = ordinary_attachment(a)
        if att:
            parts.attachments.append((att[0], att[1]))
        return parts
    if kind == "policy":
        assert a.policy is not None
        parts = ArticleParts(
            bodies.policy(a, text, rng), source=a.policy.publisher, head_table=policy_table(a)
        )
        if a.partner is not None:
            parts.related = [(a.partner.path, a.partner.title)]
            parts.related_label = "相关解读"
        return parts
    if kind == "interpretation":
        parts = ArticleParts(bodies.interpretation(a, text, rng), source=a.topic.dept)
        if a.partner is not None:
            parts.related = [(a.partner.path, f"《{a.partner.title}》")]
            parts.related_label = "相关文件"
        return parts
    if kind == "personnel":
        return ArticleParts(bodies.personnel(a, text, rng), source="宁川县人力资源和社会保障局")
    return ArticleParts(bodies.plan(a, text, rng), source=a.topic.dept)


def render_article(b: Build, a: Article) -> bytes:
    rng = random.Random(f"{b.seed}:{a.id}")
    parts = special.special_parts(b, a, rng) if a.special is not None else ordinary_parts(b, a, rng)
    return article_html(b, a, parts, rng).encode("utf-8")
