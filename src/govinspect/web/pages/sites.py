"""站点: the list, one site's indicator breakdown, column tree, scan history, and scans run now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from govinspect.registry.model import RegistryError
from govinspect.web import queries, services
from govinspect.web.auth import PageAuth, PageNotFound, csrf_protect, page_auth
from govinspect.web.console import console_of
from govinspect.web.jobs import latest_job
from govinspect.web.pages import redirect, render

router = APIRouter(dependencies=[Depends(csrf_protect)])
Auth = Annotated[PageAuth, Depends(page_auth)]


def _history_chart(history: list[dict[str, Any]]) -> dict[str, Any]:
    from govinspect.workflow.clock import show

    return {
        "type": "line",
        "labels": [show(h["at"])[:10] for h in history],
        "series": [{"name": "得分", "data": [h["score"] for h in history]}],
    }


@router.get("/sites", response_class=HTMLResponse)
def site_list(request: Request, auth: Auth) -> HTMLResponse:
    data = services.overview(console_of(request), auth.access)
    return render(request, auth, "sites.html", rows=data["rows"])


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(request: Request, site_id: int, auth: Auth) -> HTMLResponse:
    console = console_of(request)
    site = services.require_site(console, auth.access, site_id)
    detail = services.site_detail(console, auth.access, site)
    return render(request, auth, "site.html", d=detail, history_chart=_history_chart(detail["history"]))


@router.post("/sites/{site_id}/scan")
def scan_now(request: Request, site_id: int, auth: Auth) -> Response:
    console = console_of(request)
    try:
        job_id = services.start_scan(console, auth.access, site_id)
    except RegistryError as exc:
        return redirect(f"/sites/{site_id}#scan", str(exc), error=True)
    if request.headers.get("hx-request"):
        return _job_fragment(request, auth, site_id)
    return redirect(f"/sites/{site_id}#scan", f"已开始扫描（任务 #{job_id}），进度见下方")


def _job_fragment(request: Request, auth: PageAuth, site_id: int) -> HTMLResponse:
    console = console_of(request)
    site = services.require_site(console, auth.access, site_id)
    return render(request, auth, "_scan_job.html", site=site, job=latest_job(console.db, site_id))


@router.get("/sites/{site_id}/scan-status", response_class=HTMLResponse)
def scan_status(request: Request, site_id: int, auth: Auth) -> HTMLResponse:
    return _job_fragment(request, auth, site_id)


@router.get("/scans/{scan_id}", response_class=HTMLResponse)
def scan_page(request: Request, scan_id: int, auth: Auth, code: str = "", page: int = 1) -> HTMLResponse:
    console = console_of(request)
    info = queries.visible_scan(console.db, auth.access, scan_id)
    if info is None:
        raise PageNotFound()
    size = console.config.pages.page_size
    rows, total = queries.scan_findings_page(console.db, scan_id, code=code or None, page=page, size=size)
    return render(request, auth, "scan.html", scan=info, findings=rows, total=total, page=max(1, page),
                  pages=max(1, -(-total // size)), code=code, site_names=queries.site_names(console.db))

