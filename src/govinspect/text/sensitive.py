"""sensitive_word: gambling, porn, violence, drugs, fraud wording, matched on folded text.

Folding (normalize.py) makes 六 合 彩, 六*合*彩, 六合綵 and ＢＥＴ３６５ match their plain
forms; the evidence is still the text as printed. Legitimate contexts are allowed two ways:
an allow-list of longer expressions (福利彩票投注站 contains 彩票投注) and words just before
the hit that mark a report about fighting the problem (严厉打击网络赌博).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs

from govinspect.text.data import TextDataError, expect_list, expect_mapping, expect_number, expect_str
from govinspect.text.hits import Hit
from govinspect.text.normalize import Folded, fold, fold_compact


@dataclass
class SensitiveLists:
    words: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded word → (category, source)
    category_names: dict[str, str] = field(default_factory=dict)
    allow: list[str] = field(default_factory=list)
    legit_before: list[str] = field(default_factory=list)
    legit_categories: set[str] = field(default_factory=set)
    legit_window: int = 12

    def add_word(self, word: str, category: str, source: str) -> None:
        key = fold_compact(word).text
        if len(key) < 2:
            raise TextDataError(f"{source}：敏感词“{word}”太短（至少 2 个字）")
        self.words.setdefault(key, (category, source))

    def merge(self, other: SensitiveLists) -> None:
        for key, value in other.words.items():
            self.words.setdefault(key, value)
        self.category_names.update(other.category_names)
        self.allow.extend(other.allow)
        self.legit_before.extend(other.legit_before)
        self.legit_categories |= other.legit_categories


def read_sensitive(raw: Any, source: str) -> SensitiveLists:
    data = expect_mapping(raw, source)
    unknown = set(data) - {"categories", "allow", "legit_before", "legit_window"}
    if unknown:
        raise TextDataError(f"{source}：未知的键 {', '.join(sorted(unknown))}")
    lists = SensitiveLists()
    for key, spec in expect_mapping(data.get("categories"), f"{source} categories").items():
        where = f"{source} categories.{key}"
        entry = expect_mapping(spec, where)
        lists.category_names[str(key)] = expect_str(entry.get("name", key), f"{where}.name")
        for i, word in enumerate(expect_list(entry.get("words"), f"{where}.words"), start=1):
            lists.add_word(expect_str(word, f"{where}.words 第 {i} 项"), str(key), source)
    for i, word in enumerate(expect_list(data.get("allow"), f"{source} allow"), start=1):
        lists.allow.append(expect_str(word, f"{source} allow 第 {i} 项"))
    legit = expect_mapping(data.get("legit_before"), f"{source} legit_before")
    for i, word in enumerate(expect_list(legit.get("words"), f"{source} legit_before.words"), start=1):
        lists.legit_before.append(expect_str(word, f"{source} legit_before.words 第 {i} 项"))
    for i, cat in enumerate(expect_list(legit.get("only"), f"{source} legit_before.only"), start=1):
        lists.legit_categories.add(expect_str(cat, f"{source} legit_before.only 第 {i} 项"))
    if "legit_window" in data:
        lists.legit_window = int(expect_number(data["legit_window"], f"{source} legit_window", minimum=0))
    return lists


class SensitiveMatcher:
    def __init__(self, lists: SensitiveLists) -> None:
        self.lists = lists
        self._keys = list(lists.words)
        self._words = (
            ahocorasick_rs.AhoCorasick(self._keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if self._keys
            else None
        )
        allow = sorted({fold_compact(a).text for a in lists.allow if fold_compact(a).text})
        self._allow = ahocorasick_rs.AhoCorasick(allow) if allow else None
        legit = sorted({fold(w) for w in lists.legit_before if w})
        self._legit = ahocorasick_rs.AhoCorasick(legit) if legit else None

    def find(self, text: str) -> list[Hit]:
        if self._words is None:
            return []
        folded = fold_compact(text)
        matches = self._words.find_matches_as_indexes(folded.text, overlapping=False)
        if not matches:
            return []
        allowed = self._allowed_spans(folded)
        hits: list[Hit] = []
        for index, start, end in matches:
            if any(s <= start and end <= e for s, e in allowed):
                continue
            key = self._keys[index]
            category, source = self.lists.words[key]
            o_start, o_end = folded.original_span(start, end)
            if category in self.lists.legit_categories and self._legit_context(text, o_start):
                continue
            hits.append(
                Hit(
                    code="sensitive_word",
                    start=o_start,
                    end=o_end,
                    evidence=text[o_start:o_end],
                    suggestion=None,
                    rule=key,
                    list_name=source,
                    extra={"category": category, "category_name": self.lists.category_names.get(category, category)},
                )
            )
        return hits

    def _allowed_spans(self, folded: Folded) -> list[tuple[int, int]]:
        if self._allow is None:
            return []
        return [(s, e) for _, s, e in self._allow.find_matches_as_indexes(folded.text, overlapping=True)]

    def _legit_context(self, text: str, start: int) -> bool:
        if self._legit is None:
            return False
        window = fold(text[max(0, start - self.lists.legit_window) : start])
        return bool(self._legit.find_matches_as_indexes(window))

