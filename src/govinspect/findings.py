"""The finding: one problem on one page, exactly as shared/spec/findings.md defines it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

Severity = Literal["veto", "deduct", "notice"]
SEVERITIES: tuple[str, ...] = ("veto", "deduct", "notice")


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    severity: Severity


@cache
def code_table() -> dict[str, CodeInfo]:
    """The finding codes, loaded from the package's data file and validated."""
    raw = yaml.safe_load(resources.files("govinspect.data").joinpath("codes.yaml").read_text("utf-8"))
    table: dict[str, CodeInfo] = {}
    for code, entry in raw.items():
        severity = entry["severity"]
        if severity not in SEVERITIES:
            raise ValueError(f"codes.yaml: {code}: unknown severity {severity!r}")
        table[code] = CodeInfo(code=code, name=str(entry["name"]), severity=severity)
    return table


def code_name(code: str) -> str:
    info = code_table().get(code)
    return info.name if info else code


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    page: str
    severity: Severity | None = None  # None: the code's default from codes.yaml
    target: str | None = None
    evidence: str | None = None
    suggestion: str | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        table = code_table()
        if self.code not in table:
            raise ValueError(f"unknown finding code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", table[self.code].severity)
        elif self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def fingerprint(self) -> str:
        """Identity of a finding: one page never carries two findings with the same fingerprint."""
        basis = json.dumps(
            [self.code, self.page, self.target, self.evidence, _detail_identity(self.detail)],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "page": self.page,
            "target": self.target,
            "evidence": self.evidence,
            "suggestion": self.suggestion,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            code=data["code"],
            severity=data.get("severity"),
            page=data["page"],
            target=data.get("target"),
            evidence=data.get("evidence"),
            suggestion=data.get("suggestion"),
            detail=dict(data.get("detail") or {}),
        )


# detail keys that tell two findings on the same page apart (not mere facts like timing)
_IDENTITY_KEYS = ("item", "rule", "column", "offset", "kind", "line")


def _detail_identity(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: detail[k] for k in _IDENTITY_KEYS if k in detail}


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop repeated findings (same fingerprint), keeping the first; order is kept."""
    seen: set[str] = set()
    out: list[Finding] = []
    for f in findings:
        fp = f.fingerprint()
        if fp not in seen:
            seen.add(fp)
            out.append(f)
    return out
