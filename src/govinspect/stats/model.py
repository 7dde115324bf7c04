"""The value types shared by the statistics modules and their store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

_TITLE_IN_IDENTITY = 200


@dataclass(frozen=True)
class SiteRef:
    id: int
    url: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.url}）" if self.name else self.url


@dataclass(frozen=True)
class Message:
    """One citizen message (留言/来信) as an export or the site's message board shows it."""

    number: str | None
    title: str
    received_at: datetime
    answered_at: datetime | None
    answered: bool
    kind: str | None = None
    status: str | None = None
    unit: str | None = None
    source: str = "import"  # import | scan
    url: str | None = None

    @property
    def identity(self) -> str:
        """The export's number when it has one, else the received time and the title."""
        if self.number:
            return f"no:{self.number.strip()}"
        return f"tt:{self.received_at.isoformat(timespec='seconds')}|{normal_title(self.title)[:_TITLE_IN_IDENTITY]}"

    @property
    def day_title(self) -> tuple[date, str]:
        """What a message board and an export have in common: the day and the title."""
        return self.received_at.date(), normal_title(self.title)

    def days_to_answer(self) -> int | None:
        """Calendar days from received to answered (an answer the same day is 0 days)."""
        if self.answered_at is None:
            return None
        return max(0, (self.answered_at.date() - self.received_at.date()).days)


def normal_title(title: str) -> str:
    """Titles compared without spaces (boards and exports differ in whitespace)."""
    return "".join(title.split())
