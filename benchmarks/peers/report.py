"""The benchmark's results as Rich tables (terminal) and as Markdown (docs/bench-crawl.md)."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .results import EngineRate, ToolResult
from .sites import KIND_LABELS, BenchSite

BEGIN = "<!-- bench-crawl:begin (written by benchmarks/bench_crawl.py; text outside these marks is kept) -->"
END = "<!-- bench-crawl:end -->"


@dataclass
class Report:
    site: BenchSite
    started: datetime
    command: str
    comparison: list[ToolResult] = field(default_factory=list)  # the plain-pagination site: speed
    realistic: list[ToolResult] = field(default_factory=list)  # the demo as exported: coverage, detection
    real_site: BenchSite | None = None
    extra_runs: list[ToolResult] = field(default_factory=list)  # checks off, incremental…
    big: list[ToolResult] = field(default_factory=list)  # govinspect on the large site
    big_site: BenchSite | None = None
    engines: list[EngineRate] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    wall_total_s: float = 0.0
    load_before: float = 0.0  # 1-minute load average when the run started (other work on the machine)
    load_after: float = 0.0

    def baseline(self) -> ToolResult | None:
        return baseline_of(self.comparison)

    def detection_runs(self) -> list[ToolResult]:
        return self.realistic or self.comparison


def size_runs(report: Report) -> list[ToolResult]:
    """The small-site govinspect runs beside the large-site ones: full scan, and links only where measured."""
    small = [r for r in [report.baseline()] if r is not None]
    if any("links-only" in r.name for r in report.big):
        small += [r for r in report.extra_runs if r.name == "govinspect-links-only"]
    return [*small, *report.big]


def baseline_of(results: list[ToolResult]) -> ToolResult | None:
    return next((r for r in results if r.name == "govinspect" and r.ok), None)


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base > 0 else "—"


def comparison_rows(results: list[ToolResult]) -> list[list[str]]:
    """One row per tool: label, wall, coverage, pages/s, CPU, peak RSS, and the three ratios to govinspect."""
    base = baseline_of(results)
    rows = []
    for r in results:
        if not r.ok or r.measurement is None:
            rows.append([r.label, "未运行", "", "", "", "", "", "", "", r.skipped or ""])
            continue
        m = r.measurement
        if base is not None and base.measurement is not None:
            bm = base.measurement
            ratios = [
                _ratio(r.pages_per_s, base.pages_per_s),
                _ratio(m.cpu_s, bm.cpu_s),
                _ratio(m.peak_rss_mb, bm.peak_rss_mb),
            ]
        else:
            ratios = ["—", "—", "—"]
        rows.append([r.label, _f(m.wall_s, 2), _coverage(r), _f(r.pages_per_s, 0), _f(r.reached_per_s, 0),
                     _f(m.cpu_s, 1), _f(m.peak_rss_mb, 0), *ratios])
    return rows


def _coverage(r: ToolResult) -> str:
    if r.pages_reached is None or not r.site_pages:
        return "—"
    return f"{r.pages_reached / r.site_pages:.0%}"


# ratios are "this tool ÷ govinspect": above 1 in 页/秒 means faster than govinspect
COMPARISON_HEADERS = [
    "工具", "用时 s", "覆盖", "页/秒", "实抓页/秒", "CPU s", "内存 MB", "页/秒比", "CPU 比", "内存比",
]
RATIO_NOTE = (
    "页/秒 = 站点 HTML 页面总数 ÷ 用时；覆盖 = 工具实际抓到（nginx 以 200 应答 GET）的站点页面占比；"
    "实抓页/秒 = 实际抓到的页面数 ÷ 用时；比值 = 该工具 ÷ govinspect；内存为峰值 RSS。"
)


def detection_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    headers = ["工具", *KIND_LABELS.values(), "其他报告为失效的目标"]
    rows = []
    for r in report.detection_runs():
        if r.detection is None:
            continue
        cells = [f"{found}/{planted}" for found, planted in r.detection.by_kind.values()]
        rows.append([r.label, *cells, str(r.detection.unplanted)])
    return headers, rows


def extra_rows(runs: list[ToolResult], base: ToolResult | None) -> list[list[str]]:
    rows = []
    for r in runs:
        if not r.ok or r.measurement is None:
            rows.append([r.label, f"{r.site_pages:,}", "未运行", "", "", "", "", r.skipped or ""])
            continue
        m = r.measurement
        versus = _ratio(m.wall_s, base.measurement.wall_s) if base and base.measurement else "—"
        rows.append([r.label, f"{r.site_pages:,}", _f(m.wall_s, 2), _coverage(r), _f(r.pages_per_s, 0),
                     _f(m.cpu_s, 1), _f(m.peak_rss_mb, 0), versus])
    return rows


EXTRA_HEADERS = ["运行", "页面数", "用时 s", "覆盖", "页/秒", "CPU s", "内存 MB", "用时比"]
EXTRA_NOTE = "用时比 = 该次运行用时 ÷ 对比中 govinspect 完整扫描的用时。"
ENGINE_HEADERS = ["引擎", "请求数", "成功", "用时 s", "请求/秒", "CPU s"]


def engine_rows(engines: list[EngineRate]) -> list[list[str]]:
    return [[e.engine, str(e.requests), str(e.ok), _f(e.seconds, 2), _f(e.per_s, 0), _f(e.cpu_s, 1)]
            for e in engines]


def _rich_table(title: str, headers: list[str], rows: list[list[str]], caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption)
    for i, heading in enumerate(headers):
        table.add_column(heading, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _titles(report: Report) -> tuple[str, str, str]:
    site = report.site
    plain = "demo-plain" in str(site.folder or "") or "普通链接" in site.generator
    speed = (
        f"速度对比：{site.html_pages:,} 页（{'列表分页另加普通链接，各工具都能抓到全部页面' if plain else site.generator}）"
    )
    real = report.real_site
    realistic = (
        f"原样演示站点：{real.html_pages:,} 页（列表分页由 createPageHTML 脚本写出，如真实的 TRS 站点）" if real else ""
    )
    where = "原样演示站点" if report.realistic else "同一站点"
    return speed, realistic, f"各工具发现的失效目标（{where}；发现数/埋设数）"


def print_report(report: Report, console: Console) -> None:
    speed_title, real_title, detection_title = _titles(report)
    console.print(_rich_table(speed_title, COMPARISON_HEADERS, comparison_rows(report.comparison), RATIO_NOTE))
    versions = "；".join(r.version for r in report.comparison if r.version)
    console.print(f"版本：{versions}", highlight=False)
    if report.realistic:
        console.print(_rich_table(real_title, COMPARISON_HEADERS, comparison_rows(report.realistic)))
    headers, rows = detection_rows(report)
    if rows:
        console.print(_rich_table(detection_title, headers, rows))
    base = report.baseline()
    if report.extra_runs:
        console.print(_rich_table("govinspect 附加运行（速度对比的站点）", EXTRA_HEADERS,
                                  extra_rows(report.extra_runs, base), EXTRA_NOTE))
    if report.big:
        console.print(_rich_table("内存随站点规模：govinspect", EXTRA_HEADERS,
                                  extra_rows(size_runs(report), base), EXTRA_NOTE))
    if report.engines:
        console.print(_rich_table("原始抓取速率（并发 50，只下载不解析）", ENGINE_HEADERS, engine_rows(report.engines)))
    for message in report.messages:
        console.print(f"[yellow]注意：[/]{message}", highlight=False)


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_description() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return [
        f"{os.cpu_count()} 核（{cpu or '未知 CPU'}），内存 {mem_gb:.0f} GiB",
        f"{platform.system()} {platform.release()}，Python {platform.python_version()}",
    ]


def render_markdown(report: Report) -> str:
    site = report.site
    base = report.baseline()
    speed_title, real_title, detection_title = _titles(report)
    out = [
        f"测量时间：{report.started:%Y-%m-%d %H:%M}；命令：`{report.command}`；本次运行共 {report.wall_total_s:.0f} 秒。",
        "",
        "机器：" + "；".join(machine_description())
        + f"；1 分钟平均负载：开始时 {report.load_before:.2f}，结束时 {report.load_after:.2f}（同机的其他工作也计入）。",
        "",
        "工具版本：" + "；".join(dict.fromkeys(r.version for r in [*report.comparison, *report.big] if r.version)) + "。",
        "",
        f"站点：{site.generator} 生成，{site.html_pages:,} 个 HTML 页面，由 nginx 在 {site.home_url} 提供静态文件。",
        "",
        f"### {speed_title}",
        "",
        _md_table(COMPARISON_HEADERS, comparison_rows(report.comparison)),
        "",
        RATIO_NOTE,
        "",
    ]
    if report.realistic:
        out += [f"### {real_title}", "", _md_table(COMPARISON_HEADERS, comparison_rows(report.realistic)), ""]
    headers, rows = detection_rows(report)
    if rows:
        out += [f"### {detection_title}", "", _md_table(headers, rows), ""]
    if report.extra_runs:
        out += ["### govinspect 附加运行（速度对比的站点）", "", _md_table(EXTRA_HEADERS, extra_rows(report.extra_runs, base)),
                "", EXTRA_NOTE, ""]
    if report.big:
        big_pages = report.big_site.html_pages if report.big_site else 0
        out += [
            f"### 内存随站点规模（{site.html_pages:,} 页 与 {big_pages:,} 页）",
            "",
            _md_table(EXTRA_HEADERS, extra_rows(size_runs(report), base)),
            "",
            EXTRA_NOTE,
            "",
        ]
    if report.engines:
        out += ["### 原始抓取速率（并发 50，只下载不解析）", "", _md_table(ENGINE_HEADERS, engine_rows(report.engines)), ""]
    if report.messages:
        out += ["### 注意", "", *[f"- {m}" for m in report.messages], ""]
    pages_seen = [f"{r.label} {r.pages_seen:,}" for r in report.detection_runs() if r.pages_seen is not None]
    if pages_seen:
        out += ["各工具自报抓取的页面数（含失效页面）：" + "；".join(pages_seen) + "。", ""]
    return "\n".join(out)


def write_markdown(report: Report, path: Path, intro: str) -> None:
    """Replace the generated block of ``path`` (or create the file with ``intro`` around it)."""
    block = f"{BEGIN}\n{render_markdown(report)}\n{END}"
    if path.is_file():
        text = path.read_text("utf-8")
        pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
        if pattern.search(text):
            path.write_text(pattern.sub(lambda _: block, text), "utf-8")
            return
        path.write_text(text.rstrip() + "\n\n" + block + "\n", "utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(intro.rstrip() + "\n\n" + block + "\n", "utf-8")
