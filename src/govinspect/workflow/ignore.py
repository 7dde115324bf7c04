"""Ignore rules: glob patterns on code, URL and evidence that turn future matching findings into 误报.

All given patterns must match; the URL pattern is tried on the page and on the target. Patterns are
shell-style globs (``*`` any text, ``?`` one character), matched case-sensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from govinspect.findings import code_table
from govinspect.registry.model import RegistryError

_GLOB_CHARS = set("*?[")


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    id: int
    site_id: int | None
    code: str | None
    url: str | None
    evidence: str | None
    reason: str
    created_by: str
    created_at: datetime
    active: bool = True

    def matches(self, code: str, page: str, target: str | None, evidence: str | None) -> bool:
        if not self.active:
            return False
        if self.code and not fnmatchcase(code, self.code):
            return False
        if self.url and not (fnmatchcase(page, self.url) or (target is not None and fnmatchcase(target, self.url))):
            return False
        return not (self.evidence and (evidence is None or not fnmatchcase(evidence, self.evidence)))

    def describe(self) -> str:
        parts = [f"代码={self.code}" if self.code else "", f"网址={self.url}" if self.url else ""]
        parts.append(f"原文={self.evidence}" if self.evidence else "")
        return "，".join(p for p in parts if p)


def validate_patterns(code: str | None, url: str | None, evidence: str | None, reason: str | None) -> None:
    if not (code or url or evidence):
        raise RegistryError("忽略规则至少要给出 --code、--url、--evidence 之一")
    if not (reason and reason.strip()):
        raise RegistryError("忽略规则必须用 --reason 说明理由")
    if code and not (_GLOB_CHARS & set(code)) and code not in code_table():
        raise RegistryError(f"未知的问题代码：{code}")
