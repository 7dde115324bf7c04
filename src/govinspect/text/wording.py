"""serious_error: banned expressions, wrong fixed formulations, leader titles, fallen officials."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs

from govinspect.text.data import (
    TextDataError,
    compile_regex,
    expect_date,
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
)
from govinspect.text.hits import Hit
from govinspect.text.numerals import to_chinese
from govinspect.text.pairs import PairMatcher, PairRule

SEVERITIES = ("veto", "deduct", "notice")


@dataclass(frozen=True)
class PatternRule:
    pattern: re.Pattern[str]
    right: str
    numerals: tuple[str, ...]
    note: str
    source: str
    severity: str | None = None

    def suggestion(self, m: re.Match[str]) -> str:
        groups = {k: (v or "") for k, v in m.groupdict().items()}
        for name in self.numerals:
            if groups.get(name, "").isdigit():
                groups[name] = to_chinese(int(groups[name]))
        return self.right.format(**groups)


def _severity(value: Any, source: str) -> str | None:
    if value is None:
        return None
    if value not in SEVERITIES:
        raise TextDataError(f"{source}：severity 应为 {'/'.join(SEVERITIES)} 之一，实为 {value!r}")
    return str(value)


def read_serious_rules(raw: Any, source: str) -> tuple[list[PairRule], list[PatternRule]]:
    data = expect_mapping(raw, source)
    unknown = set(data) - {"terms", "patterns"}
    if unknown:
        raise TextDataError(f"{source}：未知的键 {', '.join(sorted(unknown))}（只允许 terms、patterns）")
    terms: list[PairRule] = []
    for i, item in enumerate(expect_list(data.get("terms"), f"{source} terms"), start=1):
        where = f"{source} terms 第 {i} 条"
        entry = expect_mapping(item, where)
        wrong = expect_str(entry.get("wrong"), f"{where} wrong")
        allow = tuple(expect_str_list(entry.get("allow"), f"{where} allow"))
        for longer in allow:
            if wrong not in longer:
                raise TextDataError(f"{where}：allow 中的“{longer}”不包含错误写法“{wrong}”")
        terms.append(
            PairRule(
                wrong=wrong,
                right=expect_str(entry.get("right"), f"{where} right", allow_empty=True),
                source=source,
                note=expect_str(entry.get("note"), f"{where} note", allow_empty=True),
                allow=allow,
                severity=_severity(entry.get("severity"), where),
            )
        )
    patterns: list[PatternRule] = []
    for i, item in enumerate(expect_list(data.get("patterns"), f"{source} patterns"), start=1):
        where = f"{source} patterns 第 {i} 条"
        entry = expect_mapping(item, where)
        regex = compile_regex(expect_str(entry.get("pattern"), f"{where} pattern"), where)
        numerals = tuple(expect_str_list(entry.get("numerals"), f"{where} numerals"))
        for name in numerals:
            if name not in regex.groupindex:
                raise TextDataError(f"{where}：numerals 中的组名 {name} 不在正则表达式中")
        right = expect_str(entry.get("right"), f"{where} right", allow_empty=True)
        for name in re.findall(r"{(\w+)}", right):
            if name not in regex.groupindex:
                raise TextDataError(f"{where}：right 中的 {{{name}}} 不是正则表达式的命名组")
        patterns.append(
            PatternRule(
                pattern=regex,
                right=right,
                numerals=numerals,
                note=expect_str(entry.get("note"), f"{where} note", allow_empty=True),
                source=source,
                severity=_severity(entry.get("severity"), where),
            )
        )
    return terms, patterns


@dataclass(frozen=True)
class Post:
    name: str
    title: str
    region: str
    start: dt.date
    end: dt.date | None


@dataclass
class Roster:
    """Who holds (held) which title, and which spellings name each title."""

    posts: list[Post] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # spelling → canonical title
    unique: set[str] = field(default_factory=set)  # titles one person holds at a time
    source: str = "roster.yaml"

    def merge(self, other: Roster) -> None:
        self.posts.extend(other.posts)
        self.aliases.update(other.aliases)
        self.unique |= other.unique

    def titles_of(self, name: str) -> set[str]:
        return {p.title for p in self.posts if p.name == name}

    def holders(self, title: str) -> set[str]:
        return {p.name for p in self.posts if p.title == title}


def read_roster(raw: Any, source: str) -> Roster:
    data = expect_mapping(raw, source)
    roster = Roster(source=source)
    for title, spec in expect_mapping(data.get("titles"), f"{source} titles").items():
        where = f"{source} titles {title}"
        canonical = expect_str(title, where)
        entry = expect_mapping(spec, where)
        roster.aliases[canonical] = canonical
        for alias in expect_str_list(entry.get("aliases"), f"{where} aliases"):
            roster.aliases[alias] = canonical
        if entry.get("unique"):
            roster.unique.add(canonical)
    for i, item in enumerate(expect_list(data.get("people"), f"{source} people"), start=1):
        where = f"{source} people 第 {i} 条"
        entry = expect_mapping(item, where)
        title = expect_str(entry.get("title"), f"{where} title")
        if title not in roster.aliases:
            roster.aliases[title] = title  # a title used only in people still counts as one
        start = expect_date(entry.get("from"), f"{where} from")
        end = expect_date(entry.get("to"), f"{where} to", allow_none=True)
        assert start is not None
        if end is not None and end < start:
            raise TextDataError(f"{where}：to（{end}）早于 from（{start}）")
        roster.posts.append(
            Post(
                name=expect_str(entry.get("name"), f"{where} name"),
                title=roster.aliases[title],
                region=expect_str(entry.get("region", "全国"), f"{where} region"),
                start=start,
                end=end,
            )
        )
    return roster


def read_fallen(raw: Any, source: str) -> list[tuple[str, str]]:
    """(name, former title) of officials under investigation."""
    data = expect_mapping(raw, source)
    out: list[tuple[str, str]] = []
    for i, item in enumerate(expect_list(data.get("officials"), f"{source} officials"), start=1):
        where = f"{source} officials 第 {i} 条"
        entry = expect_mapping(item, where)
        name = expect_str(entry.get("name"), f"{where} name")
        if len(name) < 2:
            raise TextDataError(f"{where}：姓名“{name}”太短")
        expect_date(entry.get("date"), f"{where} date", allow_none=True)
        out.append((name, expect_str(entry.get("former_title"), f"{where} former_title", allow_empty=True)))
    return out


@dataclass
class WordingChecker:
    terms: PairMatcher
    patterns: list[PatternRule]
    roster: Roster
    fallen: list[tuple[str, str]]
    fallen_source: str
    official_titles: list[str]
    fallen_ok_before: list[str]
    fallen_ok_after: list[str]
    surnames: frozenset[str]
    _names: Any = field(init=False, repr=False, default=None)
    _title_re: re.Pattern[str] | None = field(init=False, repr=False, default=None)
    _fallen_names: Any = field(init=False, repr=False, default=None)
    _generic_title_re: re.Pattern[str] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        names = sorted({p.name for p in self.roster.posts})
        self._name_list = names
        self._names = ahocorasick_rs.AhoCorasick(names) if names else None
        spellings = sorted(self.roster.aliases, key=len, reverse=True)
        self._title_re = re.compile("|".join(map(re.escape, spellings))) if spellings else None
        fallen = [n for n, _ in self.fallen]
        self._fallen_names = ahocorasick_rs.AhoCorasick(fallen) if fallen else None
        generic = sorted(set(self.official_titles), key=len, reverse=True)
        self._generic_title_re = re.compile("|".join(map(re.escape, generic))) if generic else None

    def find(self, text: str) -> list[Hit]:
        hits = self.terms.find(text)
        hits.extend(self._patterns(text))
        hits.extend(self._roster(text))
        hits.extend(self._fallen(text))
        return hits

    def _patterns(self, text: str) -> Iterable[Hit]:
        for rule in self.patterns:
            for m in rule.pattern.finditer(text):
                if m.end() == m.start():
                    continue
                yield Hit(
                    code="serious_error",
                    start=m.start(),
                    end=m.end(),
                    evidence=m.group(),
                    suggestion=rule.suggestion(m) or None,
                    rule=rule.pattern.pattern,
                    list_name=rule.source,
                    severity=rule.severity,
                    extra={"note": rule.note} if rule.note else {},
                )

    def _title_touching(self, text: str, start: int, end: int) -> tuple[str, int, int] | None:
        """A roster title written right before text[start:] or right after text[:end]."""
        if self._title_re is None:
            return None
        after = self._title_re.match(text, end)
        if after is not None:
            return after.group(), after.start(), after.end()
        window = text[max(0, start - 20) : start]
        for m in self._title_re.finditer(window):
            if m.end() == len(window):
                offset = max(0, start - 20)
                return m.group(), offset + m.start(), offset + m.end()
        return None

    def _roster(self, text: str) -> Iterable[Hit]:
        if self._names is None:
            return
        seen_at: set[int] = set()
        for index, start, end in self._names.find_matches_as_indexes(text, overlapping=False):
            name = self._name_list[index]
            seen_at.add(start)
            touching = self._title_touching(text, start, end)
            if touching is None:
                continue
            spelled, t_start, t_end = touching
            title = self.roster.aliases[spelled]
            held = self.roster.titles_of(name)
            if title in held:
                continue
            # a shared short spelling (主席) is fine when any held title may be written so
            if any(self.roster.aliases.get(spelled) == t for t in held):
                continue
            right_holders = sorted(self.roster.holders(title))
            lo, hi = min(start, t_start), max(end, t_end)
            yield Hit(
                code="serious_error",
                start=lo,
                end=hi,
                evidence=text[lo:hi],
                suggestion=None,
                rule=f"{name}：名录中无“{title}”职务",
                list_name=self.roster.source,
                extra={"name": name, "title": title, "held": sorted(held), "holders": right_holders},
            )
        yield from self._unique_title_wrong_name(text, seen_at)

    def _unique_title_wrong_name(self, text: str, names_at: set[int]) -> Iterable[Hit]:
        """国务院总理张三: a one-holder title followed by a name that never held it."""
        if self._title_re is None:
            return
        for m in self._title_re.finditer(text):
            title = self.roster.aliases[m.group()]
            if title not in self.roster.unique or m.group() != title:
                continue  # only the full title; short forms (总理) are too loose
            pos = m.end()
            if pos in names_at or pos >= len(text) or text[pos] not in self.surnames:
                continue
            candidate = text[pos : pos + 3]
            holders = self.roster.holders(title)
            if any(text.startswith(h, pos) for h in holders):
                continue
            if any(text.startswith(n, pos) for n in self._name_list):
                continue  # a known person: handled with his own titles
            name = _name_at(text, pos)
            if name is None:
                continue
            yield Hit(
                code="serious_error",
                start=m.start(),
                end=pos + len(name),
                evidence=text[m.start() : pos + len(name)],
                suggestion=None,
                rule=f"{title}：其后姓名“{name}”不在名录任职人员中",
                list_name=self.roster.source,
                extra={"title": title, "name": name, "holders": sorted(holders), "candidate": candidate},
            )

    def _fallen(self, text: str) -> Iterable[Hit]:
        if self._fallen_names is None or self._generic_title_re is None:
            return
        for index, start, end in self._fallen_names.find_matches_as_indexes(text, overlapping=False):
            name, former = self.fallen[index]
            after = text[end : end + 8]
            if any(after.startswith(w) for w in self.fallen_ok_after):
                continue
            before = text[max(0, start - 16) : start]
            title_before = None
            for m in self._generic_title_re.finditer(before):
                if m.end() == len(before):
                    title_before = m
            title_after = self._generic_title_re.match(text, end)
            if title_before is None and title_after is None:
                continue
            if title_before is not None:
                lead = before[: title_before.start()]
                # 原重庆市委书记薄熙来: the title is a former one
                if any(w in lead[-12:] for w in self.fallen_ok_before):
                    continue
            lo = start - (len(before) - title_before.start()) if title_before is not None else start
            hi = title_after.end() if title_after is not None else end
            yield Hit(
                code="serious_error",
                start=lo,
                end=hi,
                evidence=text[lo:hi],
                suggestion=None,
                rule=f"落马官员：{name}",
                list_name=self.fallen_source,
                extra={"name": name, "former_title": former},
            )


def _name_at(text: str, pos: int) -> str | None:
    """A 2–3 character name at ``pos``, ended by punctuation or a reporting verb."""
    for length in (2, 3):
        end = pos + length
        if end > len(text):
            break
        word = text[pos:end]
        if not all("\u4e00" <= c <= "\u9fff" for c in word):
            break
        tail = text[end : end + 2]
        if not tail or not ("\u4e00" <= tail[0] <= "\u9fff") or tail.startswith(_NAME_FOLLOWERS):
            return word
    return None


# what typically follows a leader's name in reports: punctuation, or these verbs
_NAME_FOLLOWERS = ("主持", "出席", "指出", "强调", "表示", "会见", "同志", "在", "对", "向", "签署", "发表", "讲话")
