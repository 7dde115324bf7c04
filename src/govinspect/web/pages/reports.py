"""报告: the reports this user may make, generated on request and downloaded."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from govinspect.web import queries
from govinspect.web import reports as report_kinds
from govinspect.web.access import Access
from govinspect.web.auth import PageAuth, PageNotFound, csrf_protect, page_auth
from govinspect.web.console import Console, console_of
from govinspect.web.pages import int_or_none, redirect, render
from govinspect.web.pages.problems import FILTER_KEYS, filters_from

router = APIRouter(dependencies=[Depends(csrf_protect)])
Auth = Annotated[PageAuth, Depends(page_auth)]


def download_response(data: bytes, kind: report_kinds.ReportKind, name: str) -> Response:
    ascii_name = "report" + kind.suffix
    return Response(
        data,
        media_type=kind.media_type,
        headers={"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"},
    )


def make_request(console: Console, access: Access, kind: report_kinds.ReportKind, params: dict[str, str]
                 ) -> report_kinds.ReportRequest:
    """The report request from query parameters, with a unit account held to its own unit."""
    units = queries.unit_names(console.db, access)
    asked = int_or_none(params.get("unit"))
    if asked is not None and asked not in units:
        raise PageNotFound()
    # a unit account's reports are its unit's, whatever is asked (its problem lists are scoped anyway)
    unit_id = asked if asked is not None or access.sees_all else access.user.unit_id
    period = report_kinds.check_period(kind, params.get("period") or report_kinds.default_period(kind, console.clock()))
    return report_kinds.ReportRequest(
        db=console.db, access=access, now=console.clock(), period=period, unit_id=unit_id,
        unit_name=units.get(unit_id) if unit_id is not None else None,
        filters=filters_from({k: v for k, v in params.items() if k in FILTER_KEYS}),
        max_rows=console.config.reports.max_export_rows,
    )


@router.get("/reports", response_class=HTMLResponse)
def report_list(request: Request, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    kinds = report_kinds.kinds_for(auth.access)
    return render(
        request, auth, "reports.html", kinds=kinds, units=queries.unit_names(console.db, auth.access),
        defaults={k.id: report_kinds.default_period(k, console.clock()) for k in kinds},
        states={"pending": "未销号", "all": "全部"},
    )


@router.get("/reports/{kind_id}/download")
def report_download(request: Request, kind_id: str, auth: Auth) -> Response:
    console = console_of(request)
    kind = report_kinds.KINDS.get(kind_id)
    if kind is None or kind not in report_kinds.kinds_for(auth.access):
        raise PageNotFound()
    try:
        req = make_request(console, auth.access, kind, dict(request.query_params))
        data = report_kinds.build(kind, req)
    except report_kinds.ReportError as exc:
        return redirect("/reports", str(exc), error=True)
    return download_response(data, kind, report_kinds.file_name(kind, req))
