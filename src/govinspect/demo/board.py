"""The message board 政民互动 (/hdjl/): a paged list and one detail page per message.

Answered messages are replied to within a few days; the planted ones are a message unanswered for
about five months (message_overdue) and a recent gambling spam message (sensitive_word).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import NamedTuple

from govinspect.demo.build import Build
from govinspect.demo.content import plant_spec
from govinspect.demo.layout import document, header_html, page_count, page_name
from govinspect.demo.model import ExpectedFinding, Resource
from govinspect.demo.util import compact, esc

BOARD = "/hdjl/"
# served without charset in the header (the page's <meta charset> says utf-8)
HTML_NO_CHARSET = "text/html"


@dataclass(frozen=True, slots=True)
class Message:
    number: str
    title: str
    body: str
    author: str
    asked: date
    clock: str
    dept: str
    reply: str | None
    replied: date | None
    planted: str | None = None  # overdue | spam

    @property
    def path(self) -> str:
        return f"{BOARD}lyxq/{self.number}.html"

    @property
    def status(self) -> str:
        return "已回复" if self.reply else "未回复"


class _Draft(NamedTuple):
    age: int
    title: str
    body: str
    dept: str
    reply: str | None
    planted: str | None = None


def plan_messages(b: Build, pages: int) -> list[Message]:
    rng = random.Random(f"{b.seed}:board")
    spec = b.site.board
    text = b.text
    answered = list(text.messages)
    total = len(answered) + pages // spec.extra_per_pages
    first_age = spec.pending_max_age_days  # answered messages are older than the pending ones
    raw = [
        _Draft(
            first_age + int((spec.answered_max_age_days - first_age) * n / max(1, total - 1)),
            answered[n % len(answered)].title,
            answered[n % len(answered)].body,
            answered[n % len(answered)].dept,
            answered[n % len(answered)].reply,
        )
        for n in range(total)
    ]
    raw += [
        _Draft(1 + n % spec.pending_max_age_days, m.title, m.body, m.dept, None)
        for n, m in enumerate(text.pending_messages)
    ]
    planted = plant_spec().messages
    overdue = planted.overdue
    raw.append(_Draft(spec.overdue_age_days, overdue.title, overdue.body, overdue.dept, None, "overdue"))
    raw.append(_Draft(spec.spam_age_days, planted.spam.title, planted.spam.body, "", None, "spam"))

    raw.sort(key=lambda r: r.age)
    per_day: dict[date, int] = {}
    out = []
    for age, title, body, dept, reply, plant in raw:
        asked = b.today - timedelta(days=age)
        per_day[asked] = per_day.get(asked, 0) + 1
        replied = None
        if reply:
            replied = min(
                asked + timedelta(days=rng.randint(1, spec.reply_within_days)), b.today - timedelta(days=1)
            )
        author = rng.choice(text.surnames) + "**"
        clock = f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}"
        number = f"{compact(asked)}{per_day[asked]:03d}"
        out.append(Message(number, title, body, author, asked, clock, dept, reply, replied, plant))
    return out


def _page(b: Build, title: str, inner: str) -> bytes:
    body = (
        header_html(b.site.identity.name, b.nav) + f'<div class="wrap" id="content">{inner}</div>' + b.footer
    )
    return document(title=f"{title}_{b.site.identity.name}", body=body, meta=b.site_meta()).encode("utf-8")


def render_list(b: Build, messages: list[Message], index: int) -> bytes:
    size = b.site.page_size
    count = page_count(len(messages), size)
    chunk = messages[index * size : (index + 1) * size]
    rows = "".join(
        f'<tr><td>{index * size + n}</td><td><a href="lyxq/{m.number}.html">{esc(m.title)}</a></td>'
        f"<td>{m.asked.isoformat()}</td><td>{m.status}</td></tr>"
        for n, m in enumerate(chunk, start=1)
    )
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="index.html">政民互动</a></div>'
        '<h2>县长信箱</h2><p><a href="write.html">我要写信</a></p>'
        f'<table class="msg-list"><tr><th>序号</th><th>留言标题</th><th>留言时间</th><th>状态</th></tr>{rows}</table>'
        f'<div class="page"><script>createPageHTML({count}, {index}, "index", "html");</script></div>'
    )
    return _page(b, "政民互动", inner)


def render_detail(b: Build, m: Message) -> bytes:
    rows = [
        ("留言标题", esc(m.title)),
        ("留言人", esc(m.author)),
        ("留言时间", f"{m.asked.isoformat()} {m.clock}"),
        ("留言内容", esc(m.body)),
        ("状态", m.status),
    ]
    if m.reply and m.replied:
        rows += [
            ("答复单位", esc(m.dept)),
            ("答复时间", f"{m.replied.isoformat()} 16:30"),
            ("答复内容", esc(m.reply)),
        ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="../index.html">政民互动</a></div>'
        f'<h2>留言详情</h2><table class="msg">{table}</table>'
    )
    return _page(b, m.title, inner)


def render_write(b: Build) -> bytes:
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="index.html">政民互动</a></div>'
        '<h2>我要写信</h2><form action="/hdjl/submit" method="post">'
        '<p><label>留言标题：<input name="title" required></label></p>'
        '<p><label>留言内容：<textarea name="body" rows="6" required></textarea></label></p>'
        "<p>请勿在留言中填写身份证号、手机号等个人信息。</p>"
        '<p><button type="submit">提交</button></p></form>'
    )
    return _page(b, "我要写信", inner)


def board_resources(b: Build, messages: list[Message]) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for index in range(page_count(len(messages), b.site.page_size)):
        out[f"{BOARD}{page_name(index)}"] = Resource(
            HTML_NO_CHARSET, render=partial(render_list, b, messages, index), encoding="utf-8"
        )
    for m in messages:
        out[m.path] = Resource(HTML_NO_CHARSET, render=partial(render_detail, b, m), encoding="utf-8")
    out[f"{BOARD}write.html"] = Resource(HTML_NO_CHARSET, render=partial(render_write, b), encoding="utf-8")
    return out


def board_expectations(b: Build, messages: list[Message], spam_words: list[str]) -> list[ExpectedFinding]:
    out = []
    for m in messages:
        if m.planted == "overdue":
            detail = {"asked": m.asked.isoformat(), "days": (b.today - m.asked).days}
            out.append(ExpectedFinding("message_overdue", b.url(m.path), None, m.title, None, detail))
        elif m.planted == "spam":
            out.extend(ExpectedFinding("sensitive_word", b.url(m.path), None, w) for w in spam_words)
    return out
