"""One site's scan as a self-contained job: site in, findings out.

fetch (crawl/) → parse and page checks (pipeline.py) → store (store/), then site checks over what
was stored. The frontier lives in the database as the scan goes, so a scan killed at any moment
resumes with ``resume_scan_id`` and ends with the same findings — none lost, none doubled. The job
needs only its settings and a database URL, so a Celery worker on another machine can run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from govinspect.checks.registry import (
    CheckContext,
    prepare_checks,
    run_attachment_checks,
    run_site_checks,
    selected,
)
from govinspect.crawl.fetcher import Fetcher, FetchResult
from govinspect.crawl.urls import Scope, max_segment_repeats, normalize, path_pattern
from govinspect.findings import Finding
from govinspect.pipeline import process_page
from govinspect.settings import CrawlSettings, Settings
from govinspect.store.db import Database, PreviousURL, ReusablePage
from govinspect.text.corpus import is_statistical_candidate, normal_on_site

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")
_PAGE_KINDS = frozenset({"a", "pagination"})
_FLUSH_EVERY_S = 0.5
_FLUSH_AT_RESULTS = 400
# a list page may link to every other page of its list: bound a batch by its links too, or memory
# spikes on sites whose pagers are written as plain links (n² links for an n-page list)
_FLUSH_AT_LINKS = 20_000
_REUSE_BATCH = 200  # unchanged pages taken from the last scan per query
_NORMS_MEMO = "site_norms"  # the spellings found to be the site's normal usage (text/corpus.py)


@dataclass
class ScanStats:
    pages_fetched: int = 0
    links_checked: int = 0
    errors: int = 0
    findings: int = 0
    started: float = field(default_factory=time.perf_counter)
    queued: int = 0
    pages_reused: int = 0  # incremental scans: unchanged pages not parsed again
    checks_reused: int = 0  # incremental scans: links known good, not requested again

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.pages_fetched / elapsed if elapsed > 0 else 0.0


@dataclass
class ScanResult:
    scan_id: int
    site: str
    started_at: datetime
    finished_at: datetime
    pages_fetched: int
    findings: list[Finding]
    start_error: str | None
    check_errors: list[str]

    def to_json(self) -> dict[str, Any]:
        """Exactly the scan JSON of shared/spec/findings.md."""
        return {
            "site": self.site,
            "started_at": self.started_at.astimezone(CHINA).isoformat(timespec="seconds"),
            "finished_at": self.finished_at.astimezone(CHINA).isoformat(timespec="seconds"),
            "pages_fetched": self.pages_fetched,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(slots=True)
class _Item:
    seq: int
    url: str
    role: str
    depth: int
    via: str | None = None  # the first page that linked it (for attachment findings)


class _Batch:
    def __init__(self) -> None:
        self.new_urls: list[dict[str, Any]] = []
        self.results: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.findings: list[Finding] = []
        self.attachment_findings: list[Finding] = []
        self.copied_link_pages: list[int] = []  # unchanged pages: links copied from the previous scan

    def __len__(self) -> int:
        return len(self.results)

    def empty(self) -> bool:
        return not (
            self.new_urls or self.results or self.links or self.findings or self.attachment_findings
            or self.copied_link_pages
        )


class ScanJob:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        start_url: str | None = None,
        *,
        resume_scan_id: int | None = None,
        now: datetime | None = None,
        site_config: dict[str, Any] | None = None,
        progress: Callable[[ScanStats], None] | None = None,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        incremental: bool = False,
    ) -> None:
        self.settings = settings
        self.db = db
        self.progress = progress
        self.resolver = resolver
        self.site_config = site_config or {}
        self.stats = ScanStats()
        if resume_scan_id is not None:
            info = db.scan(resume_scan_id)
            if info is None:
                raise ValueError(f"没有编号为 {resume_scan_id} 的扫描")
            if info.status != "running":
                raise ValueError(f"扫描 {resume_scan_id} 已结束（{info.status}），无需续扫")
            self.scan_id = info.id
            self.start_url = info.start_url
            # a scan resumes as it started: same crawl limits, checks and site settings
            self.crawl = CrawlSettings.model_validate(info.settings.get("crawl", {}))
            settings = settings.model_copy(update={"checks": info.settings.get("checks", settings.checks)})
            self.settings = settings
            self.site_config = dict(info.settings.get("site_config") or self.site_config)
            self.now = info.monitoring_point.astimezone(CHINA)
            self.ctx = self._prepared_context(settings)
            self.started_at = info.started_at
            self.resuming = True
            self._prev_id: int | None = info.settings.get("incremental_from")
        else:
            if start_url is None:
                raise ValueError("缺少起始网址")
            self.start_url = normalize(start_url)
            self.crawl = settings.crawl
            self.now = now or datetime.now(CHINA)
            self.ctx = self._prepared_context(settings)  # a user's mistake stops here, before anything is stored
            site_id = db.site_id_for(self.start_url)
            previous = db.previous_finished_scan(self.start_url) if incremental else None
            if previous is not None and not _reusable(previous.settings, settings.checks, self.site_config):
                log.warning("上次扫描（#%s）所用的检查或站点设置与本次不同，本次改做完整扫描", previous.id)
                previous = None
            self._prev_id = previous.id if previous else None
            self.scan_id = db.create_scan(
                site_id,
                self.start_url,
                {
                    "crawl": self.crawl.model_dump(),
                    "incremental_from": self._prev_id,
                    "checks": settings.checks,
                    "site_config": _as_json(self.site_config),
                },
                self.now,
            )
            self.started_at = datetime.now(UTC)
            self.resuming = False
        self.scope = Scope(self.start_url, self.crawl.include)
        self._seq_of: dict[str, int] = {}
        self._next_seq = 1
        self._pages: deque[_Item] = deque()
        self._checks: deque[_Item] = deque()
        self._patterns: Counter[str] = Counter()
        self._page_budget = 0
        self._in_flight = 0
        self._changed: asyncio.Event | None = None
        self._batch = _Batch()
        self._flush_lock: asyncio.Lock | None = None
        self._start_error: str | None = None
        self._page_checks = selected("page", settings.enabled_checks())
        self._attachment_checks = selected("attachment", settings.enabled_checks())
        self._prev: dict[str, PreviousURL] = {}
        # an incremental scan gives every URL the seq it had in the previous scan, so an unchanged
        # page's links are copied inside the database instead of being written again row by row
        self._prev_seqs: dict[str, int] = {}
        self._prev_urls: dict[int, str] = {}
        self._prev_attachments: dict[str, list[Finding]] = {}  # the last scan's, by attachment URL
        # unchanged pages wait here to be taken from the last scan in one query per batch
        self._reuse_pending: list[tuple[_Item, PreviousURL, FetchResult]] = []

    def _prepared_context(self, settings: Settings) -> CheckContext:
        """The checks' context, with every enabled check prepared; unknown names and broken word
        lists raise ValueError (the user's mistake) here."""
        ctx = CheckContext(settings=settings, site_url=self.start_url, now=self.now, site_config=self.site_config)
        enabled = settings.enabled_checks()
        prepare_checks([*selected("page", enabled), *selected("attachment", enabled)], ctx)
        return ctx

    # --- the frontier ----------------------------------------------------------------------

    def _load(self) -> None:
        for row in self.db.load_frontier(self.scan_id):
            self._seq_of[row.url] = row.seq
            self._next_seq = max(self._next_seq, row.seq + 1)
            if row.role == "page" and row.state != "skipped":
                self._patterns[path_pattern(row.url)] += 1
                self._page_budget += 1
            if row.state == "queued":
                item = _Item(row.seq, row.url, row.role, row.depth, row.via)
                (self._pages if row.role == "page" else self._checks).append(item)
        self.stats.pages_fetched = self.db.count_done_pages(self.scan_id)

    def _trapped(self, url: str, depth: int) -> bool:
        c = self.crawl
        return (
            depth > c.max_depth
            or self._page_budget >= c.max_pages
            or self._patterns[path_pattern(url)] >= c.max_per_pattern
            or max_segment_repeats(url) > c.max_path_repeats
        )

    def _discover(self, url: str, category: str, kind: str, depth: int, via: str | None) -> int:
        seq = self._seq_of.get(url)
        if seq is not None:
            return seq
        seq = self._prev_seqs.get(url)
        if seq is None:
            seq = self._next_seq
            self._next_seq += 1
        self._seq_of[url] = seq
        in_scope = self.scope.contains(url)
        if in_scope and category == "link" and kind in _PAGE_KINDS:
            role = "page"
            state = "skipped" if self._trapped(url, depth) else "queued"
            if state == "queued":
                self._patterns[path_pattern(url)] += 1
                self._page_budget += 1
        else:
            role = "check"
            state = "queued" if (in_scope or self.crawl.check_external) else "skipped"
        self._batch.new_urls.append({"seq": seq, "url": url, "role": role, "depth": depth, "state": state})
        if state == "queued":
            item = _Item(seq, url, role, depth, via)
            (self._pages if role == "page" else self._checks).append(item)
            if self._changed is not None:
                self._changed.set()
        return seq

    def _take(self) -> _Item | None:
        # pages first: they discover the work; checks fill the gaps
        if self._pages:
            return self._pages.popleft()
        if self._checks:
            return self._checks.popleft()
        return None

    # --- running ---------------------------------------------------------------------------

    async def run(self) -> ScanResult:
        self._changed = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        if self.resuming:
            self._load()
        if self._prev_id is not None:
            self._prev, self._prev_seqs = await asyncio.to_thread(self.db.previous_urls, self._prev_id)
            if self._attachment_checks:
                self._prev_attachments = await asyncio.to_thread(self.db.attachment_findings, self._prev_id)
            self._prev_urls = {seq: url for url, seq in self._prev_seqs.items()}
            self._next_seq = max(self._next_seq, max(self._prev_seqs.values(), default=0) + 1)
        if not self._seq_of:
            self._discover(self.start_url, "link", "a", 0, None)
        workers = min(512, self.crawl.concurrency * 2 + 16)
        async with Fetcher(self.crawl, resolver=self.resolver) as fetcher:
            self._fetcher = fetcher
            stop = asyncio.Event()
            flusher = asyncio.create_task(self._flush_periodically(stop))
            tasks = [asyncio.create_task(self._worker()) for _ in range(workers)]
            try:
                await asyncio.gather(*tasks)
            except BaseException:
                # a failed write (a full disk) ends the scan: stop every worker now, or they would go on
                # with a closed session and store its errors as the pages' outcomes
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
            finally:
                stop.set()  # never cancel a flush midway: its batch would be lost
                await flusher
                await self._flush()
        if self._prev_id is not None:
            self.ctx.previous_memos = await asyncio.to_thread(self.db.check_memos, self._prev_id)
        await asyncio.to_thread(self._drop_site_norms)
        site = self.db.site_data(self.scan_id, self.start_url)
        site_checks = selected("site", self.settings.enabled_checks())
        site_findings = await asyncio.to_thread(run_site_checks, site, self.ctx, site_checks)
        self.db.insert_findings(self.scan_id, site_findings)
        self.db.save_check_memos(self.scan_id, self.ctx.memos)
        self._check_start_page()
        self.db.finish_scan(self.scan_id, self.stats.pages_fetched, error=self._start_error)
        info = self.db.scan(self.scan_id)
        findings = self.db.findings_of(self.scan_id)
        self.stats.findings = len(findings)
        self._report()
        return ScanResult(
            scan_id=self.scan_id,
            site=self.start_url,
            started_at=self.started_at,
            finished_at=(info.finished_at if info and info.finished_at else datetime.now(UTC)),
            pages_fetched=self.stats.pages_fetched,
            findings=findings,
            start_error=self._start_error,
            check_errors=list(self.ctx.errors),
        )

    def _drop_site_norms(self) -> None:
        """Statistical typo candidates that recur across the site are its normal usage (see text/corpus.py)."""
        typos = self.db.findings_of(self.scan_id, code="typo")
        norms = normal_on_site(typos, self.stats.pages_fetched)
        # pages reused from the last scan bring back its findings after its norms were dropped, so the
        # count above misses them: what was the site's norm then stays so until the next full scan
        norms |= set(self.ctx.previous_memos.get(_NORMS_MEMO) or [])
        self.ctx.memos[_NORMS_MEMO] = sorted(norms)
        doomed = [f for f in typos if f.evidence in norms and is_statistical_candidate(f)]
        if doomed:
            self.db.delete_findings(self.scan_id, [f.fingerprint() for f in doomed])
            spellings = sorted({str(f.evidence) for f in doomed})
            log.info("以下疑似错别字在本站大量出现，视为本站正常用语：%s", "、".join(spellings))

    def _check_start_page(self) -> None:
        for page in self.db.site_data(self.scan_id, self.start_url).pages():
            if page.url == self.start_url:
                if not page.ok:
                    self._start_error = f"首页无法访问：{page.error or page.status}"
                return

    async def _worker(self) -> None:
        assert self._changed is not None
        while True:
            item = self._take()
            if item is None and self._reuse_pending:
                await self._reuse_pages()
                continue
            if item is None:
                if self._in_flight == 0:
                    self._changed.set()  # wake the others so they can finish too
                    return
                self._changed.clear()
                await self._changed.wait()
                continue
            self._in_flight += 1
            try:
                if item.role == "page":
                    await self._handle_page(item)
                else:
                    await self._handle_check(item)
            except Exception as exc:  # a bug on one URL must not lose the scan: record it and go on
                self._internal_error(item, exc)
            finally:
                self._in_flight -= 1
                self._changed.set()
            if len(self._reuse_pending) >= _REUSE_BATCH:
                await self._reuse_pages()
            if len(self._batch) >= _FLUSH_AT_RESULTS or len(self._batch.links) >= _FLUSH_AT_LINKS:
                await self._flush()

    def _internal_error(self, item: _Item, exc: Exception) -> None:
        log.error("处理 %s 时出错", item.url, exc_info=exc)
        self.ctx.errors.append(f"处理 {item.url} 时出错：{type(exc).__name__}: {exc}")
        self._batch.results.append({"seq": item.seq, "state": "done", "error": "internal_error"})

    def _result_row(self, item: _Item, result: FetchResult) -> dict[str, Any]:
        return {
            "seq": item.seq,
            "state": "done",
            "status": result.status,
            "ok": result.ok,
            "error": result.error,
            "final_url": result.final_url if result.final_url != item.url else None,
            "content_type": result.content_type[:200] or None,
            "size": len(result.body) if result.body is not None else None,
            "elapsed_ms": round(result.elapsed_ms, 1),
            "content_hash": result.content_hash,
            "etag": result.etag,
            "last_modified": result.last_modified,
            "fetched_at": datetime.now(UTC),
        }

    async def _handle_page(self, item: _Item) -> None:
        prev = self._prev.get(item.url)
        conditional: dict[str, str] = {}
        if prev is not None and prev.role == "page" and prev.ok:
            if prev.etag:
                conditional["If-None-Match"] = prev.etag
            if prev.last_modified:
                conditional["If-Modified-Since"] = prev.last_modified
        result = await self._fetcher.get(item.url, conditional=conditional or None)
        if (
            prev is not None
            and prev.ok
            and result.final_url == item.url
            and (result.not_modified or (result.ok and result.content_hash == prev.content_hash))
        ):
            # counted in flight until its batch is taken, so no worker finishes while it waits
            self._in_flight += 1
            self._reuse_pending.append((item, prev, result))
            return
        row = self._result_row(item, result)
        self.stats.pages_fetched += 1
        findings: list[Finding] = []
        links: dict[tuple[int, str], dict[str, Any]] = {}
        final = result.final_url
        duplicate = final != item.url and self._seq_of.get(final, item.seq) != item.seq
        if final != item.url and not duplicate:
            self._seq_of[final] = item.seq  # reached by redirect: never fetch it again
        if result.ok and result.body is not None and not duplicate and self.scope.contains(final):
            outcome = process_page(
                final, result.body, result.content_type, self.ctx, status=result.status or 200,
                checks=self._page_checks,
            )
            row["title"] = outcome.title[:500] or None
            if outcome.soft_404:
                row["ok"], row["error"] = False, "soft_404"
            else:
                row["facts"] = outcome.facts or None
                if result.truncated:
                    row["facts"] = {**(outcome.facts or {}), "truncated": True}
                findings = outcome.findings
                for link in outcome.links:
                    if link.category == "discover":
                        self._discover(link.url, "link", link.kind, item.depth + 1, final)
                        continue
                    target = self._discover(link.url, link.category, link.kind, item.depth + 1, final)
                    key = (target, link.kind)
                    if key not in links:
                        links[key] = {
                            "page_seq": item.seq,
                            "target_seq": target,
                            "kind": link.kind,
                            "category": link.category,
                            "text": link.text[:300],
                        }
        if not row["ok"]:
            self.stats.errors += 1
        self._batch.results.append(row)
        self._batch.links.extend(links.values())
        self._batch.findings.extend(findings)

    async def _reuse_pages(self) -> None:
        """Unchanged pages (304, or the same bytes): take their links, facts and findings from the last scan."""
        assert self._prev_id is not None and self._changed is not None
        waiting, self._reuse_pending = self._reuse_pending, []
        try:
            # in the loop's own thread: a few short queries per batch, and a worker thread would
            # fight the fetches for the GIL, which cost more than the queries
            reused = self.db.reusable_pages(self._prev_id, [(prev.seq, item.url) for item, prev, _ in waiting])
            for item, prev, result in waiting:
                try:
                    self._reuse_page(item, prev, result, reused[prev.seq])
                except Exception as exc:  # as in _worker: one page's bug must not lose the scan
                    self._internal_error(item, exc)
        except Exception as exc:
            for item, _, _ in waiting:
                self._internal_error(item, exc)
        finally:
            self._in_flight -= len(waiting)
            self._changed.set()

    def _reuse_page(self, item: _Item, prev: PreviousURL, result: FetchResult, reuse: ReusablePage) -> None:
        row = self._result_row(item, result)
        row.update(
            status=prev.status, ok=prev.ok, error=prev.error, title=prev.title, facts=reuse.facts or None,
            content_hash=prev.content_hash, content_type=prev.content_type, size=prev.size,
            etag=result.etag or prev.etag, last_modified=result.last_modified or prev.last_modified,
        )
        self.stats.pages_fetched += 1
        self.stats.pages_reused += 1
        same_seqs = item.seq == prev.seq
        targets: list[tuple[int, int, str, str]] = []  # (seq now, seq then, kind, category)
        for prev_target, kind, category in reuse.links:
            target_url = self._prev_urls[prev_target]
            target = self._discover(target_url, category, kind, item.depth + 1, item.url)
            same_seqs = same_seqs and target == prev_target
            targets.append((target, prev_target, kind, category))
        self._batch.results.append(row)
        self._batch.findings.extend(reuse.findings)
        if same_seqs:  # the usual case: the database copies the links itself
            self._batch.copied_link_pages.append(item.seq)
            return
        # a URL's seq moved (a redirect took it over): write the links out
        assert self._prev_id is not None
        texts = self.db.link_texts(self._prev_id, prev.seq)
        links: dict[tuple[int, str], dict[str, Any]] = {}
        for target, prev_target, kind, category in targets:
            links.setdefault(
                (target, kind),
                {"page_seq": item.seq, "target_seq": target, "kind": kind, "category": category,
                 "text": texts.get((prev_target, kind), "")},
            )
        self._batch.links.extend(links.values())

    async def _handle_check(self, item: _Item) -> None:
        prev = self._prev.get(item.url)
        if prev is not None and prev.role == "check" and prev.ok:
            # known good at the last scan: an incremental scan re-verifies only what was broken
            assert self._prev_id is not None
            self.stats.links_checked += 1
            self.stats.checks_reused += 1
            self._batch.results.append(
                {"seq": item.seq, "state": "done", "status": prev.status, "ok": True, "error": None,
                 "content_type": prev.content_type, "fetched_at": datetime.now(UTC)}
            )
            if self._attachment_checks and _extractable(item.url):
                self._batch.attachment_findings.extend(self._prev_attachments.get(item.url, ()))
            return
        wants_body = (
            bool(self._attachment_checks)
            and item.via is not None
            and self.scope.contains(item.url)
            and _extractable(item.url)
        )
        if wants_body:
            result = await self._fetcher.get(item.url)
        else:
            result = await self._fetcher.check(item.url)
        self.stats.links_checked += 1
        row = self._result_row(item, result)
        row["size"] = None
        if not result.ok:
            self.stats.errors += 1
        elif wants_body and result.body and item.via is not None:
            found = await asyncio.to_thread(
                run_attachment_checks, result.body, item.url, item.via, self.ctx, self._attachment_checks
            )
            self._batch.attachment_findings.extend(found)
        self._batch.results.append(row)

    async def _flush(self) -> None:
        assert self._flush_lock is not None
        async with self._flush_lock:
            batch, self._batch = self._batch, _Batch()
            if not batch.empty():
                write = asyncio.to_thread(
                    self.db.write_batch,
                    self.scan_id,
                    batch.new_urls,
                    batch.results,
                    batch.links,
                    batch.findings,
                    batch.attachment_findings,
                    (self._prev_id, batch.copied_link_pages)
                    if self._prev_id is not None and batch.copied_link_pages
                    else None,
                )
                await asyncio.shield(write)
        self._report()

    async def _flush_periodically(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), _FLUSH_EVERY_S)
            await self._flush()

    def _report(self) -> None:
        self.stats.queued = len(self._pages) + len(self._checks) + self._in_flight
        if self.progress is not None:
            self.progress(self.stats)


def _reusable(previous: dict[str, Any], checks: str, site_config: dict[str, Any]) -> bool:
    """Whether a finished scan's page results may stand for this one: the same checks and site settings."""
    return previous.get("checks", "") == checks and (previous.get("site_config") or {}) == _as_json(site_config)


def _as_json(value: dict[str, Any]) -> dict[str, Any]:
    """As the scan's settings column keeps it (tuples become lists), so that stored and given compare equal."""
    kept: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return kept


_EXTRACTABLE = (".docx", ".xlsx", ".pdf", ".txt")


def _extractable(url: str) -> bool:
    return url.split("?", 1)[0].lower().endswith(_EXTRACTABLE)


def run_scan(settings: Settings, db: Database, start_url: str | None = None, **kwargs: Any) -> ScanResult:
    """Run one scan to its end (blocking): the unit of work a task queue hands to a worker."""
    job = ScanJob(settings, db, start_url, **kwargs)
    return asyncio.run(job.run())
