"""What the new-media registry holds: accounts, posts, messages, important items, menu links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from govinspect.newmedia.rules import platforms, running_state, states

# pseudo-site of an account: problems need a site row; this host never resolves (RFC 6761 .invalid)
PSEUDO_HOST = "http://newmedia.invalid"


class MediaError(ValueError):
    """A new-media request that cannot be carried out; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Account:
    id: int
    platform: str
    name: str
    state: str
    account_key: str | None = None  # the platform's own id (原始ID, UID, 微信号)
    unit_id: int | None = None
    unit_name: str | None = None
    opened_on: date | None = None
    state_since: date | None = None
    filing_no: str | None = None
    filed_on: date | None = None
    operator: str | None = None
    contact: str | None = None
    url: str | None = None
    feed_url: str | None = None
    note: str | None = None
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    site_id: int | None = None

    @property
    def platform_label(self) -> str:
        return platforms().label(self.platform)

    @property
    def state_label(self) -> str:
        return states().label(self.state)

    @property
    def running(self) -> bool:
        return self.state == running_state()

    @property
    def label(self) -> str:
        return f"{self.platform_label}“{self.name}”"

    @property
    def pseudo_url(self) -> str:
        """Where the account's own problems live when it has no public home page."""
        return f"{PSEUDO_HOST}/account/{self.id}/"

    @property
    def page(self) -> str:
        """The page of account-level findings (stale, menu links, messages)."""
        return self.url or self.pseudo_url

    def post_page(self, post_id: int, url: str | None) -> str:
        return url or f"{self.pseudo_url}post/{post_id}"


@dataclass(frozen=True)
class AccountSpec:
    """An account as the user gives it (command line or one spreadsheet row), not yet stored."""

    platform: str
    name: str
    account_key: str | None = None
    unit: str | None = None
    state: str | None = None
    opened_on: date | None = None
    state_date: date | None = None
    filing_no: str | None = None
    filed_on: date | None = None
    operator: str | None = None
    contact: str | None = None
    url: str | None = None
    feed_url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class StateChange:
    account_id: int
    on_date: date
    from_state: str | None
    to_state: str
    note: str | None
    actor: str


@dataclass(frozen=True)
class Post:
    id: int
    account_id: int
    published_at: datetime
    title: str
    text: str
    url: str | None
    original: bool | None
    origin_source: str | None
    source: str
    check_hash: str | None = None
    check_findings: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Message:
    id: int
    account_id: int
    received_at: datetime
    replied_at: datetime | None
    content: str
    number: str | None


@dataclass(frozen=True)
class ImportantItem:
    id: int
    title: str
    issued_at: datetime
    deadline: datetime
    url: str | None = None
    platforms: tuple[str, ...] | None = None  # None: the default repost platforms
    note: str | None = None


@dataclass(frozen=True)
class MenuLink:
    id: int
    account_id: int
    label: str
    url: str
    last_ok: bool | None = None
    last_status: int | None = None
    last_error: str | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True)
class PushToken:
    id: int
    name: str
    account_ids: tuple[int, ...] | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
