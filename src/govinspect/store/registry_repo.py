"""Data access of the registry: units, the registry columns of sites, assignment rules.

A SITE or UNIT argument may be an id, a name or (for sites) a URL; ``require_*`` turn a miss or an
ambiguous name into a RegistryError with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from govinspect.crawl.urls import BadURL, normalize
from govinspect.registry.model import (
    AssignmentRule,
    ImportSummary,
    RegistryError,
    RegistryPlan,
    RuleSpec,
    Site,
    SiteSpec,
    Unit,
    parse_rule_match,
    parse_site_kind,
    validate_site_settings,
)
from govinspect.store.db import Database
from govinspect.store.schema import sites
from govinspect.store.schema_workflow import assignment_rules, problems, units
from govinspect.workflow.clock import utcnow

_UNSET: Any = object()


# --- units ---------------------------------------------------------------------------------


def _units(conn: Connection) -> list[Unit]:
    rows = conn.execute(select(units).order_by(units.c.id)).mappings().all()
    names = {r["id"]: r["name"] for r in rows}
    return [
        Unit(id=r["id"], name=r["name"], parent_id=r["parent_id"], parent_name=names.get(r["parent_id"]), contact=r["contact"])
        for r in rows
    ]


def list_units(db: Database) -> list[Unit]:
    with db.engine.connect() as conn:
        return _units(conn)


def _find_unit(conn: Connection, ref: str | int) -> Unit | None:
    text = str(ref).strip()
    all_units = _units(conn)
    if text.isdigit():
        for unit in all_units:
            if unit.id == int(text):
                return unit
    for unit in all_units:
        if unit.name == text:
            return unit
    return None


def find_unit(db: Database, ref: str | int) -> Unit | None:
    with db.engine.connect() as conn:
        return _find_unit(conn, ref)


def _require_unit(conn: Connection, ref: str | int) -> Unit:
    unit = _find_unit(conn, ref)
    if unit is None:
        raise RegistryError(f"没有找到单位：{ref}（请先用 unit add 登记）")
    return unit


def require_unit(db: Database, ref: str | int) -> Unit:
    with db.engine.connect() as conn:
        return _require_unit(conn, ref)


def _check_parent(conn: Connection, unit_id: int, parent_id: int | None) -> None:
    """A unit may not become its own ancestor."""
    seen = {unit_id}
    current = parent_id
    while current is not None:
        if current in seen:
            raise RegistryError("上级单位设置会形成循环")
        seen.add(current)
        current = conn.execute(select(units.c.parent_id).where(units.c.id == current)).scalar()


def add_unit(
    db: Database, name: str, parent: str | None = None, contact: str | None = None, *, now: datetime | None = None
) -> Unit:
    name = name.strip()
    if not name:
        raise RegistryError("单位名称不能为空")
    if name.isdigit():
        raise RegistryError("单位名称不能是纯数字（数字用来表示编号）")
    with db.engine.begin() as conn:
        if _find_unit(conn, name) is not None:
            raise RegistryError(f"单位“{name}”已存在")
        parent_id = _require_unit(conn, parent).id if parent else None
        result = conn.execute(
            insert(units).values(name=name, parent_id=parent_id, contact=contact, created_at=now or utcnow())
        )
        key = result.inserted_primary_key
        assert key is not None
        return _require_unit(conn, int(key[0]))


def update_unit(
    db: Database, ref: str, *, name: str | None = None, parent: str | None = _UNSET, contact: str | None = _UNSET
) -> Unit:
    with db.engine.begin() as conn:
        unit = _require_unit(conn, ref)
        values: dict[str, Any] = {}
        if name:
            other = _find_unit(conn, name)
            if other is not None and other.id != unit.id:
                raise RegistryError(f"单位“{name}”已存在")
            values["name"] = name.strip()
        if parent is not _UNSET:
            parent_id = _require_unit(conn, parent).id if parent else None
            _check_parent(conn, unit.id, parent_id)
            values["parent_id"] = parent_id
        if contact is not _UNSET:
            values["contact"] = contact
        if values:
            conn.execute(update(units).where(units.c.id == unit.id).values(**values))
        return _require_unit(conn, unit.id)


def remove_unit(db: Database, ref: str) -> Unit:
    """Remove a unit that nothing depends on; otherwise say what still refers to it."""
    with db.engine.begin() as conn:
        unit = _require_unit(conn, ref)
        uses = [
            (conn.execute(select(func.count()).where(units.c.parent_id == unit.id)).scalar_one(), "个下级单位"),
            (conn.execute(select(func.count()).where(sites.c.owner_unit_id == unit.id)).scalar_one(), "个站点的主办单位"),
            (
                conn.execute(select(func.count()).where(assignment_rules.c.unit_id == unit.id)).scalar_one(),
                "条责任规则",
            ),
            (conn.execute(select(func.count()).where(problems.c.unit_id == unit.id)).scalar_one(), "个问题"),
        ]
        held = [f"{n} {what}" for n, what in uses if n]
        if held:
            raise RegistryError(f"单位“{unit.name}”仍被引用（{'、'.join(held)}），请先改动这些引用再删除")
        conn.execute(delete(units).where(units.c.id == unit.id))
        return unit


# --- sites ---------------------------------------------------------------------------------


def _rules_of(conn: Connection, site_ids: Iterable[int]) -> dict[int, list[AssignmentRule]]:
    ids = list(site_ids)
    out: dict[int, list[AssignmentRule]] = {i: [] for i in ids}
    if not ids:
        return out
    query = (
        select(assignment_rules, units.c.name.label("unit_name"))
        .join(units, units.c.id == assignment_rules.c.unit_id)
        .where(assignment_rules.c.site_id.in_(ids))
        .order_by(assignment_rules.c.site_id, assignment_rules.c.position, assignment_rules.c.id)
    )
    for r in conn.execute(query).mappings():
        out[r["site_id"]].append(
            AssignmentRule(
                match=r["match"], pattern=r["pattern"], unit_id=r["unit_id"], unit_name=r["unit_name"], position=r["position"]
            )
        )
    return out


def _sites(conn: Connection, where: Any = None) -> list[Site]:
    query = select(
        sites.c.id,
        sites.c.url,
        sites.c.name,
        sites.c.kind,
        sites.c.owner_unit_id,
        sites.c.settings,
        sites.c.scope,
        units.c.name.label("owner_name"),
    ).select_from(sites.outerjoin(units, units.c.id == sites.c.owner_unit_id))
    if where is not None:
        query = query.where(where)
    rows = conn.execute(query.order_by(sites.c.id)).mappings().all()
    rules = _rules_of(conn, [r["id"] for r in rows])
    return [
        Site(
            id=r["id"],
            url=r["url"],
            name=r["name"] or "",
            kind=r["kind"],
            owner_unit_id=r["owner_unit_id"],
            owner_name=r["owner_name"],
            settings=dict(r["settings"] or {}),
            scope=tuple(r["scope"] or ()),
            rules=tuple(rules[r["id"]]),
        )
        for r in rows
    ]


def list_sites(db: Database) -> list[Site]:
    with db.engine.connect() as conn:
        return _sites(conn)


def get_site(db: Database, site_id: int) -> Site | None:
    with db.engine.connect() as conn:
        found = _sites(conn, sites.c.id == site_id)
    return found[0] if found else None


def _find_site(conn: Connection, ref: str | int) -> Site | None:
    text = str(ref).strip()
    if text.isdigit():
        found = _sites(conn, sites.c.id == int(text))
        if found:
            return found[0]
    if "://" in text:
        try:
            url = normalize(text)
        except BadURL as exc:
            raise RegistryError(str(exc)) from exc
        candidates = {url, url.rstrip("/"), url if url.endswith("/") else url + "/"}
        found = _sites(conn, sites.c.url.in_(candidates))
        return found[0] if found else None
    found = _sites(conn, sites.c.name == text)
    if len(found) > 1:
        ids = "、".join(str(s.id) for s in found)
        raise RegistryError(f"有多个站点名为“{text}”（编号 {ids}），请用编号或网址指明")
    return found[0] if found else None


def find_site(db: Database, ref: str | int) -> Site | None:
    with db.engine.connect() as conn:
        return _find_site(conn, ref)


def require_site(db: Database, ref: str | int) -> Site:
    with db.engine.connect() as conn:
        site = _find_site(conn, ref)
    if site is None:
        raise RegistryError(f"没有找到站点：{ref}（可用编号、名称或网址；用 site list 查看）")
    return site


def site_for_url(db: Database, url: str) -> Site | None:
    """The registered site whose home page is ``url`` (as `scan URL` gives it), if any."""
    with db.engine.connect() as conn:
        return _find_site(conn, url if "://" in url else f"http://{url}")


def _normalized_url(url: str) -> str:
    try:
        return normalize(url)
    except BadURL as exc:
        raise RegistryError(str(exc)) from exc


def _clean_scope(scope: Iterable[str]) -> list[str]:
    return [s.strip() for s in scope if s and s.strip()]


def add_site(
    db: Database,
    url: str,
    name: str = "",
    *,
    kind: str | None = None,
    owner: str | None = None,
    scope: Iterable[str] = (),
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Site:
    url = _normalized_url(url)
    values: dict[str, Any] = {
        "url": url,
        "name": name.strip(),
        "kind": parse_site_kind(kind) if kind else None,
        "scope": _clean_scope(scope),
        "settings": validate_site_settings(settings),
        "created_at": now or utcnow(),
    }
    with db.engine.begin() as conn:
        existing = _find_site(conn, url)
        if existing is not None:
            raise RegistryError(f"站点 {url} 已登记（编号 {existing.id}），请用 site set 修改")
        values["owner_unit_id"] = _require_unit(conn, owner).id if owner else None
        result = conn.execute(insert(sites).values(**values))
        key = result.inserted_primary_key
        assert key is not None
        return _sites(conn, sites.c.id == int(key[0]))[0]


def update_site(
    db: Database,
    ref: str | int,
    *,
    name: str | None = None,
    url: str | None = None,
    kind: str | None = _UNSET,
    owner: str | None = _UNSET,
    scope: Iterable[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> Site:
    with db.engine.begin() as conn:
        site = _find_site(conn, ref)
        if site is None:
            raise RegistryError(f"没有找到站点：{ref}")
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name.strip()
        if url is not None:
            new_url = _normalized_url(url)
            other = _find_site(conn, new_url)
            if other is not None and other.id != site.id:
                raise RegistryError(f"网址 {new_url} 已属于站点 {other.id}")
            values["url"] = new_url
        if kind is not _UNSET:
            values["kind"] = parse_site_kind(kind) if kind else None
        if owner is not _UNSET:
            values["owner_unit_id"] = _require_unit(conn, owner).id if owner else None
        if scope is not None:
            values["scope"] = _clean_scope(scope)
        if settings is not None:
            values["settings"] = validate_site_settings(settings)
        if values:
            conn.execute(update(sites).where(sites.c.id == site.id).values(**values))
        return _sites(conn, sites.c.id == site.id)[0]


def _replace_rules(conn: Connection, site_id: int, rules: Iterable[RuleSpec]) -> int:
    conn.execute(delete(assignment_rules).where(assignment_rules.c.site_id == site_id))
    count = 0
    seen: set[tuple[str, str]] = set()
    for position, rule in enumerate(rules):
        match = parse_rule_match(rule.match)
        pattern = rule.pattern.strip()
        if not pattern:
            raise RegistryError("责任规则的匹配内容不能为空")
        if (match, pattern) in seen:
            raise RegistryError(f"责任规则重复：{pattern}")
        seen.add((match, pattern))
        unit = _require_unit(conn, rule.unit)
        conn.execute(
            insert(assignment_rules).values(
                site_id=site_id, match=match, pattern=pattern, unit_id=unit.id, position=position
            )
        )
        count += 1
    return count


def add_rule(db: Database, ref: str | int, match: str, pattern: str, unit: str) -> Site:
    site = require_site(db, ref)
    current = [RuleSpec(r.match, r.pattern, str(r.unit_id)) for r in site.rules]
    match_id = parse_rule_match(match)
    current = [r for r in current if (r.match, r.pattern) != (match_id, pattern.strip())]
    with db.engine.begin() as conn:
        _replace_rules(conn, site.id, [*current, RuleSpec(match_id, pattern, unit)])
        return _sites(conn, sites.c.id == site.id)[0]


def remove_rule(db: Database, ref: str | int, pattern: str) -> Site:
    site = require_site(db, ref)
    kept = [RuleSpec(r.match, r.pattern, str(r.unit_id)) for r in site.rules if r.pattern != pattern.strip()]
    if len(kept) == len(site.rules):
        raise RegistryError(f"站点 {site.id} 没有匹配内容为“{pattern}”的责任规则")
    with db.engine.begin() as conn:
        _replace_rules(conn, site.id, kept)
        return _sites(conn, sites.c.id == site.id)[0]


# --- import ----------------------------------------------------------------------------------


def apply_plan(db: Database, plan: RegistryPlan, *, now: datetime | None = None) -> ImportSummary:
    """Write a validated import in one transaction: all of it or, on any error, nothing."""
    summary = ImportSummary()
    moment = now or utcnow()
    with db.engine.begin() as conn:
        # units first without parents, so that a parent may be listed after its child
        for spec in plan.units:
            found = _find_unit(conn, spec.name)
            if found is None:
                conn.execute(insert(units).values(name=spec.name, contact=spec.contact, created_at=moment))
                summary.units_added += 1
            else:
                if spec.contact is not None:
                    conn.execute(update(units).where(units.c.id == found.id).values(contact=spec.contact))
                summary.units_updated += 1
        for spec in plan.units:
            unit = _require_unit(conn, spec.name)
            parent_id = _require_unit(conn, spec.parent).id if spec.parent else None
            _check_parent(conn, unit.id, parent_id)
            conn.execute(update(units).where(units.c.id == unit.id).values(parent_id=parent_id))
        for site_spec in plan.sites:
            summary.rules += _apply_site(conn, site_spec, moment, summary)
    return summary


def _apply_site(conn: Connection, spec: SiteSpec, moment: datetime, summary: ImportSummary) -> int:
    values: dict[str, Any] = {
        "name": spec.name,
        "kind": spec.kind,
        "owner_unit_id": _require_unit(conn, spec.owner).id if spec.owner else None,
        "scope": list(spec.scope),
        "settings": spec.settings,
    }
    found = _find_site(conn, spec.url)
    if found is None:
        result = conn.execute(insert(sites).values(url=spec.url, created_at=moment, **values))
        key = result.inserted_primary_key
        assert key is not None
        site_id = int(key[0])
        summary.sites_added += 1
    else:
        site_id = found.id
        conn.execute(update(sites).where(sites.c.id == site_id).values(**values))
        summary.sites_updated += 1
    if spec.rules is None:
        return 0
    return _replace_rules(conn, site_id, spec.rules)
