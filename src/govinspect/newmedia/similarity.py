"""Title similarity for required reposts: character bigrams, Jaccard (or overlap) of the two sets.

Bigrams suit Chinese titles: no word segmentation, robust to a repost's small edits. Prefixes and
tails a repost adds (【转载】, ｜某某发布) are stripped first (data/newmedia/checks.yaml).
"""

from __future__ import annotations

import re

from govinspect.newmedia.rules import media_rules

_NOISE = re.compile(r"[\s\u3000\W_]+", re.UNICODE)


def normalize_title(title: str) -> str:
    text = title.strip()
    for pattern in media_rules().repost_strip:
        text = pattern.sub("", text).strip()
    return _NOISE.sub("", text).lower()


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str, measure: str | None = None) -> float:
    """0 … 1; ``measure`` jaccard (|A∩B| / |A∪B|) or overlap (|A∩B| / min(|A|, |B|))."""
    first, second = bigrams(normalize_title(a)), bigrams(normalize_title(b))
    if not first or not second:
        return 0.0
    shared = len(first & second)
    if (measure or media_rules().repost_measure) == "overlap":
        return shared / min(len(first), len(second))
    return shared / len(first | second)
