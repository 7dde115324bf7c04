"""Word frequencies and character confusion sets: the statistics behind the typo detector.

The lexicon is jieba's dictionary (word, frequency, part of speech), turned into a unigram
language model: the log-probability of a text is that of its most probable segmentation.
A typo shows as a local drop in that probability which one confusable character undoes.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass, field

from govinspect.text.data import TextDataError, package_bytes, package_text

MASK = "\x00"  # stands for the one character a mask-index key leaves open
IDIOM_TAGS = frozenset({"i", "l"})  # jieba: idiom, fixed phrase


@dataclass
class Lexicon:
    freq: dict[str, int]
    idioms: frozenset[str]
    total: int
    max_len: int = 6
    _logp: dict[str, float] = field(default_factory=dict, repr=False)
    unknown_logp: float = 0.0

    @classmethod
    def load(cls) -> Lexicon:
        try:
            raw = gzip.decompress(package_bytes("generated/lexicon.tsv.gz")).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise TextDataError(f"内置词表 generated/lexicon.tsv.gz 已损坏：{exc}") from exc
        freq: dict[str, int] = {}
        idioms: set[str] = set()
        for line in raw.splitlines():
            if not line or line[0] == "#":
                continue
            word, count, tag = line.split("\t")
            freq[word] = int(count)
            if tag in IDIOM_TAGS and len(word) == 4:
                idioms.add(word)
        if not freq:
            raise TextDataError("内置词表 generated/lexicon.tsv.gz 为空")
        total = sum(freq.values())
        lex = cls(freq=freq, idioms=frozenset(idioms), total=total)
        log_total = math.log(total)
        lex._logp = {w: math.log(c) - log_total for w, c in freq.items()}
        # an unknown character is rarer than any known one (jieba's floor is frequency 1)
        lex.unknown_logp = math.log(0.5) - log_total
        return lex

    def logp(self, word: str) -> float | None:
        return self._logp.get(word)

    def best_logp(self, text: str) -> float:
        """Log-probability of the most probable segmentation of ``text`` (unigram model)."""
        n = len(text)
        best = [0.0] + [-math.inf] * n
        logp = self._logp
        for i in range(n):
            here = best[i]
            if here == -math.inf:
                continue
            single = logp.get(text[i], self.unknown_logp)
            if here + single > best[i + 1]:
                best[i + 1] = here + single
            for length in range(2, min(self.max_len, n - i) + 1):
                lp = logp.get(text[i : i + length])
                if lp is not None and here + lp > best[i + length]:
                    best[i + length] = here + lp
        return best[n]


@dataclass(frozen=True)
class ConfusionSets:
    """For each common character, the characters a writer may type instead (or the reverse)."""

    same_sound: dict[str, str]
    near_sound: dict[str, str]
    shape: dict[str, str]

    @classmethod
    def load(cls) -> ConfusionSets:
        same: dict[str, str] = {}
        near: dict[str, str] = {}
        shape: dict[str, str] = {}
        for number, line in enumerate(package_text("generated/confusion.tsv").splitlines(), start=1):
            if not line or line[0] == "#":
                continue
            cols = line.split("\t")
            if len(cols) != 4 or len(cols[0]) != 1:
                raise TextDataError(f"内置数据 generated/confusion.tsv 第 {number} 行格式错误")
            ch, s, n, p = cols
            if s:
                same[ch] = s
            if n:
                near[ch] = n
            if p:
                shape[ch] = p
        return cls(same, near, shape)

    def candidates(self, ch: str, *, near: bool, shape: bool) -> str:
        out = self.same_sound.get(ch, "")
        if near:
            out += self.near_sound.get(ch, "")
        if shape:
            out += self.shape.get(ch, "")
        return out


def build_mask_index(lex: Lexicon, *, min_freq: int, min_idiom_freq: int, max_len: int) -> dict[str, str]:
    """Key: a word with one character replaced by MASK; value: the characters that fill it.

    One dictionary look-up per window then finds every common word one substitution away,
    instead of one look-up per confusable character.
    """
    index: dict[str, str] = {}
    for word, count in lex.freq.items():
        n = len(word)
        if n < 2 or n > max_len:
            continue
        if count < min_freq and not (word in lex.idioms and count >= min_idiom_freq):
            continue
        for j in range(n):
            key = word[:j] + MASK + word[j + 1 :]
            index[key] = index.get(key, "") + word[j]
    return index
