"""The scoring engine: a site's findings at a monitoring point + people's judgements → the verdict.

Pass rule (profile.pass_rule): any veto → 不合格, with no further scoring (deductions are still
listed, for rectification); otherwise deduction score < pass_line → 不合格 (exactly the line passes);
a site of a bonus kind (portals) with a deduction score above bonus_gate adds its bonus points.

No double counting: a finding is taken by the first deduction item that matches it; findings a
person marked 误报 are left out; a candidate that needs judgement counts only once confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from govinspect.findings import Finding
from govinspect.scoring.profile import DeductionItem, Profile, VetoItem, VetoRule

Decision = Literal["pending", "confirmed", "rejected"]
PASS, FAIL = "合格", "不合格"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A person's word on an item: on one finding (fingerprint) or on the item as a whole."""

    item: str
    decision: str  # confirmed | rejected
    fingerprint: str | None = None
    points: float | None = None
    reason: str | None = None
    actor: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class ScoreInput:
    findings: list[Finding]
    site_kind: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    judgements: list[Judgement] = field(default_factory=list)
    excluded: frozenset[str] = frozenset()  # fingerprints of findings marked 误报


@dataclass
class Candidate:
    finding: Finding
    fingerprint: str
    decision: Decision


@dataclass
class RuleOutcome:
    rule: VetoRule
    count: int = 0
    findings: list[Finding] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    judged: Decision | None = None  # for a rule without codes: the person's word on it

    @property
    def threshold(self) -> int:
        return int(self.rule.min_count.value)

    @property
    def failed(self) -> bool:
        return self.count >= self.threshold

    @property
    def pending(self) -> int:
        return sum(1 for c in self.candidates if c.decision == "pending")


@dataclass
class VetoOutcome:
    item: VetoItem
    rules: list[RuleOutcome]

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.rules)

    @property
    def pending(self) -> int:
        return sum(r.pending for r in self.rules)

    @property
    def status(self) -> str:
        if self.failed:
            return "否决"
        return "待确认" if self.pending else "通过"


@dataclass
class DeductionOutcome:
    item: DeductionItem
    units: int = 0  # how many times the item's points apply (per finding/page/target/…)
    findings: list[Finding] = field(default_factory=list)
    raw_points: float = 0.0
    points: float = 0.0  # after the item's cap (and its group's)
    note: str | None = None


@dataclass
class BonusOutcome:
    id: str
    name: str
    points: float
    unconfirmed: bool


@dataclass
class ScoreResult:
    profile: Profile
    vetoes: list[VetoOutcome]
    deductions: list[DeductionOutcome]
    bonus: list[BonusOutcome]
    deduction_points: float
    score: float  # the deduction part's score
    bonus_points: float
    bonus_applied: bool
    total: float | None  # None when a veto decides
    verdict: str
    pending: int  # candidates awaiting a person's confirmation
    notes: list[str]

    @property
    def vetoed(self) -> bool:
        return any(v.failed for v in self.vetoes)


def _detail_value(finding: Finding, key: str) -> str | None:
    value = finding.detail.get(key)
    return None if value is None else str(value)


def _matches(finding: Finding, codes: tuple[str, ...], where: dict[str, tuple[str, ...]]) -> bool:
    if finding.code not in codes:
        return False
    return all(_detail_value(finding, key) in allowed for key, allowed in where.items())


def _latest(judgements: list[Judgement]) -> dict[tuple[str, str | None], Judgement]:
    """The last word on each (item, fingerprint); the list comes in time order."""
    latest: dict[tuple[str, str | None], Judgement] = {}
    for j in judgements:
        latest[(j.item, j.fingerprint)] = j
    return latest


def _veto(item: VetoItem, findings: list[tuple[Finding, str]], words: dict[tuple[str, str | None], Judgement]) -> VetoOutcome:
    outcomes: list[RuleOutcome] = []
    for rule in item.rules:
        outcome = RuleOutcome(rule)
        if not rule.codes:
            word = words.get((rule.id, None))
            outcome.judged = "confirmed" if word and word.decision == "confirmed" else (
                "rejected" if word else None
            )
            outcome.count = 1 if outcome.judged == "confirmed" else 0
            outcomes.append(outcome)
            continue
        for finding, fp in findings:
            if not _matches(finding, rule.codes, rule.where):
                continue
            if not rule.judgement:
                outcome.findings.append(finding)
                continue
            word = words.get((item.id, fp))
            decision: Decision = "pending" if word is None else (
                "confirmed" if word.decision == "confirmed" else "rejected"
            )
            outcome.candidates.append(Candidate(finding, fp, decision))
            if decision == "confirmed":
                outcome.findings.append(finding)
        outcome.count = len(outcome.findings)
        outcomes.append(outcome)
    return VetoOutcome(item, outcomes)


def _unit_key(finding: Finding, per: str) -> str:
    if per == "finding":
        return finding.fingerprint()
    if per == "page":
        return finding.page
    if per == "target":
        return finding.target or finding.page
    if per == "site":
        return "site"
    return _detail_value(finding, per.removeprefix("detail.")) or finding.fingerprint()


def _deductions(
    profile: Profile,
    findings: list[tuple[Finding, str]],
    words: dict[tuple[str, str | None], Judgement],
    skip_group: str | None,
) -> list[DeductionOutcome]:
    taken: set[str] = set()
    outcomes: list[DeductionOutcome] = []
    for item in profile.deductions:
        if item.group == skip_group:
            continue
        outcome = DeductionOutcome(item)
        if item.manual:
            word = words.get((item.id, None))
            if word is not None and word.decision == "confirmed":
                outcome.units = 1
                outcome.raw_points = item.points.value if word.points is None else word.points
                outcome.note = word.reason
        else:
            keys: set[str] = set()
            for finding, fp in findings:
                if fp in taken or not _matches(finding, item.codes, item.where):
                    continue
                taken.add(fp)
                outcome.findings.append(finding)
                keys.add(_unit_key(finding, item.per))
            outcome.units = len(keys)
            outcome.raw_points = outcome.units * item.points.value
        outcome.points = min(outcome.raw_points, item.cap.value) if item.cap else outcome.raw_points
        outcomes.append(outcome)
    _apply_group_caps(profile, outcomes)
    return outcomes


def _apply_group_caps(profile: Profile, outcomes: list[DeductionOutcome]) -> None:
    """Deductions inside one group never exceed the group's own points (taken from the last items)."""
    for group in profile.groups:
        if group.points is None:
            continue
        room = group.points.value
        for outcome in outcomes:
            if outcome.item.group != group.name:
                continue
            outcome.points = min(outcome.points, room)
            room -= outcome.points


def _bonus(profile: Profile, words: dict[tuple[str, str | None], Judgement]) -> list[BonusOutcome]:
    out: list[BonusOutcome] = []
    for item in profile.bonus:
        word = words.get((item.id, None))
        points = 0.0
        if word is not None and word.decision == "confirmed":
            points = min(max(word.points or 0.0, 0.0), item.max.value)
        out.append(BonusOutcome(item.id, item.name, points, item.unconfirmed))
    return out


def score(profile: Profile, data: ScoreInput) -> ScoreResult:
    words = _latest(data.judgements)
    findings = [(f, fp) for f in data.findings if (fp := f.fingerprint()) not in data.excluded]
    notes: list[str] = []
    vetoes = [_veto(item, findings, words) for item in profile.veto]
    rule = profile.pass_rule
    full = rule.deduction_total.value
    skip_group: str | None = None
    scale = 1.0
    if data.settings.get("no_service") and rule.no_service_group and rule.no_service_points:
        skip_group = rule.no_service_group
        scale = full / (full - rule.no_service_points.value)
        notes.append(f"本站无对外服务功能：不评“{skip_group}”，扣分部分按 {full - rule.no_service_points.value:g} 分计后折算")
    deductions = _deductions(profile, findings, words, skip_group)
    deducted = sum(d.points for d in deductions)
    base_full = full / scale
    base = max(0.0, base_full - deducted) * scale
    base = round(base, 2)
    bonus = _bonus(profile, words)
    vetoed = any(v.failed for v in vetoes)
    bonus_applied = (
        not vetoed and data.site_kind in rule.bonus_site_kinds and base > rule.bonus_gate.value
    )
    bonus_points = min(sum(b.points for b in bonus), rule.bonus_total.value) if bonus_applied else 0.0
    if vetoed:
        verdict, total = FAIL, None
        notes.append("触发单项否决，判为不合格，不再计分；所列扣分仅供整改参考")
    else:
        total = round(base + bonus_points, 2)
        verdict = FAIL if base < rule.pass_line.value else PASS
    if data.site_kind not in rule.bonus_site_kinds:
        notes.append("加分指标只适用于政府门户网站" + ("（本站尚未分类）" if data.site_kind is None else ""))
    elif not vetoed and not bonus_applied:
        notes.append(f"扣分部分得分未高于 {rule.bonus_gate.value:g} 分，不进入加分评分")
    pending = sum(v.pending for v in vetoes)
    if pending:
        consequence = "不影响已否决的结论" if vetoed else "确认后结论可能改变"
        notes.append(f"有 {pending} 条候选问题待人工确认，{consequence}")
    unjudged = [r.rule.id for v in vetoes for r in v.rules if not r.rule.codes and r.judged is None]
    if unjudged:
        notes.append(f"须人工判断的项目（{'、'.join(unjudged)}）尚无判断记录，按未发现计")
    if any(d.item.unconfirmed and d.points for d in deductions):
        notes.append("扣分含“未核实”项目：其分值为本系统暂定，须以正式指标表核对")
    return ScoreResult(
        profile=profile,
        vetoes=vetoes,
        deductions=deductions,
        bonus=bonus,
        deduction_points=round(deducted, 2),
        score=base,
        bonus_points=bonus_points,
        bonus_applied=bonus_applied,
        total=total,
        verdict=verdict,
        pending=pending,
        notes=notes,
    )
