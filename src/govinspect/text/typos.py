"""Statistical typo detection: one confusable character that makes a text much more probable.

Segmentation exposes a typo: 惯彻落实 splits into 惯/彻/落实 because 惯彻 is no word. For every
character the segmenter left alone (or left in a very rare word), the detector looks for a
common word that one same-sound, near-sound or similar-shape substitution would create, and
reports it only when the local segmentation becomes far more probable (a large log-likelihood
gain under the unigram word model). Thresholds live in data/text/config.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import rjieba

from govinspect.text.data import TextDataError, expect_mapping, expect_number
from govinspect.text.hits import Hit
from govinspect.text.lexicon import MASK, ConfusionSets, Lexicon, build_mask_index

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
INDEX_MIN_FREQ = 20  # the mask index keeps words down to this frequency; config thresholds filter further
IDIOM_LENGTH = 4
CONTEXT_TOKENS = 2  # tokens on each side of a window that take part in the likelihood comparison
COMPOUND_SURNAMES = frozenset("欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 尉迟 长孙 宇文 司徒 夏侯 公孙 端木 独孤".split())
LIST_NAME = "统计检测（jieba 词频 + 同音/近音/形近字）"


@dataclass(frozen=True)
class TypoConfig:
    min_gain: dict[int, float]  # by the length of the word the substitution creates
    min_word_freq: int
    min_idiom_freq: int
    rare_token_freq: int
    max_original_ratio: float
    use_near_sound: bool
    use_shape: bool
    max_window: int
    any_char_min_len: int
    skip_chars: frozenset[str]

    @classmethod
    def from_data(cls, raw: Any, source: str) -> TypoConfig:
        data = expect_mapping(raw, source)

        def num(key: str, minimum: float = 0) -> float:
            if key not in data:
                raise TextDataError(f"{source}：缺少 typo.{key}")
            return expect_number(data[key], f"{source} typo.{key}", minimum=minimum)

        max_window = int(num("max_window", 2))
        if max_window > 6:
            raise TextDataError(f"{source}：typo.max_window 不能大于 6")
        gains: dict[Any, Any] = expect_mapping(data.get("min_gain"), f"{source} typo.min_gain")
        min_gain: dict[int, float] = {}
        for length in range(2, max_window + 1):
            if length not in gains:
                raise TextDataError(f"{source}：typo.min_gain 缺少 {length} 字词的门槛")
            min_gain[length] = expect_number(gains[length], f"{source} typo.min_gain.{length}", minimum=0)
        return cls(
            min_gain=min_gain,
            min_word_freq=max(INDEX_MIN_FREQ, int(num("min_word_freq", 1))),
            min_idiom_freq=max(INDEX_MIN_FREQ, int(num("min_idiom_freq", 1))),
            rare_token_freq=int(num("rare_token_freq")),
            max_original_ratio=num("max_original_ratio"),
            use_near_sound=bool(data.get("use_near_sound", True)),
            use_shape=bool(data.get("use_shape", True)),
            max_window=max_window,
            any_char_min_len=int(num("any_char_min_len", 2)),
            skip_chars=frozenset(str(data.get("skip_chars") or "")),
        )


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # window start in the text
    pos: int  # the substituted character
    word: str  # the word the substitution creates
    gain: float


_RUN_MEMO_SIZE = 100_000


class TypoDetector:
    def __init__(
        self, lex: Lexicon, confusion: ConfusionSets, config: TypoConfig, surnames: frozenset[str] = frozenset()
    ) -> None:
        self.lex = lex
        self.surnames = surnames
        self.confusion = confusion
        self.config = config
        self.index = build_mask_index(
            lex, min_freq=INDEX_MIN_FREQ, min_idiom_freq=INDEX_MIN_FREQ, max_len=config.max_window
        )
        self._conf_cache: dict[str, str] = {}
        # Navigation, footers and boilerplate repeat on every page of a site: a run of Chinese text is
        # judged once and its hits reused (exact: a run never depends on the text around it).
        self._run_memo: dict[str, list[Hit]] = {}

    def confusable(self, ch: str) -> str:
        found = self._conf_cache.get(ch)
        if found is None:
            found = self.confusion.candidates(ch, near=self.config.use_near_sound, shape=self.config.use_shape)
            self._conf_cache[ch] = found
        return found

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        memo = self._run_memo
        for m in _CJK_RUN.finditer(text):
            run, base = m.group(), m.start()
            found = memo.get(run)
            if found is None:
                found = self._find_in_run(run, 0)
                if len(memo) >= _RUN_MEMO_SIZE:
                    memo.clear()  # bounded: a scan of any size keeps at most this many runs
                memo[run] = found
            hits.extend(replace(h, start=h.start + base, end=h.end + base) for h in found)
        return hits

    def _find_in_run(self, run: str, base: int) -> list[Hit]:
        tokens = rjieba.cut(run, False)
        bounds: list[tuple[int, int]] = []
        suspicious: list[int] = []
        pos = 0
        freq = self.lex.freq
        rare = self.config.rare_token_freq
        for token in tokens:
            end = pos + len(token)
            bounds.append((pos, end))
            if len(token) == 1 or freq.get(token, 0) <= rare:
                suspicious.extend(range(pos, end))
            pos = end
        if pos != len(run):  # the segmenter must give back the text it was given
            return []
        hits: list[Hit] = []
        last_end = -1
        for i in suspicious:
            if i < last_end:
                continue
            best = self._best_candidate(run, i, bounds)
            if best is None:
                continue
            wrong = run[best.start : best.start + len(best.word)]
            # evidence is the whole wrong word (惯彻 → 贯彻): a webmaster searches for words, not characters
            hits.append(
                Hit(
                    code="typo",
                    start=base + best.start,
                    end=base + best.start + len(wrong),
                    evidence=wrong,
                    suggestion=best.word,
                    rule=f"{wrong}→{best.word}",
                    list_name=LIST_NAME,
                    extra={"positions": [base + best.pos], "gain": round(best.gain, 2)},
                )
            )
            last_end = best.start + len(best.word)
        return hits

    def _best_candidate(self, run: str, i: int, bounds: list[tuple[int, int]]) -> _Candidate | None:
        cfg = self.config
        conf = self.confusable(run[i])
        # function characters (的, 之, 在…) are suspects only inside an idiom (众所周之 → 众所周知)
        idioms_only = run[i] in cfg.skip_chars
        freq = self.lex.freq
        best: _Candidate | None = None
        n = len(run)
        single_starts = {s for s, e in bounds if e - s == 1}
        lengths = (IDIOM_LENGTH,) if idioms_only else range(2, cfg.max_window + 1)
        for length in lengths:
            for start in range(max(0, i - length + 1), min(i, n - length) + 1):
                end = start + length
                if length == 2 and self._after_surname(run, start, single_starts):
                    continue  # 欧阳静雯, 王建国: a given name looks like a typo of a common word
                fillers = self.index.get(run[start:i] + MASK + run[i + 1 : end])
                if not fillers:
                    continue
                original = run[start:end]
                for ch in fillers:
                    # a long word one character off is evidence enough; a short one needs a confusable pair
                    if ch not in conf and length < cfg.any_char_min_len:
                        continue
                    word = original[: i - start] + ch + original[i - start + 1 :]
                    count = freq.get(word, 0)
                    idiom = word in self.lex.idioms
                    if idioms_only and not idiom:
                        continue
                    if count < (cfg.min_idiom_freq if idiom else cfg.min_word_freq):
                        continue
                    if freq.get(original, 0) > cfg.max_original_ratio * count:
                        continue
                    gain = self._gain(run, start, end, i, ch, bounds)
                    if gain < cfg.min_gain[length]:
                        continue
                    if best is None or gain > best.gain:
                        best = _Candidate(start, i, word, gain)
        return best

    def _after_surname(self, run: str, start: int, single_starts: set[int]) -> bool:
        if start >= 2 and run[start - 2 : start] in COMPOUND_SURNAMES:
            return True
        return start >= 1 and run[start - 1] in self.surnames and (start - 1) in single_starts

    def _gain(self, run: str, start: int, end: int, i: int, ch: str, bounds: list[tuple[int, int]]) -> float:
        """Log-likelihood gain of the substitution over the window and a few tokens around it."""
        first = next(k for k, (s, e) in enumerate(bounds) if e > start)
        last = next(k for k in range(len(bounds) - 1, -1, -1) if bounds[k][0] < end)
        lo = bounds[max(0, first - CONTEXT_TOKENS)][0]
        hi = bounds[min(len(bounds) - 1, last + CONTEXT_TOKENS)][1]
        region = run[lo:hi]
        changed = region[: i - lo] + ch + region[i - lo + 1 :]
        return self.lex.best_logp(changed) - self.lex.best_logp(region)
