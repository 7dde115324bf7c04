"""numbering_error: broken outline sequences such as （一）（二）（二）（四） or 一、二、四、.

Markers count at the start of a line or right after a sentence end. Each style (（一）, 一、,
（1）, 1.) is followed separately; a marker 1 starts a new list. A repeated number or a gap of
up to ``max_gap`` is reported at the offending marker; larger jumps are taken as another list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govinspect.text.data import (
    TextDataError,
    compile_regex,
    expect_list,
    expect_mapping,
    expect_number,
    expect_str,
)
from govinspect.text.hits import Hit
from govinspect.text.numerals import from_chinese, to_chinese

LIST_NAME = "config.yaml numbering"
_LINE_START = r"(?:^|(?<=\n)|(?<=[。；;！？!?]))[ \t\u3000]*"


@dataclass(frozen=True)
class NumberingStyle:
    name: str
    pattern: re.Pattern[str]
    chinese: bool

    def value(self, m: re.Match[str]) -> int | None:
        raw = m.group("n")
        return from_chinese(raw) if self.chinese else int(raw)

    def render(self, marker: str, raw: str, value: int) -> str:
        """The marker as it should have been written: same brackets, right number."""
        return marker.replace(raw, to_chinese(value) if self.chinese else str(value), 1)


@dataclass(frozen=True)
class NumberingConfig:
    styles: tuple[NumberingStyle, ...]
    max_gap: int

    @classmethod
    def from_data(cls, raw: Any, source: str) -> NumberingConfig:
        data = expect_mapping(raw, f"{source} numbering")
        styles: list[NumberingStyle] = []
        for i, item in enumerate(expect_list(data.get("styles"), f"{source} numbering.styles"), start=1):
            where = f"{source} numbering.styles 第 {i} 条"
            entry = expect_mapping(item, where)
            body = expect_str(entry.get("pattern"), f"{where} pattern")
            pattern = compile_regex(_LINE_START + "(?:" + body + ")", where)
            if "n" not in pattern.groupindex:
                raise TextDataError(f"{where}：正则表达式须有命名组 (?P<n>…)，标出序号")
            styles.append(NumberingStyle(expect_str(entry.get("name"), f"{where} name"), pattern, bool(entry.get("numerals"))))
        max_gap = int(expect_number(data.get("max_gap", 2), f"{source} numbering.max_gap", minimum=1))
        return cls(tuple(styles), max_gap)


@dataclass
class _Marker:
    start: int
    end: int
    text: str
    raw: str
    value: int


def find_numbering_errors(text: str, config: NumberingConfig) -> list[Hit]:
    hits: list[Hit] = []
    for style in config.styles:
        markers: list[_Marker] = []
        for m in style.pattern.finditer(text):
            value = style.value(m)
            if value is not None and value > 0:
                start = m.start() + (len(m.group()) - len(m.group().lstrip(" \t\u3000")))
                markers.append(_Marker(start, m.end(), text[start : m.end()], m.group("n"), value))
        hits.extend(_check_sequence(markers, style, config.max_gap))
    hits.sort(key=lambda h: h.start)
    return hits


def _split_lists(markers: list[_Marker], max_gap: int) -> list[list[_Marker]]:
    lists: list[list[_Marker]] = []
    current: list[_Marker] = []
    for marker in markers:
        if current:
            prev = current[-1].value
            if marker.value == 1 or not prev <= marker.value <= prev + max_gap:
                lists.append(current)
                current = []
        current.append(marker)
    if current:
        lists.append(current)
    return lists


def _check_sequence(markers: list[_Marker], style: NumberingStyle, max_gap: int) -> list[Hit]:
    hits: list[Hit] = []
    for seq in _split_lists(markers, max_gap):
        if len(seq) < 2:
            continue
        written = [m.text for m in seq]
        expected = seq[0].value
        previous = seq[0].value
        for marker in seq[1:]:
            expected += 1
            if marker.value == expected:
                previous = marker.value
                continue
            if marker.value == previous + 1:
                # continues the number written before (1,2,2,3,4: only the repeated 2 is wrong)
                expected = previous = marker.value
                continue
            right = style.render(marker.text, marker.raw, expected)
            hits.append(
                Hit(
                    code="numbering_error",
                    start=marker.start,
                    end=marker.end,
                    evidence=marker.text,
                    suggestion=right,
                    rule=f"{style.name}序号应连续",
                    list_name=LIST_NAME,
                    extra={"sequence": written, "expected": right, "style": style.name},
                )
            )
            if marker.value > expected:
                expected = marker.value  # a gap: later numbers follow the one written
            previous = marker.value
    return hits
