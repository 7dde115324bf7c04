"""Scans as Celery tasks, for when one machine is not enough: one task per site, so per-site politeness holds.

Broker and result backend come from GOVINSPECT_BROKER / GOVINSPECT_RESULTS (default: Redis on loopback);
the store is the task's ``db_url`` (PostgreSQL when several workers share it). Start a worker with:

    celery -A govinspect.tasks worker --concurrency 4
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

from govinspect.crawl.urls import normalize
from govinspect.findings import code_name
from govinspect.registry.scanning import scan_inputs
from govinspect.scan import run_scan
from govinspect.settings import CrawlSettings, Settings
from govinspect.store import open_database
from govinspect.workflow.sync import sync_problems

broker = os.environ.get("GOVINSPECT_BROKER", "redis://127.0.0.1:6379/0")
celery_app = Celery("govinspect", broker=broker, backend=os.environ.get("GOVINSPECT_RESULTS", broker))
celery_app.conf.update(task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1)


@celery_app.task(name="govinspect.scan_site")
def scan_site(url: str, db_url: str, crawl: dict[str, Any] | None = None, checks: str = "") -> dict[str, Any]:
    """Scan one site into ``db_url``; returns the scan id and counts per finding code.

    Acked late: a worker killed mid-scan leaves the task to another worker, which resumes the same
    scan from the database instead of starting again.
    """
    settings = Settings(db=db_url, crawl=CrawlSettings(**(crawl or {})), checks=checks)
    start = normalize(url)  # as scans store it, so a retried task finds its cut scan
    db = open_database(db_url)
    try:
        # as `govinspect scan` does: the registry's scope and site settings, then problems from the findings
        settings, site_config = scan_inputs(db, start, settings)
        unfinished = db.latest_unfinished_scan(start)
        if unfinished is not None:
            result = run_scan(settings, db, resume_scan_id=unfinished.id)
        else:
            result = run_scan(settings, db, start, site_config=site_config)
        info = db.scan(result.scan_id)
        if info is not None and info.status == "finished":
            sync_problems(db, info.site_id, result.scan_id)
    finally:
        db.close()
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return {
        "scan_id": result.scan_id,
        "site": result.site,
        "pages_fetched": result.pages_fetched,
        "findings": counts,
        "names": {code: code_name(code) for code in counts},
        "start_error": result.start_error,
    }
