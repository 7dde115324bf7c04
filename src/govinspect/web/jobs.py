"""Scans started from the console: run in a background thread, exactly as `govinspect scan` runs one
(registry scope and settings, ScanJob, then sync_problems), with progress written to web_scan_jobs
so that any worker process can answer the page's polling.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from govinspect.registry.model import RegistryError, Site
from govinspect.registry.scanning import scan_inputs
from govinspect.settings import Settings
from govinspect.store.db import Database
from govinspect.store.schema_web import web_scan_jobs
from govinspect.workflow.clock import as_utc, maybe_utc, utcnow

log = logging.getLogger(__name__)

RUNNING, FINISHED, FAILED, INTERRUPTED = "running", "finished", "failed", "interrupted"
STATE_LABELS = {RUNNING: "扫描中", FINISHED: "已完成", FAILED: "失败", INTERRUPTED: "已中断"}


@dataclass(frozen=True)
class JobInfo:
    id: int
    site_id: int
    scan_id: int | None
    requested_by: str
    state: str
    pages: int
    links: int
    queued: int
    errors: int
    message: str | None
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "site_id": self.site_id, "scan_id": self.scan_id, "requested_by": self.requested_by,
            "state": self.state, "state_label": self.state_label, "pages": self.pages, "links": self.links,
            "queued": self.queued, "errors": self.errors, "message": self.message,
            "started_at": self.started_at.isoformat(), "updated_at": self.updated_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _job(row: Any) -> JobInfo:
    return JobInfo(
        id=row["id"], site_id=row["site_id"], scan_id=row["scan_id"], requested_by=row["requested_by"],
        state=row["state"], pages=row["pages"], links=row["links"], queued=row["queued"], errors=row["errors"],
        message=row["message"], started_at=as_utc(row["started_at"]), updated_at=as_utc(row["updated_at"]),
        finished_at=maybe_utc(row["finished_at"]),
    )


def get_job(db: Database, job_id: int) -> JobInfo | None:
    with db.engine.connect() as conn:
        row = conn.execute(select(web_scan_jobs).where(web_scan_jobs.c.id == job_id)).mappings().first()
    return _job(row) if row else None


def latest_job(db: Database, site_id: int) -> JobInfo | None:
    query = select(web_scan_jobs).where(web_scan_jobs.c.site_id == site_id).order_by(web_scan_jobs.c.id.desc()).limit(1)
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return _job(row) if row else None


def _update(db: Database, job_id: int, **values: Any) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(web_scan_jobs).where(web_scan_jobs.c.id == job_id).values(updated_at=utcnow(), **values))


def mark_interrupted(db: Database) -> int:
    """Jobs left running by a stopped server: say so (their scan can be resumed with scan --resume)."""
    with db.engine.begin() as conn:
        result = conn.execute(
            update(web_scan_jobs)
            .where(web_scan_jobs.c.state == RUNNING)
            .values(state=INTERRUPTED, finished_at=utcnow(), updated_at=utcnow(),
                    message="服务重启，扫描中断；可在命令行用 govinspect scan --resume 继续")
        )
    return int(result.rowcount or 0)


class ScanRunner:
    """Starts console scans, at most ``max_running`` at once, one per site."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        max_running: int,
        progress_every: float,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.max_running = max_running
        self.progress_every = progress_every
        self.on_done = on_done
        self._lock = threading.Lock()
        self._threads: dict[int, threading.Thread] = {}

    def start(self, site: Site, actor: str) -> int:
        with self._lock:
            self._threads = {k: t for k, t in self._threads.items() if t.is_alive()}
            with self.db.engine.begin() as conn:
                running = conn.execute(
                    select(func.count()).where(web_scan_jobs.c.site_id == site.id, web_scan_jobs.c.state == RUNNING)
                ).scalar_one()
                if running:
                    raise RegistryError(f"站点“{site.name or site.url}”正在扫描，请等待其完成")
                if len(self._threads) >= self.max_running:
                    raise RegistryError(f"已有 {len(self._threads)} 个扫描在进行，请稍后再试")
                moment = utcnow()
                result = conn.execute(insert(web_scan_jobs).values(
                    site_id=site.id, requested_by=actor, state=RUNNING, pages=0, links=0, queued=0, errors=0,
                    started_at=moment, updated_at=moment,
                ))
                key = result.inserted_primary_key
                assert key is not None
                job_id = int(key[0])
            thread = threading.Thread(target=self._run, args=(job_id, site), name=f"console-scan-{job_id}", daemon=True)
            self._threads[job_id] = thread
            thread.start()
        return job_id

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def _run(self, job_id: int, site: Site) -> None:
        from govinspect.scan import ScanJob
        from govinspect.workflow.sync import sync_problems

        last = 0.0

        def progress(stats: Any) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < self.progress_every:
                return
            last = now
            _update(self.db, job_id, pages=stats.pages_fetched, links=stats.links_checked, queued=stats.queued,
                    errors=stats.errors)

        try:
            settings, config = scan_inputs(self.db, site.url, self.settings)
            job = ScanJob(settings, self.db, site.url, now=self.clock(), site_config=config, progress=progress)
            _update(self.db, job_id, scan_id=job.scan_id)
            result = asyncio.run(job.run())
            stats = job.stats
            report = sync_problems(self.db, site.id, result.scan_id)
            message = (result.start_error + "；" if result.start_error else "") + report.describe()
            _update(self.db, job_id, state=FINISHED, finished_at=utcnow(), message=message, pages=stats.pages_fetched,
                    links=stats.links_checked, queued=0, errors=stats.errors)
        except Exception as exc:  # the page must learn of any failure, in words
            log.exception("控制台发起的扫描失败")
            _update(self.db, job_id, state=FAILED, finished_at=utcnow(), message=f"扫描失败：{exc}")
        finally:
            if self.on_done is not None:
                self.on_done(site.id)
