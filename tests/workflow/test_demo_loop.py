"""The bundled demo portal through the whole system: scan → problems → score, then fix → 待复核 →
已销号 → regression → reopened. One full scan (all checks) and three scans of the hidden-link check."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from govinspect.demo.model import Resource
from govinspect.demo.server import start_demo
from govinspect.demo.util import CHINA_TZ
from govinspect.registry.scanning import scan_inputs
from govinspect.scan import ScanJob
from govinspect.scoring.service import score_site
from govinspect.store import open_database
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow.sync import sync_problems
from tests.conftest import fast_settings

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=CHINA_TZ)
_HIDDEN_BLOCK = re.compile(r'<div style="display:none">.*?</div>|<a [^>]*left:-9999px[^>]*>.*?</a>', re.S)


def by_id(items, item_id):
    return next(i for i in items if i.item.id == item_id)


async def test_demo_portal_scored_and_rectified(sqlite_url):
    server = await start_demo(pages=100, now=NOW)
    db = open_database(sqlite_url)
    try:
        home = server.hosts.main + "/"
        rrepo.add_unit(db, "宁川县人民政府办公室")
        rrepo.add_unit(db, "宁川县教育局", parent="宁川县人民政府办公室")
        site = rrepo.add_site(db, home, "宁川县人民政府", kind="门户网站", owner="宁川县人民政府办公室")
        rrepo.add_rule(db, site.id, "prefix", "/bm/jyj/", "宁川县教育局")

        async def scan(hours: int, checks: str = "") -> int:
            base = fast_settings(sqlite_url, check_external=not checks).model_copy(update={"checks": checks})
            settings, config = scan_inputs(db, home, base)
            # in UTC: the store keeps the wall-clock time only on SQLite (see the report to the lead)
            moment = (NOW + timedelta(hours=hours)).astimezone(UTC)
            result = await ScanJob(settings, db, home, now=moment, site_config=config).run()
            codes = {"hidden_link"} if checks else None
            sync_problems(db, site.id, result.scan_id, now=NOW + timedelta(hours=hours, minutes=30), codes=codes)
            return result.scan_id

        await scan(0)
        scored = score_site(db, site.id, at=NOW + timedelta(hours=1)).result
        # the veto items: the sub-site's home page is stale (V3), a message unanswered for 5 months (V5)
        assert by_id(scored.vetoes, "V3").status == "否决"
        assert [f.page for f in by_id(scored.vetoes, "V3").rules[0].findings] == [home + "bm/jyj/"]
        assert by_id(scored.vetoes, "V5").status == "否决"
        assert by_id(scored.vetoes, "V5").rules[0].findings[0].evidence == "反映河西镇农田灌溉渠道堵塞问题"
        assert [r.count for r in by_id(scored.vetoes, "V4").rules] == [2, 2, 1]  # below 5/10/5
        assert by_id(scored.vetoes, "V4").status == "通过" and by_id(scored.vetoes, "V2").status == "通过"
        v1 = by_id(scored.vetoes, "V1")
        assert v1.status == "待确认"  # judgement items wait for a person
        candidates = {(c.finding.code, c.finding.evidence) for r in v1.rules for c in r.candidates}
        assert {("serious_error", "党的20大"), ("serious_error", "北朝鲜"), ("secret_marking", "机密★1年"),
                ("hidden_link", "网上赌场"), ("privacy_leak", "110101199503140020")} <= candidates
        # the deductions: two stale columns (动态要闻, 通知公告 — not 政策文件), one empty column
        deductions = scored.deductions
        assert by_id(deductions, "D1").points == 0
        assert (by_id(deductions, "U1").units, by_id(deductions, "U1").points) == (2, 4)
        assert (by_id(deductions, "U2").units, by_id(deductions, "U2").points) == (1, 2)
        assert by_id(deductions, "U9").points == 2  # no IPv6 on loopback
        assert scored.verdict == "不合格" and scored.total is None

        problems = prepo.list_problems(db, site_id=site.id)
        stale_home = next(p for p in problems if p.code == "homepage_stale")
        assert stale_home.unit_name == "宁川县教育局" and stale_home.severity == "veto"
        hidden = [p for p in problems if p.code == "hidden_link"]
        assert len(hidden) == 3 and {p.state for p in hidden} == {"open"}

        original = server.site.resources[home]
        fixed = _HIDDEN_BLOCK.sub("", original.body.decode(original.encoding or "utf-8"))
        assert fixed != original.body.decode(original.encoding or "utf-8")
        server.site.resources[home] = Resource(
            original.content_type, data=fixed.encode(original.encoding or "utf-8"), encoding=original.encoding
        )
        await scan(24, checks="hidden_links")
        assert {prepo.get_problem(db, p.id).state for p in hidden} == {"review"}
        assert prepo.get_problem(db, stale_home.id).state == "open"  # not what that scan checked
        await scan(48, checks="hidden_links")
        assert {prepo.get_problem(db, p.id).state for p in hidden} == {"closed"}

        server.site.resources[home] = original  # the spam comes back
        await scan(72, checks="hidden_links")
        back = [prepo.get_problem(db, p.id) for p in hidden]
        assert {(p.state, p.reopen_count) for p in back} == {("open", 1)}
        assert len(prepo.list_problems(db, site_id=site.id)) == len(problems)  # reopened, not duplicated
    finally:
        db.close()
        await server.close()

