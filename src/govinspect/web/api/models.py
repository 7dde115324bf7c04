"""What the API reads and writes (pydantic models: they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from govinspect.findings import code_name
from govinspect.registry.model import Site, Unit
from govinspect.store import problems_repo as prepo
from govinspect.store.db import ScanInfo
from govinspect.web import display
from govinspect.web.jobs import JobInfo


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: int | None


class UnitOut(BaseModel):
    id: int
    name: str
    parent_id: int | None
    parent_name: str | None
    contact: str | None

    @classmethod
    def of(cls, u: Unit) -> UnitOut:
        return cls(id=u.id, name=u.name, parent_id=u.parent_id, parent_name=u.parent_name, contact=u.contact)


class RuleOut(BaseModel):
    match: str
    pattern: str
    unit_id: int
    unit_name: str


class SiteOut(BaseModel):
    id: int
    url: str
    name: str
    kind: str | None
    kind_label: str
    owner_unit_id: int | None
    owner_name: str | None
    scope: list[str]
    rules: list[RuleOut]

    @classmethod
    def of(cls, s: Site) -> SiteOut:
        return cls(
            id=s.id, url=s.url, name=s.name, kind=s.kind, kind_label=s.kind_label, owner_unit_id=s.owner_unit_id,
            owner_name=s.owner_name, scope=list(s.scope),
            rules=[RuleOut(match=r.match, pattern=r.pattern, unit_id=r.unit_id, unit_name=r.unit_name) for r in s.rules],
        )


class SiteDetailOut(SiteOut):
    score: dict[str, Any] | None = Field(None, description="最近一次完成扫描的评分（结论、得分、否决项、扣分项及示例问题）")
    problems: dict[str, int] = Field(default_factory=dict, description="各状态的问题数")


class ScanOut(BaseModel):
    id: int
    site_id: int
    start_url: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    monitoring_point: datetime
    pages_fetched: int
    findings: int | None = None

    @classmethod
    def of(cls, s: ScanInfo, findings: int | None = None) -> ScanOut:
        return cls(
            id=s.id, site_id=s.site_id, start_url=s.start_url, status=s.status, started_at=s.started_at,
            finished_at=s.finished_at, monitoring_point=s.monitoring_point, pages_fetched=s.pages_fetched,
            findings=findings,
        )


class FindingOut(BaseModel):
    """One finding exactly as shared/spec/findings.md defines it, plus its Chinese name."""

    id: int
    scan_id: int
    code: str
    name: str
    severity: str
    page: str
    target: str | None
    evidence: str | None
    suggestion: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> FindingOut:
        return cls(
            id=row["id"], scan_id=row["scan_id"], code=row["code"], name=code_name(row["code"]), severity=row["severity"],
            page=row["page"], target=row["target"], evidence=row["evidence"], suggestion=row["suggestion"],
            detail=dict(row["detail"] or {}),
        )


class PageOut(BaseModel):
    total: int
    page: int
    size: int


class FindingPageOut(PageOut):
    items: list[FindingOut]


class ProblemOut(BaseModel):
    id: int
    site_id: int
    site_url: str
    code: str
    name: str
    severity: str
    page: str
    target: str | None
    evidence: str | None
    suggestion: str | None
    detail: dict[str, Any]
    unit_id: int | None
    unit_name: str | None
    state: str
    state_label: str
    reason: str | None
    overdue: bool
    deadline: datetime | None
    first_seen_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    reopen_count: int
    first_scan_id: int
    last_seen_scan_id: int

    @classmethod
    def of(cls, p: prepo.Problem, now: datetime) -> ProblemOut:
        return cls(
            id=p.id, site_id=p.site_id, site_url=p.site_url, code=p.code, name=code_name(p.code), severity=p.severity,
            page=p.page, target=p.target, evidence=p.evidence, suggestion=p.suggestion, detail=p.detail,
            unit_id=p.unit_id, unit_name=p.unit_name, state=p.state, state_label=display.state_label(p.state),
            reason=p.reason, overdue=p.overdue(now), deadline=p.deadline, first_seen_at=p.first_seen_at,
            updated_at=p.updated_at, closed_at=p.closed_at, reopen_count=p.reopen_count,
            first_scan_id=p.first_scan_id, last_seen_scan_id=p.last_seen_scan_id,
        )


class EventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    scan_id: int | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: prepo.Event) -> EventOut:
        return cls(id=e.id, at=e.at, actor=e.actor, action=e.action, from_state=e.from_state, to_state=e.to_state,
                   reason=e.reason, scan_id=e.scan_id, detail=e.detail)


class ProblemDetailOut(ProblemOut):
    events: list[EventOut] = Field(default_factory=list)
    allowed_states: list[str] = Field(default_factory=list, description="本账号可把该问题改成的状态")


class ProblemPageOut(PageOut):
    items: list[ProblemOut]


class StateChangeIn(BaseModel):
    to_state: Literal["open", "in_progress", "review", "closed", "false_alarm", "wontfix"] = Field(
        description="目标状态：in_progress 整改中，review 已整改（申请复核），false_alarm 误报，wontfix 不予整改……"
    )
    reason: str | None = Field(None, description="理由（误报、不予整改必填）")


class AssignIn(BaseModel):
    unit_id: int
    reason: str | None = None


class BulkIn(BaseModel):
    ids: list[int] = Field(min_length=1)
    action: Literal["state", "assign"]
    to_state: str | None = None
    unit_id: int | None = None
    reason: str | None = None


class BulkOut(BaseModel):
    done: int
    skipped: list[str]


class IgnoreRuleIn(BaseModel):
    problem_id: int = Field(description="以哪个问题为例（规则的站点取自它）")
    all_sites: bool = Field(False, description="对所有站点生效（否则只对该问题所在站点）")
    code: str | None = Field(None, description="问题代码（可用 * ? 通配）")
    url: str | None = Field(None, description="页面或目标网址（可用通配）")
    evidence: str | None = Field(None, description="原文（可用通配）")
    reason: str
    apply_existing: bool = Field(False, description="同时把现有的匹配问题记为误报")


class IgnoreRuleOut(BaseModel):
    rule_id: int
    marked_false_alarm: int


class ScanStartIn(BaseModel):
    site_id: int


class JobOut(BaseModel):
    id: int
    site_id: int
    scan_id: int | None
    requested_by: str
    state: str
    state_label: str
    pages: int
    links: int
    queued: int
    errors: int
    message: str | None
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, j: JobInfo) -> JobOut:
        return cls(
            id=j.id, site_id=j.site_id, scan_id=j.scan_id, requested_by=j.requested_by, state=j.state,
            state_label=j.state_label, pages=j.pages, links=j.links, queued=j.queued, errors=j.errors,
            message=j.message, started_at=j.started_at, updated_at=j.updated_at, finished_at=j.finished_at,
        )


class ReportKindOut(BaseModel):
    id: str
    label: str
    description: str
    available: bool
    period: str | None
    default_period: str | None
    note: str | None
    download: str
