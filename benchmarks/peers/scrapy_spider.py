"""A bare Scrapy spider that only follows links: the baseline of what the engine itself costs.

Run: python scrapy_spider.py START_URL OUT.json [--concurrency 50]
It follows every <a href> on the start URL's host (Scrapy's LinkExtractor, which skips images and
documents by their extension), records responses with status ≥ 400 and failed requests as broken,
and writes {"pages": N, "broken": [...], "seconds": T}. Politeness is lifted the way govinspect's is
with --concurrency 50 --rate 0: no delay, no AutoThrottle, no robots.txt.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure


class FollowLinksSpider(scrapy.Spider):
    name = "follow_links"

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        host = urlsplit(start_url).hostname or ""
        self.allowed_domains = [host]
        # the offsite middleware keeps the crawl on the host (allow_domains would compare host:port)
        self.links = LinkExtractor(tags=("a",), attrs=("href",))
        self.pages = 0
        self.broken: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:  # Scrapy ≥ 2.13 reads its start requests here
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        self.pages += 1
        if response.status >= 400:
            self.broken.add(response.url)
            return
        if not isinstance(response, TextResponse):  # not HTML: nothing to follow
            return
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url, callback=self.parse, errback=self.failed)

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            self.broken.add(request.url)


SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "RETRY_ENABLED": True,
    "HTTPERROR_ALLOW_ALL": True,  # a 404 reaches parse() and counts as broken
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "DEPTH_LIMIT": 0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="只跟随链接的 Scrapy 爬虫（基准测试用）")
    parser.add_argument("start_url")
    parser.add_argument("out")
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    settings = {
        **SETTINGS,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
    }
    process = CrawlerProcess(settings=settings)
    crawler = process.create_crawler(FollowLinksSpider)
    started = time.perf_counter()
    process.crawl(crawler, start_url=args.start_url)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, FollowLinksSpider)
    result = {
        "pages": spider.pages,
        "broken": sorted(spider.broken),
        "seconds": time.perf_counter() - started,
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False)


if __name__ == "__main__":
    main()
