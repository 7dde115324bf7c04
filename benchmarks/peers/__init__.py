"""Helpers of the crawl benchmark (benchmarks/bench_crawl.py): the site, nginx, the peer tools, measuring."""
