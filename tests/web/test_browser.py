"""The console in a real browser (Debian's chromium, headless) against a real scan of the demo site:
log in, see the overview, open a problem, mark it fixed, download the quarterly report. Screenshots
of the main pages go to docs/screenshots/ for the README."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from govinspect.store import open_database
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
ADMIN, PASSWORD = "admin", "console-pass-1"
TITLE_XSS = "<script>alert(1)</script>"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian 的 chromium 未安装（make browser 安装）"),
]


async def _scan_demo(url: str) -> dict[str, Any]:
    """The demo portal scanned as `govinspect scan` does it, its problems synced, its home page probed."""
    from govinspect.checks.registry import all_checks
    from govinspect.demo.server import start_demo
    from govinspect.demo.util import CHINA_TZ
    from govinspect.registry.scanning import scan_inputs
    from govinspect.scan import ScanJob
    from govinspect.settings import CrawlSettings, Settings
    from govinspect.store import registry_repo as rrepo
    from govinspect.workflow.availability import availability_rules, probe, record_probe
    from govinspect.workflow.sync import sync_problems

    now = datetime.now(CHINA_TZ)
    server = await start_demo(pages=60, now=now, slow_seconds=3)
    db = open_database(url)
    try:
        home = server.home_url
        office = rrepo.add_unit(db, "宁川县人民政府办公室")
        rrepo.add_unit(db, "宁川县教育局", parent=office.name)
        site = rrepo.add_site(db, home, "宁川县人民政府", kind="portal", owner=office.name)
        rrepo.add_rule(db, site.id, "prefix", "/bm/jyj/", "宁川县教育局")
        # every check but those that drive a browser or probe the real network themselves
        checks = ",".join(n for n, c in all_checks().items() if not c.network)
        base = Settings(db=url, checks=checks, crawl=CrawlSettings(rate=0, timeout=2, retries=0))
        settings, config = scan_inputs(db, home, base)
        result = await ScanJob(settings, db, home, now=now, site_config=config).run()
        sync_problems(db, site.id, result.scan_id)
        rules = availability_rules()
        for _ in range(3):
            outcome = await asyncio.to_thread(probe, home, rules)
            record_probe(db, site.id, datetime.now(UTC), outcome)
        return {"site_id": site.id, "scan_id": result.scan_id, "home": home}
    finally:
        db.close()
        await server.close()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn
    from sqlalchemy import update

    from govinspect.store import problems_repo as prepo
    from govinspect.store import users_repo
    from govinspect.store.schema import urls
    from govinspect.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'console.db'}"
    seeded = asyncio.run(_scan_demo(url))
    db = open_database(url)
    users_repo.add_user(db, ADMIN, PASSWORD, "admin", display_name="系统管理员", min_password_length=8,
                        now=datetime.now(UTC))
    found = prepo.list_problems(db)
    typo = next(p for p in found if p.code == "typo" and (p.detail or {}).get("context"))
    xss = next(p for p in found if p.code == "serious_error" and p.page != typo.page)
    with db.engine.begin() as conn:  # a scanned page whose title is a script: it must show as text
        conn.execute(update(urls).where(urls.c.scan_id == seeded["scan_id"], urls.c.url == xss.page)
                     .values(title=TITLE_XSS))
    app = create_app(db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    yield {**seeded, "base": base, "typo": typo, "xss": xss, "db": db}
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    db.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def _shot(page: Any, name: str, *, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_log_in_overview_problem_fixed_and_report(console: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    base, typo = console["base"], console["typo"]
    started = time.time()
    context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    _shot(page, "login")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    assert page.locator("h1").inner_text() == "总览"
    assert page.locator("#site-table").get_by_text("宁川县人民政府", exact=True).count() == 1
    assert page.locator(".verdict").first.inner_text() in ("合格", "不合格")
    page.wait_for_load_state("networkidle")
    vendor = ROOT / "src" / "govinspect" / "web" / "static" / "vendor" / "echarts.min.js"
    if vendor.exists():  # ECharts built from npm: the charts replace their tables
        assert page.locator(".chart-block.charted canvas").count() >= 2
    _shot(page, "overview", full=True)

    page.click("#site-table a:has-text('宁川县人民政府')")
    page.wait_for_url(f"{base}/sites/{console['site_id']}")
    assert page.locator("text=单项否决指标").count() == 1
    page.wait_for_load_state("networkidle")
    _shot(page, "site")

    page.goto(f"{base}/problems?code=typo")
    _shot(page, "problems")
    page.click(f"a[href='/problems/{typo.id}'] >> nth=0")
    page.wait_for_url(f"{base}/problems/{typo.id}")
    assert page.locator("#evidence-context mark").inner_text() == typo.evidence
    _shot(page, "problem", full=True)

    page.click("#to-review")  # 已整改（申请复核）
    page.wait_for_url(f"{base}/problems/{typo.id}")
    assert "已改为“待复核”" in page.locator(".flash").inner_text()
    assert page.locator(".state").first.inner_text() == "待复核"
    assert page.locator("#history").get_by_text("系统管理员（admin）").count() == 1
    from govinspect.store import problems_repo as prepo

    assert prepo.get_problem(console["db"], typo.id).state == "review"

    page.goto(f"{base}/reports")
    _shot(page, "reports")
    with page.expect_download() as info:
        page.click("#report-quarterly button[type=submit]")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".docx"
    with zipfile.ZipFile(saved) as docx:
        assert "word/document.xml" in docx.namelist()

    page.goto(f"{base}/problems/{console['xss'].id}")
    assert page.locator("#page-title").inner_text() == TITLE_XSS  # the script is text, not run

    page.goto(f"{base}/settings/accounts")
    _shot(page, "settings")
    assert dialogs == [] and blocked == []
    context.close()
    for name in ("login", "overview", "site", "problems", "problem", "reports", "settings"):
        shot = SHOTS / f"{name}.png"
        assert shot.stat().st_mtime > started and shot.read_bytes()[:4] == b"\x89PNG"


def test_scan_now_shows_live_progress(console: dict[str, Any], browser: Any) -> None:
    """The button starts a scan in the background; the page polls its progress (htmx) until it ends.
    The demo server is gone by now, so the scan ends at once with the home page unreachable."""
    base = console["base"]
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(base + "/login")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/sites/{console['site_id']}")
    page.click("#scan button[type=submit]")
    page.locator("#scan-job").get_by_text("任务 #").wait_for()
    page.locator("#scan-job.finished, #scan-job.failed").wait_for(timeout=60_000)
    assert "首页无法访问" in page.locator("#scan-job").inner_text() or "扫描失败" in page.locator("#scan-job").inner_text()
    page.close()
