"""The 政务新媒体 section of a quarterly report: ``quarter_summary(db, "2026Q1")``.

Accounts by platform and state at the quarter's end (states rebuilt from their dated history),
accounts opened and closed in the quarter, posts and original share, accounts that went more than
the limit without a post at any time in the quarter (longest gap, not only at the end), required
reposts due in the quarter, duplicate accounts, messages, menu links, and the problems of the
accounts' checks opened and closed in the quarter. ``sentences()`` gives the report's wording.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from govinspect.findings import code_name
from govinspect.newmedia import checks
from govinspect.newmedia.accounts import Duplicate, duplicates
from govinspect.newmedia.model import Account, MediaError, Post, StateChange
from govinspect.newmedia.rules import closed_states, media_rules, platforms, running_state, states
from govinspect.newmedia.times import day_start
from govinspect.store import newmedia_repo as repo
from govinspect.store import problems_repo as prepo
from govinspect.store.db import Database
from govinspect.workflow.clock import CHINA, as_utc, utcnow
from govinspect.workflow.periods import quarter_bounds
from govinspect.workflow.states import ACTIVE, CLOSED, FALSE_ALARM, REVIEW


@dataclass
class AccountLine:
    account: Account  # with its state as at the quarter's end
    posts: int
    share: checks.ShareStat
    longest_gap_days: float | None  # None: not a running, publishing account
    stale: bool
    share_low: bool
    messages: int = 0
    answered: int = 0
    overdue: int = 0


@dataclass
class QuarterSummary:
    label: str
    start: datetime
    end: datetime  # exclusive: the quarter's end, or the moment measured up to
    complete: bool
    accounts: list[AccountLine]
    by_platform: dict[str, dict[str, int]]  # platform label → state label → count
    opened: list[Account]
    closed: list[tuple[Account, StateChange]]
    reposts: list[checks.RepostStatus]
    duplicates: list[Duplicate]
    menu_total: int
    menu_broken: list[tuple[Account, str, str]]  # (account, label, url)
    problems_opened: int
    problems_closed: int
    problems_open_at_end: int
    problems_by_code: dict[str, int] = field(default_factory=dict)
    stale_limit_days: int = 14
    message_limit_days: int = 5

    @property
    def managed(self) -> list[AccountLine]:
        """Accounts under management at the end: not closed (运行 and 拟注销)."""
        return [line for line in self.accounts if line.account.state not in closed_states()]

    @property
    def posts(self) -> int:
        return sum(line.posts for line in self.accounts)

    @property
    def share(self) -> checks.ShareStat:
        total = checks.ShareStat(0, 0, 0, 0)
        for line in self.accounts:
            s = line.share
            total = checks.ShareStat(total.total + s.total, total.original + s.original,
                                     total.reposted + s.reposted, total.unknown + s.unknown)
        return total

    @property
    def stale(self) -> list[AccountLine]:
        return [line for line in self.accounts if line.stale]

    @property
    def low_share(self) -> list[AccountLine]:
        return [line for line in self.accounts if line.share_low]

    def repost_problems(self) -> list[checks.RepostStatus]:
        return [r for r in self.reposts if r.status in (checks.LATE, checks.MISSED)]

    def sentences(self) -> list[str]:
        out: list[str] = []
        managed = Counter(line.account.platform_label for line in self.managed)
        counts = "、".join(f"{p.label}{managed[p.label]}个" for p in platforms().items if managed[p.label])
        out.append(f"纳入管理的政务新媒体账号共计{len(self.managed)}个" + (f"（{counts}）" if counts else "") + "。")
        if self.opened:
            out.append(f"本季度新开设账号{len(self.opened)}个。")
        if self.closed:
            names = "、".join(a.label for a, _ in self.closed[:10])
            out.append(f"本季度注销、关停新媒体账号{len(self.closed)}个（{names}）。")
        share = self.share
        ratio = f"，原创比例{share.share * 100:.1f}%" if share.share is not None else ""
        out.append(f"本季度共发布信息{self.posts}条，其中原创{share.original}条、转载{share.reposted}条{ratio}。")
        if self.stale:
            names = "、".join(line.account.label for line in self.stale[:10])
            out.append(f"{len(self.stale)}个账号存在超过{self.stale_limit_days}天未更新的情况（{names}）。")
        elif any(line.longest_gap_days is not None for line in self.accounts):
            out.append("各政务新媒体账号均实现两周内更新要求。")
        if self.low_share:
            names = "、".join(line.account.label for line in self.low_share[:10])
            out.append(f"个别新媒体账号原创信息比例不足（{names}）。")
        late = self.repost_problems()
        if late:
            names = "、".join(sorted({r.account.label for r in late})[:10])
            out.append(f"部分新媒体重点转载不及时：{len({r.item.id for r in late})}条重要信息共{len(late)}个账号次未按时转载（{names}）。")
        elif self.reposts and all(r.status == checks.CARRIED for r in self.reposts):
            out.append(f"本季度{len({r.item.id for r in self.reposts})}条重要信息均已按时转载。")
        for dup in self.duplicates:
            out.append(dup.describe + "。")
        received = sum(line.messages for line in self.accounts)
        if received:
            overdue = [line for line in self.accounts if line.overdue]
            text = f"收到群众留言{received}条，已回复{sum(line.answered for line in self.accounts)}条"
            if overdue:
                names = "、".join(line.account.label for line in overdue[:10])
                text += f"；个别账号仍不能及时回复群众留言（{names}，超过{self.message_limit_days}天未回复共{sum(line.overdue for line in overdue)}条）"
            out.append(text + "。")
        if self.menu_total:
            if self.menu_broken:
                out.append(f"登记的菜单链接{self.menu_total}个，其中{len(self.menu_broken)}个无法访问。")
            else:
                out.append("菜单栏可访问。")
        out.append(
            f"本季度新发现问题{self.problems_opened}个，已整改销号{self.problems_closed}个，"
            f"季度末尚待整改{self.problems_open_at_end}个。"
        )
        return out

    def to_json(self) -> dict[str, Any]:
        share = self.share
        return {
            "quarter": self.label,
            "complete": self.complete,
            "until": self.end.isoformat(),
            "managed": len(self.managed),
            "by_platform": self.by_platform,
            "opened": [a.label for a in self.opened],
            "closed": [{"account": a.label, "state": states().label(c.to_state), "date": c.on_date.isoformat()}
                       for a, c in self.closed],
            "posts": self.posts,
            "original": share.original,
            "reposted": share.reposted,
            "original_share": share.share,
            "accounts": [
                {
                    "account": line.account.label, "unit": line.account.unit_name, "state": line.account.state_label,
                    "posts": line.posts, "original_share": line.share.share, "longest_gap_days":
                    round(line.longest_gap_days, 1) if line.longest_gap_days is not None else None,
                    "stale": line.stale, "share_low": line.share_low, "messages": line.messages,
                    "answered": line.answered, "overdue": line.overdue,
                }
                for line in self.accounts
            ],
            "reposts": [
                {"item": r.item.title, "account": r.account.label, "status": r.label,
                 "post": r.post.published_at.isoformat() if r.post else None}
                for r in self.reposts
            ],
            "duplicates": [d.describe for d in self.duplicates],
            "menu": {"total": self.menu_total, "broken": [{"account": a.label, "label": lb, "url": u} for a, lb, u in self.menu_broken]},
            "problems": {"opened": self.problems_opened, "closed": self.problems_closed,
                         "open_at_end": self.problems_open_at_end, "by_code": self.problems_by_code},
            "sentences": self.sentences(),
        }


def state_at(account: Account, history: list[StateChange], day: date) -> str | None:
    """The account's state on ``day`` from its dated history; None: not registered yet."""
    current: str | None = None
    for change in history:
        if change.on_date <= day:
            current = change.to_state
    return current


def running_since(history: list[StateChange], day: date) -> date | None:
    """The day the account last became running, as of ``day``."""
    since: date | None = None
    for change in history:
        if change.on_date > day:
            break
        if change.to_state == running_state() and change.from_state != running_state():
            since = change.on_date
    return since


def quarter_summary(db: Database, quarter: str, *, now: datetime | None = None) -> QuarterSummary:
    """The quarter's figures; for a quarter still running, measured up to ``now`` (default: the clock)."""
    start, quarter_end = quarter_bounds(quarter)
    end = min(quarter_end, as_utc(now) if now else utcnow())
    if end <= start:
        raise MediaError(f"季度 {quarter} 尚未开始")
    last_day = (end - timedelta(microseconds=1)).astimezone(CHINA).date()
    first_day = start.astimezone(CHINA).date()
    rules = media_rules()
    every = repo.list_accounts(db)
    history: dict[int, list[StateChange]] = defaultdict(list)
    for change in repo.state_changes(db):
        history[change.account_id].append(change)
    at_end: list[Account] = []
    for account in every:
        state = state_at(account, history[account.id], last_day)
        if state is not None:
            at_end.append(dataclasses.replace(account, state=state))
    ids = [a.id for a in at_end]
    posts_by: dict[int, list[Post]] = defaultdict(list)
    for post in repo.posts_of(db, ids, since=start, until=end - timedelta(microseconds=1)):
        posts_by[post.account_id].append(post)
    messages_by = defaultdict(list)
    for message in repo.messages_of(db, ids, since=start, until=end - timedelta(microseconds=1)):
        messages_by[message.account_id].append(message)
    lines = [_line(db, a, history[a.id], posts_by[a.id], messages_by[a.id], start, end, first_day, last_day)
             for a in at_end]
    by_platform: dict[str, dict[str, int]] = {}
    for p in platforms().items:
        counts = Counter(states().label(a.state) for a in at_end if a.platform == p.code)
        if counts:
            by_platform[p.label] = dict(counts)
    opened = [a for a in at_end if a.opened_on is not None and first_day <= a.opened_on <= last_day]
    closed = [
        (a, c) for a in at_end for c in history[a.id]
        if c.to_state in closed_states() and c.from_state not in closed_states() and first_day <= c.on_date <= last_day
    ]
    reposts = _reposts(db, at_end, start, quarter_end, end)
    menus = repo.menu_links(db, [a.id for a in at_end if a.state == running_state()])
    names = {a.id: a for a in at_end}
    broken = [(names[m.account_id], m.label, m.url) for m in menus if m.last_ok is False]
    site_ids = {a.site_id for a in at_end if a.site_id is not None}
    problems = [p for p in prepo.list_problems(db) if p.site_id in site_ids] if site_ids else []
    # problems are dated by the monitoring point of the check that found them: the whole quarter counts
    opened_problems = [p for p in problems if start <= p.first_seen_at < quarter_end and p.state != FALSE_ALARM]
    closed_problems = [p for p in problems if p.state == CLOSED and p.closed_at and start <= p.closed_at < quarter_end]
    open_at_end = [
        p for p in problems
        if p.first_seen_at < quarter_end and p.state != FALSE_ALARM
        and (p.state in ACTIVE or p.state == REVIEW or (p.closed_at is not None and p.closed_at >= quarter_end))
    ]
    return QuarterSummary(
        label=f"{first_day.year}年第{'一二三四'[(first_day.month - 1) // 3]}季度",
        start=start,
        end=end,
        complete=end == quarter_end,
        accounts=lines,
        by_platform=by_platform,
        opened=opened,
        closed=closed,
        reposts=reposts,
        duplicates=duplicates(at_end),
        menu_total=len(menus),
        menu_broken=broken,
        problems_opened=len(opened_problems),
        problems_closed=len(closed_problems),
        problems_open_at_end=len(open_at_end),
        problems_by_code={code_name(c): n for c, n in Counter(p.code for p in opened_problems).most_common()},
        stale_limit_days=rules.stale_days,
        message_limit_days=rules.message_limit_days,
    )


def _line(
    db: Database, account: Account, history: list[StateChange], posts: list[Post], messages: list[Any],
    start: datetime, end: datetime, first_day: date, last_day: date,
) -> AccountLine:
    rules = media_rules()
    stat = checks.original_share(posts)
    gap: float | None = None
    stale = False
    if account.state == running_state() and account.platform not in rules.stale_exempt:
        since = running_since(history, last_day)
        window_start = max(start, day_start(since)) if since else start
        if account.opened_on and day_start(account.opened_on) > window_start:
            window_start = day_start(account.opened_on)
        before = repo.newest_posts_before(db, account.id, window_start - timedelta(microseconds=1))
        earlier = before[0].published_at if before and window_start == start else None
        gap = checks.longest_gap([p.published_at for p in posts], window_start, end, earlier)
        stale = gap > checks.stale_limit(account, rules)
    limit = timedelta(days=rules.message_limit_days)
    answered = sum(1 for m in messages if m.replied_at is not None)
    overdue = sum(
        1 for m in messages
        if (m.replied_at is None and end - m.received_at > limit) or (m.replied_at and m.replied_at - m.received_at > limit)
    )
    return AccountLine(
        account=account, posts=len(posts), share=stat, longest_gap_days=gap, stale=stale,
        share_low=checks.share_too_low(stat, rules), messages=len(messages), answered=answered, overdue=overdue,
    )


def _reposts(
    db: Database, accounts: list[Account], start: datetime, quarter_end: datetime, end: datetime
) -> list[checks.RepostStatus]:
    """Items due in the quarter (those not yet due when measured mid-quarter come out as pending)."""
    rules = media_rules()
    items = repo.list_important(db, deadline_from=start, deadline_to=quarter_end - timedelta(microseconds=1))
    if not items:
        return []
    running = [a for a in accounts if a.running]
    since = min(i.issued_at for i in items) - timedelta(days=1)
    posts_by: dict[int, list[Post]] = defaultdict(list)
    for post in repo.posts_of(db, [a.id for a in running], since=since, until=end):
        posts_by[post.account_id].append(post)
    at = end - timedelta(microseconds=1)
    return [
        checks.repost_status(item, account, posts_by[account.id], at, rules)
        for item in items
        for account in running
        if checks.must_carry(account, item, rules)
    ]
