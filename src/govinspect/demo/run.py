"""`make demo`: start the bundled demo site on loopback, scan it, print the summary and where results went."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console

from govinspect.cli import summary_table
from govinspect.registry.scanning import scan_inputs
from govinspect.reports.findings_export import write_json
from govinspect.scan import ScanJob
from govinspect.settings import CrawlSettings, Settings
from govinspect.store import open_database, registry_repo

console = Console()


async def _demo(port: int, pages: int, out_dir: Path) -> int:
    from govinspect.demo.server import start_demo

    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "demo.db"
    json_path = out_dir / "demo-scan.json"
    for stale in (db_path, db_path.with_suffix(".db-wal"), db_path.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    # the demo's slow page answers after 8 s: with a 5 s limit it is a planted broken link
    server = await start_demo(port=port, pages=pages, slow_seconds=8.0)
    try:
        console.print(f"演示网站已启动：{server.base_url}", highlight=False)
        settings = Settings(
            db=f"sqlite:///{db_path}",
            crawl=CrawlSettings(concurrency=16, rate=0, timeout=5.0, retries=1, retry_backoff=0.1),
        )
        db = open_database(settings.db)
        # registered as an office would register its portal, so reports and scores carry its name
        context = server.site.context
        name = context.site.identity.name if context is not None else "演示网站"
        registry_repo.add_site(
            db, server.base_url + "/", name, kind="portal", settings=server.site.site_config, now=server.site.now
        )
        # the same path as `govinspect scan`: the registry's settings drive the scan
        settings, site_config = scan_inputs(db, server.base_url + "/", settings)
        job = ScanJob(settings, db, server.base_url + "/", now=server.site.now, site_config=site_config)
        with console.status("正在扫描演示网站……"):
            result = await job.run()
    finally:
        await server.close()
    from govinspect.workflow.sync import sync_problems

    info = db.scan(result.scan_id)
    assert info is not None
    synced = sync_problems(db, info.site_id, result.scan_id)
    from govinspect.demo.newmedia import run_demo as run_newmedia_demo

    with console.status("正在检查演示政务新媒体账号……"):
        _, media_run, media_summary = await run_newmedia_demo(db, server.site.now, settings.db)
    from govinspect.reports.quarterly import write_quarterly_report
    from govinspect.reports.scope import quarter_of

    report_path = out_dir / "demo-quarterly.docx"
    write_quarterly_report(db, quarter_of(server.site.now), report_path, now=server.site.now)
    write_json(result.to_json(), json_path)
    console.print(summary_table(result.findings, f"演示网站扫描结果（扫描 #{result.scan_id}）"))
    console.print(f"共抓取页面 {result.pages_fetched} 个，发现问题 {len(result.findings)} 条。", highlight=False)
    console.print("整改问题：" + synced.describe(), highlight=False)
    console.print("政务新媒体：" + "".join(media_summary.sentences()), highlight=False)
    console.print(f"问题清单 JSON：{json_path}", highlight=False)
    console.print(f"季度自查整改报告（Word）：{report_path}", highlight=False)
    console.print(f"数据库：{db_path}（可用 govinspect findings --db {db_path} --format xlsx --out 问题.xlsx 导出）",
                  highlight=False)
    expected = getattr(server.site, "expected", [])
    found = {(f.code, f.page) for f in result.findings}
    missing = [e for e in expected if (e.code, e.page) not in found]
    if expected:
        console.print(f"演示网站预置问题 {len(expected)} 处，未检出 {len(missing)} 处", highlight=False)
        for e in missing[:10]:
            console.print(f"  未检出：{e.code} {e.page}", highlight=False)
    return len(missing)  # the exit code: a planted problem missed fails `make demo`


def main() -> None:
    parser = argparse.ArgumentParser(description="运行演示：启动演示网站并扫描")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    raise SystemExit(asyncio.run(_demo(args.port, args.pages, args.out)))


if __name__ == "__main__":
    main()
