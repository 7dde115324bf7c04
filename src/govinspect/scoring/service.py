"""Score a registered site at a monitoring point from what the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from govinspect.registry.model import RegistryError, Site
from govinspect.scoring.engine import ScoreInput, ScoreResult, score
from govinspect.scoring.profile import load_profile
from govinspect.store import problems_repo as prepo
from govinspect.store.db import Database, ScanInfo
from govinspect.store.registry_repo import require_site
from govinspect.workflow.clock import as_utc, show, utcnow
from govinspect.workflow.states import FALSE_ALARM


@dataclass
class SiteScore:
    site: Site
    scan: ScanInfo
    at: datetime
    result: ScoreResult
    problem_ids: dict[str, int]  # finding fingerprint → problem id, to act on candidates


def score_site(
    db: Database, site_ref: str | int, *, at: datetime | None = None, profile: Path | str | None = None
) -> SiteScore:
    """Score the site's latest finished scan at or before ``at`` (default: now).

    The profile is the one given, else the site's setting ``profile``, else the national one.
    """
    site = require_site(db, site_ref)
    moment = as_utc(at) if at else utcnow()
    chosen = load_profile(profile or site.settings.get("profile"))
    scan = prepo.latest_scan(db, site.id, moment)
    if scan is None:
        raise RegistryError(f"站点“{site.name or site.url}”在 {show(moment)} 之前没有完成的扫描，请先扫描")
    data = ScoreInput(
        findings=db.findings_of(scan.id),
        site_kind=site.kind,
        settings=site.settings,
        judgements=prepo.judgements_for(db, site.id, item_level_until=moment),
        excluded=prepo.fingerprints_in_state(db, site.id, FALSE_ALARM),
    )
    ids = {p.fingerprint: p.id for p in prepo.list_problems(db, site_id=site.id)}
    return SiteScore(site=site, scan=scan, at=moment, result=score(chosen, data), problem_ids=ids)
