"""`media check`: every running account checked at a monitoring point, findings stored and synced.

Each account's findings are stored as one finished scan of its pseudo-site (a sites row owned by the
account's unit, see newmedia_repo.ensure_site), so the workflow turns them into problems of that
unit, moves them along on later checks, and the scoring engine scores the account like a site.
The pages a check looked at (the account, the posts within the text window) are recorded as the
scan's fetched URLs: a problem on a post outside the window is left as it is.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govinspect.crawl.fetcher import Fetcher, FetchResult
from govinspect.findings import Finding, dedupe
from govinspect.newmedia import checks
from govinspect.newmedia.accounts import Duplicate, duplicates, require_account
from govinspect.newmedia.model import Account, MenuLink, Post
from govinspect.newmedia.rules import MediaRules, media_rules, running_state
from govinspect.newmedia.scoring import profile_path
from govinspect.settings import Settings
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.text.engine import CODES as TEXT_CODES
from govinspect.text.engine import TextEngine
from govinspect.workflow.clock import as_utc, utcnow
from govinspect.workflow.sync import SyncReport, sync_problems

# check names stored in the scan's settings; not names of the page/site registry, so a later
# generic re-sync of such a scan (sync_pending) moves no absent problem (safe side)
CHECK_NAMES = ("newmedia.stale", "newmedia.text", "newmedia.menu", "newmedia.messages")


@dataclass
class AccountResult:
    account: Account
    findings: list[Finding] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)
    newest: datetime | None = None
    posts_checked: int = 0
    menu_checked: int = 0
    scan_id: int | None = None
    sync: SyncReport | None = None


@dataclass
class CheckRun:
    at: datetime
    results: list[AccountResult]
    duplicates: list[Duplicate]
    reposts: list[checks.RepostStatus]
    errors: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def repost_problems(self) -> list[checks.RepostStatus]:
        return [r for r in self.reposts if r.status in (checks.LATE, checks.MISSED)]


async def _check_menus(settings: Settings, links: list[MenuLink]) -> list[tuple[MenuLink, FetchResult]]:
    if not links:
        return []
    async with Fetcher(settings.crawl) as fetcher:
        results = await asyncio.gather(*(fetcher.check(link.url) for link in links))
    return list(zip(links, results, strict=True))


def _text_results(
    db: Database, engine: TextEngine, account: Account, posts: list[Post], at: datetime, recheck: bool
) -> list[Finding]:
    """Text findings of the posts, re-using each post's cached findings while its content is unchanged."""
    out: list[Finding] = []
    fresh: list[tuple[int, str, list[dict[str, Any]]]] = []
    for post in posts:
        key = checks.check_hash(post, engine)
        if not recheck and post.check_hash == key and post.check_findings is not None:
            out.extend(Finding.from_json(f) for f in post.check_findings)
            continue
        found = checks.text_findings(engine, account, post, at)
        fresh.append((post.id, key, [f.to_json() for f in found]))
        out.extend(found)
    if fresh:
        with db.engine.begin() as conn:
            for post_id, key, found_json in fresh:
                repo.store_check_cache(conn, post_id, key, found_json)
    return out


def _store(db: Database, result: AccountResult, at: datetime, now: datetime) -> None:
    """One finished scan of the account's pseudo-site with its findings; then sync its problems."""
    account = result.account
    with db.engine.begin() as conn:
        site_id = repo.ensure_site(conn, account, {"newmedia_account": account.id, "profile": str(profile_path())}, now)
    scan_settings = {"newmedia": True, "checks": [n for n in CHECK_NAMES if _ran(n, result.codes)]}
    scan_id = db.create_scan(site_id, account.pseudo_url, scan_settings, at)
    pages = list(dict.fromkeys([account.pseudo_url, account.page, *result.visited]))
    rows = [
        {"seq": i, "url": url, "role": "page", "depth": 0, "state": "done", "status": 200, "ok": True, "fetched_at": now}
        for i, url in enumerate(pages, 1)
    ]
    db.write_batch(scan_id, rows, [], [], dedupe(result.findings))
    db.finish_scan(scan_id, len(pages))
    result.scan_id = scan_id
    # events and closings are dated at the monitoring point, like the findings themselves
    result.sync = sync_problems(db, site_id, scan_id, now=at, codes=result.codes)


def _ran(name: str, codes: set[str]) -> bool:
    wanted = {
        "newmedia.stale": {"account_stale"},
        "newmedia.text": set(TEXT_CODES),
        "newmedia.menu": {"broken_link"},
        "newmedia.messages": {"message_overdue"},
    }[name]
    return bool(wanted & codes)


def run_checks(
    db: Database,
    settings: Settings,
    at: datetime,
    *,
    accounts: list[str] | None = None,
    network: bool = True,
    recheck: bool = False,
    store: bool = True,
    now: datetime | None = None,
) -> CheckRun:
    """Check the running accounts (or those named) at monitoring point ``at``.

    ``network`` False skips the menu links (their problems are then left as they are);
    ``store`` False computes without writing scans or problems (a dry run).
    """
    rules = media_rules()
    moment = as_utc(at)
    wall = now or utcnow()
    every = repo.list_accounts(db)
    if accounts:
        wanted = {require_account(db, ref).id for ref in accounts}
        chosen = [a for a in every if a.id in wanted]
    else:
        chosen = [a for a in every if a.state == running_state()]
    running = [a for a in chosen if a.running]
    skipped = [a for a in chosen if not a.running]
    engine = TextEngine.load(settings.data_dir, None)
    ids = [a.id for a in running]
    window_start = moment - timedelta(days=rules.text_window_days)
    posts_by_account: dict[int, list[Post]] = defaultdict(list)
    for post in repo.posts_of(db, ids, since=window_start, until=moment):
        posts_by_account[post.account_id].append(post)
    messages_by_account = defaultdict(list)
    for message in repo.messages_of(db, ids, until=moment):
        messages_by_account[message.account_id].append(message)
    menus = repo.menu_links(db, ids)
    menu_results: dict[int, list[tuple[MenuLink, FetchResult]]] = defaultdict(list)
    run = CheckRun(at=moment, results=[], duplicates=duplicates([a for a in every if a.running]), reposts=[])
    run.errors.extend(f"{a.label} 状态为“{a.state_label}”，不在检查之列" for a in skipped)
    if network and menus:
        checked = asyncio.run(_check_menus(settings, menus))
        with db.engine.begin() as conn:
            for link, fetched in checked:
                repo.record_menu_result(conn, link.id, wall, fetched.ok, fetched.status, fetched.error)
                menu_results[link.account_id].append((link, fetched))
    for account in running:
        result = AccountResult(account=account)
        posts = posts_by_account.get(account.id, [])
        newest = repo.newest_posts_before(db, account.id, moment)
        result.newest = newest[0].published_at if newest else None
        stale = checks.stale_finding(account, newest[0] if newest else None, moment, rules)
        result.codes.add("account_stale")
        result.findings.extend([stale] if stale else [])
        try:
            result.findings.extend(_text_results(db, engine, account, posts, moment, recheck))
            result.codes.update(TEXT_CODES)
            result.visited.extend(account.post_page(p.id, p.url) for p in posts)
            result.posts_checked = len(posts)
        except Exception as exc:  # the text engine failing on one account must not lose the others
            run.errors.append(f"{account.label} 文字检查出错：{type(exc).__name__}: {exc}")
        if network:
            result.findings.extend(checks.menu_findings(account, menu_results.get(account.id, [])))
            result.menu_checked = len(menu_results.get(account.id, []))
            result.codes.add("broken_link")
        result.findings.extend(checks.message_findings(account, messages_by_account.get(account.id, []), moment, rules))
        result.codes.add("message_overdue")
        run.results.append(result)
    run.reposts = _reposts(db, running, posts_by_account, moment, rules)
    if store:
        for result in run.results:
            _store(db, result, moment, wall)
    return run


def _reposts(
    db: Database, accounts: list[Account], posts: dict[int, list[Post]], at: datetime, rules: MediaRules
) -> list[checks.RepostStatus]:
    """Status of every important item whose deadline falls within the text window, for each account that must carry it."""
    since = at - timedelta(days=rules.text_window_days)
    out = []
    for item in repo.list_important(db, deadline_from=since):
        if item.issued_at > at:
            continue
        for account in accounts:
            if checks.must_carry(account, item, rules):
                out.append(checks.repost_status(item, account, posts.get(account.id, []), at, rules))
    return out
