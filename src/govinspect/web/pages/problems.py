"""问题: the filtered list with bulk actions, and one problem with its evidence in context, its
history and the actions this user may take."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from govinspect.registry.model import RegistryError
from govinspect.store import problems_repo as prepo
from govinspect.store.registry_repo import get_site
from govinspect.web import display, queries, services
from govinspect.web.auth import PageAuth, csrf_protect, page_auth
from govinspect.web.console import console_of
from govinspect.web.pages import int_or_none, redirect, render
from govinspect.workflow.states import STATE_LABELS

router = APIRouter(dependencies=[Depends(csrf_protect)])
Auth = Annotated[PageAuth, Depends(page_auth)]

FILTER_KEYS = ("site", "unit", "code", "severity", "state", "overdue", "from", "to", "q")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()) if value and value.strip() else None
    except ValueError:
        return None


def filters_from(params: dict[str, str]) -> queries.ProblemFilters:
    state = params.get("state", "pending") or "pending"
    if state not in queries.STATE_FILTERS and state not in STATE_LABELS:
        state = "pending"
    severity = params.get("severity") or None
    return queries.ProblemFilters(
        site_id=int_or_none(params.get("site")),
        unit_id=int_or_none(params.get("unit")),
        code=(params.get("code") or "").strip() or None,
        severity=severity if severity in display.SEVERITY_LABELS else None,
        state=state,
        overdue=params.get("overdue") in ("1", "on", "true"),
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        q=(params.get("q") or "").strip()[:100] or None,
    )


@router.get("/problems", response_class=HTMLResponse)
def problem_list(request: Request, auth: Auth, page: int = 1) -> HTMLResponse:
    console = console_of(request)
    params = {k: v for k, v in request.query_params.items() if k in FILTER_KEYS}
    filters = filters_from(params)
    size = console.config.pages.page_size
    result = services.problem_page(console, auth.access, filters, page=page, size=size)
    query = urlencode({k: v for k, v in params.items() if v})
    site_ids = set(queries.visible_site_ids(console.db, auth.access))
    names = queries.site_names(console.db)
    return render(
        request, auth, "problems.html", result=result, params=params, filters=filters, query=query,
        sites=[(i, n) for i, n in names.items() if i in site_ids], site_names=names,
        units=queries.unit_names(console.db, auth.access), codes=display.code_choices(),
        code_names=dict(display.code_choices()),
        states=STATE_LABELS, severities=display.SEVERITY_LABELS, now=console.clock(),
        bulk_targets=[s for s in ("in_progress", "review", "false_alarm", "wontfix", "open")
                      if auth.access.can_supervise or s in ("in_progress", "review")],
    )


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def problem_page(request: Request, problem_id: int, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    problem = services.require_problem(console, auth.access, problem_id)
    found = get_site(console.db, problem.site_id)
    site = found if found is not None and services.site_visible(auth.access, found) else None  # else: name only
    return render(
        request, auth, "problem.html", p=problem, site=site, site_name=queries.site_names(console.db).get(problem.site_id),
        events=prepo.events_of(console.db, problem.id), targets=auth.access.allowed_targets(problem.state),
        units=queries.unit_names(console.db, auth.access), now=console.clock(),
        context=problem.detail.get("context") if isinstance(problem.detail.get("context"), str) else None,
        page_title=queries.page_title(console.db, problem.last_seen_scan_id, problem.page),
    )


@router.post("/problems/{problem_id}/state")
def problem_state(
    request: Request, problem_id: int, auth: Auth,
    to_state: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
) -> Response:
    console = console_of(request)
    try:
        updated = services.change_state(console, auth.access, problem_id, to_state, reason)
    except RegistryError as exc:
        return redirect(f"/problems/{problem_id}", str(exc), error=True)
    return redirect(f"/problems/{problem_id}", f"问题 #{updated.id} 已改为“{display.state_label(updated.state)}”")


@router.post("/problems/{problem_id}/assign")
def problem_assign(
    request: Request, problem_id: int, auth: Auth,
    unit_id: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
) -> Response:
    console = console_of(request)
    unit = int_or_none(unit_id)
    try:
        if unit is None:
            raise RegistryError("请选择单位")
        services.assign(console, auth.access, [problem_id], unit, reason)
    except RegistryError as exc:
        return redirect(f"/problems/{problem_id}", str(exc), error=True)
    return redirect(f"/problems/{problem_id}", "已重新分配责任单位")


@router.post("/problems/{problem_id}/ignore")
def problem_ignore(
    request: Request, problem_id: int, auth: Auth,
    code: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "", evidence: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "", scope: Annotated[str, Form()] = "site",
    apply_existing: Annotated[str, Form()] = "",
) -> Response:
    console = console_of(request)
    try:
        rule_id, changed = services.add_ignore_rule(
            console, auth.access, problem_id, scope_site=scope != "all", code=code, url=url, evidence=evidence,
            reason=reason, apply_existing=bool(apply_existing),
        )
    except RegistryError as exc:
        return redirect(f"/problems/{problem_id}", str(exc), error=True)
    return redirect(f"/problems/{problem_id}", f"已添加忽略规则 #{rule_id}，{changed} 个现有问题记为误报")


@router.post("/problems/bulk")
async def problem_bulk(request: Request, auth: Auth) -> Response:
    console = console_of(request)
    form = await request.form()
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    back = str(form.get("back") or "")
    target = "/problems" + ("?" + back if back and not back.startswith(("/", "\\")) else "")
    action = str(form.get("action") or "")
    to_state = None
    if action.startswith("state:"):
        action, to_state = "state", action.split(":", 1)[1]
    try:
        result = await run_in_threadpool(
            services.bulk, console, auth.access, ids, action=action, to_state=to_state,
            unit_id=int_or_none(str(form.get("unit_id") or "")), reason=str(form.get("reason") or ""),
        )
    except RegistryError as exc:
        return redirect(target, str(exc), error=True)
    return redirect(target, result.describe(), error=bool(result.skipped) and not result.done)

