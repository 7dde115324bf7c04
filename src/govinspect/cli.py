"""The govinspect command line (Typer). User-facing text is Chinese; a user mistake never shows a traceback."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from govinspect.commandline import (
    DbOption,
    UserError,
    console,
    err_console,
    fail,
    guarded,
    load_settings,
    open_db,
)
from govinspect.findings import Finding, code_name
from govinspect.settings import Settings
from govinspect.store.db import Database

app = typer.Typer(help="govinspect：政府网站与政务新媒体自查整改工具", no_args_is_help=True, add_completion=False)


def summary_table(findings: list[Finding], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("问题代码")
    table.add_column("问题类型")
    table.add_column("级别")
    table.add_column("数量", justify="right")
    counts = Counter(f.code for f in findings)
    severity = {f.code: f.severity for f in findings}
    labels = {"veto": "[red]单项否决[/]", "deduct": "[yellow]扣分[/]", "notice": "提示"}
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(code, code_name(code), labels.get(severity[code] or "", ""), str(n))
    if not counts:
        table.add_row("—", "未发现问题", "", "0")
    return table


@app.command()
def scan(
    url: Annotated[str | None, typer.Argument(help="网站首页地址，如 http://127.0.0.1:8080/")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="把结果写成 JSON 文件")] = None,
    db: DbOption = None,
    concurrency: Annotated[int | None, typer.Option(help="同一主机最大并发连接数（默认 8）")] = None,
    rate: Annotated[float | None, typer.Option(help="同一主机每秒最多请求数，0 为不限（默认 10）")] = None,
    timeout: Annotated[float | None, typer.Option(help="页面加载超时秒数（默认 15）")] = None,
    max_pages: Annotated[int | None, typer.Option(help="最多抓取页面数")] = None,
    max_depth: Annotated[int | None, typer.Option(help="最大链接深度")] = None,
    max_per_pattern: Annotated[int | None, typer.Option(help="同一路径模式最多页面数")] = None,
    max_body_mb: Annotated[float | None, typer.Option(help="响应体上限（MB，默认 10）")] = None,
    include: Annotated[list[str] | None, typer.Option("--include", help="额外纳入抓取范围的主机或网址前缀，可多次给出")] = None,
    no_external: Annotated[bool, typer.Option("--no-external", help="不检查站外链接")] = False,
    incremental: Annotated[bool, typer.Option("--incremental", help="增量扫描：未变化的页面沿用上次结果")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="继续最近一次未完成的扫描")] = False,
    scan_id: Annotated[int | None, typer.Option("--scan-id", help="与 --resume 同用：继续指定编号的扫描")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度")] = False,
) -> None:
    """抓取整个网站，检查每个链接和资源，保存并输出问题清单。"""

    def body() -> None:

        overrides: dict[str, Any] = {
            "concurrency": concurrency,
            "rate": rate,
            "timeout": timeout,
            "max_pages": max_pages,
            "max_depth": max_depth,
            "max_per_pattern": max_per_pattern,
            "max_body_bytes": int(max_body_mb * 1024 * 1024) if max_body_mb else None,
            "include": include or None,
            "check_external": False if no_external else None,
        }
        settings = load_settings(db).with_overrides(**overrides)
        database = open_db(settings)
        resume_id: int | None = None
        if resume or scan_id is not None:
            if scan_id is not None:
                resume_id = scan_id
            else:
                from govinspect.crawl.urls import normalize

                latest = database.latest_unfinished_scan(normalize(url) if url else None)
                if latest is None:
                    raise UserError("没有可以继续的未完成扫描")
                resume_id = latest.id
        elif not url:
            raise UserError("请给出网站地址，例如：govinspect scan http://127.0.0.1:8080/")
        site_config: dict[str, Any] = {}
        if url and resume_id is None:
            from govinspect.crawl.urls import normalize
            from govinspect.registry.scanning import scan_inputs

            settings, site_config = scan_inputs(database, normalize(url), settings)
        result = _run_with_progress(
            settings, database, url, resume_id, quiet, incremental, site_config
        )
        if out:
            from govinspect.reports.findings_export import write_json

            write_json(result.to_json(), out)
        console.print(summary_table(result.findings, f"扫描 #{result.scan_id}：{result.site}"))
        console.print(
            f"共抓取页面 {result.pages_fetched} 个，发现问题 {len(result.findings)} 条。"
            f"数据库：{settings.db}" + (f"；JSON：{out}" if out else ""),
            highlight=False,
        )
        for message in result.check_errors[:5]:
            err_console.print(f"[yellow]注意：[/]{message}", highlight=False)
        if result.start_error:
            fail(result.start_error, 1)
        from govinspect.workflow.sync import sync_problems

        info = database.scan(result.scan_id)
        assert info is not None
        console.print("整改问题：" + sync_problems(database, info.site_id, result.scan_id).describe(), highlight=False)

    guarded(body)


def _run_with_progress(
    settings: Settings,
    database: Database,
    url: str | None,
    resume_id: int | None,
    quiet: bool,
    incremental: bool = False,
    site_config: dict[str, Any] | None = None,
) -> Any:
    import asyncio

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("已抓取 {task.fields[pages]} 页 · 已检查链接 {task.fields[checked]} · 队列 {task.fields[queued]}"),
        TextColumn("· 错误 {task.fields[errors]} · {task.fields[rate]:.0f} 页/秒"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
        transient=False,
    ) as progress:
        task = progress.add_task("扫描中", total=None, pages=0, checked=0, queued=0, errors=0, rate=0.0)

        def on_progress(stats: Any) -> None:
            progress.update(
                task,
                pages=stats.pages_fetched,
                checked=stats.links_checked,
                queued=stats.queued,
                errors=stats.errors,
                rate=stats.rate,
            )

        from govinspect.scan import ScanJob

        job = ScanJob(
            settings,
            database,
            None if resume_id else url,
            resume_scan_id=resume_id,
            progress=on_progress,
            incremental=incremental,
            site_config=site_config,
        )
        result = asyncio.run(job.run())
        progress.update(task, description="扫描完成")
        return result


@app.command()
def findings(
    scan_id: Annotated[int | None, typer.Option("--scan", help="扫描编号（默认最近一次）")] = None,
    format: Annotated[str, typer.Option("--format", help="json、csv 或 xlsx")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（json 可省略，直接打印）")] = None,
    db: DbOption = None,
) -> None:
    """导出已保存扫描的问题清单。"""

    def body() -> None:
        from govinspect.reports import findings_export as export

        if format not in ("json", "csv", "xlsx"):
            raise UserError(f"不支持的格式：{format}（可选 json、csv、xlsx）")
        database = open_db(load_settings(db))
        info = database.scan(scan_id) if scan_id is not None else next(iter(database.list_scans(1)), None)
        if info is None:
            raise UserError(f"没有编号为 {scan_id} 的扫描" if scan_id is not None else "数据库中还没有扫描记录")
        items = database.findings_of(info.id)
        if format == "json":
            from govinspect.scan import CHINA

            document = {
                "site": info.start_url,
                "started_at": info.started_at.astimezone(CHINA).isoformat(timespec="seconds"),
                "finished_at": info.finished_at.astimezone(CHINA).isoformat(timespec="seconds")
                if info.finished_at
                else None,
                "pages_fetched": info.pages_fetched,
                "findings": [f.to_json() for f in items],
            }
            if out:
                export.write_json(document, out)
            else:
                sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
                return
        else:
            if out is None:
                raise UserError(f"{format} 格式需要用 --out 指定输出文件")
            (export.write_csv if format == "csv" else export.write_xlsx)(items, out)
        console.print(f"已导出扫描 #{info.id} 的 {len(items)} 条问题到 {out}", highlight=False)

    guarded(body)


@app.command("check-html")
def check_html(
    file: Annotated[Path, typer.Argument(help="保存的网页文件")],
    url: Annotated[str, typer.Option("--url", help="该网页原来的网址")],
    out: Annotated[Path | None, typer.Option("--out", help="把结果写成 JSON 文件")] = None,
) -> None:
    """离线检查一个保存的网页（不访问网络），输出与扫描相同格式的 JSON。"""

    def body() -> None:
        from govinspect.checks.registry import CheckContext
        from govinspect.crawl.urls import normalize
        from govinspect.pipeline import process_page
        from govinspect.scan import CHINA

        page_url = normalize(url)
        data = file.read_bytes()
        started = datetime.now(CHINA)
        ctx = CheckContext(settings=load_settings(), site_url=page_url, now=started, offline=True)
        outcome = process_page(page_url, data, "", ctx)
        if not outcome.parsed:
            raise UserError(f"{file} 不是 HTML 网页")
        items = list(outcome.findings)
        if outcome.soft_404:
            items = []
            err_console.print("[yellow]注意：[/]该页面显示“页面不存在”（软404）", highlight=False)
        document = {
            "site": page_url,
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(CHINA).isoformat(timespec="seconds"),
            "pages_fetched": 1,
            "findings": [f.to_json() for f in items],
        }
        if out:
            from govinspect.reports.findings_export import write_json

            write_json(document, out)
            console.print(summary_table(items, f"离线检查：{file}"))
        else:
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        for message in ctx.errors[:5]:
            err_console.print(f"[yellow]注意：[/]{message}", highlight=False)

    guarded(body)


@app.command()
def scans(db: DbOption = None) -> None:
    """列出数据库中的扫描记录。"""

    def body() -> None:
        database = open_db(load_settings(db))
        table = Table(title="扫描记录")
        for heading in ("编号", "网站", "状态", "开始时间", "页面数"):
            table.add_column(heading)
        labels = {"running": "未完成", "finished": "已完成", "failed": "失败"}
        for info in database.list_scans():
            table.add_row(
                str(info.id), info.start_url, labels.get(info.status, info.status),
                info.started_at.strftime("%Y-%m-%d %H:%M"), str(info.pages_fetched),
            )
        console.print(table)

    guarded(body)


@app.command()
def columns(
    url: Annotated[str, typer.Argument(help="网站首页地址")],
    db: DbOption = None,
    rescan: Annotated[bool, typer.Option("--rescan", help="不用已保存的扫描，重新抓取")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度")] = False,
) -> None:
    """打印网站的栏目树：类型、条目数、最新日期、是否超期（用最近一次扫描，没有则先扫描）。"""

    def body() -> None:
        from govinspect.checks.registry import CheckContext
        from govinspect.crawl.urls import normalize
        from govinspect.registry.scanning import scan_inputs
        from govinspect.scan import CHINA
        from govinspect.structure.columns import build_column_tree, render_column_tree

        start = normalize(url)
        settings = load_settings(db)
        database = open_db(settings)
        settings, site_config = scan_inputs(database, start, settings)
        latest = database.previous_finished_scan(start)
        if latest is None or rescan:
            result = _run_with_progress(
                settings, database, start, None, quiet, False, site_config
            )
            latest = database.scan(result.scan_id)
            assert latest is not None
        ctx = CheckContext(
            settings=settings, site_url=start, now=latest.monitoring_point.astimezone(CHINA), site_config=site_config
        )
        tree = build_column_tree(database.site_data(latest.id, start), ctx)
        console.print(render_column_tree(tree))
        when = latest.monitoring_point.astimezone(CHINA)
        console.print(f"依据：扫描 #{latest.id}（{when:%Y-%m-%d %H:%M}）", highlight=False)

    guarded(body)


@app.command("run")
def run_daemon(
    db: DbOption = None,
    alerts: Annotated[Path | None, typer.Option("--alerts", help="告警设置文件（YAML：webhook、smtp）")] = None,
    incremental_hour: Annotated[int, typer.Option(help="每日增量扫描时刻（0-23）")] = 2,
    full_weekday: Annotated[int, typer.Option(help="每周全量扫描的星期（0=周一 … 6=周日）")] = 6,
    max_parallel_scans: Annotated[int, typer.Option(help="同时进行的扫描数")] = 2,
) -> None:
    """常驻监测：按计划探测首页可用性、每日增量扫描、每周全量扫描、同步整改问题、发送告警。"""

    def body() -> None:
        import asyncio

        from govinspect.monitor.clock import RealClock
        from govinspect.monitor.daemon import Daemon, DaemonLog
        from govinspect.monitor.schedule import MonitorSettings
        from govinspect.workflow.alerts import load_alert_config

        settings = load_settings(db)
        database = open_db(settings)
        monitor = MonitorSettings(
            incremental_hour=incremental_hour, full_weekday=full_weekday, max_parallel_scans=max_parallel_scans
        )
        alert_config = load_alert_config(alerts) if alerts else None
        journal = DaemonLog(on_event=lambda m: console.print(f"[dim]{datetime.now():%m-%d %H:%M}[/] {m}", highlight=False))
        console.print(f"监测已启动（数据库：{settings.db}），按 Ctrl-C 停止。", highlight=False)
        try:
            asyncio.run(Daemon(settings, database, RealClock(), monitor=monitor, alerts=alert_config, journal=journal).run())
        except KeyboardInterrupt:
            console.print("监测已停止。未完成的扫描下次启动时会继续。", highlight=False)

    guarded(body)


@app.command("demo-site")
def demo_site(
    port: Annotated[int, typer.Option(help="端口")] = 8080,
    pages: Annotated[int, typer.Option(help="文章数量级")] = 300,
) -> None:
    """在本机回环地址上启动内置的演示政府网站。"""

    def body() -> None:
        from govinspect.demo.server import serve_forever

        serve_forever(port=port, pages=pages)

    guarded(body)


def _register_optional_commands() -> None:
    """Commands whose implementation lives with their stage."""
    from govinspect.workflow import commands as workflow

    app.add_typer(workflow.unit_app, name="unit")
    app.add_typer(workflow.site_app, name="site")
    app.add_typer(workflow.problems_app, name="problems")
    app.command("score")(workflow.score_command)
    app.command("sync")(workflow.sync_command)
    from govinspect.stats.commands import import_app, stats_app

    app.add_typer(import_app, name="import")
    app.add_typer(stats_app, name="stats")
    from govinspect.reports.commands import report_app

    app.add_typer(report_app, name="report")
    from govinspect.web.commands import serve_command, user_app

    app.command("serve")(serve_command)
    app.add_typer(user_app, name="user")
    from govinspect.newmedia.commands import media_app

    app.add_typer(media_app, name="media")
    @app.command("check-text")
    def check_text(
        path: Annotated[str, typer.Argument(help="要检查的文件（.txt、.docx、.xlsx、.pdf），“-”表示从标准输入读取")],
        format: Annotated[str, typer.Option("--format", "-f", help="输出格式：text、json 或 jsonl（每行一篇）")] = "text",
    ) -> None:
        """检查文本或文档中的错别字、严重表述错误、敏感词、隐私信息、涉密标识和序号错误。"""
        from govinspect.text.command import check_text_command  # the text engine: loaded only when asked for

        raise typer.Exit(check_text_command(path, format))


_register_optional_commands()


def main() -> None:
    app()
