"""The crawl benchmark (make bench): govinspect against the link checkers a webmaster would otherwise use.

One run: generate a demo site of about 5,000 pages, serve it with a private nginx on 127.0.0.1,
time govinspect, LinkChecker, linkinator, a bare Scrapy spider and ``wget --spider`` on it with
their politeness limits lifted, compare what each found broken with what was planted, then run
govinspect alone on a 50,000-page site (memory flat in size) and measure the raw fetch rate of
aiohttp and Scrapy. Prints Rich tables and writes docs/bench-crawl.md.

    python benchmarks/bench_crawl.py            # the full run (about 10 minutes on 2 cores)
    python benchmarks/bench_crawl.py --quick    # 1,000 pages, no large site: a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console

from peers.budget import BIG_RUN_SAFETY, GENERATE_S_PER_PAGE, big_size
from peers.engines import measure_engines
from peers.measure import run_measured
from peers.nginx import NginxError, NginxMissing, NginxServer, free_port
from peers.profile import profile_govinspect
from peers.report import Report, print_report, write_markdown
from peers.results import ToolResult, detection, pages_reached
from peers.sites import BenchSite, build_bench_site
from peers.tools import ROOT, Govinspect, Tool, checks_env_supported, default_tools

# a report is read in full: at least 120 columns even when the output is a pipe or a CI log
console = Console(width=max(120, Console().width))
WORK = ROOT / "benchmarks" / "_work"
DOC = ROOT / "docs" / "bench-crawl.md"
DEFAULT_PORT = 18080
TOOL_TIMEOUT_S = 900.0

DOC_INTRO = """# 抓取基准测试（make bench）

本文件由 `benchmarks/bench_crawl.py` 生成并更新：标记之间的部分每次运行重写，标记之外的文字保留。
方法详见 `benchmarks/README.md`。要点：

- 同一台机器、同一个由 nginx（Debian 包）在 127.0.0.1 上提供的静态演示站点，各工具依次运行，
  礼貌限速都按各自的选项解除（govinspect `--concurrency 50 --rate 0`，LinkChecker 50 线程且
  `maxrequestspersecond` 解除并由 nginx 发送 `LinkChecker` 响应头，linkinator `--concurrency 50`，
  Scrapy 并发 50 无延迟）。
- 演示站点的栏目列表像真实的 TRS 站点一样用脚本 `createPageHTML(...)` 写分页。速度对比用的是
  “分页另加普通链接”的同一站点，使每个工具都能抓到全部页面；原样站点上再跑一遍，看覆盖与发现。
- 页/秒 = 站点 HTML 页面总数 ÷ 墙钟用时；覆盖 = nginx 访问日志中以 200 应答 GET 的站点页面占比；
  CPU 秒 = 工具进程树的 user+sys（`os.wait4`）；峰值内存 = 单个进程 VmHWM 与进程树 RSS 之和（每 50 毫秒采样）取大。
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="整站抓取基准测试：govinspect 与同类工具对比")
    parser.add_argument("--pages", type=int, default=5000, help="对比所用站点的页面数（默认 5000）")
    parser.add_argument("--big-pages", type=int, default=50000,
                        help="只跑 govinspect 的大站点页面数，0 表示不跑（默认 50000）")
    parser.add_argument("--quick", action="store_true", help="冒烟运行：1000 页，不跑大站点，不改 docs/")
    parser.add_argument("--tools", default="", help="只运行这些工具（逗号分隔：govinspect,linkchecker,linkinator,scrapy,wget）")
    parser.add_argument("--checks-off", action="store_true",
                        help="另跑一次只开链接检查的 govinspect（GOVINSPECT_CHECKS=links），比较检查的开销")
    parser.add_argument("--incremental", action="store_true",
                        help="用同一数据库再扫描一次未改动的站点，报告两次用时")
    parser.add_argument("--no-engines", action="store_true", help="不测 aiohttp 与 Scrapy 的原始抓取速率")
    parser.add_argument("--profile", action="store_true", help="用 py-spy 采样 govinspect 的扫描，列出耗时最多的函数")
    parser.add_argument("--fallback-site", action="store_true", help="用基准测试自带的简单站点代替项目的演示站点")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"nginx 端口（默认 {DEFAULT_PORT}，被占用时另选）")
    parser.add_argument("--budget-min", type=float, default=15.0, help="预计超出这个总分钟数时跳过大站点运行")
    parser.add_argument("--wait-idle", type=float, default=0.0, metavar="MIN",
                        help="开始前最多等待这么多分钟，直到 1 分钟平均负载低于 1（机器与其他工作共用时）")
    parser.add_argument("--doc", type=Path, default=None, help="结果写入的 Markdown 文件（默认 docs/bench-crawl.md）")
    parser.add_argument("--work", type=Path, default=WORK, help="生成站点与输出的工作目录")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages = min(args.pages, 1000)
        args.big_pages = 0
    if args.pages < 50 or args.big_pages < 0:
        parser.error("--pages 至少 50，--big-pages 不能为负数")
    return args


def wait_for_idle(minutes: float, threshold: float = 1.0) -> None:
    """Wait until the machine is quiet (1-minute load below ``threshold``), at most ``minutes``."""
    deadline = time.monotonic() + minutes * 60
    while time.monotonic() < deadline and os.getloadavg()[0] >= threshold:
        console.print(f"[dim]等待机器空闲：1 分钟平均负载 {os.getloadavg()[0]:.2f}[/]", highlight=False)
        time.sleep(min(30.0, max(1.0, deadline - time.monotonic())))


def run_tool(tool: Tool, site: BenchSite, out: Path, server: NginxServer, timeout_s: float = TOOL_TIMEOUT_S) -> ToolResult:
    """One measured run of one tool, with its findings compared to the planted problems."""
    result = ToolResult(name=tool.name, label=tool.label, site_pages=site.html_pages)
    why = tool.missing()
    result.version = tool.version() if why is None else ""
    if why is not None:
        result.skipped = why
        return result
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    cmd = tool.command(site, out)
    console.print(f"[dim]运行 {tool.label}：{shlex.join(cmd)}[/]", highlight=False)
    server_before = server.worker_cpu_s()
    log_offset = server.log_offset()
    measurement = run_measured(
        cmd, cwd=out, env=tool.env(), stdout=out / "stdout.txt", stderr=out / "stderr.txt", timeout_s=timeout_s
    )
    result.server_cpu_s = server.worker_cpu_s() - server_before
    result.pages_reached = pages_reached(site, server.requests_since(log_offset))
    result.measurement = measurement
    if measurement.timed_out:
        result.notes.append(f"{timeout_s:.0f} 秒内未完成，已终止")
    if isinstance(tool, Govinspect) and measurement.returncode != 0:
        tail = (out / "stderr.txt").read_text("utf-8", "replace").strip().splitlines()[-1:]
        result.notes.append(f"退出码 {measurement.returncode}：{tail[0] if tail else ''}")
    result.pages_seen = tool.pages_seen(out)
    result.detection = detection(site, tool.broken(out))
    return result


def choose_port(wanted: int) -> int:
    try:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", wanted))
        return wanted
    except OSError:
        port = free_port()
        console.print(f"[yellow]端口 {wanted} 已被占用，改用 {port}[/]")
        return port


def build_site(
    args: argparse.Namespace, pages: int, port: int, report_messages: list[str], plain: bool = True
) -> BenchSite:
    started = time.perf_counter()
    console.print(f"生成约 {pages:,} 页的站点{'（分页另加普通链接）' if plain else '（原样）'}……", highlight=False)
    site = build_bench_site(args.work, pages, port, use_project=not args.fallback_site, plain=plain)
    elapsed = time.perf_counter() - started
    console.print(f"站点：{site.html_pages:,} 个 HTML 页面，埋设失效目标 {len(site.planted)} 个（{site.generator}，"
                  f"{elapsed:.1f} 秒）", highlight=False)
    if "fallback" in site.generator and not any("简单站点" in m for m in report_messages):
        report_messages.append("项目的演示站点生成器（govinspect.demo.sitegen/export）不可用，本次用了基准测试自带的简单站点。")
    return site


def run_all_tools(args: argparse.Namespace, site: BenchSite, server: NginxServer, runs: Path) -> list[ToolResult]:
    wanted = {t.strip() for t in args.tools.split(",") if t.strip()}
    return [
        _said(run_tool(tool, site, runs / tool.name, server))
        for tool in default_tools(args.work)
        if not wanted or tool.name in wanted
    ]


def compare_tools(args: argparse.Namespace, site: BenchSite, server: NginxServer, report: Report) -> None:
    """Every tool on the plain-pagination site (equal coverage: the speed comparison), then the hooks."""
    runs = args.work / "runs" / f"plain-{site.html_pages}"
    report.comparison = run_all_tools(args, site, server, runs)
    if args.checks_off:
        if not checks_env_supported():
            report.messages.append("检查注册表还不认识 GOVINSPECT_CHECKS，“仅链接检查”一次与完整扫描开的检查相同。")
        tool = Govinspect("govinspect-links-only", "仅链接检查（GOVINSPECT_CHECKS=links）",
                          extra_env={"GOVINSPECT_CHECKS": "links"})
        report.extra_runs.append(_said(run_tool(tool, site, runs / tool.name, server)))
    if args.incremental:
        first = runs / "govinspect-incremental"
        full = Govinspect("govinspect-first", "第一次扫描（新数据库）", db_path=first / "scan.db")
        again = Govinspect("govinspect-second", "增量扫描（--incremental，同一数据库，站点未改动）",
                           db_path=first / "scan.db", extra_args=["--incremental"])
        report.extra_runs.append(_said(run_tool(full, site, first, server)))
        report.extra_runs.append(_said(run_tool(again, site, runs / "govinspect-second", server)))
    if args.profile:
        summary = profile_govinspect(site, runs / "govinspect-profile")
        report.messages.extend(summary)


def _say(result: ToolResult) -> None:
    if result.ok and result.measurement is not None:
        m = result.measurement
        console.print(f"  {result.label}：{m.wall_s:.1f} 秒，{result.pages_per_s:,.0f} 页/秒，"
                      f"CPU {m.cpu_s:.1f} 秒，峰值内存 {m.peak_rss_mb:,.0f} MB", highlight=False)
    else:
        console.print(f"  [yellow]{result.label} 未运行：{result.skipped}[/]", highlight=False)
    for note in result.notes:
        console.print(f"  [yellow]{note}[/]", highlight=False)


def _said(result: ToolResult) -> ToolResult:
    _say(result)
    return result


def run_big(args: argparse.Namespace, report: Report, port: int, deadline: float) -> None:
    base = report.baseline()
    if base is None:
        report.messages.append("govinspect 在对比中没有成功运行，跳过大站点运行。")
        return
    left = deadline - time.monotonic()
    pages = big_size(args.big_pages, base.site_pages, base.pages_per_s, left)
    if pages != args.big_pages:
        predicted = args.big_pages * (BIG_RUN_SAFETY / max(base.pages_per_s, 1.0) + GENERATE_S_PER_PAGE)
        why = (f"按 {base.pages_per_s:.0f} 页/秒估计，{args.big_pages:,} 页的运行约需 {predicted / 60:.0f} 分钟，"
               f"超出剩余预算（{left / 60:.1f} 分钟）")
        if pages == 0:
            report.messages.append(why + "，已跳过大站点运行；可用 --budget-min 放宽。")
            return
        report.messages.append(why + f"，改为 {pages:,} 页；要跑满 {args.big_pages:,} 页请用 --budget-min 放宽。")
    site = build_site(args, pages, port, report.messages)
    report.big_site = site
    # trap limits are for real sites; here every page is real, so the per-pattern cap must not cut the crawl
    tool = Govinspect("govinspect-big", f"govinspect（{site.html_pages:,} 页）",
                      extra_args=["--max-per-pattern", str(site.html_pages * 2), "--max-pages", str(site.html_pages * 2)])
    runs = args.work / "runs" / f"plain-{site.html_pages}"
    with NginxServer(args.work / "nginx", site.hosts, site.port) as server:
        report.big.append(_said(run_tool(tool, site, runs / "govinspect", server, 3 * 3600)))
        if args.checks_off:  # the link crawl's own memory, without the text engine's dictionaries
            links_only = Govinspect("govinspect-big-links-only", f"仅链接检查（{site.html_pages:,} 页）",
                                    extra_env={"GOVINSPECT_CHECKS": "links"}, extra_args=tool.extra_args)
            report.big.append(_said(run_tool(links_only, site, runs / links_only.name, server, 3 * 3600)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.wait_idle > 0:
        wait_for_idle(args.wait_idle)
    started_at = datetime.now().astimezone()
    clock = time.monotonic()
    deadline = clock + args.budget_min * 60
    args.work.mkdir(parents=True, exist_ok=True)
    port = choose_port(args.port)
    messages: list[str] = []
    try:
        site = build_site(args, args.pages, port, messages, plain=True)
        real_site = None if "fallback" in site.generator else build_site(args, args.pages, port, messages, plain=False)
    except (ValueError, OSError) as exc:
        console.print(f"[red]生成站点失败：{exc}[/]", highlight=False)
        return 1
    command = "python benchmarks/bench_crawl.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = Report(site=site, started=started_at, command=command.strip(), messages=messages,
                    load_before=os.getloadavg()[0])
    try:
        with NginxServer(args.work / "nginx", site.hosts, site.port) as server:
            console.print(f"nginx 已在 {server.base_url} 启动（配置：{args.work / 'nginx' / 'nginx.conf'}）", highlight=False)
            compare_tools(args, site, server, report)
            if not args.no_engines:
                report.engines = measure_engines(site, args.work / "runs" / "engines")
        if real_site is not None:
            # the demo as exported: list pages paginated by script, as on real TRS sites (coverage, detection)
            report.real_site = real_site
            with NginxServer(args.work / "nginx", real_site.hosts, real_site.port) as server:
                console.print("原样演示站点（列表分页由脚本写出）：", highlight=False)
                report.realistic = run_all_tools(args, real_site, server, args.work / "runs" / f"demo-{real_site.html_pages}")
        if args.big_pages:
            run_big(args, report, port, deadline)
    except NginxMissing as exc:
        console.print(f"[yellow]{exc}。[/]", highlight=False)
        return 0  # nothing measured, nothing wrong: the machine lacks what the benchmark needs
    except NginxError as exc:
        console.print(f"[red]{exc}[/]", highlight=False)
        return 1
    except KeyboardInterrupt:
        console.print("[yellow]已中断[/]")
        return 130
    report.wall_total_s = time.monotonic() - clock
    report.load_after = os.getloadavg()[0]
    print_report(report, console)
    (args.work / "last-run.json").write_text(json.dumps({
        "comparison": [r.to_json() for r in report.comparison],
        "realistic": [r.to_json() for r in report.realistic],
        "extra_runs": [r.to_json() for r in report.extra_runs],
        "big": [r.to_json() for r in report.big],
        "engines": [e.__dict__ for e in report.engines],
        "site": site.to_json() | {"planted": len(site.planted)},
        "messages": report.messages,
    }, ensure_ascii=False, indent=1), "utf-8")
    doc = args.doc or (args.work / "bench-crawl-quick.md" if args.quick else DOC)
    write_markdown(report, doc, DOC_INTRO)
    console.print(f"结果已写入 {doc}", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
