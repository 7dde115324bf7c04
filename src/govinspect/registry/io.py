"""Import and export of the registry as YAML (or JSON) and Excel.

The YAML document::

    units:
      - {name: 宁川县人民政府办公室, parent: null, contact: 0951-6012345}
    sites:
      - url: http://127.0.0.1:8080/
        name: 宁川县人民政府
        kind: 门户网站            # 门户网站 / 部门网站 / 子站
        owner: 宁川县人民政府办公室
        scope: [http://127.0.0.1:8080/bm/jyj/]
        settings: {require_review_footer: true}
        rules:
          - {prefix: /bm/jyj/, unit: 宁川县教育局}
          - {column: 政策文件, unit: 宁川县司法局}

The Excel workbook has the sheets 单位, 站点 and 责任规则 with Chinese headings (see ``SHEETS``).
Everything is validated before anything is written; errors name the file, the item and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govinspect.crawl.urls import BadURL, normalize
from govinspect.registry.model import (
    SITE_KINDS,
    ImportSummary,
    RegistryError,
    RegistryPlan,
    RuleSpec,
    Site,
    SiteSpec,
    Unit,
    UnitSpec,
    parse_rule_match,
    parse_site_kind,
    validate_site_settings,
)
from govinspect.store import registry_repo as repo
from govinspect.store.db import Database

SHEETS: dict[str, tuple[str, ...]] = {
    "单位": ("名称", "上级单位", "联系方式"),
    "站点": ("网址", "名称", "类型", "主办单位", "范围", "设置"),
    "责任规则": ("站点网址", "方式", "匹配内容", "责任单位"),
}
_YAML_SUFFIXES = (".yaml", ".yml", ".json")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


# --- document → plan -----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _unit_specs(raw: Any, where: str) -> list[UnitSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RegistryError(f"{where}：units 应为单位的列表")
    specs: list[UnitSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, 1):
        at = f"{where}：单位第 {index} 项"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise RegistryError(f"{at}：应为 {{name: 名称, parent: 上级单位}} 的表")
        unknown = set(item) - {"name", "parent", "contact"}
        if unknown:
            raise RegistryError(f"{at}：不认识的字段 {'、'.join(sorted(map(str, unknown)))}")
        name = _text(item.get("name"))
        if not name:
            raise RegistryError(f"{at}：缺少单位名称 name")
        if name.isdigit():
            raise RegistryError(f"{at}：单位名称不能是纯数字")
        if name in seen:
            raise RegistryError(f"{at}：单位“{name}”重复")
        seen.add(name)
        parent = _text(item.get("parent"))
        if parent == name:
            raise RegistryError(f"{at}：单位不能是自己的上级")
        specs.append(UnitSpec(name=name, parent=parent, contact=_text(item.get("contact"))))
    return specs


def _rule_specs(raw: Any, at: str) -> tuple[RuleSpec, ...]:
    if not isinstance(raw, list):
        raise RegistryError(f"{at}：rules 应为责任规则的列表")
    out: list[RuleSpec] = []
    for index, item in enumerate(raw, 1):
        rule_at = f"{at}：责任规则第 {index} 条"
        if not isinstance(item, dict):
            raise RegistryError(f"{rule_at}：应为 {{prefix: 网址前缀, unit: 单位}} 或 {{column: 栏目, unit: 单位}}")
        unit = _text(item.get("unit"))
        if not unit:
            raise RegistryError(f"{rule_at}：缺少责任单位 unit")
        try:
            if "match" in item:
                match, pattern = parse_rule_match(item["match"]), _text(item.get("pattern"))
            elif "prefix" in item:
                match, pattern = "prefix", _text(item["prefix"])
            elif "column" in item:
                match, pattern = "column", _text(item["column"])
            else:
                raise RegistryError("缺少 prefix（网址前缀）或 column（栏目）")
        except RegistryError as exc:
            raise RegistryError(f"{rule_at}：{exc}") from exc
        if not pattern:
            raise RegistryError(f"{rule_at}：匹配内容为空")
        out.append(RuleSpec(match=match, pattern=pattern, unit=unit))
    return tuple(out)


def _scope(raw: Any, at: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(s.strip() for s in raw.splitlines() if s.strip())
    if isinstance(raw, list) and all(isinstance(s, str) for s in raw):
        return tuple(s.strip() for s in raw if s.strip())
    raise RegistryError(f"{at}：scope 应为网址前缀或主机的列表")


def _site_specs(raw: Any, where: str) -> list[SiteSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RegistryError(f"{where}：sites 应为站点的列表")
    specs: list[SiteSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, 1):
        at = f"{where}：站点第 {index} 项"
        if not isinstance(item, dict):
            raise RegistryError(f"{at}：应为 {{url: 网址, name: 名称, …}} 的表")
        unknown = set(item) - {"url", "name", "kind", "owner", "scope", "settings", "rules"}
        if unknown:
            raise RegistryError(f"{at}：不认识的字段 {'、'.join(sorted(map(str, unknown)))}")
        raw_url = _text(item.get("url"))
        if not raw_url:
            raise RegistryError(f"{at}：缺少网址 url")
        try:
            url = normalize(raw_url)
        except BadURL as exc:
            raise RegistryError(f"{at}：{exc}") from exc
        at = f"{where}：站点第 {index} 项（{url}）"
        if url in seen:
            raise RegistryError(f"{at}：网址重复")
        seen.add(url)
        try:
            kind = parse_site_kind(item["kind"]) if _text(item.get("kind")) else None
            settings = validate_site_settings(item.get("settings"))
        except RegistryError as exc:
            raise RegistryError(f"{at}：{exc}") from exc
        rules = _rule_specs(item["rules"], at) if item.get("rules") is not None else None
        specs.append(
            SiteSpec(
                url=url,
                name=_text(item.get("name")) or "",
                kind=kind,
                owner=_text(item.get("owner")),
                scope=_scope(item.get("scope"), at),
                settings=settings,
                rules=rules,
            )
        )
    return specs


def plan_from_document(document: Any, source: str, *, want: str = "all") -> RegistryPlan:
    """Validate a registry document; ``want`` = units | all (sites need their units)."""
    if not isinstance(document, dict):
        raise RegistryError(f"{source}：文件内容应为含 units 和/或 sites 的表")
    unknown = set(document) - {"units", "sites"}
    if unknown:
        raise RegistryError(f"{source}：不认识的部分 {'、'.join(sorted(map(str, unknown)))}（只能有 units、sites）")
    units = _unit_specs(document.get("units"), source)
    site_specs = _site_specs(document.get("sites"), source) if want == "all" else []
    if not units and not site_specs:
        what = "单位" if want == "units" else "单位或站点"
        raise RegistryError(f"{source}：文件中没有{what}")
    return RegistryPlan(units=tuple(units), sites=tuple(site_specs))


# --- files ---------------------------------------------------------------------------------


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise RegistryError(f"{path}：YAML 格式错误{where}") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}：文件不是 UTF-8 编码") from exc


def _cell(value: Any) -> str | None:
    return _text(value)


def _sheet_rows(path: Path, wb: Any, sheet: str) -> list[dict[str, Any]] | None:
    if sheet not in wb.sheetnames:
        return None
    rows = list(wb[sheet].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [h for h in SHEETS[sheet][:1] if h not in header]
    if missing:
        raise RegistryError(f"{path}：工作表“{sheet}”缺少列“{missing[0]}”")
    out = []
    for values in rows[1:]:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append({header[i]: values[i] for i in range(min(len(header), len(values))) if header[i]})
    return out


def _document_from_excel(path: Path) -> dict[str, Any]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RegistryError(f"{path}：无法读取 Excel 文件（{type(exc).__name__}）") from exc
    document: dict[str, Any] = {}
    unit_rows = _sheet_rows(path, wb, "单位")
    if unit_rows is not None:
        document["units"] = [
            {"name": _cell(r.get("名称")), "parent": _cell(r.get("上级单位")), "contact": _cell(r.get("联系方式"))}
            for r in unit_rows
        ]
    site_rows = _sheet_rows(path, wb, "站点")
    rule_rows = _sheet_rows(path, wb, "责任规则")
    if site_rows is not None:
        rules_by_site: dict[str, list[dict[str, Any]]] = {}
        first_row: dict[str, int] = {}
        for index, r in enumerate(rule_rows or [], 2):
            url = _cell(r.get("站点网址"))
            if not url:
                raise RegistryError(f"{path}：工作表“责任规则”第 {index} 行缺少站点网址")
            try:
                key = normalize(url)
            except BadURL as exc:
                raise RegistryError(f"{path}：工作表“责任规则”第 {index} 行：{exc}") from exc
            first_row.setdefault(key, index)
            rules_by_site.setdefault(key, []).append(
                {"match": _cell(r.get("方式")) or "prefix", "pattern": _cell(r.get("匹配内容")), "unit": _cell(r.get("责任单位"))}
            )
        sites = []
        for index, r in enumerate(site_rows, 2):
            raw_settings = _cell(r.get("设置"))
            try:
                settings = yaml.safe_load(raw_settings) if raw_settings else None
            except yaml.YAMLError as exc:
                raise RegistryError(f"{path}：工作表“站点”第 {index} 行的“设置”不是有效的 JSON/YAML") from exc
            url = _cell(r.get("网址"))
            try:
                key = normalize(url) if url else ""
            except BadURL as exc:
                raise RegistryError(f"{path}：工作表“站点”第 {index} 行：{exc}") from exc
            sites.append(
                {
                    "url": url,
                    "name": _cell(r.get("名称")),
                    "kind": _cell(r.get("类型")),
                    "owner": _cell(r.get("主办单位")),
                    "scope": _cell(r.get("范围")) or "",
                    "settings": settings,
                    "rules": rules_by_site.get(key, []) if rule_rows is not None else None,
                }
            )
        # a rule whose site is not in the sheet would be dropped, and its site's rules replaced by none
        known = {normalize(str(site["url"])) for site in sites if site["url"]}
        for key, index in first_row.items():
            if key not in known:
                raise RegistryError(f"{path}：工作表“责任规则”第 {index} 行：站点网址 {key} 不在工作表“站点”中")
        document["sites"] = sites
    return document


def read_plan(path: Path, *, want: str = "all") -> RegistryPlan:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RegistryError(f"文件不存在：{path}")
    if suffix in _YAML_SUFFIXES:
        document = _load_yaml(path)
    elif suffix in _EXCEL_SUFFIXES:
        document = _document_from_excel(path)
    else:
        raise RegistryError(f"不支持的文件类型：{path.name}（可用 .yaml、.yml、.json、.xlsx）")
    return plan_from_document(document, str(path), want=want)


def import_file(db: Database, path: Path, *, want: str = "all") -> ImportSummary:
    return repo.apply_plan(db, read_plan(path, want=want))


# --- export --------------------------------------------------------------------------------


def unit_document(units: list[Unit]) -> list[dict[str, Any]]:
    return [{"name": u.name, "parent": u.parent_name, "contact": u.contact} for u in units]


def site_document(site: Site) -> dict[str, Any]:
    return {
        "url": site.url,
        "name": site.name,
        "kind": SITE_KINDS.get(site.kind or "") if site.kind else None,
        "owner": site.owner_name,
        "scope": list(site.scope),
        "settings": site.settings,
        "rules": [{r.match: r.pattern, "unit": r.unit_name} for r in site.rules],
    }


def registry_document(db: Database, *, want: str = "all") -> dict[str, Any]:
    document: dict[str, Any] = {"units": unit_document(repo.list_units(db))}
    if want == "all":
        document["sites"] = [site_document(s) for s in repo.list_sites(db)]
    return document


def _write_excel(document: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    rows: dict[str, list[list[Any]]] = {
        "单位": [[u["name"], u["parent"], u["contact"]] for u in document.get("units", [])]
    }
    if "sites" in document:
        rows["站点"] = [
            [
                s["url"],
                s["name"],
                s["kind"],
                s["owner"],
                "\n".join(s["scope"]),
                json.dumps(s["settings"], ensure_ascii=False) if s["settings"] else None,
            ]
            for s in document["sites"]
        ]
        rows["责任规则"] = [
            [s["url"], "网址前缀" if "prefix" in r else "栏目", r.get("prefix") or r.get("column"), r["unit"]]
            for s in document["sites"]
            for r in s["rules"]
        ]
    for sheet, data in rows.items():
        ws = wb.create_sheet(sheet)
        ws.append(list(SHEETS[sheet]))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in data:
            ws.append(row)
        for index, _ in enumerate(SHEETS[sheet], 1):
            ws.column_dimensions[get_column_letter(index)].width = 28
    wb.save(path)


def export_file(db: Database, path: Path, *, want: str = "all") -> int:
    """Write the registry to ``path`` (format by suffix); returns how many items were written."""
    document = registry_document(db, want=want)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif suffix in _EXCEL_SUFFIXES:
        _write_excel(document, path)
    else:
        raise RegistryError(f"不支持的导出类型：{path.name}（可用 .yaml、.yml、.json、.xlsx）")
    return len(document["units"]) + len(document.get("sites", []))
