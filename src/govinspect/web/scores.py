"""Scores as the console shows them: scoring.service.score_site, rendered by scoring.render.to_json
and trimmed to what a page shows, cached per (site, scan) in web_score_cache.

A cached entry carries the version of what the score also depends on (judgements, 误报 marks); an
entry of another version is recomputed, so a confirmation or a 误报 shows at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from govinspect.findings import code_name
from govinspect.registry.model import RegistryError, Site
from govinspect.scoring.profile import ProfileError
from govinspect.scoring.render import to_json
from govinspect.scoring.scope import covering_sites, nested_sites
from govinspect.scoring.service import score_site, scoring_scan
from govinspect.store import registry_repo as rrepo
from govinspect.store.db import Database
from govinspect.store.schema_web import web_score_cache
from govinspect.web import queries
from govinspect.workflow.clock import as_utc, utcnow

log = logging.getLogger(__name__)


def _trim_finding(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "problem_id": f.get("problem_id"),
        "code": f.get("code"),
        "name": code_name(str(f.get("code"))),
        "severity": f.get("severity"),
        "page": f.get("page"),
        "target": f.get("target"),
        "evidence": f.get("evidence"),
        "suggestion": f.get("suggestion"),
        "decision": f.get("decision"),
    }


def _trim_list(items: list[dict[str, Any]], rows: int) -> tuple[list[dict[str, Any]], int]:
    return [_trim_finding(f) for f in items[:rows]], len(items)


def _basis(veto: dict[str, Any]) -> str:
    """One line on why a veto item stands as it does (as scoring.render says it on the terminal)."""
    parts = []
    for rule in veto["rules"]:
        pending = sum(1 for c in rule["candidates"] if c.get("decision") == "pending")
        if rule["judgement"] and not rule["findings"] and not rule["candidates"] and rule["count"] == 0:
            judged = {"confirmed": "已确认存在", "rejected": "已确认不存在"}.get(rule.get("judged") or "")
            if judged:
                parts.append(f"{rule['label']}：{judged}")
            continue
        if rule["failed"] or pending:
            text = f"{rule['label']}：{rule['count']}/{rule['threshold']}"
            parts.append(text + (f"（待确认 {pending}）" if pending else ""))
    return "；".join(parts) or "未发现"


def summarize(document: dict[str, Any], rows: int) -> dict[str, Any]:
    """The score JSON of scoring.render.to_json, with evidence lists cut to ``rows`` per item."""
    vetoes = []
    for v in document["veto"]:
        rules = []
        for r in v["rules"]:
            found, found_total = _trim_list(r["findings"], rows)
            candidates, candidates_total = _trim_list(r["candidates"], rows)
            rules.append({
                "id": r["id"], "label": r["label"], "judgement": r["judgement"], "threshold": r["threshold"],
                "count": r["count"], "failed": r["failed"], "judged": r["judged"],
                "findings": found, "findings_total": found_total,
                "candidates": candidates, "candidates_total": candidates_total,
                "pending": sum(1 for c in r["candidates"] if c.get("decision") == "pending"),
            })
        vetoes.append({
            "id": v["id"], "name": v["name"], "status": v["status"], "failed": v["failed"], "pending": v["pending"],
            "basis": _basis(v), "rules": rules,
        })
    deductions = []
    for d in document["deductions"]:
        found, total = _trim_list(d["findings"], rows)
        deductions.append({**{k: d[k] for k in d if k != "findings"}, "findings": found, "findings_total": total})
    return {
        "site": document["site"],
        "profile": document["profile"],
        "monitoring_point": document["monitoring_point"],
        "scan": document["scan"],
        "verdict": document["verdict"],
        "vetoed": document["vetoed"],
        "total": document["total"],
        "score": document["score"],
        "deduction_points": document["deduction_points"],
        "bonus_points": document["bonus_points"],
        "bonus_applied": document["bonus_applied"],
        "pending": document["pending_candidates"],
        "veto": vetoes,
        "deductions": deductions,
        "bonus": document["bonus"],
        "notes": document["notes"],
    }


def _cached(
    db: Database, keys: list[tuple[int, int]], mode: str
) -> dict[tuple[int, int], tuple[str, dict[str, Any]]]:
    if not keys:
        return {}
    query = select(web_score_cache.c.site_id, web_score_cache.c.scan_id, web_score_cache.c.version,
                   web_score_cache.c.summary).where(
        tuple_(web_score_cache.c.site_id, web_score_cache.c.scan_id).in_(keys), web_score_cache.c.mode == mode
    )
    with db.engine.connect() as conn:
        return {(int(s), int(c)): (str(v), dict(m)) for s, c, v, m in conn.execute(query)}


def _store(db: Database, site_id: int, scan_id: int, mode: str, version: str, summary: dict[str, Any]) -> None:
    with contextlib.suppress(IntegrityError):  # another request stored the same score a moment earlier
        _replace(db, site_id, scan_id, mode, version, summary)


def _replace(db: Database, site_id: int, scan_id: int, mode: str, version: str, summary: dict[str, Any]) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(web_score_cache).where(
            web_score_cache.c.site_id == site_id, web_score_cache.c.scan_id == scan_id, web_score_cache.c.mode == mode
        ))
        conn.execute(insert(web_score_cache).values(
            site_id=site_id, scan_id=scan_id, mode=mode, version=version, computed_at=utcnow(),
            verdict=summary["verdict"], score=summary["score"], total=summary["total"], summary=summary,
        ))


def _compute(db: Database, site_id: int, at: datetime, rows: int) -> dict[str, Any]:
    try:
        return summarize(to_json(score_site(db, site_id, at=at)), rows)
    except (RegistryError, ProfileError) as exc:
        return {"error": str(exc)}


def cache_versions(db: Database, site_ids: list[int], registered: dict[int, Site] | None = None) -> dict[int, str]:
    """Each site's cache version: its own judgements and 误报 marks, those of the sites covering it (a
    sub-site scored from its portal's scan reads the marks on the portal's problems), and the
    registry entries that decide which pages are its (itself, the sites around it and inside it)."""
    registered = registered if registered is not None else {s.id: s for s in rrepo.list_sites(db)}
    parents: dict[int, list[Site]] = {}
    around: dict[int, list[Site]] = {}
    for site_id in site_ids:
        site = registered.get(site_id)
        parents[site_id] = covering_sites(site, registered.values()) if site else []
        around[site_id] = [site, *parents[site_id], *nested_sites(site, registered.values())] if site else []
    raw = queries.score_versions(db, sorted(set(site_ids).union(p.id for ps in parents.values() for p in ps)))
    out = {}
    for site_id in site_ids:
        entries = sorted((s.id, s.url, s.kind, s.scope, repr(sorted(s.settings.items()))) for s in around[site_id])
        joined = "|".join([raw[site_id], *(raw[p.id] for p in parents[site_id]), repr(entries)])
        out[site_id] = hashlib.sha1(joined.encode("utf-8")).hexdigest()  # the column holds 120 characters
    return out


def scores_for(
    db: Database,
    scan_points: dict[int, tuple[int, datetime]],
    *,
    rows: int,
    mode: str,
    registered: dict[int, Site] | None = None,
    versions: dict[int, str] | None = None,
) -> dict[int, dict[str, Any]]:
    """Score summaries of sites: {site_id: (scan_id, the moment to score at)}. ``mode`` tells the
    two moments apart in the cache: "now" (the present) or "point" (the scan's own time)."""
    site_ids = sorted(scan_points)
    versions = versions if versions is not None else cache_versions(db, site_ids, registered)
    cached = _cached(db, [(s, scan_points[s][0]) for s in site_ids], mode)
    out: dict[int, dict[str, Any]] = {}
    for site_id in site_ids:
        scan_id, point = scan_points[site_id]
        hit = cached.get((site_id, scan_id))
        if hit is not None and hit[0] == versions[site_id]:
            out[site_id] = hit[1]
            continue
        summary = _compute(db, site_id, point, rows)
        if "error" not in summary and summary["scan"]["id"] == scan_id:
            _store(db, site_id, scan_id, mode, versions[site_id], summary)
        out[site_id] = summary
    return out


def current_scores(db: Database, site_ids: list[int], *, now: datetime, rows: int) -> dict[int, dict[str, Any]]:
    """Each site's score at ``now``, from the scan scoring.service.scoring_scan picks; sites without
    one are left out."""
    registered = {s.id: s for s in rrepo.list_sites(db)}
    latest = queries.latest_scans(db, site_ids, now)  # one query for the sites nested in no other
    for site_id in site_ids:
        site = registered.get(site_id)
        if site is not None and covering_sites(site, registered.values()):
            chosen = scoring_scan(db, site, now, list(registered.values()))
            if chosen is not None:
                latest[site_id] = chosen.id
    points = {site_id: (scan_id, as_utc(now)) for site_id, scan_id in latest.items()}
    return scores_for(db, points, rows=rows, mode="now", registered=registered)


def score_history(db: Database, site_id: int, *, now: datetime, scans: int, rows: int) -> list[dict[str, Any]]:
    """The site's score at each of its last ``scans`` finished scans, oldest first (read from the
    cache's plain columns; only scans not scored yet are scored)."""
    points = queries.recent_finished_scans(db, site_id, now, scans)
    if not points:
        return []
    version = cache_versions(db, [site_id])[site_id]
    query = select(web_score_cache.c.scan_id, web_score_cache.c.verdict, web_score_cache.c.score,
                   web_score_cache.c.total).where(
        web_score_cache.c.site_id == site_id, web_score_cache.c.mode == "point", web_score_cache.c.version == version,
        web_score_cache.c.scan_id.in_([scan_id for scan_id, _ in points]),
    )
    with db.engine.connect() as conn:
        known = {int(r[0]): {"verdict": r[1], "score": r[2], "total": r[3]} for r in conn.execute(query)}
    out = []
    for scan_id, point in points:
        found = known.get(scan_id)
        if found is None:
            summary = scores_for(db, {site_id: (scan_id, point)}, rows=rows, mode="point",
                                 versions={site_id: version})[site_id]
            if "error" in summary:
                continue
            found = {k: summary[k] for k in ("verdict", "score", "total")}
        out.append({"scan_id": scan_id, "at": point, **found})
    return out


def warm(db: Database, *, now: datetime, rows: int, history: int = 0) -> int:
    """Compute missing scores: each site's current one, then its last ``history`` scans' (run at
    start-up in the background, so the first overview is quick and its score trend filled in)."""
    try:
        site_ids = [int(i) for i in queries.latest_scans(db, _all_site_ids(db), now)]
        done = len(current_scores(db, site_ids, now=now, rows=rows))
        for site_id in site_ids if history else []:
            done += len(score_history(db, site_id, now=now, scans=history, rows=rows))
        return done
    except Exception:  # a warm-up must never stop the server; the page computes what is missing
        log.exception("预先计算站点得分失败")
        return 0


def _all_site_ids(db: Database) -> list[int]:
    from govinspect.store.schema import sites

    with db.engine.connect() as conn:
        return [int(i) for (i,) in conn.execute(select(sites.c.id))]
