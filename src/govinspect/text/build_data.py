"""Development tool: derive the engine's generated data from registry packages.

Run once by a developer, never at run time (the engine only reads the files this writes):

    python -m govinspect.text.build_data --jieba-dict DICT.txt --same-stroke SAME_STROKE.txt \
        --opencc-ts TSCharacters.txt

Inputs come from packages fetched with the ordinary clients (``pip download --no-deps jieba``
for ``jieba/dict.txt`` (MIT), ``pycorrector`` for ``data/same_stroke.txt`` (Apache-2.0),
``opencc-python-reimplemented`` for ``opencc/dictionary/TSCharacters.txt`` (Apache-2.0));
pinyin readings come from the installed pypinyin (MIT). Licences: data/text/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import defaultdict
from pathlib import Path

from pypinyin.pinyin_dict import pinyin_dict

OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "text" / "generated"
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)
# Readings an input method confuses: flat/retroflex initials, n/l, front/back nasal finals.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("iang", "ian"), ("uang", "uan"))
COMMON_CHARS = 6000  # confusion sets only between the most frequent characters


def _toneless(reading: str) -> str:
    return reading.translate(_TONE_MARKS)


def _fuzzy_key(syllable: str) -> str:
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


def read_jieba(path: Path) -> list[tuple[str, int, str]]:
    rows: list[tuple[str, int, str]] = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and _CJK_WORD.match(parts[0]):
            rows.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return rows


def write_lexicon(rows: list[tuple[str, int, str]]) -> None:
    lines = ["# word\tfrequency\tpos — from jieba 0.42.1 dict.txt (MIT)\n"]
    lines.extend(f"{word}\t{freq}\t{tag}\n" for word, freq, tag in rows)
    with (OUT_DIR / "lexicon.tsv.gz").open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write("".join(lines).encode("utf-8"))  # mtime 0: the same input gives the same bytes


def common_chars(rows: list[tuple[str, int, str]]) -> list[str]:
    weight: dict[str, int] = defaultdict(int)
    for word, freq, _ in rows:
        for ch in word:
            weight[ch] += freq
    return [ch for ch, _ in sorted(weight.items(), key=lambda kv: -kv[1])[:COMMON_CHARS]]


def write_confusion(chars: list[str], same_stroke: Path) -> None:
    allowed = set(chars)
    readings: dict[str, set[str]] = {}  # what a writer types for a character: its first two readings
    primary: dict[str, str] = {}  # what a character shows up for: its first reading
    for ch in chars:
        raw = pinyin_dict.get(ord(ch))
        if raw:
            # rare readings (委蛇 yí) would make every set huge; the second covers 多音字 (重 chóng)
            listed = [_toneless(r) for r in raw.split(",")]
            readings[ch] = set(listed[:2])
            primary[ch] = listed[0]
    by_sound: dict[str, set[str]] = defaultdict(set)
    by_fuzzy: dict[str, set[str]] = defaultdict(set)
    for ch, syllables in readings.items():
        for s in syllables:
            by_sound[s].add(ch)
            by_fuzzy[_fuzzy_key(s)].add(ch)
    shape: dict[str, set[str]] = defaultdict(set)
    for line in same_stroke.read_text("utf-8").splitlines():
        group = [c for c in line.split() if len(c) == 1 and c in allowed]
        for c in group:
            shape[c].update(x for x in group if x != c)
    with (OUT_DIR / "confusion.tsv").open("w", encoding="utf-8") as out:
        out.write("# char\tsame sound (any tone)\tnear sound (z/zh, n/l, an/ang…)\tsimilar shape\n")
        out.write("# pinyin: pypinyin (MIT); shapes: pycorrector same_stroke.txt (Apache-2.0)\n")
        for ch in chars:
            # the wrong character ch appears when the right one is typed with ch's own reading
            same: set[str] = set()
            near: set[str] = set()
            if ch in primary:
                same |= by_sound[primary[ch]]
                near |= by_fuzzy[_fuzzy_key(primary[ch])]
            same.discard(ch)
            near -= same | {ch}
            shp = shape.get(ch, set()) - same - near
            if same or near or shp:
                out.write(f"{ch}\t{''.join(sorted(same))}\t{''.join(sorted(near))}\t{''.join(sorted(shp))}\n")


def write_trad2simp(path: Path) -> None:
    with (OUT_DIR / "trad2simp.tsv").open("w", encoding="utf-8") as out:
        out.write("# traditional\tsimplified — OpenCC TSCharacters.txt (Apache-2.0), first choice\n")
        for line in path.read_text("utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[0] != parts[1]:
                out.write(f"{parts[0]}\t{parts[1]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="生成文本引擎的派生数据文件")
    parser.add_argument("--jieba-dict", type=Path, required=True)
    parser.add_argument("--same-stroke", type=Path, required=True)
    parser.add_argument("--opencc-ts", type=Path, required=True)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    rows = read_jieba(args.jieba_dict)
    write_lexicon(rows)
    write_confusion(common_chars(rows), args.same_stroke)
    write_trad2simp(args.opencc_ts)
    print(f"已写入 {OUT_DIR}")


if __name__ == "__main__":
    main()
