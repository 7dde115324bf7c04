"""`make bench-logs`: govinspect's log import against GoAccess on the same generated access log.

One run:

1. writes a deterministic nginx combined log of a government site (default 2,000,000 lines over
   14 days: visitors browsing in sessions with their pages' static files, search-engine robots,
   404s, redirects, 304s) to benchmarks/_work/logs/ (reused when already there);
2. times govinspect three ways, each in its own process: parsing and counting only (no database),
   the full import into a fresh SQLite database (the path `govinspect import logs` takes), and
   the full import of the same log gzipped;
3. times GoAccess (Debian package `goaccess`; installed with apt-get when missing and running as
   root) on the same log, with the options that make its definitions ours: robots ignored, static
   files (the log's .css .js .png .jpg .gif .ico) not counted as requests, 301 and 404 ignored;
4. compares PV with GoAccess's valid requests and the sum of daily unique visitors with GoAccess's
   unique visitors (both count a visitor once per day by IP, date and user agent): they must agree
   within 1 %; prints a table and writes docs/bench-logs.md.

CPU seconds are user+sys of the measured process (os.wait4); lines per CPU second is the fair
speed figure on a shared machine, where wall time also depends on the other processes.

    python benchmarks/bench_logs.py                 # 2 million lines (about 2 minutes)
    python benchmarks/bench_logs.py --lines 200000  # a smoke run; does not rewrite docs/
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from peers.measure import Measurement

ROOT = Path(__file__).resolve().parent.parent

WORK = ROOT / "benchmarks" / "_work" / "logs"
DOC = ROOT / "docs" / "bench-logs.md"
DEFAULT_LINES = 2_000_000
AGREEMENT = 0.01  # PV and visitors must agree with GoAccess within 1 %
TARGET_LINES_PER_S = 100_000
console = Console(width=max(120, Console().width))

# --- the generated log ---------------------------------------------------------------------------

TZ = timezone(timedelta(hours=8))
START = datetime(2026, 4, 1, tzinfo=TZ)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.5481.153 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.95 Safari/537.36 QIHU 360SE",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",
)
ROBOTS = (
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
)
COLUMNS = ("tzgg", "zwdt", "zcwj", "xxgk", "bmdt", "rsxx", "zfcg", "jyta", "ztzl", "zxft")
STATICS = ("/css/main.css", "/js/jquery.min.js", "/js/common.js", "/images/logo.png", "/images/banner.jpg",
           "/images/icon.gif", "/favicon.ico")
STATIC_EXTENSIONS = (".css", ".js", ".png", ".jpg", ".gif", ".ico")
IGNORED_STATUSES = (301, 404)
# daytime is busier: weight of an hour of the day; the weights average to HOUR_WEIGHT_MEAN
NIGHT, DAY, EVENING = 0.3, 1.6, 0.9
HOUR_WEIGHT_MEAN = (7 * NIGHT + 10 * DAY + 7 * EVENING) / 24


def _stamp(moment: datetime) -> str:
    return (f"{moment.day:02d}/{MONTHS[moment.month - 1]}/{moment.year}:"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0800")


class LogGenerator:
    """Sessions hour by hour; events past the hour wait in a heap, so lines come out in time order."""

    def __init__(self, seed: int, visitors: int, days: int) -> None:
        self.rng = random.Random(seed)
        self.days = days
        rng = self.rng
        self.visitors = [
            (f"{rng.randint(36, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
             rng.choice(BROWSERS))
            for _ in range(visitors)
        ]
        self.robot_ips = [f"220.181.108.{i}" for i in range(1, 40)]

    def _page(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return "/"
        column = rng.choice(COLUMNS)
        if roll < 0.40:
            return f"/col/{column}/index.html" if rng.random() < 0.8 else f"/col/{column}/index_{rng.randint(1, 9)}.html"
        month = rng.randint(1, 12)
        return f"/col/{column}/2025{month:02d}/t2025{month:02d}{rng.randint(1, 28):02d}_{rng.randint(1, 400)}.html"

    def _line(self, ip: str, moment: float, path: str, status: int, referer: str, agent: str) -> str:
        size = 0 if status in (301, 304) else self.rng.randint(300, 60000)
        when = _stamp(datetime.fromtimestamp(int(moment), TZ))
        return f'{ip} - - [{when}] "GET {path} HTTP/1.1" {status} {size} "{referer}" "{agent}"\n'

    def _session(self, start: float) -> list[tuple[float, str]]:
        rng = self.rng
        ip, agent = rng.choice(self.visitors)
        events: list[tuple[float, str]] = []
        moment = start
        views = 1
        while rng.random() < 0.55 and views < 30:
            views += 1
        referer = "-"
        for index in range(views):
            page = self._page()
            # the first request of a session is always a page view: every visitor of a day has one,
            # so "a visitor" means the same thing to GoAccess (any counted request) and to us (a PV)
            status = 404 if index and rng.random() < 0.03 else (304 if rng.random() < 0.05 else 200)
            events.append((moment, self._line(ip, moment, page, status, referer, agent)))
            if status != 404:
                for asset in rng.sample(STATICS, rng.randint(0, 4)):
                    events.append((moment, self._line(ip, moment, asset, 200, "http://www.example.gov.cn" + page, agent)))
            if rng.random() < 0.02:
                events.append((moment, self._line(ip, moment, "/col/old/", 301, "-", agent)))
            referer = "http://www.example.gov.cn" + page
            moment += min(rng.expovariate(1 / 90.0), 1200.0)
        return events

    def lines(self, target: int) -> Iterator[str]:
        rng = self.rng
        per_hour = target / (self.days * 24)
        pending: list[tuple[float, int, str]] = []
        order = written = 0
        base = START.timestamp()
        for hour in range(self.days * 24):
            begin = base + hour * 3600
            local = hour % 24
            weight = NIGHT if local < 7 else (DAY if 8 <= local <= 17 else EVENING)
            budget = per_hour * weight * 1.05 / HOUR_WEIGHT_MEAN  # 5 % spare: the stream is cut at target
            produced = 0
            while produced < budget:
                start = begin + rng.random() * 3600
                if rng.random() < 0.12:
                    events = [(start, self._line(rng.choice(self.robot_ips), start, self._page(), 200, "-",
                                                 rng.choice(ROBOTS)))]
                else:
                    events = self._session(start)
                for moment, text in events:
                    heapq.heappush(pending, (moment, order, text))
                    order += 1
                produced += len(events)
            while pending and pending[0][0] < begin + 3600:
                yield heapq.heappop(pending)[2]
                written += 1
                if written >= target:
                    return
        while pending and written < target:
            yield heapq.heappop(pending)[2]
            written += 1


def write_log(path: Path, lines: int, *, seed: int = 20260601, visitors: int = 60_000, days: int = 14) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    with partial.open("w", encoding="utf-8") as handle:
        batch: list[str] = []
        for line in LogGenerator(seed, visitors, days).lines(lines):
            batch.append(line)
            if len(batch) >= 10_000:
                handle.write("".join(batch))
                batch.clear()
        handle.write("".join(batch))
    partial.replace(path)  # a killed run never leaves a short log to be reused
    return path


# --- measuring -----------------------------------------------------------------------------------

PARSE_ONLY = """
import json, sys
from pathlib import Path
from govinspect.stats.logformat import CombinedParser
from govinspect.stats.logread import LineReader, open_log
from govinspect.stats.rules import traffic_rules
from govinspect.stats.traffic import TrafficAggregator
reader = LineReader(open_log(Path(sys.argv[1])))
aggregator = TrafficAggregator(CombinedParser(), traffic_rules())
for number, lines in reader.batches():
    aggregator.feed(number, lines)
result = aggregator.finish()
print(json.dumps({"lines": reader.identity.lines, "pv": result.pv, "visits": result.visits,
                  "visitor_days": sum(len(d.visitors) for d in result.days.values())}))
"""

FULL_IMPORT = """
import json, sys
from pathlib import Path
from govinspect.stats.logimport import import_log_file
from govinspect.stats.period import between
from govinspect.stats.summary import traffic_summary
from govinspect.store.db import open_database
from govinspect.store.stats_repo import resolve_site
db = open_database(sys.argv[2])
site = resolve_site(db, "http://www.example.gov.cn/")
report = import_log_file(db, site.id, Path(sys.argv[1]))
s = traffic_summary(db, site.id, between("2026-01-01", "2026-12-31"))
print(json.dumps({"lines": report.lines, "pv": s.pv, "visits": s.visits, "visitors": s.visitors,
                  "visitor_days": s.visitor_days, "bounce_rate": s.bounce_rate, "bad": report.lines_bad}))
"""


@dataclass
class Run:
    label: str
    measurement: Measurement
    lines: int
    figures: dict[str, float]

    @property
    def lines_per_s(self) -> float:
        return self.lines / self.measurement.wall_s if self.measurement.wall_s else 0.0

    @property
    def lines_per_cpu_s(self) -> float:
        return self.lines / self.measurement.cpu_s if self.measurement.cpu_s else 0.0


def _measure(cmd: list[str], **kwargs: Path) -> Measurement:
    """The crawl benchmark's measuring harness (wall, CPU via os.wait4, peak memory from /proc)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers.measure import run_measured

    return run_measured(cmd, **kwargs)


def _python_run(label: str, code: str, args: list[str], lines: int, work: Path) -> Run:
    out, err = work / f"{label}.out", work / f"{label}.err"
    measurement = _measure([sys.executable, "-c", code, *args], stdout=out, stderr=err)
    if measurement.returncode != 0:
        raise SystemExit(f"{label} 失败：{err.read_text('utf-8', 'replace')[-2000:]}")
    return Run(label, measurement, lines, json.loads(out.read_text("utf-8").strip().splitlines()[-1]))


PG_DSN = os.environ.get("GOVINSPECT_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def postgres_database() -> tuple[str, str] | None:
    """(SQLAlchemy URL, name) of a fresh PostgreSQL database, or None when no server answers."""
    try:
        import psycopg

        name = f"govinspect_bench_logs_{os.getpid()}"
        with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        params = dict(item.split("=", 1) for item in PG_DSN.split())
        return (f"postgresql+psycopg://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:"
                f"{params.get('port', '5432')}/{name}", name)
    except Exception:
        return None


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def goaccess_version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.splitlines()[0].strip() if done.stdout else "GoAccess"


def ensure_goaccess() -> str | None:
    found = shutil.which("goaccess")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "goaccess"], check=False, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return shutil.which("goaccess")
    console.print("[yellow]goaccess 未安装且当前不是 root：跳过 GoAccess 对比（需 apt-get install goaccess）[/]")
    return None


def goaccess_command(binary: str, log: Path, report: Path) -> list[str]:
    cmd = [binary, str(log), "--log-format=COMBINED", "--no-global-config", "--no-progress",
           "--ignore-crawlers", "--ignore-statics=req", "-o", str(report)]
    cmd += [f"--static-file={ext}" for ext in STATIC_EXTENSIONS]
    cmd += [f"--ignore-status={status}" for status in IGNORED_STATUSES]
    return cmd


def goaccess_run(binary: str, log: Path, lines: int, work: Path) -> Run:
    report = work / "goaccess.json"
    measurement = _measure(goaccess_command(binary, log, report), stderr=work / "goaccess.err")
    if measurement.returncode != 0:
        raise SystemExit(f"GoAccess 失败：{(work / 'goaccess.err').read_text('utf-8', 'replace')[-2000:]}")
    general = json.loads(report.read_text("utf-8"))["general"]
    return Run("GoAccess", measurement, lines,
               {"pv": general["valid_requests"], "visitor_days": general["unique_visitors"]})


def _difference(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / theirs if theirs else (0.0 if ours == 0 else 1.0)


# --- report --------------------------------------------------------------------------------------

def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return f"{model or platform.processor()}，{os.cpu_count()} 核；开始时负载 {load:.1f}；Python {platform.python_version()}"


def render(runs: list[Run], lines: int, size_mb: float, checks: list[tuple[str, float, float, float]], machine: str) -> str:
    out = [
        "# 访问日志导入基准测试（make bench-logs）",
        "",
        "由 `benchmarks/bench_logs.py` 生成。生成的 nginx combined 日志（固定随机种子，14 天，"
        f"{lines:,} 行，{size_mb:.0f} MB），每个测量在单独的进程中运行；CPU 秒 = 该进程 user+sys，"
        "“行/CPU 秒”在多人共用的机器上最能代表速度；峰值内存为进程 VmHWM。",
        "",
        f"机器：{machine}",
        "",
        "| 运行 | 墙钟秒 | CPU 秒 | 行/秒 | 行/CPU 秒 | 峰值内存 MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        m = run.measurement
        out.append(f"| {run.label} | {m.wall_s:.1f} | {m.cpu_s:.1f} | {run.lines_per_s:,.0f} | "
                   f"{run.lines_per_cpu_s:,.0f} | {m.peak_rss_mb:.0f} |")
    out += ["", "| 口径一致的数值 | govinspect | GoAccess | 相差 | 结论 |", "|---|---:|---:|---:|---|"]
    for label, ours, theirs, diff in checks:
        verdict = "一致（≤1%）" if diff <= AGREEMENT else "不一致"
        out.append(f"| {label} | {ours:,.0f} | {theirs:,.0f} | {diff * 100:.3f}% | {verdict} |")
    out += [
        "",
        "口径：govinspect 的 PV 是非爬虫对 HTML 页面的成功 GET（2xx/304）；GoAccess 以 `--ignore-crawlers "
        "--ignore-statics=req --static-file=<日志中的静态扩展名> --ignore-status=301 --ignore-status=404` "
        "运行，其 valid requests 即同一口径。GoAccess 的 unique visitors 是“每天按 IP+日期+浏览器标识去重”"
        "之和，对应 govinspect 的“每日独立访客之和”（`visitor_days`）；govinspect 另给出全期去重的访客数，"
        "GoAccess 没有这一数值。访问次数、跳出率 GoAccess 不计算，无从比较（手工核算见 tests/stats/test_logs.py）。",
        "",
        "“仅解析统计”不写数据库；“完整导入”即 `govinspect import logs` 的路径：识别格式、计算内容哈希、"
        "统计并在一个事务中写入数据库，再从数据库算出全期数值（包含 Python 启动与数据库迁移）；gzip 行为同一日志的"
        "压缩文件（压缩级别 1）。数据库只写每天、每栏目的汇总，SQLite 与 PostgreSQL 的差别因此很小。",
        "",
        "关于 GoAccess 的选项：`--static-file` 给出时取代它内置的静态扩展名表（只给 .js 时 .png 也算作页面请求），"
        "所以要列出日志中出现的全部静态扩展名；不加 `--static-file` 时，GoAccess 1.7 内置表不含 .js，会把脚本算作页面。"
        "墙钟时间受同机其他进程影响（见开始时负载），比较速度请看“行/CPU 秒”。",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="访问日志导入基准：govinspect 与 GoAccess 对比")
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help="生成日志的行数（默认 2000000）")
    parser.add_argument("--no-doc", action="store_true", help="不改写 docs/bench-logs.md")
    args = parser.parse_args(argv)
    log = WORK / f"access-{args.lines}.log"
    if not log.exists():
        console.print(f"生成 {args.lines:,} 行日志 → {log}")
        write_log(log, args.lines)
    gz = log.with_suffix(".log.gz")
    if not gz.exists():
        with log.open("rb") as src, gzip.open(gz.with_suffix(".gz.part"), "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        gz.with_suffix(".gz.part").replace(gz)
    lines = sum(1 for _ in log.open("rb"))
    size_mb = log.stat().st_size / 1e6
    machine = _machine()

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp:
        work = Path(tmp)
        runs.append(_python_run("govinspect 仅解析统计", PARSE_ONLY, [str(log)], lines, work))
        runs.append(_python_run("govinspect 完整导入（SQLite）", FULL_IMPORT, [str(log), f"sqlite:///{work}/a.db"], lines, work))
        runs.append(_python_run("govinspect 完整导入（gzip）", FULL_IMPORT, [str(gz), f"sqlite:///{work}/b.db"], lines, work))
        postgres = postgres_database()
        if postgres is not None:
            try:
                runs.append(_python_run("govinspect 完整导入（PostgreSQL）", FULL_IMPORT, [str(log), postgres[0]], lines, work))
            finally:
                drop_postgres_database(postgres[1])
        binary = ensure_goaccess()
        if binary:
            machine += f"；{goaccess_version(binary)}"
            runs.append(goaccess_run(binary, log, lines, work))

    ours = runs[1].figures
    checks: list[tuple[str, float, float, float]] = []
    if binary:
        theirs = runs[-1].figures
        for label, key in (("PV（页面浏览量）", "pv"), ("每日独立访客之和", "visitor_days")):
            checks.append((label, ours[key], theirs[key], _difference(ours[key], theirs[key])))

    table = Table(title=f"访问日志导入：{lines:,} 行，{size_mb:.0f} MB")
    for column in ("运行", "墙钟秒", "CPU 秒", "行/秒", "行/CPU 秒", "峰值内存 MB"):
        table.add_column(column, justify="left" if column == "运行" else "right")
    for run in runs:
        m = run.measurement
        table.add_row(run.label, f"{m.wall_s:.1f}", f"{m.cpu_s:.1f}", f"{run.lines_per_s:,.0f}",
                      f"{run.lines_per_cpu_s:,.0f}", f"{m.peak_rss_mb:.0f}")
    console.print(table)
    figures = Table(title="口径一致的数值")
    for column in ("数值", "govinspect", "GoAccess", "相差"):
        figures.add_column(column, justify="left" if column == "数值" else "right")
    for label, a, b, diff in checks:
        figures.add_row(label, f"{a:,.0f}", f"{b:,.0f}", f"{diff * 100:.3f}%")
    console.print(figures)
    console.print(f"govinspect：访问 {ours['visits']:,.0f} 次，全期独立访客 {ours['visitors']:,.0f}，"
                  f"跳出率 {ours['bounce_rate'] * 100:.2f}%，无法识别的行 {ours['bad']}")

    if not args.no_doc and args.lines == DEFAULT_LINES:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(render(runs, lines, size_mb, checks, machine), encoding="utf-8")
        console.print(f"已写入 {DOC}")
    failed = [c for c in checks if c[3] > AGREEMENT]
    slow = runs[1].lines_per_cpu_s < TARGET_LINES_PER_S
    if failed:
        console.print("[red]与 GoAccess 的数值相差超过 1%[/]")
    if slow:
        console.print(f"[red]完整导入低于 {TARGET_LINES_PER_S:,} 行/CPU 秒[/]")
    return 1 if failed or slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
