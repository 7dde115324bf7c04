"""A real scan of a loopback site through the whole loop: problem → fix → 待复核 → 已销号 → regression reopens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govinspect.registry.scanning import scan_inputs
from govinspect.scan import ScanJob
from govinspect.scoring.service import score_site
from govinspect.store import open_database
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow.sync import sync_problems
from tests.conftest import fast_settings, page
from tests.workflow.helpers import BACKENDS, T0

BROKEN_HOME = page('<a href="/news.html">新闻</a><a href="/gone.html">已删除的通知</a>')
FIXED_HOME = page('<a href="/news.html">新闻</a>')


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("postgres_url" if request.param == "postgres" else "sqlite_url")


async def test_lifecycle_on_a_real_scan(mini_site, url):
    site = await mini_site({"/": (200, "text/html", BROKEN_HOME), "/news.html": (200, "text/html", page("新闻"))})
    db = open_database(url)
    rrepo.add_unit(db, "信息中心")
    registered = rrepo.add_site(db, site.base + "/", "测试门户", kind="门户网站", owner="信息中心")

    async def scan_and_sync(day: int) -> int:
        base_settings = fast_settings(url, check_external=False).model_copy(update={"checks": "links"})
        settings, config = scan_inputs(db, site.base + "/", base_settings)
        result = await ScanJob(settings, db, site.base + "/", now=T0 + timedelta(days=day), site_config=config).run()
        sync_problems(db, registered.id, result.scan_id, now=T0 + timedelta(days=day, hours=1))
        return result.scan_id

    await scan_and_sync(0)
    [problem] = prepo.list_problems(db, site_id=registered.id)
    assert (problem.code, problem.target, problem.state, problem.unit_name) == (
        "broken_link", site.base + "/gone.html", "open", "信息中心",
    )
    scored = score_site(db, "测试门户", at=T0 + timedelta(days=0, hours=2))
    assert scored.result.verdict == "合格" and scored.result.deduction_points == 0.5

    site.routes["/"] = (200, "text/html", FIXED_HOME)  # the unit fixes the page
    await scan_and_sync(1)
    assert prepo.get_problem(db, problem.id).state == "review"
    verifying = await scan_and_sync(2)
    closed = prepo.get_problem(db, problem.id)
    assert closed.state == "closed" and closed.closed_scan_id == verifying
    assert score_site(db, "测试门户", at=T0 + timedelta(days=2, hours=2)).result.total == 100

    site.routes["/"] = (200, "text/html", BROKEN_HOME)  # and the old page comes back
    await scan_and_sync(3)
    reopened = prepo.get_problem(db, problem.id)
    assert reopened.state == "open" and reopened.reopen_count == 1
    assert len(prepo.list_problems(db, site_id=registered.id)) == 1
    db.close()
