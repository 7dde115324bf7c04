"""Raw fetch rate of aiohttp: GET every URL of a list with N concurrent workers, read each body, nothing else.

Run: python fetch_aiohttp.py URLS.txt OUT.json [--concurrency 50]
Writes {"requests": N, "ok": K, "seconds": T} (T excludes interpreter start and imports).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import aiohttp


async def fetch_all(urls: list[str], concurrency: int) -> tuple[int, float]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    ok = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal ok
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                async with session.get(url, allow_redirects=False) as resp:
                    await resp.read()
                    ok += resp.status < 400
            except aiohttp.ClientError:
                pass

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return ok, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="aiohttp 原始抓取速率（基准测试用）")
    parser.add_argument("urls")
    parser.add_argument("out")
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with open(args.urls, encoding="utf-8") as fh:
        urls = [line.strip() for line in fh if line.strip()]
    ok, seconds = asyncio.run(fetch_all(urls, args.concurrency))
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"requests": len(urls), "ok": ok, "seconds": seconds}, fh)


if __name__ == "__main__":
    main()
