"""Raw fetch rate of aiohttp and Scrapy on the benchmark site: the same URL list, concurrency 50, no parsing.

For docs/architecture.md: how much of a crawl's time the HTTP engine alone costs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .measure import run_measured
from .results import EngineRate
from .sites import BenchSite

PEERS = Path(__file__).resolve().parent
SCRIPTS = {"aiohttp": "fetch_aiohttp.py", "Scrapy": "fetch_scrapy.py"}
CONCURRENCY = 50


def measure_engines(site: BenchSite, out: Path) -> list[EngineRate]:
    out.mkdir(parents=True, exist_ok=True)
    url_file = out / "urls.txt"
    url_file.write_text("".join(u + "\n" for u in site.page_urls()), "utf-8")
    rates = []
    for engine, script in SCRIPTS.items():
        result = out / f"{engine}.json"
        result.unlink(missing_ok=True)
        measurement = run_measured(
            [sys.executable, str(PEERS / script), str(url_file), str(result), "--concurrency", str(CONCURRENCY)],
            stderr=out / f"{engine}.stderr.txt", timeout_s=600,
        )
        if not result.is_file():
            continue
        data = json.loads(result.read_text("utf-8"))
        rates.append(EngineRate(engine, int(data["requests"]), int(data["ok"]), float(data["seconds"]), measurement.cpu_s))
    return rates
