"""The new-media checks as pure functions over accounts, posts and messages (no database here).

Findings use only existing codes (shared/spec/findings.md): account_stale; the text engine's codes on
posts (page = the post's URL); broken_link for a dead menu entry (page = the account, target = the
entry); message_overdue for a citizen's message left unanswered. A missed repost, a duplicate
account and a low original share have no code: they are reported, not raised as findings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govinspect.crawl.fetcher import ERROR_LABELS, FetchResult
from govinspect.findings import Finding
from govinspect.newmedia.model import Account, ImportantItem, MenuLink, Message, Post
from govinspect.newmedia.rules import MediaRules
from govinspect.newmedia.similarity import similarity
from govinspect.newmedia.times import china_day, day_start
from govinspect.text.engine import TextEngine
from govinspect.workflow.clock import as_utc

CARRIED, LATE, MISSED, PENDING = "carried", "late", "missed", "pending"
REPOST_LABELS = {CARRIED: "已按时转载", LATE: "转载不及时", MISSED: "未转载", PENDING: "未到期限"}


def _base_detail(account: Account) -> dict[str, Any]:
    return {"platform": account.platform_label, "account": account.name}


def stale_limit(account: Account, rules: MediaRules) -> int:
    return int(account.settings.get("stale_days", rules.stale_days))


def stale_finding(account: Account, newest: Post | None, at: datetime, rules: MediaRules) -> Finding | None:
    """account_stale: a running account with no post within the limit before the monitoring point."""
    if not account.running or account.platform in rules.stale_exempt:
        return None
    limit = stale_limit(account, rules)
    cutoff = as_utc(at) - timedelta(days=limit)
    # an account opened (or back in service) within the window has not had its full two weeks yet
    started = max((d for d in (account.opened_on, account.state_since) if d is not None), default=None)
    if started is not None and day_start(started) > cutoff:
        return None
    if newest is not None and newest.published_at >= cutoff:
        return None
    detail = {
        **_base_detail(account),
        "limit_days": limit,
        "newest": newest.published_at.isoformat() if newest else None,
        "newest_title": newest.title if newest else None,
        "days_since": (china_day(at) - china_day(newest.published_at)).days if newest else None,
    }
    return Finding("account_stale", page=account.page, evidence=account.name, detail=detail)


def post_text(post: Post) -> str:
    return f"{post.title}\n{post.text}" if post.title else post.text


def check_hash(post: Post, engine: TextEngine) -> str:
    """What a post's cached text findings depend on: its words and the user lists in force."""
    basis = json.dumps([post_text(post), engine.user_sources], ensure_ascii=False, default=str)
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def text_findings(engine: TextEngine, account: Account, post: Post, at: datetime) -> list[Finding]:
    page = account.post_page(post.id, post.url)
    found = engine.check(post_text(post), page=page, now=at)
    out = []
    for f in found:
        detail = {**f.detail, **_base_detail(account), "published": post.published_at.isoformat()}
        out.append(Finding(f.code, page=f.page, severity=f.severity, target=f.target, evidence=f.evidence,
                           suggestion=f.suggestion, detail=detail))
    return out


def menu_findings(account: Account, results: Iterable[tuple[MenuLink, FetchResult]]) -> list[Finding]:
    out = []
    for menu, result in results:
        if result.ok:
            continue
        error = ERROR_LABELS.get(result.error or "", result.error) if result.error else None
        detail = {**_base_detail(account), "menu": menu.label, "status": result.status, "error": error}
        out.append(Finding("broken_link", page=account.page, target=menu.url, evidence=menu.label, detail=detail))
    return out


def message_findings(account: Account, messages: Iterable[Message], at: datetime, rules: MediaRules) -> list[Finding]:
    """message_overdue: received within the window, still unanswered after the limit."""
    moment = as_utc(at)
    since = moment - timedelta(days=rules.message_window_days)
    limit = timedelta(days=rules.message_limit_days)
    out = []
    for message in messages:
        if not since <= message.received_at <= moment or message.replied_at is not None:
            continue
        if moment - message.received_at <= limit:
            continue
        detail = {
            **_base_detail(account),
            "item": message.number or f"留言#{message.id}",
            "received": message.received_at.isoformat(),
            "days": (moment - message.received_at).days,
            "limit_days": rules.message_limit_days,
        }
        out.append(Finding("message_overdue", page=account.page, severity=rules.message_severity,  # type: ignore[arg-type]
                           evidence=message.content[:80] or None, detail=detail))
    return out


@dataclass(frozen=True)
class RepostStatus:
    item: ImportantItem
    account: Account
    status: str  # carried | late | missed | pending
    post: Post | None = None
    score: float = 0.0

    @property
    def label(self) -> str:
        return REPOST_LABELS[self.status]


def must_carry(account: Account, item: ImportantItem, rules: MediaRules) -> bool:
    if not account.running or not account.settings.get("repost", True):
        return False
    wanted = set(item.platforms) if item.platforms else rules.repost_platforms
    if account.platform not in wanted:
        return False
    return account.opened_on is None or day_start(account.opened_on) <= item.deadline


def repost_status(item: ImportantItem, account: Account, posts: list[Post], at: datetime, rules: MediaRules) -> RepostStatus:
    """Has ``account`` carried ``item``? The first similar enough post from the item's day on counts."""
    since = day_start(china_day(item.issued_at))
    best: tuple[float, Post] | None = None
    for post in posts:
        if post.published_at < since or post.published_at > as_utc(at):
            continue
        score = similarity(item.title, post.title or post.text[:80], rules.repost_measure)
        if score >= rules.repost_threshold and (best is None or post.published_at < best[1].published_at):
            best = (score, post)
    if best is not None:
        status = CARRIED if best[1].published_at <= item.deadline else LATE
        return RepostStatus(item, account, status, best[1], round(best[0], 3))
    return RepostStatus(item, account, MISSED if item.deadline <= as_utc(at) else PENDING)


@dataclass(frozen=True)
class ShareStat:
    total: int
    original: int
    reposted: int
    unknown: int

    @property
    def share(self) -> float | None:
        """Original posts among those whose kind is known; None when none is known."""
        known = self.original + self.reposted
        return self.original / known if known else None


def original_share(posts: Iterable[Post]) -> ShareStat:
    total = original = reposted = 0
    for post in posts:
        total += 1
        if post.original is True:
            original += 1
        elif post.original is False:
            reposted += 1
    return ShareStat(total, original, reposted, total - original - reposted)


def share_too_low(stat: ShareStat, rules: MediaRules) -> bool:
    share = stat.share
    return share is not None and stat.total >= rules.min_posts_for_share and share < rules.min_original_share


def longest_gap(times: list[datetime], start: datetime, end: datetime, before: datetime | None) -> float:
    """Longest stretch in days without a post, over [start, end]; a stretch that began with the
    last post before ``start`` (``before``) counts from that post."""
    previous = before if before is not None else start
    longest = 0.0
    for moment in sorted(t for t in times if start <= t <= end):
        longest = max(longest, (moment - previous).total_seconds())
        previous = moment
    longest = max(longest, (end - previous).total_seconds())
    return longest / 86400
