"""Where govinspect's scan time goes: a py-spy sampling profile of one scan, summarised by function and area.

py-spy (PyPI) samples the running process from outside, so the scan runs unmodified.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from .measure import run_measured
from .sites import BenchSite
from .tools import Govinspect

SAMPLE_RATE_HZ = 200
TOP = 12
# file path fragment → area, first match wins (the order matters: site-packages before govinspect)
AREAS = (
    ("selectolax", "HTML 解析（selectolax）"),
    ("aiohttp", "HTTP（aiohttp）"),
    ("yarl", "URL 处理（yarl）"),
    ("multidict", "HTTP（aiohttp）"),
    ("sqlalchemy", "数据库（SQLAlchemy）"),
    ("sqlite3", "数据库（SQLAlchemy）"),
    ("asyncio", "事件循环（asyncio）"),
    ("pydantic", "设置（pydantic）"),
    ("govinspect/parse", "govinspect 解析与事实"),
    ("govinspect/checks", "govinspect 检查"),
    ("govinspect/text", "govinspect 文本检查"),
    ("govinspect/crawl", "govinspect 抓取"),
    ("govinspect/store", "govinspect 存储"),
    ("govinspect/scan", "govinspect 扫描调度"),
    ("govinspect/pipeline", "govinspect 页面流水线"),
    ("urllib/parse", "URL 处理（urllib）"),
)
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def parse_collapsed(text: str) -> tuple[Counter[str], Counter[str], int]:
    """(self samples by function, self samples by area, total samples) of py-spy's raw output."""
    by_function: Counter[str] = Counter()
    by_area: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        leaf = stack.split(";")[-1]
        match = _FRAME.match(leaf)
        func, file = (match["func"], match["file"]) if match else (leaf, "")
        by_function[f"{func} ({Path(file).name})" if file else func] += count
        by_area[area_of(stack)] += count
    return by_function, by_area, total


def area_of(stack: str) -> str:
    """The area of the innermost frame that belongs to a known area."""
    for frame in reversed(stack.split(";")):
        for fragment, area in AREAS:
            if fragment in frame:
                return area
    return "其他"


def profile_govinspect(site: BenchSite, out: Path) -> list[str]:
    """Profile one govinspect scan of ``site``; Chinese summary lines for the report."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return ["未安装 py-spy（pip install py-spy），跳过性能剖析。"]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tool = Govinspect("govinspect-profile", "govinspect（py-spy）")
    raw = out / "profile.txt"
    cmd = [spy, "record", "--rate", str(SAMPLE_RATE_HZ), "--format", "raw", "--nonblocking",
           "--output", str(raw), "--", *tool.command(site, out)]
    run_measured(cmd, cwd=out, env=tool.env(), stdout=out / "stdout.txt", stderr=out / "stderr.txt")
    if not raw.is_file():
        return [f"py-spy 没有产生结果（见 {out / 'stderr.txt'}），跳过性能剖析。"]
    by_function, by_area, total = parse_collapsed(raw.read_text("utf-8", "replace"))
    if total == 0:
        return ["py-spy 没有采到样本。"]
    areas = "，".join(f"{area} {count / total:.0%}" for area, count in by_area.most_common(8))
    functions = "，".join(f"{func} {count / total:.0%}" for func, count in by_function.most_common(TOP))
    return [
        f"py-spy 剖析（{total} 个样本，{out / 'profile.txt'}）按领域的 CPU 占比：{areas}。",
        f"自身耗时最多的函数：{functions}。",
    ]
