"""/api/… routes. Each read is scoped by web/access.py; each change goes through web/services.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.web import queries, scores, services
from govinspect.web import reports as report_kinds
from govinspect.web.access import Access
from govinspect.web.api import models as m
from govinspect.web.auth import PageNotFound, api_access
from govinspect.web.console import console_of
from govinspect.web.jobs import get_job
from govinspect.web.pages.reports import download_response, make_request

router = APIRouter(prefix="/api", tags=["api"])
A = Annotated[Access, Depends(api_access)]


@router.get("/me", response_model=m.UserOut, summary="当前令牌的账号")
def me(access: A) -> m.UserOut:
    u = access.user
    return m.UserOut(id=u.id, username=u.username, display_name=u.display_name, role=u.role, role_label=u.role_label,
                     unit_id=u.unit_id)


# --- units and sites ---------------------------------------------------------------------------


@router.get("/units", response_model=list[m.UnitOut], summary="单位列表")
def units(request: Request, access: A) -> list[m.UnitOut]:
    found = rrepo.list_units(console_of(request).db)
    return [m.UnitOut.of(u) for u in found if access.sees_all or u.id in (access.unit_ids or ())]


@router.get("/units/{unit_id}", response_model=m.UnitOut, summary="单位")
def unit(request: Request, unit_id: int, access: A) -> m.UnitOut:
    found = rrepo.find_unit(console_of(request).db, unit_id)
    if found is None or not (access.sees_all or found.id in (access.unit_ids or ())):
        raise PageNotFound()
    return m.UnitOut.of(found)


@router.get("/sites", response_model=list[m.SiteOut], summary="站点列表")
def sites(request: Request, access: A) -> list[m.SiteOut]:
    return [m.SiteOut.of(s) for s in rrepo.list_sites(console_of(request).db) if services.site_visible(access, s)]


@router.get("/sites/{site_id}", response_model=m.SiteDetailOut, summary="站点及其评分")
def site(request: Request, site_id: int, access: A) -> m.SiteDetailOut:
    console = console_of(request)
    found = services.require_site(console, access, site_id)
    now = console.clock()
    summary = scores.current_scores(console.db, [found.id], now=now, rows=console.config.pages.evidence_rows)
    counts = queries.counts_by(console.db, access, "site_id", now=now, site_id=found.id).get(found.id)
    return m.SiteDetailOut(**m.SiteOut.of(found).model_dump(), score=summary.get(found.id),
                           problems=dict(counts.by_state) if counts else {})


# --- scans and findings ------------------------------------------------------------------------


@router.get("/scans", response_model=list[m.ScanOut], summary="扫描记录（新的在前）")
def scan_list(
    request: Request, access: A, site_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> list[m.ScanOut]:
    console = console_of(request)
    if site_id is not None:
        services.require_site(console, access, site_id)
    rows = queries.scan_history(console.db, access, site_id=site_id, limit=limit, offset=offset)
    return [m.ScanOut.of(r.info, r.findings) for r in rows]


@router.get("/scans/{scan_id}", response_model=m.ScanOut, summary="一次扫描")
def scan(request: Request, scan_id: int, access: A) -> m.ScanOut:
    info = queries.visible_scan(console_of(request).db, access, scan_id)
    if info is None:
        raise PageNotFound()
    return m.ScanOut.of(info)


@router.post("/scans", response_model=m.JobOut, status_code=202, summary="立即扫描一个站点（后台进行）")
def scan_start(request: Request, body: m.ScanStartIn, access: A) -> m.JobOut:
    console = console_of(request)
    job_id = services.start_scan(console, access, body.site_id)
    job = get_job(console.db, job_id)
    assert job is not None
    return m.JobOut.of(job)


@router.get("/scan-jobs/{job_id}", response_model=m.JobOut, summary="后台扫描的进度")
def scan_job(request: Request, job_id: int, access: A) -> m.JobOut:
    console = console_of(request)
    job = get_job(console.db, job_id)
    if job is None:
        raise PageNotFound()
    services.require_site(console, access, job.site_id)
    return m.JobOut.of(job)


@router.get("/findings", response_model=m.FindingPageOut, summary="一次扫描发现的问题（原始结果）")
def finding_list(
    request: Request, access: A, scan_id: int, code: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1, size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> m.FindingPageOut:
    console = console_of(request)
    if queries.visible_scan(console.db, access, scan_id) is None:
        raise PageNotFound()
    rows, total = queries.scan_findings_page(console.db, scan_id, code=code, page=page, size=size)
    return m.FindingPageOut(items=[m.FindingOut.of(r) for r in rows], total=total, page=page, size=size)


# --- problems ----------------------------------------------------------------------------------


@router.get("/problems", response_model=m.ProblemPageOut, summary="问题列表（可筛选、分页）")
def problem_list(
    request: Request, access: A,
    site_id: int | None = None, unit_id: int | None = None, code: str | None = None,
    severity: Annotated[str | None, Query(pattern="^(veto|deduct|notice)$")] = None,
    state: Annotated[str, Query(description="pending（未销号，默认）、all 或某个状态")] = "pending",
    overdue: bool = False, date_from: date | None = None, date_to: date | None = None, q: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1, size: Annotated[int | None, Query(ge=1)] = None,
) -> m.ProblemPageOut:
    console = console_of(request)
    size = min(size or console.config.pages.page_size, console.config.pages.max_page_size)
    filters = queries.ProblemFilters(site_id=site_id, unit_id=unit_id, code=code, severity=severity, state=state,
                                     overdue=overdue, date_from=date_from, date_to=date_to, q=q)
    now = console.clock()
    result = services.problem_page(console, access, filters, page=page, size=size)
    return m.ProblemPageOut(items=[m.ProblemOut.of(p, now) for p in result.items], total=result.total,
                            page=result.page, size=result.size)


def _detail(request: Request, access: Access, problem: prepo.Problem) -> m.ProblemDetailOut:
    console = console_of(request)
    base = m.ProblemOut.of(problem, console.clock())
    return m.ProblemDetailOut(**base.model_dump(), events=[m.EventOut.of(e) for e in prepo.events_of(console.db, problem.id)],
                              allowed_states=access.allowed_targets(problem.state))


@router.get("/problems/{problem_id}", response_model=m.ProblemDetailOut, summary="问题及其处理记录")
def problem(request: Request, problem_id: int, access: A) -> m.ProblemDetailOut:
    return _detail(request, access, services.require_problem(console_of(request), access, problem_id))


@router.post("/problems/{problem_id}/state", response_model=m.ProblemDetailOut, summary="改变问题状态")
def problem_state(request: Request, problem_id: int, body: m.StateChangeIn, access: A) -> m.ProblemDetailOut:
    updated = services.change_state(console_of(request), access, problem_id, body.to_state, body.reason)
    return _detail(request, access, updated)


@router.post("/problems/{problem_id}/assign", response_model=m.ProblemDetailOut, summary="分配责任单位")
def problem_assign(request: Request, problem_id: int, body: m.AssignIn, access: A) -> m.ProblemDetailOut:
    console = console_of(request)
    if body.unit_id not in queries.unit_names(console.db, access):
        raise PageNotFound()
    services.assign(console, access, [problem_id], body.unit_id, body.reason)
    return _detail(request, access, services.require_problem(console, access, problem_id))


@router.post("/problems/bulk", response_model=m.BulkOut, summary="批量处理问题")
def problem_bulk(request: Request, body: m.BulkIn, access: A) -> m.BulkOut:
    result = services.bulk(console_of(request), access, body.ids, action=body.action, to_state=body.to_state,
                           unit_id=body.unit_id, reason=body.reason)
    return m.BulkOut(done=result.done, skipped=result.skipped)


@router.post("/ignore-rules", response_model=m.IgnoreRuleOut, status_code=201, summary="添加忽略规则")
def ignore_rule(request: Request, body: m.IgnoreRuleIn, access: A) -> m.IgnoreRuleOut:
    rule_id, changed = services.add_ignore_rule(
        console_of(request), access, body.problem_id, scope_site=not body.all_sites, code=body.code, url=body.url,
        evidence=body.evidence, reason=body.reason, apply_existing=body.apply_existing,
    )
    return m.IgnoreRuleOut(rule_id=rule_id, marked_false_alarm=changed)


# --- reports -----------------------------------------------------------------------------------


@router.get("/reports", response_model=list[m.ReportKindOut], summary="可生成的报告")
def report_list(request: Request, access: A) -> list[m.ReportKindOut]:
    now = console_of(request).clock()
    return [
        m.ReportKindOut(
            id=k.id, label=k.label, description=k.description, available=k.available, period=k.period,
            default_period=report_kinds.default_period(k, now) or None,
            note=None if k.available else k.note_when_missing, download=f"/api/reports/{k.id}",
        )
        for k in report_kinds.kinds_for(access)
    ]


@router.get(
    "/reports/{kind_id}",
    summary="生成并下载报告",
    response_class=Response,
    responses={200: {"content": {report_kinds.XLSX: {}, report_kinds.DOCX: {}}}},
)
def report_download(
    request: Request, kind_id: str, access: A,
    period: str | None = None, unit_id: int | None = None, state: str = "pending",
) -> Response:
    console = console_of(request)
    kind = report_kinds.KINDS.get(kind_id)
    if kind is None or kind not in report_kinds.kinds_for(access):
        raise PageNotFound()
    params = {"period": period or "", "unit": str(unit_id) if unit_id is not None else "", "state": state}
    req = make_request(console, access, kind, params)
    data = report_kinds.build(kind, req)
    return download_response(data, kind, report_kinds.file_name(kind, req))
