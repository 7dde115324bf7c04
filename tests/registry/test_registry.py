"""Units, sites, the finding → unit rule, site settings, and what a scan takes from the registry."""

from __future__ import annotations

import pytest

from govinspect.findings import Finding
from govinspect.registry.mapping import UnitResolver
from govinspect.registry.model import RegistryError, parse_site_kind
from govinspect.registry.scanning import scan_inputs
from govinspect.settings import Settings
from govinspect.store import registry_repo as repo

BASE = "http://127.0.0.1:8080/"


def _registry(db):
    repo.add_unit(db, "宁川县人民政府办公室")
    repo.add_unit(db, "宁川县教育局", parent="宁川县人民政府办公室", contact="0951-6023456")
    repo.add_unit(db, "宁川县司法局", parent="宁川县人民政府办公室")
    site = repo.add_site(db, BASE, "宁川县人民政府", kind="门户网站", owner="宁川县人民政府办公室")
    repo.add_rule(db, site.id, "prefix", "/bm/jyj/", "宁川县教育局")
    repo.add_rule(db, site.id, "prefix", "/bm/", "宁川县司法局")
    return repo.add_rule(db, site.id, "column", "政策文件", "宁川县司法局")


def test_units_with_parents_and_clear_errors(any_db):
    db = any_db
    _registry(db)
    units = {u.name: u for u in repo.list_units(db)}
    assert units["宁川县教育局"].parent_name == "宁川县人民政府办公室"
    assert units["宁川县教育局"].contact == "0951-6023456"
    assert repo.require_unit(db, str(units["宁川县司法局"].id)).name == "宁川县司法局"
    with pytest.raises(RegistryError, match="已存在"):
        repo.add_unit(db, "宁川县教育局")
    with pytest.raises(RegistryError, match="没有找到单位"):
        repo.add_unit(db, "某局", parent="不存在的单位")
    with pytest.raises(RegistryError, match="循环"):
        repo.update_unit(db, "宁川县人民政府办公室", parent="宁川县教育局")
    # still referenced: by two sub-units, the site and the rules
    with pytest.raises(RegistryError, match="仍被引用"):
        repo.remove_unit(db, "宁川县人民政府办公室")
    repo.add_unit(db, "临时单位")
    assert repo.remove_unit(db, "临时单位").name == "临时单位"
    assert repo.find_unit(db, "临时单位") is None


def test_site_resolved_by_id_name_or_url(any_db):
    db = any_db
    site = _registry(db)
    assert site.kind == "portal" and site.kind_label == "门户网站" and site.is_portal
    assert site.owner_name == "宁川县人民政府办公室"
    assert repo.require_site(db, str(site.id)).id == site.id
    assert repo.require_site(db, "宁川县人民政府").id == site.id
    assert repo.require_site(db, "http://127.0.0.1:8080").id == site.id  # no trailing slash
    assert repo.require_site(db, "HTTP://127.0.0.1:8080/").id == site.id
    with pytest.raises(RegistryError, match="没有找到站点"):
        repo.require_site(db, "不存在的网站")
    with pytest.raises(RegistryError, match="已登记"):
        repo.add_site(db, BASE + "#top", "重复")


def test_ambiguous_site_name_asks_for_id(db):
    repo.add_site(db, "http://127.0.0.1:1/", "同名网站")
    repo.add_site(db, "http://127.0.0.1:2/", "同名网站")
    with pytest.raises(RegistryError, match="多个站点"):
        repo.require_site(db, "同名网站")


def test_site_registered_by_a_scan_can_be_classified(db):
    site_id = db.site_id_for("http://127.0.0.2:9000/")
    found = repo.require_site(db, "http://127.0.0.2:9000/")
    assert found.id == site_id and found.kind is None and found.kind_label == "未分类"
    repo.add_unit(db, "县发改局")
    updated = repo.update_site(db, site_id, name="县发改局网站", kind="部门网站", owner="县发改局", scope=["127.0.0.3:9000"])
    assert (updated.name, updated.kind, updated.owner_name, updated.scope) == (
        "县发改局网站", "department", "县发改局", ("127.0.0.3:9000",),
    )


def test_finding_is_assigned_by_column_then_longest_prefix_then_owner(db):
    site = _registry(db)
    units = {u.name: u.id for u in repo.list_units(db)}
    resolver = UnitResolver(site)

    def unit_of(finding: Finding) -> int | None:
        return resolver.unit_for(finding.page, finding.detail)

    stale_policy = Finding("column_stale", page=BASE + "bm/jyj/col/zcwj/", evidence="政策文件", detail={"column": "政策文件"})
    assert unit_of(stale_policy) == units["宁川县司法局"]  # the column rule beats the prefix
    assert unit_of(Finding("typo", page=BASE + "bm/jyj/art/1.html", evidence="x")) == units["宁川县教育局"]
    assert unit_of(Finding("typo", page=BASE + "bm/fgw/art/1.html", evidence="x")) == units["宁川县司法局"]
    assert unit_of(Finding("typo", page=BASE + "col/zwdt/1.html", evidence="x")) == units["宁川县人民政府办公室"]
    absolute = repo.add_rule(db, site.id, "网址前缀", BASE + "col/zwdt/", "宁川县教育局")
    assert UnitResolver(absolute).unit_for(BASE + "col/zwdt/1.html") == units["宁川县教育局"]
    removed = repo.remove_rule(db, site.id, "/bm/jyj/")
    assert UnitResolver(removed).unit_for(BASE + "bm/jyj/a.html") == units["宁川县司法局"]


def test_site_settings_are_validated(db):
    site = repo.add_site(db, BASE, "站")
    with pytest.raises(RegistryError, match="deadline_days"):
        repo.update_site(db, site.id, settings={"deadline_days": {"veto": -1}})
    with pytest.raises(RegistryError, match="no_service"):
        repo.update_site(db, site.id, settings={"no_service": "是"})
    with pytest.raises(RegistryError, match="站点设置"):
        repo.update_site(db, site.id, settings=["不是表"])  # type: ignore[arg-type]
    ok = repo.update_site(db, site.id, settings={"deadline_days": {"veto": 2}, "require_review_footer": True})
    assert ok.settings == {"deadline_days": {"veto": 2}, "require_review_footer": True}


def test_structure_settings_are_checked_by_their_owner(db):
    pytest.importorskip("govinspect.structure.config")
    site = repo.add_site(db, BASE, "站")
    with pytest.raises(RegistryError, match="require_review_footer"):
        repo.update_site(db, site.id, settings={"require_review_footer": "要"})


def test_scan_takes_scope_and_settings_from_the_registry(db):
    repo.add_site(db, BASE, "站", scope=["127.0.0.5:8080"], settings={"require_review_footer": False})
    settings, config = scan_inputs(db, "http://127.0.0.1:8080", Settings(db="sqlite://"))
    assert "127.0.0.5:8080" in settings.crawl.include
    assert config == {"require_review_footer": False}
    unknown_settings, unknown_config = scan_inputs(db, "http://127.0.0.9/", Settings(db="sqlite://"))
    assert unknown_config == {} and unknown_settings.crawl.include == []


def test_site_kind_labels():
    assert parse_site_kind("子站") == "subsite"
    assert parse_site_kind("department") == "department"
    with pytest.raises(RegistryError, match="站点类型"):
        parse_site_kind("网站")
