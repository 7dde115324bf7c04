"""The new-media data files (data/newmedia/*.yaml), loaded once and validated.

A broken data file raises ``MediaDataError`` naming the file and the key, in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from govinspect.findings import SEVERITIES

_STATUSES = ("C2", "C", "P", "D", "OBS", "U", "own", "local")
_PUNCTUATION = re.compile(r"[\s\u3000:：*＊()（）\[\]【】<>《》\"'“”‘’,，.。/、\\_\-|｜]+")


class MediaDataError(ValueError):
    """A new-media data file that cannot be used; the message names the file and the key."""


def fold(value: Any) -> str:
    """A header, alias or name as compared: no spaces or punctuation, lower case."""
    if value is None:
        return ""
    return _PUNCTUATION.sub("", str(value)).lower()


@dataclass(frozen=True, slots=True)
class Choice:
    """A platform or an account state: stored code, displayed label, accepted spellings."""

    code: str
    label: str
    aliases: tuple[str, ...]
    running: bool = False
    closed: bool = False


@dataclass(frozen=True)
class Choices:
    items: tuple[Choice, ...]
    what: str  # 平台 / 状态, for messages

    def parse(self, value: Any) -> str:
        """The code of a choice given by code, label or alias; ValueError (Chinese) otherwise."""
        key = fold(value)
        for item in self.items:
            if key and key in {fold(item.code), fold(item.label), *(fold(a) for a in item.aliases)}:
                return item.code
        labels = "、".join(i.label for i in self.items)
        raise ValueError(f"{self.what}“{value}”无法识别（可用：{labels}）")

    def label(self, code: str) -> str:
        return next((i.label for i in self.items if i.code == code), code)

    def get(self, code: str) -> Choice | None:
        return next((i for i in self.items if i.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)


@dataclass(frozen=True)
class MediaRules:
    stale_days: int
    stale_exempt: frozenset[str]
    text_window_days: int
    repost_measure: str
    repost_threshold: float
    repost_strip: tuple[re.Pattern[str], ...]
    repost_platforms: frozenset[str]
    min_original_share: float
    min_posts_for_share: int
    message_limit_days: int
    message_window_days: int
    message_severity: str
    max_text_chars: int
    repost_markers: tuple[str, ...]
    feed_max_bytes: int
    feed_timeout: float
    feed_max_items: int
    push_max_posts: int


@dataclass(frozen=True)
class ColumnRules:
    header_search_rows: int
    sections: dict[str, dict[str, tuple[str, ...]]]  # accounts|posts|messages → field → synonyms
    original_words: frozenset[str]
    repost_words: frozenset[str]


def _read(name: str) -> Any:
    text = resources.files("govinspect.data").joinpath(f"newmedia/{name}").read_text("utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MediaDataError(f"data/newmedia/{name}：YAML 格式错误：{exc}") from exc


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        raw = _read(name)
        if not isinstance(raw, dict):
            raise MediaDataError(f"data/newmedia/{name}：内容应为映射")
        self.raw = raw

    def fail(self, key: str, message: str) -> MediaDataError:
        return MediaDataError(f"data/newmedia/{self.name}：{key}：{message}")

    def section(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "缺少该部分或不是映射")
        return value

    def number(self, section: dict[str, Any], key: str, where: str, *, minimum: float = 0) -> float:
        raw = section.get(key)
        if isinstance(raw, dict):
            if raw.get("status", "own") not in _STATUSES:
                raise self.fail(f"{where}.{key}", f"status {raw.get('status')!r} 无效")
            raw = raw.get("value")
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.fail(f"{where}.{key}", f"应为数字，而不是 {raw!r}")
        if raw < minimum:
            raise self.fail(f"{where}.{key}", f"不能小于 {minimum:g}")
        return float(raw)

    def words(self, section: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        raw = section.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(w, str | int) for w in raw):
            raise self.fail(f"{where}.{key}", "应为文字列表")
        return tuple(str(w) for w in raw)


def _choices(reader: _Reader, key: str, what: str) -> Choices:
    raw = reader.raw.get(key)
    if not isinstance(raw, list) or not raw:
        raise reader.fail(key, "应为非空列表")
    items: list[Choice] = []
    for entry in raw:
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("label"):
            raise reader.fail(key, "每一项都要有 code 和 label")
        items.append(
            Choice(
                code=str(entry["code"]),
                label=str(entry["label"]),
                aliases=reader.words(entry, "aliases", f"{key}.{entry['code']}"),
                running=bool(entry.get("running", False)),
                closed=bool(entry.get("closed", False)),
            )
        )
    if len({i.code for i in items}) != len(items):
        raise reader.fail(key, "code 重复")
    return Choices(tuple(items), what)


@cache
def platforms() -> Choices:
    return _choices(_Reader("platforms.yaml"), "platforms", "平台")


@cache
def states() -> Choices:
    found = _choices(_Reader("platforms.yaml"), "states", "账号状态")
    if sum(1 for s in found.items if s.running) != 1:
        raise MediaDataError("data/newmedia/platforms.yaml：states 中应恰有一个 running: true 的状态")
    return found


def running_state() -> str:
    return next(s.code for s in states().items if s.running)


def closed_states() -> frozenset[str]:
    return frozenset(s.code for s in states().items if s.closed)


def _patterns(reader: _Reader, raw: tuple[str, ...], where: str) -> tuple[re.Pattern[str], ...]:
    out: list[re.Pattern[str]] = []
    for text in raw:
        try:
            out.append(re.compile(text))
        except re.error as exc:
            raise reader.fail(where, f"正则表达式 {text!r} 无效：{exc}") from exc
    return tuple(out)


@cache
def media_rules() -> MediaRules:
    r = _Reader("checks.yaml")
    stale, text, reposts = r.section("stale"), r.section("text"), r.section("reposts")
    originality, messages, posts = r.section("originality"), r.section("messages"), r.section("posts")
    feeds, push = r.section("feeds"), r.section("push")
    known = set(platforms().codes)
    exempt = frozenset(r.words(stale, "exempt_platforms", "stale"))
    repost_platforms = frozenset(r.words(reposts, "platforms", "reposts"))
    for code in exempt | repost_platforms:
        if code not in known:
            raise r.fail("platforms", f"未知的平台编号 {code}（见 platforms.yaml）")
    measure = str(reposts.get("measure", "jaccard"))
    if measure not in ("jaccard", "overlap"):
        raise r.fail("reposts.measure", "应为 jaccard 或 overlap")
    threshold = r.number(reposts, "threshold", "reposts")
    share = r.number(originality, "min_share", "originality")
    if threshold > 1 or share > 1:
        raise r.fail("reposts.threshold / originality.min_share", "应在 0 到 1 之间")
    severity = str(messages.get("severity", "deduct"))
    if severity not in SEVERITIES:
        raise r.fail("messages.severity", f"应为 {'、'.join(SEVERITIES)} 之一")
    return MediaRules(
        stale_days=int(r.number(stale, "limit_days", "stale", minimum=1)),
        stale_exempt=exempt,
        text_window_days=int(r.number(text, "window_days", "text", minimum=1)),
        repost_measure=measure,
        repost_threshold=threshold,
        repost_strip=_patterns(r, r.words(reposts, "strip_patterns", "reposts"), "reposts.strip_patterns"),
        repost_platforms=repost_platforms,
        min_original_share=share,
        min_posts_for_share=int(r.number(originality, "min_posts", "originality", minimum=1)),
        message_limit_days=int(r.number(messages, "limit_days", "messages", minimum=1)),
        message_window_days=int(r.number(messages, "window_days", "messages", minimum=1)),
        message_severity=severity,
        max_text_chars=int(r.number(posts, "max_text_chars", "posts", minimum=100)),
        repost_markers=r.words(posts, "repost_markers", "posts"),
        feed_max_bytes=int(r.number(feeds, "max_bytes", "feeds", minimum=1024)),
        feed_timeout=r.number(feeds, "timeout_seconds", "feeds", minimum=0.1),
        feed_max_items=int(r.number(feeds, "max_items", "feeds", minimum=1)),
        push_max_posts=int(r.number(push, "max_posts", "push", minimum=1)),
    )


_SECTION_FIELDS = {
    "accounts": ("platform", "name", "account_id", "unit", "state", "opened_on", "state_date", "filing_no",
                 "filed_on", "operator", "contact", "url", "feed_url", "note"),
    "posts": ("time", "title", "text", "url", "original", "origin_source", "account", "platform"),
    "messages": ("time", "content", "reply_time", "reply", "number", "account", "platform"),
}


@cache
def column_rules() -> ColumnRules:
    r = _Reader("columns.yaml")
    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, fields in _SECTION_FIELDS.items():
        raw = r.section(name)
        unknown = set(raw) - set(fields)
        if unknown:
            raise r.fail(name, f"不认识的字段 {'、'.join(sorted(map(str, unknown)))}")
        sections[name] = {f: r.words(raw, f, name) for f in fields}
        empty = [f for f in fields if not sections[name][f]]
        if empty:
            raise r.fail(name, f"字段 {'、'.join(empty)} 没有列名同义词")
    values = r.section("original_values")
    return ColumnRules(
        header_search_rows=int(r.number(r.raw, "header_search_rows", "columns", minimum=1)),
        sections=sections,
        original_words=frozenset(fold(w) for w in r.words(values, "original", "original_values")),
        repost_words=frozenset(fold(w) for w in r.words(values, "repost", "original_values")),
    )
