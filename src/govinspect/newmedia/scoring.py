"""Scoring a new-media account against the new-media indicators (data/newmedia/profile.yaml:
veto N1 严重问题, N2 内容不更新, N3 互动回应差) with the project's scoring engine."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

from govinspect.newmedia.model import Account, MediaError
from govinspect.scoring.service import SiteScore, score_site
from govinspect.store.db import Database


def profile_path() -> Path:
    return Path(str(resources.files("govinspect.data").joinpath("newmedia/profile.yaml")))


def score_account(db: Database, account: Account, at: datetime | None = None) -> SiteScore:
    """The account's verdict from its latest check at or before ``at`` (run ``media check`` first)."""
    if account.site_id is None:
        raise MediaError(f"{account.label} 尚未检查过，请先运行 media check")
    return score_site(db, account.site_id, at=at, profile=profile_path())
