"""A hit: one problem a detector found in a text, before it becomes a Finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    start: int  # offset in the checked text
    end: int
    evidence: str  # text[start:end], exactly as written
    suggestion: str | None
    rule: str  # the rule or list entry that raised it
    list_name: str  # which list or file the rule comes from
    severity: str | None = None  # None: the code's default
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
