"""The planted articles of plants.yaml: their pages, their extra files and the findings they must raise."""

from __future__ import annotations

import random
from datetime import date, timedelta

from govinspect.demo.article_page import ArticleParts
from govinspect.demo.bodies import paragraphs, slots
from govinspect.demo.build import Build
from govinspect.demo.content import SpecialArticle, Table
from govinspect.demo.model import ExpectedFinding, NotAFinding
from govinspect.demo.plan import MISSING_ID, SOFT404_ID, Article, article_path, attachment_name
from govinspect.demo.util import compact, esc, id_check_digit

# where the planted dead ends of "related links" point (paths on the main host unless absolute)
LOOP_PATHS = ("/loop/a", "/loop/b")
SLOW_PATH = "/slow.html"
VIDEO_POSTER = "/images/news/photo1.png"
# how each planted dead end fails, for ExpectedFinding.detail ("slow" fails only when the scan's
# timeout is shorter than the server's slow_seconds)
TRAP_DETAIL: dict[str, dict[str, object]] = {
    "missing": {"trap": "missing", "status": 404},
    "soft404": {"trap": "soft404", "error": "soft_404"},
    "loop": {"trap": "redirect_loop"},
    "slow": {"trap": "slow"},
}


def missing_article_path(today: date) -> str:
    return article_path("tzgg", today - timedelta(days=30), MISSING_ID)


def soft404_path(today: date) -> str:
    return article_path("zwdt", today - timedelta(days=31), SOFT404_ID)


def related_href(b: Build, to: str) -> str:
    return {
        "missing": missing_article_path(b.today),
        "soft404": soft404_path(b.today),
        "loop": LOOP_PATHS[0],
        "slow": SLOW_PATH,
        "good": f"{b.hosts.good}/slt/",
    }[to]


def missing_image_path(a: Article) -> str:
    return f"{a.directory}W0{compact(a.day)}{a.id:010d}01.jpg"


def person_values(spec: SpecialArticle) -> dict[str, str]:
    """The planted personal data; the full ID number gets a real GB 11643 check digit."""
    values = dict(spec.person)
    if "id_body" in values:
        values["id_full"] = values["id_body"] + id_check_digit(values["id_body"])
    return values


def attachment_paths(a: Article) -> list[tuple[str, str, str, bool]]:
    """(path, link text, file kind, exists) of a planted article's attachments."""
    assert a.special is not None
    out: list[tuple[str, str, str, bool]] = []
    for n, att in enumerate(a.special.attachments, start=1):
        name = att.filename or attachment_name(a, n, att.file)
        out.append((a.directory + name, att.text, att.file, not att.missing))
    return out


def _table(table: Table, values: dict[str, str], style: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in table.header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(cell.format_map(values))}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    return f"<table{style}><tr>{head}</tr>{rows}</table>"


def special_parts(b: Build, a: Article, rng: random.Random) -> ArticleParts:
    spec = a.special
    assert spec is not None
    values = slots(a, b.text, rng) | person_values(spec)
    content = paragraphs([p.format_map(values) for p in spec.paragraphs[:1]])
    if spec.video:
        content += (
            f'<p style="text-align:center"><video src="{spec.video}" poster="{VIDEO_POSTER}" controls '
            'style="max-width:100%"></video></p>'
        )
    if spec.missing_image:
        content += (
            f'<p style="text-align:center"><img src="{missing_image_path(a)}" alt="{esc(a.title)}"></p>'
        )
    content += paragraphs([p.format_map(values) for p in spec.paragraphs[1:]])
    if spec.stats_table:
        # the planted mobile problem: a table wider than any phone screen
        content += _table(spec.stats_table, values, ' style="width:1200px" border="1"')
    if spec.person_table:
        content += _table(spec.person_table, values)
    if spec.outline:
        content += f"<p><strong>{esc(spec.outline.heading)}</strong></p>"
        content += "".join(f"<p>{esc(num)}{esc(line)}</p>" for num, line in spec.outline.items)
    content += paragraphs([p.format_map(values) for p in spec.closing])
    scripts: tuple[str, ...] = ("/js/common.js",)
    if spec.missing_script:
        scripts += (spec.missing_script,)
    return ArticleParts(
        content=content,
        source=a.topic.dept,
        top_line=spec.top_line,
        attachments=[(path, text) for path, text, _, _ in attachment_paths(a)],
        related=[(related_href(b, r.to), r.text) for r in spec.related],
        review=spec.review_footer,
        legacy=spec.template == "legacy",
        scripts=scripts,
    )


def expectations(b: Build, a: Article) -> tuple[list[ExpectedFinding], list[NotAFinding]]:
    """The findings this planted article must raise, and the look-alikes that must not be flagged."""
    spec = a.special
    assert spec is not None
    page = b.url(a.path)
    values = person_values(spec)
    expected: list[ExpectedFinding] = []
    attachments = {text: path for path, text, _, _ in attachment_paths(a)}
    for plant in spec.plants:
        target: str | None = None
        evidence = values.get(plant.evidence or "", plant.evidence)
        detail = dict(plant.detail)
        if plant.code == "broken_link" and plant.target:
            rel = next(r for r in spec.related if r.to == plant.target)
            target, evidence = b.url(related_href(b, rel.to)), rel.text
            detail |= TRAP_DETAIL[rel.to]
        elif plant.target == "missing_image":
            target, evidence = b.url(missing_image_path(a)), a.title
            detail |= TRAP_DETAIL["missing"]
        elif plant.target == "missing_script" and spec.missing_script:
            target = b.url(spec.missing_script)
            detail |= TRAP_DETAIL["missing"]
        if plant.code == "mobile_unfriendly":
            detail.setdefault("reason", "无 viewport 声明，表格固定宽度 1200px")
        expected.append(ExpectedFinding(plant.code, page, target, evidence, plant.suggestion, detail))
    for att in spec.attachments:
        if att.plant:
            detail = dict(TRAP_DETAIL["missing"]) if att.missing else {}
            expected.append(
                ExpectedFinding(att.plant, page, b.url(attachments[att.text]), att.text, None, detail)
            )
    not_flag = [
        NotAFinding(nf.code, page, values.get(nf.evidence or "", nf.evidence), nf.reason)
        for nf in spec.not_flag
    ]
    return expected, not_flag
