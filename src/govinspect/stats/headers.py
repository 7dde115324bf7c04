"""Finding the header of a message export and which column holds which field.

Header cells are compared after dropping spaces and punctuation. A header equal to a synonym
(data/stats/messages.yaml) beats one that merely contains a synonym; within a field, earlier
synonyms beat later ones; a column serves one field. The header row is the row among the first
few that names the most fields; rows above it (grouped headers) are consulted for columns the
header row leaves blank. A mapping file may name a field's column explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from govinspect.stats.errors import StatsError
from govinspect.stats.rules import FIELD_LABELS, MESSAGE_FIELDS, MessageRules

_PUNCTUATION = re.compile(r"[\s\u3000:：*＊()（）\[\]【】<>《》\"'“”‘’,，.。/、\\_-]+")


def normal_header(value: Any) -> str:
    if value is None:
        return ""
    return _PUNCTUATION.sub("", str(value)).lower()


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # index of the header row in the grid; data starts on the next row
    columns: dict[str, int]  # field → column index
    labels: dict[str, str]  # field → the header text it was read from


def load_mapping(path: Path) -> dict[str, list[str]]:
    """A mapping file: ``columns: {留言时间: 来信日期, title: 信件主题}`` (also under ``messages:``)."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise StatsError(f"无法读取映射文件 {path}：{exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StatsError(f"映射文件 {path} 不是有效的 YAML（UTF-8）：{exc}") from exc
    if isinstance(raw, dict) and isinstance(raw.get("messages"), dict):
        raw = raw["messages"]
    columns = raw.get("columns") if isinstance(raw, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise StatsError(f"映射文件 {path} 应包含 columns: {{字段: 列名}}，例如 columns: {{留言时间: 来信日期}}")
    by_label = {label: name for name, label in FIELD_LABELS.items()}
    out: dict[str, list[str]] = {}
    for key, value in columns.items():
        name = str(key).strip()
        name = by_label.get(name, name)
        if name not in MESSAGE_FIELDS:
            known = "、".join(f"{n}（{FIELD_LABELS[n]}）" for n in MESSAGE_FIELDS)
            raise StatsError(f"映射文件 {path} 中的字段“{key}”未知；可用字段：{known}")
        headers = value if isinstance(value, list) else [value]
        if not headers or not all(isinstance(h, str | int) and str(h).strip() for h in headers):
            raise StatsError(f"映射文件 {path} 中字段“{key}”的列名应为文字或文字列表")
        out[name] = [str(h).strip() for h in headers]
    return out


class HeaderFinder:
    def __init__(self, rules: MessageRules, mapping: dict[str, list[str]] | None = None) -> None:
        self.rules = rules
        self.mapping = mapping or {}
        self.synonyms = {f: [normal_header(s) for s in words] for f, words in rules.columns.items()}

    def _score(self, field: str, header: str) -> tuple[int, int] | None:
        """(0 exact / 1 contained, synonym rank) of a header for a field; None when unrelated."""
        if not header:
            return None
        wanted = [normal_header(h) for h in self.mapping[field]] if field in self.mapping else self.synonyms[field]
        for rank, word in enumerate(wanted):
            if word and header == word:
                return 0, rank
        best: tuple[int, int] | None = None
        for rank, word in enumerate(wanted):
            if word and word in header and (best is None or rank < best[1]):
                best = (1, rank)
        return best

    def _assign(self, row: list[Any], taken: set[int], fields: list[str]) -> dict[str, tuple[int, str]]:
        """field → (column, header text as written) for the fields this row names."""
        headers = [normal_header(v) for v in row]
        candidates: list[tuple[tuple[int, int], int, int, str]] = []
        for order, field in enumerate(fields):
            for column, header in enumerate(headers):
                if column in taken:
                    continue
                score = self._score(field, header)
                if score is not None:
                    candidates.append((score, order, column, field))
        out: dict[str, tuple[int, str]] = {}
        used = set(taken)
        for _, _, column, field in sorted(candidates):
            if field in out or column in used:
                continue
            out[field] = (column, str(row[column]).strip())
            used.add(column)
        return out

    def find(self, rows: list[list[Any]]) -> HeaderMatch:
        search = rows[: self.rules.header_search_rows]
        best: tuple[int, int, dict[str, tuple[int, str]]] | None = None
        for index, row in enumerate(search):
            found = self._assign(row, set(), list(MESSAGE_FIELDS))
            if found and (best is None or len(found) > best[0]):
                best = (len(found), index, found)
        if best is None:
            raise StatsError(f"在前 {len(search)} 行中找不到表头（应有“留言时间”“标题”等列名）")
        _, index, found = best
        # grouped headers: a field the header row lacks may be named in a row above, same column
        taken = {column for column, _ in found.values()}
        for above in range(index - 1, -1, -1):
            missing = [f for f in MESSAGE_FIELDS if f not in found]
            if not missing:
                break
            found.update(self._assign(search[above], taken, missing))
            taken = {column for column, _ in found.values()}
        self._check(found)
        return HeaderMatch(
            row=index, columns={f: c for f, (c, _) in found.items()}, labels={f: t for f, (_, t) in found.items()}
        )

    def _check(self, found: dict[str, tuple[int, str]]) -> None:
        for field, headers in self.mapping.items():
            if field not in found:
                raise StatsError(
                    f"映射文件为“{FIELD_LABELS[field]}”指定的列“{'”或“'.join(headers)}”在表头中找不到"
                )
        missing = [f for f in self.rules.required if f not in found]
        if missing:
            names = "、".join(f"“{FIELD_LABELS[f]}”" for f in missing)
            raise StatsError(f"缺少必需的列：{names}（若列名不同，可用 --mapping 映射文件指定）")
        if not any(f in found for f in self.rules.answer_evidence):
            names = "”或“".join(FIELD_LABELS[f] for f in self.rules.answer_evidence)
            raise StatsError(f"缺少列：“{names}”——无法判断留言是否已答复（可用 --mapping 映射文件指定）")
