"""Wrong → right pairs with optional context conditions, matched with Aho-Corasick.

Used for the curated typo list (布署 → 部署; 截止 → 截至 only when a date follows), the banned
expressions of the wording rules, and the users' own lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick_rs

from govinspect.text.data import TextDataError, compile_regex, tsv_rows
from govinspect.text.hits import Hit

CONDITION_WINDOW = 40  # characters of context a before/after condition may look at


@dataclass(frozen=True)
class PairRule:
    wrong: str
    right: str
    source: str  # the list or file the rule comes from
    after: re.Pattern[str] | None = None  # must match the text right after the wrong form
    before: re.Pattern[str] | None = None  # must match (search) the text right before it
    note: str = ""
    allow: tuple[str, ...] = ()  # legitimate longer expressions that contain the wrong form
    severity: str | None = None
    line: int | None = None  # line in the source file, where there is one

    def applies(self, text: str, start: int, end: int) -> bool:
        if self.after is not None and not self.after.search(text[end : end + CONDITION_WINDOW]):
            return False
        if self.before is not None and not self.before.search(text[max(0, start - CONDITION_WINDOW) : start]):
            return False
        for longer in self.allow:
            offset = longer.find(self.wrong)
            while offset >= 0:
                s = start - offset
                if s >= 0 and text[s : s + len(longer)] == longer:
                    return False
                offset = longer.find(self.wrong, offset + 1)
        return True


def read_pair_tsv(text: str, source: str) -> list[PairRule]:
    """wrong, right[, after[, before[, note]]] per line, tab-separated."""
    rules: list[PairRule] = []
    for number, cols in tsv_rows(text, source, min_cols=2, max_cols=5, header="wrong"):
        where = f"{source} 第 {number} 行"
        wrong, right = cols[0], cols[1]
        if wrong == right:
            raise TextDataError(f"{where}：错误写法与正确写法相同（{wrong}）")
        after = compile_regex(cols[2], where) if len(cols) > 2 and cols[2] else None
        before = compile_regex(cols[3], where) if len(cols) > 3 and cols[3] else None
        note = cols[4] if len(cols) > 4 else ""
        rules.append(PairRule(wrong, right, source, after=after, before=before, note=note, line=number))
    return rules


class PairMatcher:
    """All rules of one code in one automaton; overlapping hits resolved longest first."""

    def __init__(self, rules: Iterable[PairRule], code: str) -> None:
        by_wrong: dict[str, list[PairRule]] = {}
        for rule in rules:
            by_wrong.setdefault(rule.wrong, []).append(rule)
        self.code = code
        self._patterns = list(by_wrong)
        self._rules = [by_wrong[p] for p in self._patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns) if self._patterns else None

    def __len__(self) -> int:
        return len(self._patterns)

    def find(self, text: str) -> list[Hit]:
        if self._automaton is None:
            return []
        found: list[tuple[int, int, PairRule]] = []
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for rule in self._rules[index]:
                if rule.applies(text, start, end):
                    found.append((start, end, rule))
                    break
        found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
        taken: list[tuple[int, int]] = []
        hits: list[Hit] = []
        for start, end, rule in found:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            hits.append(
                Hit(
                    code=self.code,
                    start=start,
                    end=end,
                    evidence=text[start:end],
                    suggestion=rule.right or None,
                    rule=f"{rule.wrong}→{rule.right}" if rule.right else rule.wrong,
                    list_name=rule.source,
                    severity=rule.severity,
                    extra={k: v for k, v in (("note", rule.note), ("line", rule.line)) if v},
                )
            )
        hits.sort(key=lambda h: h.start)
        return hits
