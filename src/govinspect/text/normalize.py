"""Folding text for robust matching, with a map back to the original offsets.

Spam injected into hacked pages hides its words from filters: 六 合 彩, 六*合*彩, full-width
ＡＶ, traditional 賭場. Folding maps every character one-to-one (full-width → ASCII, upper →
lower, traditional → simplified) with ``str.translate``, then drops filler characters between
words, remembering where each kept run came from, so a hit's evidence is the text as printed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from govinspect.text.data import package_text, tsv_rows

# Filler a spammer puts between characters. Chinese clause punctuation (，。；：) is not here:
# dropping it would join words across sentences (服务百家，乐在其中).
_FILLER_CLASS = r"\s\u200b-\u200f\u2060\ufeff*＊_＿\-－~～·•・|｜/／\\＼.．★☆♥♡◆◇○●◎"
_KEPT_RUN = re.compile(f"[^{_FILLER_CLASS}]+")


@cache
def fold_table() -> dict[int, str]:
    """One translate table: full-width → ASCII, upper → lower, ideographic space → space, traditional → simplified."""
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()  # str.lower() could change the length (İ); ASCII cannot
    table[0x3000] = " "
    for _, cols in tsv_rows(package_text("generated/trad2simp.tsv"), "trad2simp.tsv", min_cols=2, max_cols=2):
        trad, simp = cols
        if len(trad) == 1 and len(simp) == 1:
            table[ord(trad)] = simp
    return table


def fold(text: str) -> str:
    """Same length as ``text``: character i of the result is character i of the input, folded."""
    return text.translate(fold_table())


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text without filler, and where each kept run starts in the original."""

    text: str
    run_starts: list[int]  # start of each kept run in ``text``
    orig_starts: list[int]  # start of the same run in the original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of folded[start:end] (end exclusive)."""
        return self._orig(start), self._orig(end - 1) + 1

    def _orig(self, pos: int) -> int:
        i = bisect.bisect_right(self.run_starts, pos) - 1
        return self.orig_starts[i] + (pos - self.run_starts[i])


def fold_compact(text: str) -> Folded:
    folded = fold(text)
    parts: list[str] = []
    run_starts: list[int] = []
    orig_starts: list[int] = []
    length = 0
    for m in _KEPT_RUN.finditer(folded):
        run_starts.append(length)
        orig_starts.append(m.start())
        parts.append(m.group())
        length += m.end() - m.start()
    return Folded("".join(parts), run_starts, orig_starts)
