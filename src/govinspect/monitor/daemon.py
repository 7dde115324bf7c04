"""`govinspect run`: one process that keeps every registered site under watch, all year.

It probes home pages on the availability schedule, runs incremental scans daily and full scans
weekly, turns each finished scan into problems (workflow.sync) and sends alerts for veto-level
events. It needs nothing but its database (SQLite by default). It survives the loss of a site, a
moment of full disk and its own crash: at start it resumes unfinished scans and syncs what a crash
left unsynced; nothing in its loop can take the loop down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govinspect.crawl.urls import normalize
from govinspect.monitor.clock import CHINA, Clock
from govinspect.monitor.schedule import Due, MonitorSettings, upcoming
from govinspect.registry.model import Site
from govinspect.registry.scanning import scan_inputs
from govinspect.scan import ScanJob
from govinspect.settings import Settings
from govinspect.store import registry_repo
from govinspect.store.db import Database
from govinspect.workflow.alerts import AlertConfig, queue_alerts, send_pending
from govinspect.workflow.availability import (
    AvailabilityRules,
    ProbeResult,
    availability_finding,
    availability_rules,
    probe,
    record_probe,
)
from govinspect.workflow.sync import sync_pending, sync_problems

log = logging.getLogger(__name__)

ProbeFn = Callable[[str, AvailabilityRules], ProbeResult]


@dataclass
class DaemonLog:
    """What the daemon did; the CLI prints it as it goes, tests read it."""

    probes: int = 0
    scans: list[tuple[int, str, int]] = field(default_factory=list)  # (site id, kind, scan id)
    errors: list[str] = field(default_factory=list)
    on_event: Callable[[str], None] | None = None

    def note(self, message: str) -> None:
        log.info(message)
        if self.on_event is not None:
            self.on_event(message)


class Daemon:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Clock,
        *,
        monitor: MonitorSettings | None = None,
        alerts: AlertConfig | None = None,
        probe_fn: ProbeFn = probe,
        journal: DaemonLog | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.monitor = monitor or MonitorSettings()
        self.alerts = alerts
        self.probe_fn = probe_fn
        self.rules = availability_rules()
        self.journal = journal or DaemonLog()
        self._scanning: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._scan_slots = asyncio.Semaphore(self.monitor.max_parallel_scans)

    async def run(self, *, until: datetime | None = None) -> DaemonLog:
        await self._guard("恢复", self._recover())
        last = self.clock.now()
        while until is None or last < until:
            sites = [s for s in await asyncio.to_thread(registry_repo.list_sites, self.db) if _is_website(s)]
            if not sites:
                self.journal.note("尚未登记站点；一小时后再看")
                await self.clock.sleep_until(last.replace(microsecond=0) + _HOUR)
                last = self.clock.now()
                continue
            by_id = {s.id: s for s in sites}
            due = upcoming(list(by_id), last, self.monitor, self.rules)
            at = due[0].at
            if until is not None and at >= until:
                break
            if getattr(self.clock, "advance_when_idle", False):
                await self._drain()  # simulated time must not outrun the work it schedules
            await self.clock.sleep_until(at)
            for event in (d for d in due if d.at == at):
                self._dispatch(event, by_id[event.site_id])
            last = at
        await self._drain()
        return self.journal

    async def _drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _dispatch(self, event: Due, site: Site) -> None:
        if event.kind == "probe":
            self._spawn(self._guard(f"探测 {site.url}", self._probe(site, event.at)))
            return
        running = self._scanning.get(site.id)
        if running is not None and not running.done():
            self.journal.note(f"{site.name or site.url}：上一次扫描尚未结束，跳过本次{_KIND_LABELS[event.kind]}")
            return
        self._scanning[site.id] = self._spawn(self._guard(f"扫描 {site.url}", self._scan(site, event.kind, event.at)))

    async def _guard(self, what: str, work: Awaitable[None]) -> None:
        """Whatever fails — a site gone, a full disk, a bug — is logged and the daemon goes on."""
        try:
            await work
        except Exception as exc:
            message = f"{what} 失败：{type(exc).__name__}: {exc}"
            log.exception(message)
            self.journal.errors.append(message)

    async def _probe(self, site: Site, at: datetime) -> None:
        result = await asyncio.to_thread(self.probe_fn, site.url, self.rules)
        await asyncio.to_thread(record_probe, self.db, site.id, at, result)
        self.journal.probes += 1

    async def _scan(self, site: Site, kind: str, at: datetime) -> None:
        async with self._scan_slots:
            settings, site_config = await asyncio.to_thread(scan_inputs, self.db, site.url, self.settings)
            await self._finish_cut_scan(site, settings, site_config, at)
            job = ScanJob(
                settings, self.db, site.url, now=at.astimezone(CHINA), site_config=site_config,
                incremental=kind == "incremental",
            )
            result = await job.run()
        await asyncio.to_thread(self._after_scan, site, result.scan_id, at)
        self.journal.scans.append((site.id, kind, result.scan_id))
        self.journal.note(f"{site.name or site.url}：{_KIND_LABELS[kind]}完成（扫描 #{result.scan_id}）")

    async def _finish_cut_scan(self, site: Site, settings: Settings, site_config: dict[str, Any], at: datetime) -> None:
        """A scan of this site that failed midway (a full disk, a lost database) is finished first,
        so its pages are neither lost nor left to a scan that never ends."""
        cut = await asyncio.to_thread(self.db.latest_unfinished_scan, normalize(site.url))
        if cut is None:
            return
        self.journal.note(f"{site.name or site.url}：先续完上次中断的扫描 #{cut.id}")
        resumed = await ScanJob(settings, self.db, resume_scan_id=cut.id, site_config=site_config).run()
        await asyncio.to_thread(self._after_scan, site, resumed.scan_id, at)

    def _after_scan(self, site: Site, scan_id: int, at: datetime) -> None:
        unreachable = availability_finding(self.db, site, at)
        if unreachable is not None:
            self.db.insert_findings(scan_id, [unreachable])
        report = sync_problems(self.db, site.id, scan_id, now=at)
        self.journal.note(report.describe())
        self._send_alerts(at)

    def _send_alerts(self, at: datetime) -> None:
        if self.alerts is None or not self.alerts.channels:
            return
        queue_alerts(self.db, self.alerts, now=at)
        sent = send_pending(self.db, self.alerts)
        for error in sent.errors:
            self.journal.errors.append(error)

    async def _recover(self) -> None:
        """After a crash: finish the scans it left running, then sync what was not synced."""
        while (unfinished := await asyncio.to_thread(self.db.latest_unfinished_scan)) is not None:
            self.journal.note(f"继续未完成的扫描 #{unfinished.id}（{unfinished.start_url}）")
            _, site_config = await asyncio.to_thread(scan_inputs, self.db, unfinished.start_url, self.settings)
            await ScanJob(self.settings, self.db, resume_scan_id=unfinished.id, site_config=site_config).run()
        for report in await asyncio.to_thread(sync_pending, self.db, now=self.clock.now()):
            self.journal.note(report.describe())


def _is_website(site: Site) -> bool:
    """New-media accounts have a site row for their problems; they are checked by `media check`, not crawled."""
    return "newmedia_account" not in site.settings


_KIND_LABELS = {"incremental": "增量扫描", "full": "全量扫描", "probe": "探测"}
_HOUR = timedelta(hours=1)
