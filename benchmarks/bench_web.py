"""The web console under load: 20 concurrent users on a database of 50 sites, 500,000 pages and
200,000 problems. Target (issue 7): every page answers in under 300 ms at the median and under
1 s at the 95th percentile.

One run:

1. generates the database with gen_web_db.py (benchmarks/_work/web/bench.db; reused when there);
2. computes the sites' scores once, as `govinspect serve` does in the background at start-up
   (timed: that is the cold cost the first visitors would otherwise pay);
3. starts the console (uvicorn, the factory `govinspect serve` uses) on 127.0.0.1, signs in as an
   administrator and as a unit account;
4. for each page: one first request (timed), then wrk (Debian package `wrk`; installed with apt-get
   when missing and running as root) with 20 connections for a fixed time — 20 users clicking
   without pause, each waiting for its answer — reading median and p95 from wrk's latency
   histogram; without wrk, a Python load loop with 20 threads does the same;
5. prints a table and writes docs/bench-web.md.

    python benchmarks/bench_web.py                  # full size, 10 s per page (about 4 minutes)
    python benchmarks/bench_web.py --seconds 3 --workers 1
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_web_db  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "web"
DOC = ROOT / "docs" / "bench-web.md"
USERS = 20
MEDIAN_MS, P95_MS = 300.0, 1000.0
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000))
end
"""


@dataclass
class Result:
    name: str
    path: str
    first_ms: float
    requests: int
    errors: int
    seconds: float
    median_ms: float
    p95_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.median_ms < MEDIAN_MS and self.p95_ms < P95_MS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_wrk() -> str | None:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
    return found


def sign_in(base: str, username: str) -> str:
    """The session cookie of a login through the form (as a browser does it)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        response = client.post("/login", data={"username": username, "password": gen_web_db.PASSWORD,
                                               "csrf_token": token.group(1), "next": "/"})
        assert response.status_code == 303, f"login of {username} failed: {response.status_code}"
        return f"gi_session={response.cookies['gi_session']}"


def run_wrk(wrk: str, url: str, headers: dict[str, str], seconds: int) -> tuple[int, int, float, float, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        args = [wrk, "-t2", f"-c{USERS}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name]
        for k, v in headers.items():
            args += ["-H", f"{k}: {v}"]
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    requests, errors, duration, p50, p95, most = line.split()[1:]
    return int(requests), int(errors), float(duration), float(p50), float(p95), float(most)


def run_threads(url: str, headers: dict[str, str], seconds: int) -> tuple[int, int, float, float, float, float]:
    """Without wrk: 20 threads, each a user requesting the page again as soon as it has its answer."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user() -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    times.append(elapsed)
                    errors[0] += response.status_code >= 400
    began = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] if times else 0.0
    return len(times), errors[0], time.monotonic() - began, statistics.median(times) if times else 0.0, p95, max(times, default=0)


def pages(db_path: Path) -> list[tuple[str, str, str]]:
    """(name, path, who): the console's pages, with ids from the generated database."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        scan = conn.execute("select max(id) from scans where site_id = 1").fetchone()[0]
        problem = conn.execute("select max(id) from problems where site_id = 1 and code = 'typo'").fetchone()[0]
    return [
        ("总览", "/", "admin"),
        ("站点列表", "/sites", "admin"),
        ("站点详情（评分、栏目树、扫描记录）", "/sites/1", "admin"),
        ("问题列表（默认：未销号）", "/problems", "admin"),
        ("问题列表（筛选 + 第 20 页）", "/problems?code=broken_link&state=all&page=20", "admin"),
        ("问题详情", f"/problems/{problem}", "admin"),
        ("扫描结果", f"/scans/{scan}", "admin"),
        ("报告", "/reports", "admin"),
        ("设置 · 站点", "/settings/sites", "admin"),
        ("总览（单位用户）", "/", "unit"),
        ("问题列表（单位用户）", "/problems", "unit"),
        ("API /api/problems", "/api/problems?size=50", "token"),
        ("API /api/sites/1", "/api/sites/1", "token"),
    ]


def start_server(db_path: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GOVINSPECT_WEB_DB": f"sqlite:///{db_path}", "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "govinspect.web.server:app_from_env", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        env=env, cwd=str(ROOT),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("控制台没有启动")


def write_doc(results: list[Result], meta: dict[str, str]) -> None:
    lines = [
        "# 网页控制台性能（`benchmarks/bench_web.py`）",
        "",
        "数据库：" + meta["data"] + "。",
        f"负载：{USERS} 个并发用户（{meta['tool']}，每页 {meta['seconds']} 秒，每个用户收到应答后立即再次请求），"
        f"控制台 {meta['workers']} 个工作进程（uvicorn），SQLite。机器：{meta['machine']}。",
        "",
        f"目标：每个页面中位数 < {MEDIAN_MS:.0f} ms，p95 < {P95_MS:.0f} ms。",
        "",
        "| 页面 | 路径 | 首次请求 ms | 请求数 | 请求/秒 | 中位数 ms | p95 ms | 最大 ms | 错误 | 达标 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | `{r.path}` | {r.first_ms:.0f} | {r.requests} | {r.rate:.1f} | {r.median_ms:.0f} | "
            f"{r.p95_ms:.0f} | {r.max_ms:.0f} | {r.errors} | {'是' if r.ok else '**否**'} |"
        )
    lines += [
        "",
        "说明：",
        "",
        f"- 站点得分先行计算（服务启动时在后台进行）：{meta['warm']}。之后得分按（站点，扫描）缓存在 "
        "web_score_cache 表中，判定或误报标记变化时自动重算。",
        "- 总览的汇总数据在每个工作进程内最多缓存 15 秒（data/web/console.yaml 的 overview.cache_seconds），"
        "经控制台做的任何修改都会立即清除缓存；“首次请求”一列是缓存为空时的耗时。",
        "- 问题列表的总数（按筛选条件）同样最多缓存 15 秒；翻页和重复访问不再重新计数。迁移 0004 为问题表加了"
        "按问题代码、发现时间、（单位，状态）的索引，筛选不再扫描全表。",
        "- “首次请求”还包括该工作进程首次渲染模板的开销。本次测量前，基准脚本先在服务之外完成了上述预先计算，"
        "与服务启动后后台计算完毕时的状态相同。",
        "- 这台机器同时运行其他任务，吞吐量在多次运行间波动明显（同一页面的请求/秒可差 40% 以上）；本表是一次运行的结果。",
        f"- 生成时间：{meta['generated']}；运行于 {meta['when']}。",
        "",
    ]
    DOC.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="每个页面的加载时间（秒）")
    parser.add_argument("--workers", type=int, default=2, help="控制台工作进程数")
    parser.add_argument("--regenerate", action="store_true", help="重新生成数据库")
    parser.add_argument("--no-doc", action="store_true", help="不写 docs/bench-web.md")
    args = parser.parse_args()

    db_path = WORK / "bench.db"
    generated = "沿用已生成的数据库"
    if args.regenerate or not db_path.exists():
        print("生成数据库（50 个站点、500,000 个页面、200,000 个问题）……", flush=True)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        summary = gen_web_db.generate(db_path, gen_web_db.Plan(now=now))
        generated = f"{summary['seconds']} 秒（{summary['bytes'] / 2**20:.0f} MiB）"
        print(summary, flush=True)

    from govinspect.settings import Settings
    from govinspect.store import open_database, users_repo
    from govinspect.web import warmup
    from govinspect.web.config import console_config

    db = open_database(f"sqlite:///{db_path}")
    started = time.perf_counter()
    warmed = warmup.warm(db, Settings(db=f"sqlite:///{db_path}"), console_config(), now=datetime.now(UTC))
    warm = (f"{warmed['scores']} 个得分、{warmed['column_trees']} 棵栏目树，用时 {time.perf_counter() - started:.1f} 秒"
            "（已算过的不再计算）")
    print("得分：" + warm, flush=True)
    admin = users_repo.require_user(db, gen_web_db.ADMIN)
    token, _ = users_repo.create_token(db, admin.id, "bench", now=datetime.now(UTC))
    with db.engine.connect() as conn:
        counts = {t: conn.exec_driver_sql(f"select count(*) from {t}").scalar() for t in ("sites", "urls", "problems", "findings")}
    db.close()
    data = (f"{counts['sites']} 个站点、{counts['urls']:,} 个页面、{counts['problems']:,} 个问题、"
            f"{counts['findings']:,} 条扫描发现（{db_path.stat().st_size / 2**20:.0f} MiB）")

    port = free_port()
    server = start_server(db_path, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    wrk = find_wrk()
    results: list[Result] = []
    try:
        auth = {"admin": {"Cookie": sign_in(base, gen_web_db.ADMIN)}, "unit": {"Cookie": sign_in(base, gen_web_db.UNIT_USER)},
                "token": {"Authorization": f"Bearer {token}"}}
        for name, path, who in pages(db_path):
            url = base + path
            t0 = time.perf_counter()
            first = httpx.get(url, headers=auth[who], timeout=120)
            first_ms = (time.perf_counter() - t0) * 1000
            if first.status_code != 200:
                raise SystemExit(f"{path} 返回 {first.status_code}")
            measure = run_wrk if wrk else run_threads
            args_ = (wrk, url, auth[who], args.seconds) if wrk else (url, auth[who], args.seconds)
            requests, errors, seconds, p50, p95, most = measure(*args_)  # type: ignore[operator]
            result = Result(name, path, first_ms, requests, errors, seconds, p50, p95, most)
            results.append(result)
            print(f"{name:<28} 首次 {first_ms:7.0f} ms  请求 {requests:6d}  {result.rate:6.1f}/s  "
                  f"中位数 {p50:6.0f} ms  p95 {p95:6.0f} ms  最大 {most:6.0f} ms  错误 {errors}  "
                  f"{'达标' if result.ok else '未达标'}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    meta = {
        "data": data, "tool": f"wrk {subprocess.run([wrk, '-v'], capture_output=True, text=True).stdout.split()[1]}"
        if wrk else "Python 线程（未找到 wrk）", "seconds": str(args.seconds), "workers": str(args.workers),
        "machine": f"{os.cpu_count()} 核，{platform.python_implementation()} {platform.python_version()}",
        "warm": warm, "generated": generated, "when": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    if not args.no_doc:
        write_doc(results, meta)
        print(f"已写 {DOC.relative_to(ROOT)}")
    failed = [r.name for r in results if not r.ok]
    print("全部达标" if not failed else "未达标：" + "、".join(failed))


if __name__ == "__main__":
    main()
