"""The new-media demo: every planted problem is found through the real connectors and checks."""

from __future__ import annotations

from datetime import UTC, datetime

from govinspect.demo.newmedia import run_demo
from govinspect.newmedia import checks


async def test_demo_plants_are_all_found(db):
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    demo, run, summary = await run_demo(db, now, str(db.engine.url))
    found = {(f.code, f"{r.account.platform_label}:{r.account.name}") for r in run.results for f in r.findings}
    reposts = {(f"repost_{r.status}", f"{r.account.platform_label}:{r.account.name}") for r in run.repost_problems()}
    dups = {("duplicate", f"{d.unit_name}:{d.accounts[0].platform_label}") for d in run.duplicates}
    planted = {(p.kind, p.account) for p in demo.planted}
    assert planted <= found | reposts | dups
    # nothing else: the demo's everyday posts are clean
    assert found == {p for p in planted if p[0] in {"account_stale", "typo", "serious_error", "message_overdue", "broken_link"}}
    assert {r.status for r in run.reposts} <= {checks.CARRIED, checks.LATE, checks.MISSED}
    text = "\n".join(summary.sentences())
    assert "本季度注销、关停新媒体账号1个" in text and "原创信息比例不足" in text
    assert "部分新媒体重点转载不及时" in text and "菜单链接2个，其中1个无法访问" in text
    assert demo.feed_url is not None and any(r.posts_checked for r in run.results)
