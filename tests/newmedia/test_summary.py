"""The report's 政务新媒体 section for a quarter, built from planted data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govinspect.newmedia.accounts import set_state
from govinspect.newmedia.model import MediaError
from govinspect.newmedia.run import run_checks
from govinspect.newmedia.summary import quarter_summary
from govinspect.settings import Settings
from govinspect.store import newmedia_repo as repo
from tests.newmedia.helpers import AT, account, posts


def _quarter(db):
    daily = account(db, "每天更新", opened_on=date(2020, 1, 1))
    gap = account(db, "中间断更", platform="微博", opened_on=date(2020, 1, 1))
    fresh = account(db, "新开账号", platform="抖音", opened_on=date(2026, 2, 10))
    gone = account(db, "已注销账号", platform="今日头条", opened_on=date(2020, 1, 1))
    later = account(db, "下季度开设", platform="快手", opened_on=date(2026, 4, 10), state_date=date(2026, 4, 10))
    set_state(db, gone.id, "已注销", on_date=date(2026, 2, 15))
    # 每天更新: every 3 days all quarter, half of them reposts
    posts(db, daily, [(d, f"信息{d}", "") for d in range(0, 90, 3)], original=True)
    posts(db, daily, [(d + 1, f"转载{d}", "") for d in range(0, 90, 6)], original=False)
    # 中间断更: a 20-day hole in February, fresh at the quarter's end
    posts(db, gap, [(d, f"微博{d}", "") for d in [*range(0, 30, 2), *range(50, 90, 2)]], original=False)
    posts(db, fresh, [(d, f"视频{d}", "") for d in range(0, 40, 4)], original=True)
    return daily, gap, fresh, gone, later


def test_quarter_summary_counts_and_sentences(db):
    daily, gap, fresh, gone, later = _quarter(db)
    summary = quarter_summary(db, "2026Q1", now=AT + timedelta(days=10))
    assert summary.complete and summary.label == "2026年第一季度"
    lines = {line.account.name: line for line in summary.accounts}
    assert set(lines) == {"每天更新", "中间断更", "新开账号", "已注销账号"}  # 下季度开设 did not exist yet
    assert len(summary.managed) == 3
    assert [a.name for a in summary.opened] == ["新开账号"]
    assert [(a.name, c.on_date) for a, c in summary.closed] == [("已注销账号", date(2026, 2, 15))]
    assert lines["中间断更"].stale and not lines["每天更新"].stale and not lines["新开账号"].stale
    assert lines["中间断更"].longest_gap_days == 22  # posts 50 and 28 days before AT
    assert lines["已注销账号"].longest_gap_days is None
    assert lines["中间断更"].share_low and not lines["每天更新"].share_low
    assert summary.posts == 30 + 15 + 35 + 10
    text = "\n".join(summary.sentences())
    assert "纳入管理的政务新媒体账号共计3个（微信公众号1个、微博1个、抖音1个）" in text
    assert "本季度新开设账号1个" in text and "注销、关停新媒体账号1个" in text
    assert "1个账号存在超过14天未更新的情况（微博“中间断更”）" in text
    assert "原创信息比例不足（微博“中间断更”）" in text
    data = summary.to_json()
    assert data["managed"] == 3 and data["by_platform"]["今日头条"] == {"已注销": 1}


def test_a_quarter_without_gaps_says_so(db):
    acc = account(db, "每天更新", opened_on=date(2020, 1, 1))
    posts(db, acc, [(d, f"信息{d}", "") for d in range(0, 95, 2)], original=True)
    text = quarter_summary(db, "2026Q1", now=AT + timedelta(days=10)).sentences()
    assert "各政务新媒体账号均实现两周内更新要求。" in text


def test_problems_opened_and_closed_in_the_quarter(db):
    acc = account(db, "断更账号", opened_on=date(2020, 1, 1))
    posts(db, acc, [(40, "旧信息", "")])
    settings = Settings(db=str(db.engine.url))
    run_checks(db, settings, AT - timedelta(days=20), network=False)
    posts(db, acc, [(5, "新信息", "")])
    run_checks(db, settings, AT - timedelta(days=3), network=False)
    run_checks(db, settings, AT - timedelta(days=1), network=False)
    summary = quarter_summary(db, "2026Q1", now=AT + timedelta(days=10))
    assert (summary.problems_opened, summary.problems_closed, summary.problems_open_at_end) == (1, 1, 0)
    assert summary.problems_by_code == {"新媒体账号长期未更新": 1}
    assert "本季度新发现问题1个，已整改销号1个" in "".join(summary.sentences())


def test_quarter_measured_mid_way_and_not_started(db):
    account(db, "每天更新", opened_on=date(2020, 1, 1))
    running = quarter_summary(db, "2026Q1", now=AT - timedelta(days=30))
    assert not running.complete and running.end == AT - timedelta(days=30)
    with pytest.raises(MediaError, match="尚未开始"):
        quarter_summary(db, "2026Q3", now=AT)
    with pytest.raises(ValueError, match="无法识别"):
        quarter_summary(db, "2026Q5", now=AT)
    assert repo.list_accounts(db)
