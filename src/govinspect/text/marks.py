"""secret_marking: classification marks (机密★1年, 密级：秘密, 内部资料 注意保存) on published text.

Only the forms of a mark count — the level word with ★, after 密级, or alone on its own line —
so the word 机密 in ordinary prose (保守国家机密) is no finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govinspect.text.data import TextDataError, compile_regex, expect_list, expect_mapping, expect_str
from govinspect.text.hits import Hit

LIST_NAME = "config.yaml secret_marks"


@dataclass(frozen=True)
class MarkRule:
    name: str
    pattern: re.Pattern[str]


def read_mark_rules(raw: Any, source: str) -> list[MarkRule]:
    rules: list[MarkRule] = []
    for i, item in enumerate(expect_list(raw, f"{source} secret_marks"), start=1):
        where = f"{source} secret_marks 第 {i} 条"
        entry = expect_mapping(item, where)
        pattern = compile_regex(expect_str(entry.get("pattern"), f"{where} pattern"), where)
        if "mark" not in pattern.groupindex:
            raise TextDataError(f"{where}：正则表达式须有命名组 (?P<mark>…)，标出标志本身")
        rules.append(MarkRule(expect_str(entry.get("name"), f"{where} name"), pattern))
    return rules


def find_marks(text: str, rules: list[MarkRule]) -> list[Hit]:
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for rule in rules:
        for m in rule.pattern.finditer(text):
            start, end = m.span("mark")
            if start == end or any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            hits.append(
                Hit(
                    code="secret_marking",
                    start=start,
                    end=end,
                    evidence=text[start:end],
                    suggestion=None,
                    rule=rule.name,
                    list_name=LIST_NAME,
                    extra={"pattern": rule.pattern.pattern},
                )
            )
    hits.sort(key=lambda h: h.start)
    return hits
