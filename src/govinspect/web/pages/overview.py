"""总览: every visible site with its verdict, score, veto alerts, open and overdue problems and
availability; trends of problems and scores; the unit ranking."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from govinspect.web import services
from govinspect.web.auth import PageAuth, csrf_protect, page_auth
from govinspect.web.console import console_of
from govinspect.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
Auth = Annotated[PageAuth, Depends(page_auth)]


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """What app.js draws with ECharts (the same numbers stand in tables beside each chart)."""
    trend = data["trend"]
    scores = data["score_trend"]
    availability_days = data["availability_labels"]
    day_totals = []
    for i in range(len(availability_days)):
        probes = sum(r["days"][i][0] for r in data["rows"] if r["days"])
        failures = sum(r["days"][i][1] for r in data["rows"] if r["days"])
        day_totals.append(round(100 * (1 - failures / probes), 2) if probes else None)
    ranking = data["ranking"][:15]
    return {
        "problems": {
            "type": "line", "labels": trend["labels"],
            "series": [{"name": "新发现", "data": trend["found"]}, {"name": "已销号", "data": trend["closed"]}],
        },
        "scores": {
            "type": "line", "labels": scores["labels"],
            "series": [{"name": "平均得分", "data": scores["average"]}, {"name": "合格站点数", "data": scores["passed"]}],
        },
        "availability": {
            "type": "bar", "labels": availability_days, "unit": "%",
            "series": [{"name": "首页可访问率", "data": day_totals}],
        },
        "ranking": {
            "type": "hbar", "labels": [r["name"] for r in ranking], "unit": "%",
            "series": [{
                "name": "完成率",
                "data": [round(100 * r["counts"].rate, 1) if r["counts"].rate is not None else None for r in ranking],
            }],
        },
        "availability_totals": day_totals,
    }


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, auth: Auth) -> HTMLResponse:
    data = services.overview(console_of(request), auth.access)
    return render(request, auth, "overview.html", data=data, charts=charts(data))
