"""What one run of one tool measured and found, and how it compares with the site's planted problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from .measure import Measurement
from .nginx import Request
from .sites import KIND_LABELS, BenchSite


@dataclass
class Detection:
    """Per planted kind: (found, planted); plus broken targets the tool reported that were not planted."""

    by_kind: dict[str, tuple[int, int]]
    unplanted: int

    @property
    def found(self) -> int:
        return sum(found for found, _ in self.by_kind.values())

    @property
    def planted(self) -> int:
        return sum(planted for _, planted in self.by_kind.values())


def pages_reached(site: BenchSite, requests: list[Request]) -> int:
    """How many of the site's HTML pages were fetched (GET answered with 200) in these requests."""
    from govinspect.crawl.urls import BadURL, normalize

    wanted = set(site.page_urls())
    got = set()
    for r in requests:
        if r.method == "GET" and r.status == 200:
            try:
                got.add(normalize(r.url))
            except (BadURL, ValueError):
                continue
    return len(wanted & got)


def detection(site: BenchSite, broken: set[str]) -> Detection:
    planted = site.planted_by_kind()
    by_kind = {kind: (len(planted.get(kind, set()) & broken), len(planted.get(kind, set()))) for kind in KIND_LABELS}
    all_planted = set().union(*planted.values()) if planted else set()
    return Detection(by_kind=by_kind, unplanted=len(broken - all_planted))


@dataclass
class ToolResult:
    name: str
    label: str
    version: str = ""
    site_pages: int = 0
    measurement: Measurement | None = None
    pages_seen: int | None = None  # what the tool itself says it fetched, where it says so
    pages_reached: int | None = None  # the site's HTML pages nginx served to it (GET, 200)
    detection: Detection | None = None
    server_cpu_s: float = 0.0  # nginx's CPU during the run (the server side of the same work)
    skipped: str | None = None  # why it did not run
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.skipped is None and self.measurement is not None

    @property
    def pages_per_s(self) -> float:
        """The site's HTML pages ÷ wall time (the headline figure, as the issue defines it)."""
        if self.measurement is None or self.measurement.wall_s <= 0:
            return 0.0
        return self.site_pages / self.measurement.wall_s

    @property
    def reached_per_s(self) -> float:
        """Pages the tool really fetched ÷ wall time: lower than pages_per_s for a tool that misses pages."""
        if self.measurement is None or self.measurement.wall_s <= 0 or self.pages_reached is None:
            return 0.0
        return self.pages_reached / self.measurement.wall_s

    def to_json(self) -> dict[str, object]:
        m = self.measurement
        return {
            "name": self.name,
            "label": self.label,
            "version": self.version,
            "site_pages": self.site_pages,
            "skipped": self.skipped,
            "wall_s": round(m.wall_s, 3) if m else None,
            "pages_per_s": round(self.pages_per_s, 1) if m else None,
            "cpu_s": round(m.cpu_s, 2) if m else None,
            "peak_rss_mb": round(m.peak_rss_mb, 1) if m else None,
            "max_single_rss_mb": round(m.max_single_rss_mb, 1) if m else None,
            "sampled_tree_rss_mb": round(m.sampled_tree_rss_mb, 1) if m else None,
            "returncode": m.returncode if m else None,
            "timed_out": m.timed_out if m else None,
            "server_cpu_s": round(self.server_cpu_s, 2),
            "pages_seen": self.pages_seen,
            "pages_reached": self.pages_reached,
            "detection": (
                {"by_kind": self.detection.by_kind, "unplanted": self.detection.unplanted} if self.detection else None
            ),
            "notes": self.notes,
        }


@dataclass
class EngineRate:
    """Raw fetch rate of one HTTP engine over the site's page URLs."""

    engine: str
    requests: int
    ok: int
    seconds: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0
