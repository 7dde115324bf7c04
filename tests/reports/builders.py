"""A database for the report tests, built the way an office builds it: register units and the demo
portal, scan it, turn the findings into problems, work on some of them, import a server log and a
message export through the statistics part. Everything is generated here; nothing is copied in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govinspect.demo.server import start_demo
from govinspect.demo.util import CHINA_TZ
from govinspect.registry.scanning import scan_inputs
from govinspect.scan import ScanJob
from govinspect.stats.logimport import import_log_file
from govinspect.stats.messages import import_messages
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.store.db import Database, open_database
from govinspect.workflow.actions import change_state
from govinspect.workflow.sync import sync_problems
from tests.conftest import fast_settings

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=CHINA_TZ)  # the demo's monitoring point, in 2026Q2
QUARTER = "2026Q2"
OFFICE = "宁川县人民政府办公室"
EDUCATION = "宁川县教育局"
ACTOR = "测试员"

AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Firefox/120.0",
)


def log_text() -> str:
    """Three visitors a day on some days of the quarter (and one in March, outside it)."""
    lines: list[str] = []
    days = [datetime(2026, 3, 30), datetime(2026, 4, 2), datetime(2026, 4, 20), datetime(2026, 5, 11), datetime(2026, 6, 3)]
    for day in days:
        stamp = day.strftime("%d/%b/%Y")
        for i, agent in enumerate(AGENTS):
            ip = f"10.0.{day.month}.{i + 1}"
            pages = ["/index.html", "/col/tzgg/index.html", "/col/zwdt/index.html"][: i + 1]  # 1, 2, 3 PV
            for minute, path in enumerate(pages):
                when = f"{stamp}:09:{10 * i + minute:02d}:00 +0800"
                lines.append(f'{ip} - - [{when}] "GET {path} HTTP/1.1" 200 512 "-" "{agent}"')
                lines.append(f'{ip} - - [{when}] "GET /css/main.css HTTP/1.1" 200 99 "-" "{agent}"')
    return "\n".join(lines) + "\n"


MESSAGES_CSV = (
    "留言编号,留言标题,留言时间,办理状态,答复时间,办理单位\n"
    "Q1,咨询户籍办理,2026-04-03 09:00,已回复,2026-04-05 10:00,公安局\n"
    "Q2,反映道路积水,2026-04-18 15:00,已办结,2026-04-28 09:00,住建局\n"
    "Q3,建议增设公交站,2026-05-20 11:00,未回复,,交通局\n"
    "Q4,咨询入学政策,2026-06-02 08:30,已回复,2026-06-03 17:00,教育局\n"
    "Q0,去年的留言,2026-03-15 08:00,已回复,2026-03-16 08:00,住建局\n"
)


@dataclass
class ReportWorld:
    db: Database
    site_id: int
    scan_id: int
    home: str
    closed_ids: list[int]
    false_alarm_ids: list[int]
    log_path: Path
    messages_path: Path


async def build_world(tmp: Path, db_url: str | None = None) -> ReportWorld:
    db_url = db_url or f"sqlite:///{tmp / 'reports.db'}"
    db = open_database(db_url)
    server = await start_demo(pages=100, now=NOW)
    try:
        home = server.hosts.main + "/"
        rrepo.add_unit(db, OFFICE)
        rrepo.add_unit(db, EDUCATION, parent=OFFICE)
        site = rrepo.add_site(
            db, home, "宁川县人民政府", kind="门户网站", owner=OFFICE, settings=dict(server.site.site_config)
        )
        rrepo.add_rule(db, site.id, "prefix", "/bm/jyj/", EDUCATION)
        base = fast_settings(db_url, check_external=True)
        settings, config = scan_inputs(db, home, base)
        # in UTC: the store keeps the wall-clock time only on SQLite
        result = await ScanJob(settings, db, home, now=NOW.astimezone(UTC), site_config=config).run()
    finally:
        await server.close()
    sync_problems(db, site.id, result.scan_id, now=NOW + timedelta(minutes=30))

    # work on some problems inside the quarter: broken links fixed (verified by hand), one 误报
    problems = prepo.list_problems(db, site_id=site.id)
    broken = [p for p in problems if p.code == "broken_link"][:3]
    closed: list[int] = []
    for p in broken:
        change_state(db, p.id, "review", actor=ACTOR, now=NOW + timedelta(days=2))
        change_state(db, p.id, "closed", actor=ACTOR, now=NOW + timedelta(days=3))
        closed.append(p.id)
    typo = next(p for p in problems if p.code == "typo")
    change_state(db, typo.id, "false_alarm", actor=ACTOR, reason="专有名词", now=NOW + timedelta(days=1))
    # closed after the quarter: counts as open in the 2026Q2 report
    late = next(p for p in problems if p.code == "column_stale")
    change_state(db, late.id, "review", actor=ACTOR, now=datetime(2026, 7, 2, 9, 0, tzinfo=CHINA_TZ))
    change_state(db, late.id, "closed", actor=ACTOR, now=datetime(2026, 7, 3, 9, 0, tzinfo=CHINA_TZ))

    log_path = tmp / "access.log"
    log_path.write_text(log_text(), encoding="utf-8")
    import_log_file(db, site.id, log_path)
    messages_path = tmp / "messages.csv"
    messages_path.write_text(MESSAGES_CSV, encoding="utf-8")
    import_messages(db, site.id, messages_path)
    return ReportWorld(
        db=db, site_id=site.id, scan_id=result.scan_id, home=home, closed_ids=closed, false_alarm_ids=[typo.id],
        log_path=log_path, messages_path=messages_path,
    )
