"""The console's pages against the seeded database: what each shows and what its forms do."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from govinspect.store import problems_repo as prepo
from tests.web.conftest import form_token, login
from tests.web.seed import PASSWORD, Seeded


def test_overview_shows_sites_verdicts_and_ranking(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("supervisor")
    html = c.get("/").text
    assert "甲县人民政府" in html and "乙县人民政府" in html
    assert html.count('class="verdict fail">不合格') == 1  # site A: its home page is stale (V3)
    assert html.count('class="verdict pass">合格') == 1  # site B: its candidates await a person (V1)
    alerts = html.split("单项否决警示")[1].split("</section>")[0]
    assert "甲县人民政府" in alerts and "V3" in alerts and "乙县人民政府" not in alerts
    assert "待确认" in html
    ranking = html.split('id="unit-ranking"')[1]
    assert "甲县政府办" in ranking and "乙县政府办" in ranking and "甲县教育局" in ranking
    assert 'data-chart=' in html  # charts are drawn from these when ECharts is there; tables otherwise
    weeks = html.split("<th>已销号</th>")[1].split("</tbody>")[0]  # every problem was found this week
    total = len(seeded.problems_a) + len(seeded.problems_b)
    assert f'<td>05-18</td><td class="num">{total}</td><td class="num">0</td>' in weeks


def test_overview_of_a_unit_holds_only_its_own(browser_client) -> None:
    c, _ = browser_client("unit_a")
    html = c.get("/").text
    assert "甲县人民政府" in html and "乙县人民政府" not in html and "乙县政府办" not in html


def test_site_page_breaks_the_score_down_with_evidence(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("admin")
    html = c.get(f"/sites/{seeded.site_a}").text
    assert "单项否决指标" in html and "扣分指标" in html
    assert "网上赌场" in html  # the hidden link's text, as evidence of its item
    assert f'href="/problems/{seeded.typo_a}"' in html or "布署" in html
    assert f'href="/scans/{seeded.scan_a}"' in html  # scan history
    assert "栏目树" in html and "立即扫描" in html


def test_problem_shows_evidence_highlighted_in_its_context(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("unit_a")
    html = c.get(f"/problems/{seeded.typo_a}").text
    assert "全面<mark>布署</mark>，要求各乡镇" in html
    assert '<span class="suggestion">部署</span>' in html
    assert "处理记录" in html and "发现" in html
    # a unit account is offered 整改中 and 已整改 only
    assert 'value="in_progress"' in html and 'value="review"' in html and 'value="false_alarm"' not in html


def test_marking_fixed_asks_for_review_and_is_recorded(browser_client, client: TestClient, api,
                                                       seeded: Seeded) -> None:
    c, token = browser_client("unit_a")
    response = c.post(f"/problems/{seeded.typo_a}/state", data={"to_state": "review", "csrf_token": token})
    assert response.status_code == 200 and "已改为“待复核”" in response.text
    detail = client.get(f"/api/problems/{seeded.typo_a}", headers=api("admin")).json()
    assert detail["state"] == "review"
    assert detail["events"][-1]["actor"] == "unit_a 测试（unit_a）"


def test_false_alarm_needs_a_reason(browser_client, db, seeded: Seeded) -> None:
    c, token = browser_client("supervisor")
    refused = c.post(f"/problems/{seeded.typo_a}/state", data={"to_state": "false_alarm", "csrf_token": token})
    assert "必须" in refused.text and prepo.get_problem(db, seeded.typo_a).state == "open"
    c.post(f"/problems/{seeded.typo_a}/state", data={"to_state": "false_alarm", "reason": "地名用字", "csrf_token": token})
    problem = prepo.get_problem(db, seeded.typo_a)
    assert (problem.state, problem.reason) == ("false_alarm", "地名用字")


def test_bulk_assign_and_bulk_state(browser_client, db, seeded: Seeded) -> None:
    c, token = browser_client("supervisor")
    ids = [str(i) for i in seeded.problems_b[:3]]
    c.post("/problems/bulk", data={"ids": ids, "action": "assign", "unit_id": str(seeded.unit_a_child),
                                   "csrf_token": token})
    assert {prepo.get_problem(db, int(i)).unit_id for i in ids} == {seeded.unit_a_child}
    page = c.post("/problems/bulk", data={"ids": ids, "action": "state:in_progress", "csrf_token": token})
    assert "已处理 3 个问题" in page.text
    assert {prepo.get_problem(db, int(i)).state for i in ids} == {"in_progress"}


def test_ignore_rule_from_a_problem_marks_matches(browser_client, db, seeded: Seeded) -> None:
    c, token = browser_client("admin")
    hidden = next(p for p in prepo.list_problems(db) if p.code == "hidden_link" and p.site_id == seeded.site_a)
    page = c.post(f"/problems/{hidden.id}/ignore", data={
        "code": "hidden_link", "url": "", "evidence": "网上赌场", "scope": "all", "reason": "测试用例",
        "apply_existing": "1", "csrf_token": token,
    })
    assert "个现有问题记为误报" in page.text
    states = {p.site_id: p.state for p in prepo.list_problems(db) if p.code == "hidden_link"}
    assert states == {seeded.site_a: "false_alarm", seeded.site_b: "false_alarm"}


@pytest.mark.parametrize(("query", "expected"), [
    ("code=typo&state=all", {"typo"}),
    ("severity=deduct&state=all", {"typo", "broken_link"}),
    ("q=%E5%B8%83%E7%BD%B2&state=all", {"typo"}),  # 布署
    ("state=closed", set()),
    ("from=2026-05-18&to=2026-05-18&state=all", {"typo", "broken_link", "hidden_link", "privacy_leak"}),
    ("from=2026-05-19&state=all", set()),
])
def test_problem_filters(browser_client, seeded: Seeded, query: str, expected: set[str]) -> None:
    from govinspect.findings import code_name

    c, _ = browser_client("admin")
    html = c.get(f"/problems?{query}").text
    table = html.split('id="problem-table"')[1].split("</table>")[0]
    shown = {code for code in ("typo", "broken_link", "hidden_link", "privacy_leak") if code_name(code) in table}
    assert shown == expected


def test_overdue_filter_follows_the_clock(browser_client, clock, seeded: Seeded) -> None:
    from datetime import timedelta

    def overdue_count() -> int:
        c, _ = browser_client("admin")  # signed in afresh: the clock jump outlasts any session
        return int(c.get("/problems?overdue=1").text.split("共 ")[1].split(" 个问题")[0])

    now_late = overdue_count()  # two days after the scan: the veto problems (1 working day) are late
    clock.now += timedelta(days=30)
    assert 0 < now_late < overdue_count() == len(seeded.problems_a) + len(seeded.problems_b)


def test_problem_export_is_an_excel_of_what_the_user_sees(browser_client, seeded: Seeded) -> None:
    c, _ = browser_client("unit_a")
    response = c.get("/reports/problems/download?state=all")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)
    assert "布署" in text and "127.0.0.1:18801" in text and "127.0.0.1:18802" not in text


def test_quarterly_report_downloads_as_word(browser_client) -> None:
    c, _ = browser_client("unit_a")
    response = c.get("/reports/quarterly/download?period=2026Q2")
    assert response.status_code == 200, response.text[:300]
    assert response.content[:2] == b"PK"  # a .docx is a zip
    assert "%E7%94%B2%E5%8E%BF%E6%94%BF%E5%BA%9C%E5%8A%9E" in response.headers["content-disposition"]  # 甲县政府办


def test_bad_report_period_says_why(browser_client) -> None:
    c, _ = browser_client("admin")
    page = c.get("/reports/quarterly/download?period=2026Q7")
    assert "时间段 2026Q7 无效，应写作 2026Q2" in page.text


def test_admin_adds_unit_site_and_account(browser_client, client: TestClient) -> None:
    c, token = browser_client("admin")
    assert "已添加单位" in c.post("/settings/units", data={"name": "丙县政府办", "csrf_token": token}).text
    assert "已登记站点" in c.post("/settings/sites", data={"url": "http://127.0.0.1:18803/", "name": "丙县",
                                                        "owner": "丙县政府办", "csrf_token": token}).text
    added = c.post("/settings/accounts", data={"username": "bing", "password": "bing-pass-1", "role": "unit",
                                              "unit_id": "", "csrf_token": token})
    assert "单位用户必须指定所属单位" in added.text
    units_page = c.get("/settings/units").text
    assert "丙县政府办" in units_page
    unit_id = units_page.split("丙县政府办")[0].rsplit('<td class="num">', 1)[1].split("<")[0]
    added = c.post("/settings/accounts", data={"username": "bing", "password": "bing-pass-1", "role": "unit",
                                              "unit_id": unit_id, "csrf_token": token})
    assert "已添加账号“bing”（单位用户）" in added.text
    assert login(client, "bing", "bing-pass-1")
    assert "丙县" in client.get("/sites").text and "甲县人民政府" not in client.get("/sites").text


def test_the_last_admin_cannot_be_disabled(browser_client, db) -> None:
    from govinspect.store import users_repo

    c, token = browser_client("admin")
    admin = users_repo.require_user(db, "admin")
    page = c.post(f"/settings/accounts/{admin.id}", data={"role": "admin", "active": "0", "csrf_token": token})
    assert "唯一可用的管理员" in page.text and users_repo.require_user(db, "admin").active


def test_settings_forms_are_for_admins(browser_client) -> None:
    c, token = browser_client("supervisor")
    assert c.post("/settings/units", data={"name": "x", "csrf_token": token}).status_code == 403
    assert c.get("/settings/lists").status_code == 200 and c.get("/settings/profile").status_code == 200
    assert "国办秘函" in c.get("/settings/profile").text or "指标" in c.get("/settings/profile").text


def test_api_token_from_the_account_page(browser_client, client: TestClient) -> None:
    c, token = browser_client("readonly")
    page = c.post("/account/tokens", data={"name": "省平台", "csrf_token": token}).text
    value = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {value}"}).json()["username"] == "readonly"
    assert value not in c.get("/account").text  # shown once only


def test_password_change_ends_the_session(browser_client, client: TestClient) -> None:
    c, token = browser_client("readonly")
    wrong = c.post("/account/password", data={"current": "nope", "password": "new-pass-123", "csrf_token": token})
    assert "当前密码不正确" in wrong.text
    c.post("/account/password", data={"current": PASSWORD, "password": "new-pass-123", "csrf_token": token})
    assert c.get("/", follow_redirects=False).status_code == 303
    assert login(client, "readonly", "new-pass-123")


# --- a scan started from the console ---------------------------------------------------------------

_PAGES = {
    "/": '<html><head><meta charset="utf-8"><title>测试首页</title></head><body><a href="/a.html">通知</a>'
         '<a href="/gone.html">已删除的页面</a></body></html>',
    "/a.html": '<html><head><meta charset="utf-8"><title>通知</title></head><body><p>会议对工作作出全面布署。</p></body></html>',
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = _PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "not found").encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_scan_now_runs_in_the_background_with_progress(db, clock, tiny_site: str) -> None:
    from govinspect.settings import CrawlSettings, Settings
    from govinspect.store import registry_repo
    from govinspect.web.app import create_app

    site = registry_repo.add_site(db, tiny_site, "测试站", kind="portal")
    settings = Settings(db=str(db.engine.url), checks="links,text",
                        crawl=CrawlSettings(rate=0, timeout=5, retries=0, check_external=False))
    app = create_app(db, settings, clock=clock, warm_scores=False)
    with TestClient(app) as c:
        token = login(c, "supervisor")
        started = c.post(f"/sites/{site.id}/scan", data={"csrf_token": token}, follow_redirects=False)
        assert started.status_code == 303
        fragment = c.get(f"/sites/{site.id}/scan-status").text
        assert "任务 #" in fragment
        console = app.state.console
        job_id = int(fragment.split("任务 #")[1].split("，")[0].split("）")[0])
        again = c.post(f"/sites/{site.id}/scan", data={"csrf_token": token})
        assert "正在扫描" in again.text or "已完成" in c.get(f"/sites/{site.id}/scan-status").text
        console.runner.wait(job_id, timeout=120)
        done = c.get(f"/sites/{site.id}/scan-status").text
        assert "已完成" in done and "新问题" in done and "hx-trigger" not in done  # polling stops
    problems = {p.code: p for p in prepo.list_problems(db, site_id=site.id)}
    assert problems["broken_link"].target == tiny_site + "gone.html"
    assert problems["typo"].evidence == "布署"


def test_error_pages_are_in_chinese(browser_client) -> None:
    c, _ = browser_client("admin")
    missing = c.get("/problems/999999")
    assert missing.status_code == 404 and "没有找到这个对象" in missing.text
    assert "没有这个页面" in c.get("/no/such/page").text


def test_login_page_renders_for_anonymous(client: TestClient) -> None:
    html = client.get("/login").text
    assert form_token(html) and "govinspect user add" in html


def test_without_npm_the_charts_stay_tables(browser_client, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """web/build.sh could not fetch ECharts and htmx: no script points at a missing file, the
    numbers stand in tables, and the scan button is a plain form."""
    from govinspect.web import console as console_module

    monkeypatch.setattr(console_module, "VENDOR_DIR", tmp_path / "vendor")
    c, _ = browser_client("admin")
    html = c.get("/").text
    assert "echarts.min.js" not in html and "htmx.min.js" not in html
    assert 'class="chart-fallback"' in html and "<th>新发现</th>" in html
    site = c.get("/sites/1").text
    assert 'action="/sites/1/scan"' in site and "hx-post" not in site


def test_ttl_cache_computes_once_for_concurrent_askers() -> None:
    import threading

    from govinspect.web.console import TTLCache

    cache = TTLCache(60)
    calls: list[int] = []
    gate = threading.Event()

    def make() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", make))) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(calls) == 1
    cache.clear()
    assert cache.get("k", lambda: 7) == 7


@pytest.mark.postgres
def test_console_pages_on_postgres(postgres_url: str) -> None:
    """The console's own SQL (counts, week buckets, availability by day, window functions) on PostgreSQL."""
    from govinspect.store import open_database
    from govinspect.web.app import create_app
    from tests.web import seed
    from tests.web.conftest import Clock

    seeded = seed.build(None, postgres_url)
    db = open_database(postgres_url)
    try:
        with TestClient(create_app(db, clock=Clock(seed.NOW), warm_scores=False)) as c:
            login(c, "admin")
            overview = c.get("/").text
            assert "甲县人民政府" in overview and 'class="verdict fail">不合格' in overview
            weeks = overview.split("<th>已销号</th>")[1].split("</tbody>")[0]
            total = len(seeded.problems_a) + len(seeded.problems_b)
            assert f'<td>05-18</td><td class="num">{total}</td><td class="num">0</td>' in weeks  # found this week
            assert c.get(f"/sites/{seeded.site_a}").status_code == 200
            assert f"共 {len(seeded.problems_a) + len(seeded.problems_b)} 个问题" in c.get("/problems?state=all").text
            assert c.get(f"/problems/{seeded.typo_a}").status_code == 200
    finally:
        db.close()


def test_registering_a_sub_site_renews_cached_scores(tmp_path) -> None:
    """Sites nest (a portal's score leaves out its registered sub-sites), so the cache key of every
    site's score changes when the registry does."""
    from datetime import UTC, datetime

    from govinspect.store import open_database
    from govinspect.store import registry_repo as rrepo
    from govinspect.web.scores import cache_versions

    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    portal = rrepo.add_site(db, "http://127.0.0.1:18801/", "甲县人民政府", kind="portal",
                            now=datetime(2026, 5, 18, tzinfo=UTC))
    before = cache_versions(db, [portal.id])[portal.id]
    assert cache_versions(db, [portal.id])[portal.id] == before  # stable while nothing changes
    rrepo.add_site(db, "http://127.0.0.1:18801/bm/jyj/", "甲县教育局", kind="subsite",
                   now=datetime(2026, 5, 18, tzinfo=UTC))
    after = cache_versions(db, [portal.id])[portal.id]
    assert after != before
    rrepo.add_site(db, "http://127.0.0.1:18809/", "无关的站", now=datetime(2026, 5, 18, tzinfo=UTC))
    assert cache_versions(db, [portal.id])[portal.id] == after  # a site elsewhere changes nothing here
    db.close()
