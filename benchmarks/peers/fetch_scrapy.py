"""Raw fetch rate of Scrapy: GET every URL of a list at concurrency N, parse nothing.

Run: python fetch_scrapy.py URLS.txt OUT.json [--concurrency 50]
Writes {"requests": N, "ok": K, "seconds": T} (T excludes interpreter start and imports).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

BASE_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "RETRY_ENABLED": False,
    "REDIRECT_ENABLED": False,
    "HTTPERROR_ALLOW_ALL": True,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


class FetchAllSpider(scrapy.Spider):
    name = "fetch_all"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.ok = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:  # Scrapy ≥ 2.13 reads its start requests here
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> None:
        self.ok += response.status < 400


def main() -> None:
    parser = argparse.ArgumentParser(description="Scrapy 原始抓取速率（基准测试用）")
    parser.add_argument("urls")
    parser.add_argument("out")
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with open(args.urls, encoding="utf-8") as fh:
        urls = [line.strip() for line in fh if line.strip()]
    settings = {**BASE_SETTINGS, "CONCURRENT_REQUESTS": args.concurrency,
                "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency}
    process = CrawlerProcess(settings=settings)
    crawler = process.create_crawler(FetchAllSpider)
    started = time.perf_counter()
    process.crawl(crawler, urls=urls)
    process.start()
    seconds = time.perf_counter() - started
    spider = crawler.spider
    assert isinstance(spider, FetchAllSpider)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"requests": len(urls), "ok": spider.ok, "seconds": seconds}, fh)


if __name__ == "__main__":
    main()
