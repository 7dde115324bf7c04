"""Score a registered site at a monitoring point from what the database holds.

Registered sites nest (scoring/scope.py): a portal's scan also crawls the 子站 and department sites
registered under it. So a site is scored from the latest finished scan that speaks for it, its own
or a covering site's, and only on the findings of its own pages:

- findings on pages of a site nested in it are left out (they are that site's, scored there);
- from a covering site's scan, only findings on pages in its own area count.

The problems (整改) of a scan's findings live under the site that scanned, so 误报 marks and the
judgements on single findings are read there; words on a whole item (a judgement-only veto, a
manual deduction, a bonus) are read from the scored site alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from govinspect.findings import Finding
from govinspect.registry.model import RegistryError, Site
from govinspect.scoring.engine import Judgement, ScoreInput, ScoreResult, score
from govinspect.scoring.profile import site_profile
from govinspect.scoring.scope import areas_of, covering_sites, nested_sites, owner_of, site_area
from govinspect.store import problems_repo as prepo
from govinspect.store.db import Database, ScanInfo
from govinspect.store.registry_repo import list_sites, require_site
from govinspect.workflow.clock import as_utc, show, utcnow
from govinspect.workflow.states import FALSE_ALARM


@dataclass(frozen=True)
class NestedSite:
    """A registered site inside the scored one, and how many of the scan's findings were its."""

    site: Site
    findings: int


@dataclass
class SiteScore:
    site: Site
    scan: ScanInfo
    at: datetime
    result: ScoreResult
    problem_ids: dict[str, int]  # finding fingerprint → problem id, to act on candidates
    scan_site: Site  # the site whose scan was used: the scored site itself, or a site covering it
    nested: list[NestedSite] = field(default_factory=list)

    @property
    def inherited(self) -> bool:
        """Whether the scan is a covering (上级) site's, not the scored site's own."""
        return self.scan_site.id != self.site.id

    @property
    def basis(self) -> str:
        """Which scan the score rests on, in words: 扫描 #12 / 取自上级站点“…”的扫描 #12."""
        if not self.inherited:
            return f"扫描 #{self.scan.id}"
        return f"取自上级站点“{self.scan_site.name or self.scan_site.url}”的扫描 #{self.scan.id}"


def score_site(
    db: Database, site_ref: str | int, *, at: datetime | None = None, profile: Path | str | None = None
) -> SiteScore:
    """Score the site from the latest finished scan at or before ``at`` (default: now) that speaks
    for it: its own, or that of a registered site covering it which crawled its pages (see the module).

    The profile is the one given, else the site's setting ``profile``, else the national one.
    误报 marks count as they stood at ``at`` (from the problems' audit trail).
    """
    site = require_site(db, site_ref)
    moment = as_utc(at) if at else utcnow()
    chosen = site_profile(site.settings, profile)
    registered = list_sites(db)
    scan = scoring_scan(db, site, moment, registered)
    if scan is None:
        raise RegistryError(f"站点“{site.name or site.url}”在 {show(moment)} 之前没有完成的扫描，请先扫描")
    scan_site = next((s for s in registered if s.id == scan.site_id), site)
    findings, nested = _own_findings(db.findings_of(scan.id), site, scan_site, nested_sites(site, registered))
    data = ScoreInput(
        findings=findings,
        site_kind=site.kind,
        settings=site.settings,
        judgements=_judgements(db, site, scan_site, moment),
        excluded=_false_alarms(db, site, scan_site, moment),
    )
    with db.engine.connect() as conn:  # the problems of the findings scored, not the whole table
        ids = prepo.ids_by_fingerprint(conn, scan_site.id, [f.fingerprint() for f in findings])
    result = score(chosen, data)
    result.notes.extend(
        f"下级站点“{n.site.name or n.site.url}”范围内页面上的 {n.findings} 条问题不计入本站，由该站单独评分"
        for n in nested
        if n.findings
    )
    return SiteScore(
        site=site, scan=scan, at=moment, result=result, problem_ids=ids, scan_site=scan_site, nested=nested
    )


def scoring_scan(db: Database, site: Site, at: datetime, registered: Sequence[Site]) -> ScanInfo | None:
    """The scan a score of ``site`` at ``at`` rests on: the latest finished one that speaks for it,
    its own or a covering site's that crawled its pages (the console and the reports ask the same)."""
    covering = covering_sites(site, registered)
    area = site_area(site)
    return prepo.latest_scan_reaching(
        db, site.id, as_utc(at), covering=[s.id for s in covering], prefixes=area.prefixes, exact=sorted(area.exact)
    )


def _own_findings(
    findings: list[Finding], site: Site, scan_site: Site, inner: list[Site]
) -> tuple[list[Finding], list[NestedSite]]:
    """The scan's findings on the site's own pages, and how many each nested site took.

    From the site's own scan every finding is a candidate; from a covering site's scan only those on
    pages in the site's area. Then a finding on a page of a nested site (the most specific one that
    holds the page) is that site's.
    """
    area = site_area(site)
    inner_areas = areas_of(inner)
    kept: list[Finding] = []
    taken: dict[int, int] = {s.id: 0 for s in inner}
    for finding in findings:
        if scan_site.id != site.id and not area.contains(finding.page):
            continue
        owner = owner_of(finding.page, inner_areas)
        if owner is not None:
            taken[owner.id] += 1
            continue
        kept.append(finding)
    return kept, [NestedSite(s, taken[s.id]) for s in inner]


def _judgements(db: Database, site: Site, scan_site: Site, moment: datetime) -> list[Judgement]:
    """The site's own judgements; from a covering site's scan also that site's words on single findings
    (the candidates were confirmed on its problems), merged in time order so the last word wins."""
    own = prepo.judgements_for(db, site.id, item_level_until=moment)
    if scan_site.id == site.id:
        return own
    borrowed = prepo.judgements_for(db, scan_site.id, item_level_until=moment, findings_only=True)
    return sorted([*borrowed, *own], key=lambda j: as_utc(j.at) if j.at else moment)


def _false_alarms(db: Database, site: Site, scan_site: Site, moment: datetime) -> frozenset[str]:
    """Fingerprints marked 误报 at the moment: on the scanning site's problems, and on the site's own
    (a finding a person called false on the sub-site's own problem stays false)."""
    marked = prepo.fingerprints_in_state_at(db, scan_site.id, FALSE_ALARM, moment)
    if scan_site.id != site.id:
        marked |= prepo.fingerprints_in_state_at(db, site.id, FALSE_ALARM, moment)
    return marked
