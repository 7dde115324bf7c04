"""The registry round-trips through YAML and Excel; a bad file is a clear error that writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from govinspect.registry import io
from govinspect.registry.model import RegistryError
from govinspect.store import open_database
from govinspect.store import registry_repo as repo

DOCUMENT = {
    "units": [
        {"name": "宁川县教育局", "parent": "宁川县人民政府办公室"},  # parent listed after the child
        {"name": "宁川县人民政府办公室", "contact": "0951-6012345"},
    ],
    "sites": [
        {
            "url": "http://127.0.0.1:8080/",
            "name": "宁川县人民政府",
            "kind": "门户网站",
            "owner": "宁川县人民政府办公室",
            "scope": ["http://127.0.0.1:8080/bm/jyj/"],
            "settings": {"require_review_footer": True, "deadline_days": {"veto": 1, "deduct": 3}},
            "rules": [{"prefix": "/bm/jyj/", "unit": "宁川县教育局"}, {"column": "通知公告", "unit": "宁川县教育局"}],
        },
        {"url": "http://127.0.0.1:8081/", "name": "宁川县教育局网站", "kind": "部门网站", "owner": "宁川县教育局"},
    ],
}


def _snapshot(db):
    return io.registry_document(db)


def test_yaml_import_then_export_round_trips(db, tmp_path: Path, sqlite_url):
    source = tmp_path / "registry.yaml"
    source.write_text(yaml.safe_dump(DOCUMENT, allow_unicode=True), encoding="utf-8")
    summary = io.import_file(db, source)
    assert (summary.units_added, summary.sites_added, summary.rules) == (2, 2, 2)
    portal = repo.require_site(db, "宁川县人民政府")
    assert portal.kind == "portal" and portal.settings["deadline_days"] == {"veto": 1, "deduct": 3}
    assert [(r.match, r.pattern, r.unit_name) for r in portal.rules] == [
        ("prefix", "/bm/jyj/", "宁川县教育局"),
        ("column", "通知公告", "宁川县教育局"),
    ]
    out = tmp_path / "out.yaml"
    assert io.export_file(db, out) == 4
    again = io.import_file(db, out)  # importing the export changes nothing
    assert (again.units_added, again.sites_added, again.units_updated, again.sites_updated) == (0, 0, 2, 2)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    io.import_file(other, out)
    assert _snapshot(other) == _snapshot(db)
    other.close()


def test_excel_round_trip(db, tmp_path: Path):
    source = tmp_path / "registry.yaml"
    source.write_text(yaml.safe_dump(DOCUMENT, allow_unicode=True), encoding="utf-8")
    io.import_file(db, source)
    book = tmp_path / "registry.xlsx"
    io.export_file(db, book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["单位", "站点", "责任规则"]
    assert [c.value for c in wb["站点"][1]] == list(io.SHEETS["站点"])
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    io.import_file(other, book)
    assert _snapshot(other) == _snapshot(db)
    other.close()


def test_units_only_export_and_import(db, tmp_path: Path):
    repo.add_unit(db, "甲单位")
    repo.add_unit(db, "乙单位", parent="甲单位")
    out = tmp_path / "units.xlsx"
    io.export_file(db, out, want="units")
    assert load_workbook(out).sheetnames == ["单位"]
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    summary = io.import_file(other, out, want="units")
    assert summary.units_added == 2
    assert repo.require_unit(other, "乙单位").parent_name == "甲单位"
    other.close()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"units": [{"parent": "甲"}]}, "单位第 1 项：缺少单位名称"),
        ({"units": ["甲", "甲"]}, "单位第 2 项：单位“甲”重复"),
        ({"sites": [{"name": "无网址"}]}, "站点第 1 项：缺少网址"),
        ({"sites": [{"url": "ftp://127.0.0.1/"}]}, "不支持的网址协议"),
        ({"sites": [{"url": "http://127.0.0.1/", "kind": "网站"}]}, "站点类型"),
        ({"sites": [{"url": "http://127.0.0.1/", "rules": [{"prefix": "/a/"}]}]}, "责任规则第 1 条：缺少责任单位"),
        ({"sites": [{"url": "http://127.0.0.1/", "colour": 1}]}, "不认识的字段 colour"),
        ({"websites": []}, "不认识的部分"),
        ([1, 2], "文件内容应为"),
    ],
)
def test_bad_documents_name_the_place(db, tmp_path: Path, document, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        io.import_file(db, path)


def test_a_failing_import_writes_nothing(db, tmp_path: Path):
    path = tmp_path / "bad.yaml"
    document = {"units": [{"name": "甲"}], "sites": [{"url": "http://127.0.0.1/", "owner": "不存在的单位"}]}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match="不存在的单位"):
        io.import_file(db, path)
    assert repo.list_units(db) == [] and repo.list_sites(db) == []


def test_unreadable_files_are_clear_errors(db, tmp_path: Path):
    with pytest.raises(RegistryError, match="文件不存在"):
        io.import_file(db, tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("units: [甲\n  - 乙: :", encoding="utf-8")
    with pytest.raises(RegistryError, match="YAML 格式错误"):
        io.import_file(db, broken)
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(RegistryError, match="无法读取 Excel"):
        io.import_file(db, not_excel)
    text_file = tmp_path / "registry.txt"
    text_file.write_text("units: []", encoding="utf-8")
    with pytest.raises(RegistryError, match="不支持的文件类型"):
        io.import_file(db, text_file)


def test_a_rule_for_a_site_missing_from_the_workbook_is_refused_and_loses_nothing(db, tmp_path: Path):
    """A mistyped site address in 责任规则 must not silently leave the real site with no rules."""
    source = tmp_path / "registry.yaml"
    source.write_text(yaml.safe_dump(DOCUMENT, allow_unicode=True), encoding="utf-8")
    io.import_file(db, source)
    book = tmp_path / "registry.xlsx"
    io.export_file(db, book)
    wb = load_workbook(book)
    rules = wb["责任规则"]
    url_column = list(io.SHEETS["责任规则"]).index("站点网址") + 1
    for row in range(2, rules.max_row + 1):
        rules.cell(row=row, column=url_column, value="http://127.0.0.1:8089/")  # a typo: no such site
    wb.save(book)
    with pytest.raises(RegistryError, match="第 2 行：站点网址 http://127.0.0.1:8089/ 不在工作表“站点”中"):
        io.import_file(db, book)
    assert len(repo.require_site(db, "宁川县人民政府").rules) == 2
