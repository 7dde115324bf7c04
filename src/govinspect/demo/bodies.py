"""The prose of ordinary (clean) articles, one renderer per column kind.

Outline numbers are computed, never written by hand, so ordinary documents never skip or repeat
a number; the only broken outline is the planted one.
"""

from __future__ import annotations

import random
from datetime import timedelta

from govinspect.demo.content import Section, TextSpec
from govinspect.demo.plan import Article, PolicyInfo
from govinspect.demo.util import chinese_number, esc, long_date, month_day


def person(text: TextSpec, rng: random.Random) -> tuple[str, str]:
    """A made-up name and the matching 性别."""
    if rng.random() < 0.5:
        return rng.choice(text.surnames) + rng.choice(text.given_names_male), "男"
    return rng.choice(text.surnames) + rng.choice(text.given_names_female), "女"


def person_name(text: TextSpec, rng: random.Random) -> str:
    return person(text, rng)[0]


def slots(article: Article, text: TextSpec, rng: random.Random, **extra: str) -> dict[str, str]:
    values = {
        "topic": article.topic.name,
        "dept": article.topic.dept,
        "town": article.town,
        "year": str(article.day.year),
        "date": month_day(article.day),
        "deadline": month_day(article.day + timedelta(days=15)),
        "name": person_name(text, rng),
        "phone": text.personnel.phone,
        "unit": text.units[article.id % len(text.units)],
    }
    values.update(extra)
    return values


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{esc(line)}</p>" for line in lines)


def _sections(sections: list[Section], values: dict[str, str]) -> str:
    out = []
    for n, sec in enumerate(sections, start=1):
        out.append(f"<p><strong>{chinese_number(n)}、{esc(sec.heading)}</strong></p>")
        out.append(paragraphs([s.format_map(values) for s in sec.sentences]))
        for m, sub in enumerate(sec.subs, start=1):
            out.append(f"<p>（{chinese_number(m)}）{esc(sub.format_map(values))}</p>")
    return "".join(out)


def news(article: Article, text: TextSpec, rng: random.Random, photo_html: str) -> str:
    values = slots(article, text, rng)
    event = text.news.events[article.event % len(text.news.events)]
    count = rng.randint(min(2, len(event.body)), len(event.body))
    body = [event.body[i] for i in sorted(rng.sample(range(len(event.body)), k=count))]  # keep their order
    first = paragraphs([rng.choice(event.opening).format_map(values)])
    rest = paragraphs([s.format_map(values) for s in body] + [rng.choice(event.closing).format_map(values)])
    return first + photo_html + rest


def notice(article: Article, text: TextSpec, rng: random.Random, sign_off: str) -> str:
    values = slots(article, text, rng)
    t = text.notice
    lines = [t.salutation, rng.choice(t.opening).format_map(values)]
    return (
        paragraphs(lines)
        + _sections(t.sections, values)
        + paragraphs([t.contact.format_map(values)])
        + f'<p style="text-align:right">{esc(sign_off)}<br>{long_date(article.day)}</p>'
    )


def doc_type(title: str) -> str:
    """办法, 方案, 意见, 规则: what a policy calls itself ("本办法自…起施行")."""
    for suffix in ("办法", "方案", "意见", "规则", "规定", "细则"):
        if title.endswith(suffix):
            return suffix
    return "文件"


def validity_clause(text: TextSpec, info: PolicyInfo) -> str:
    """自2023年6月1日起施行，有效期5年 (or without a period for 长期有效 documents)."""
    start = long_date(info.effective)
    if info.validity_years is None:
        return text.policy.validity_long.format(start=start)
    return text.policy.validity.format(start=start, years=info.validity_years)


def policy(article: Article, text: TextSpec, rng: random.Random) -> str:
    assert article.policy is not None
    doctype = doc_type(article.title)
    values = slots(article, text, rng)
    lines = [s.format_map(values).replace("本办法", f"本{doctype}") for s in text.policy.articles]
    clause = validity_clause(text, article.policy)
    lines.append(text.policy.validity_sentence.format(doctype=doctype, clause=clause))
    return "".join(f"<p>第{chinese_number(n)}条　{esc(line)}</p>" for n, line in enumerate(lines, start=1))


def interpretation(article: Article, text: TextSpec, rng: random.Random) -> str:
    doc = article.partner.title if article.partner else article.title
    values = slots(article, text, rng, doc=doc)
    return _sections(text.interpretation.sections, values)


def personnel(article: Article, text: TextSpec, rng: random.Random) -> str:
    values = slots(article, text, rng)
    people = [person(text, rng) for _ in range(rng.randint(2, 5))]
    rows = "".join(
        f"<tr><td>{n}</td><td>{esc(name)}</td><td>{sex}</td><td>{esc(values['unit'])}</td></tr>"
        for n, (name, sex) in enumerate(people, start=1)
    )
    table = f"<table><tr><th>序号</th><th>姓名</th><th>性别</th><th>招聘单位</th></tr>{rows}</table>"
    lines = [s.format_map(values) for s in text.personnel.body]
    return paragraphs(lines[:1]) + table + paragraphs(lines[1:] + [f"联系电话：{text.personnel.phone}"])


def plan(article: Article, text: TextSpec, rng: random.Random) -> str:
    values = slots(article, text, rng)
    return _sections(text.plan.sections, values)
