"""What pages and API do, once: every change goes through the workflow's own functions
(workflow.actions) after the console has checked that this user may see the object (else 404) and
may take the action (else 403). Both front ends call these, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govinspect.registry.model import RegistryError, Site
from govinspect.store import problems_repo as prepo
from govinspect.store import registry_repo as rrepo
from govinspect.web import queries, scores
from govinspect.web.access import Access
from govinspect.web.auth import NotAllowed, PageNotFound
from govinspect.web.console import Console
from govinspect.workflow import actions
from govinspect.workflow.states import NEEDS_REASON, STATE_LABELS, label


def actor_of(access: Access) -> str:
    user = access.user
    return f"{user.display_name}（{user.username}）" if user.display_name else user.username


def require_problem(console: Console, access: Access, problem_id: int) -> prepo.Problem:
    problem = queries.visible_problem(console.db, access, problem_id)
    if problem is None:
        raise PageNotFound()
    return problem


def require_site(console: Console, access: Access, site_id: int) -> Site:
    site = rrepo.get_site(console.db, site_id)
    if site is None or (not access.sees_all and site.owner_unit_id not in (access.unit_ids or frozenset())):
        raise PageNotFound()
    return site


def site_visible(access: Access, site: Site) -> bool:
    return access.sees_all or site.owner_unit_id in (access.unit_ids or frozenset())


def change_state(console: Console, access: Access, problem_id: int, to_state: str, reason: str | None) -> prepo.Problem:
    problem = require_problem(console, access, problem_id)
    if to_state not in STATE_LABELS:
        raise RegistryError(f"未知的状态：{to_state}")
    if to_state not in access.allowed_targets(problem.state):
        if not access.can_act:
            raise NotAllowed("只读账号不能修改问题")
        raise NotAllowed(f"您的账号不能把问题从“{label(problem.state)}”改为“{label(to_state)}”")
    updated = actions.change_state(
        console.db, problem.id, to_state, actor=actor_of(access), reason=(reason or "").strip() or None,
        now=console.clock(),
    )
    console.changed(problem.site_id)
    return updated


def assign(console: Console, access: Access, problem_ids: list[int], unit_id: int, reason: str | None) -> int:
    visible = queries.visible_problem_ids(console.db, access, problem_ids)
    if len(visible) != len(set(problem_ids)):
        raise PageNotFound()  # what may not be seen answers 404 before anything else is said
    if not access.can_supervise:
        raise NotAllowed("只有管理员和监管人员可以分配问题")
    changed = actions.assign(
        console.db, visible, str(unit_id), actor=actor_of(access), reason=(reason or "").strip() or None,
        now=console.clock(),
    )
    console.changed()
    return changed


@dataclass
class BulkResult:
    done: int = 0
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"已处理 {self.done} 个问题"
        if self.skipped:
            text += f"，{len(self.skipped)} 个未处理：" + "；".join(self.skipped[:5])
            if len(self.skipped) > 5:
                text += "……"
        return text


def bulk(
    console: Console, access: Access, problem_ids: list[int], *, action: str, to_state: str | None = None,
    unit_id: int | None = None, reason: str | None = None,
) -> BulkResult:
    """One action on many problems: each is checked alone, and one refusal does not stop the rest."""
    ids = list(dict.fromkeys(problem_ids))
    if not ids:
        raise RegistryError("请先勾选要处理的问题")
    limit = console.config.pages.bulk_limit
    if len(ids) > limit:
        raise RegistryError(f"一次最多处理 {limit} 个问题")
    result = BulkResult()
    if action == "assign":
        if unit_id is None:
            raise RegistryError("请选择要分配给的单位")
        result.done = assign(console, access, ids, unit_id, reason)
        return result
    if action != "state" or not to_state:
        raise RegistryError("请选择要执行的操作")
    if to_state in NEEDS_REASON and not (reason and reason.strip()):
        raise RegistryError(f"改为“{label(to_state)}”必须说明理由")
    for problem_id in ids:
        try:
            change_state(console, access, problem_id, to_state, reason)
            result.done += 1
        except PageNotFound:
            result.skipped.append(f"#{problem_id} 不存在")
        except NotAllowed as exc:
            result.skipped.append(f"#{problem_id} {exc.message}")
        except RegistryError as exc:
            result.skipped.append(f"#{problem_id} {exc}")
    return result


def add_ignore_rule(
    console: Console, access: Access, problem_id: int, *, scope_site: bool, code: str | None, url: str | None,
    evidence: str | None, reason: str, apply_existing: bool,
) -> tuple[int, int]:
    """An ignore rule made from a problem; returns (rule id, problems marked 误报 now)."""
    problem = require_problem(console, access, problem_id)
    if not access.can_supervise:
        raise NotAllowed("只有管理员和监管人员可以添加忽略规则")
    rule, changed = actions.add_ignore_rule(
        console.db,
        site_id=problem.site_id if scope_site else None,
        code=(code or "").strip() or None,
        url=(url or "").strip() or None,
        evidence=(evidence or "").strip() or None,
        reason=reason,
        actor=actor_of(access),
        now=console.clock(),
        apply_existing=apply_existing,
    )
    console.changed(problem.site_id)
    return rule.id, changed


def start_scan(console: Console, access: Access, site_id: int) -> int:
    site = require_site(console, access, site_id)
    if not access.can_supervise:
        raise NotAllowed("只有管理员和监管人员可以发起扫描")
    return console.runner.start(site, actor_of(access))


def problem_page(
    console: Console, access: Access, filters: queries.ProblemFilters, *, page: int, size: int
) -> queries.ProblemPage:
    """A page of problems; the count of a filter is kept as briefly as the overview's aggregates
    (any change made through the console clears it), so paging does not count 200,000 rows again."""
    now = console.clock()
    overdue_minute = now.strftime("%Y%m%d%H%M") if filters.overdue else ""  # "overdue" moves with the clock
    key = f"count:{access.cache_key()}:{filters!r}:{overdue_minute}"
    total = console.overview_cache.get(key, lambda: queries.count_problems(console.db, access, filters, now=now))
    return queries.problem_page(console.db, access, filters, now=now, page=page, size=size, total=total)


# --- what the overview shows -------------------------------------------------------------------


def overview(console: Console, access: Access) -> dict[str, Any]:
    return dict(console.overview_cache.get("overview:" + access.cache_key(), lambda: _overview(console, access)))


def _overview(console: Console, access: Access) -> dict[str, Any]:
    db, now, cfg = console.db, console.clock(), console.config
    site_list = [s for s in rrepo.list_sites(db) if site_visible(access, s)]
    site_ids = [s.id for s in site_list]
    by_site, by_unit = queries.counts_by_site_and_unit(db, access, now=now)
    current = scores.current_scores(db, site_ids, now=now, rows=cfg.pages.evidence_rows)
    availability = queries.availability_by_day(db, site_ids, now=now, days=cfg.overview.availability_days)
    rows = []
    for site in site_list:
        summary = current.get(site.id)
        counts = by_site.get(site.id, queries.Counts())
        days = availability["sites"].get(site.id)
        probes = sum(p for p, _ in days) if days else 0
        failures = sum(f for _, f in days) if days else 0
        rows.append({
            "site": site,
            "score": summary,
            "failed_vetoes": [v for v in (summary or {}).get("veto", []) if v["failed"]],
            "pending_candidates": (summary or {}).get("pending", 0),
            "counts": counts,
            "availability": (1 - failures / probes) if probes else None,
            "probes": probes,
            "failures": failures,
            "days": days or [],
        })
    unit_names = queries.unit_names(db, access)
    ranked: list[tuple[str, int | None, queries.Counts]] = []
    for unit_id, counts in by_unit.items():
        name = "（未分配单位）" if unit_id is None else unit_names.get(unit_id) or f"单位 #{unit_id}"
        ranked.append((name, unit_id, counts))
    # best completion rate first; among equals, fewer overdue problems first
    ranked.sort(key=lambda r: (-(r[2].rate if r[2].rate is not None else -1.0), r[2].overdue, r[0]))
    ranking = [{"unit_id": unit_id, "name": name, "counts": counts} for name, unit_id, counts in ranked]
    scored = [r for r in rows if r["score"] and "error" not in r["score"]]
    return {
        "now": now,
        "rows": rows,
        "ranking": ranking,
        "trend": queries.weekly_trend(db, access, now=now, weeks=cfg.overview.trend_weeks),
        "score_trend": score_trend(console, site_ids),
        "availability_labels": availability["labels"],
        "totals": {
            "sites": len(site_list),
            "passed": sum(1 for r in scored if r["score"]["verdict"] == "合格"),
            "failed": sum(1 for r in scored if r["score"]["verdict"] != "合格"),
            "unscored": len(site_list) - len(scored),
            "pending": sum(c.pending for c in by_site.values()),
            "overdue": sum(c.overdue for c in by_site.values()),
            "veto_sites": sum(1 for r in rows if r["failed_vetoes"]),
        },
    }


def score_trend(console: Console, site_ids: list[int]) -> dict[str, Any]:
    """Average score and sites passing per scan day, from the scores computed so far (the start-up
    warm-up and site pages fill them in; nothing is computed here, so the overview stays quick)."""
    from sqlalchemy import select

    from govinspect.store.schema import scans
    from govinspect.store.schema_web import web_score_cache
    from govinspect.workflow.clock import CHINA, as_utc

    if not site_ids:
        return {"labels": [], "average": [], "passed": [], "sites": []}
    query = (
        select(scans.c.monitoring_point, web_score_cache.c.verdict, web_score_cache.c.score)
        .select_from(web_score_cache.join(scans, scans.c.id == web_score_cache.c.scan_id))
        .where(web_score_cache.c.site_id.in_(site_ids), web_score_cache.c.mode == "point")
        .order_by(scans.c.monitoring_point)
    )
    days: dict[str, list[tuple[str, float]]] = {}
    with console.db.engine.connect() as conn:
        for point, verdict, score in conn.execute(query):
            day = as_utc(point).astimezone(CHINA).strftime("%Y-%m-%d")
            days.setdefault(day, []).append((str(verdict), float(score)))
    labels = sorted(days)[-console.config.overview.trend_weeks * 7 :]
    return {
        "labels": labels,
        "average": [round(sum(s for _, s in days[d]) / len(days[d]), 1) for d in labels],
        "passed": [sum(1 for v, _ in days[d] if v == "合格") for d in labels],
        "sites": [len(days[d]) for d in labels],
    }


# --- what a site page shows --------------------------------------------------------------------

_COLUMN_TREES: dict[tuple[str, int], list[dict[str, Any]] | str] = {}  # (database, scan) → the tree, or why none
_COLUMN_TREES_KEPT = 16
_TREE_FAILED = "栏目树无法生成："


def column_tree(console: Console, site: Site, scan_id: int) -> list[dict[str, Any]] | str:
    """The column tree of a finished scan with each column's freshness, from the facts the crawl
    stored (structure.columns does the work); a string says why there is none. Built once per scan
    and kept in web_column_trees (a finished scan never changes), and in memory for a few scans."""
    key = (str(console.db.engine.url), scan_id)
    if key in _COLUMN_TREES:
        return _COLUMN_TREES[key]
    result = stored_column_tree(console.db, scan_id)
    if result is None:
        result = build_column_tree(console.db, console.settings, site, scan_id)
    if isinstance(result, str) and result.startswith(_TREE_FAILED):
        return result  # a bad site setting: asked again next time, so a fixed setting shows at once
    if len(_COLUMN_TREES) >= _COLUMN_TREES_KEPT:
        _COLUMN_TREES.pop(next(iter(_COLUMN_TREES)))
    _COLUMN_TREES[key] = result
    return result


def stored_column_tree(db: Any, scan_id: int) -> list[dict[str, Any]] | str | None:
    from sqlalchemy import select

    from govinspect.store.schema_web import web_column_trees

    with db.engine.connect() as conn:
        found = conn.execute(select(web_column_trees.c.tree).where(web_column_trees.c.scan_id == scan_id)).first()
    return found[0] if found is not None else None


def build_column_tree(db: Any, settings: Any, site: Site, scan_id: int) -> list[dict[str, Any]] | str:
    import contextlib

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from govinspect.checks.registry import CheckContext
    from govinspect.store.schema_web import web_column_trees
    from govinspect.structure.columns import STATUS_LABELS, walk
    from govinspect.structure.columns import build_column_tree as structure_tree
    from govinspect.workflow.clock import china, utcnow

    info = db.scan(scan_id)
    if info is None:
        return "没有这次扫描"
    ctx = CheckContext(settings=settings, site_url=info.start_url, now=china(info.monitoring_point),
                       site_config=dict(site.settings))
    try:
        columns = walk(structure_tree(db.site_data(scan_id, info.start_url), ctx))
    except ValueError as exc:
        return f"{_TREE_FAILED}{exc}"  # a bad site setting: not kept, so a fixed setting shows at once
    result: list[dict[str, Any]] | str = [
        {
            "name": c.name, "level": c.level, "url": c.url, "kind": c.kind_label, "subsite": c.subsite,
            "count": c.item_count, "lower_bound": c.count_is_lower_bound,
            "newest": c.newest.isoformat() if c.newest else None,
            "days": c.days_since_newest(ctx.now.date()),
            "status": c.status, "status_label": STATUS_LABELS.get(c.status, c.status),
            "limit": c.limit.describe() if c.limit is not None else None,
        }
        for c in columns
    ]
    if not result:
        result = "这次扫描没有识别出栏目（页面缺少栏目列表的信息）"
    if info.status == "finished":
        with contextlib.suppress(IntegrityError), db.engine.begin() as conn:  # another worker was first
            conn.execute(insert(web_column_trees).values(scan_id=scan_id, computed_at=utcnow(), tree=result))
    return result


def site_detail(console: Console, access: Access, site: Site) -> dict[str, Any]:
    from govinspect.web.jobs import latest_job

    db, now, cfg = console.db, console.clock(), console.config
    rows = cfg.pages.evidence_rows
    current = scores.current_scores(db, [site.id], now=now, rows=rows).get(site.id)
    counts = console.overview_cache.get(
        f"site-counts:{access.cache_key()}:{site.id}",
        lambda: queries.counts_by(db, access, "site_id", now=now, site_id=site.id).get(site.id, queries.Counts()),
    )
    history = scores.score_history(db, site.id, now=now, scans=cfg.overview.score_history_scans, rows=rows)
    tree: list[dict[str, Any]] | str = "尚无完成的扫描"
    if current and "scan" in current:
        tree = column_tree(console, site, int(current["scan"]["id"]))
    return {
        "site": site,
        "score": current,
        "counts": counts,
        "history": history,
        "columns": tree,
        "scans": queries.scan_history(db, access, site_id=site.id, limit=20),
        "job": latest_job(db, site.id),
    }
