"""Indicator profiles: the national 2019 table as data, and local profiles that extend it.

A local profile is a YAML file::

    extends: national-2019          # or a path to another profile file (relative to this one)
    id: ningxia-2024
    name: 某省政府网站检查指标
    pass_rule: {pass_line: 72, deduction_total: 120}
    deductions:
      - {id: U3, points: 1, cap: 10}          # same id: the given fields replace the national ones
      - {id: L1, name: 某省自定项, group: 功能设计, codes: [https_missing], per: site, points: 2}
    remove: [U9]                             # drop items by id

Numbers are written ``{value: 5, status: C}`` or, in a local profile, plainly (status ``local``).
Every error names the file and the item, in Chinese.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govinspect.findings import code_table

NATIONAL_ID = "national-2019"
STATUSES = ("C2", "C", "P", "D", "OBS", "U", "own", "local")
STATUS_LABELS = {
    "C2": "已核实（多源）",
    "C": "已核实（单源）",
    "P": "部分核实",
    "D": "推算",
    "OBS": "观察所得",
    "U": "未核实",
    "own": "本系统约定",
    "local": "本地方案",
}
PER_CHOICES = ("finding", "page", "target", "site")
_SECTIONS = ("veto", "deductions", "bonus")


class ProfileError(ValueError):
    """A profile that cannot be used; the message (Chinese) names the file and the item."""


@dataclass(frozen=True, slots=True)
class Value:
    value: float
    status: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class VetoRule:
    id: str
    label: str
    codes: tuple[str, ...]
    where: dict[str, tuple[str, ...]]
    judgement: bool
    min_count: Value


@dataclass(frozen=True, slots=True)
class VetoItem:
    id: str
    name: str
    status: str
    rules: tuple[VetoRule, ...]
    note: str | None = None
    params: dict[str, Value] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class DeductionItem:
    id: str
    name: str
    group: str
    points: Value
    codes: tuple[str, ...] = ()
    where: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    per: str = "finding"
    cap: Value | None = None
    manual: bool = False
    unconfirmed: bool = False


@dataclass(frozen=True, slots=True)
class BonusItem:
    id: str
    name: str
    max: Value
    unconfirmed: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    points: Value | None = None


@dataclass(frozen=True, slots=True)
class PassRule:
    deduction_total: Value
    pass_line: Value
    bonus_gate: Value
    bonus_total: Value
    bonus_site_kinds: tuple[str, ...]
    no_service_group: str | None = None
    no_service_points: Value | None = None


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    pass_rule: PassRule
    groups: tuple[Group, ...]
    veto: tuple[VetoItem, ...]
    deductions: tuple[DeductionItem, ...]
    bonus: tuple[BonusItem, ...]
    source: str = ""

    @property
    def has_unconfirmed(self) -> bool:
        return any(d.unconfirmed for d in self.deductions) or any(b.unconfirmed for b in self.bonus)

    def veto_item(self, item_id: str) -> VetoItem | None:
        return next((v for v in self.veto if v.id == item_id), None)


# --- raw documents --------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"指标方案文件不存在：{path}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}：文件不是 UTF-8 编码") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise ProfileError(f"{path}：YAML 格式错误{where}") from exc


def _national_raw() -> dict[str, Any]:
    text = resources.files("govinspect.data").joinpath("scoring/national_2019.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    assert isinstance(raw, dict)
    return raw


def _merge_items(base: list[Any], local: Any, where: str, section: str) -> list[Any]:
    if local is None:
        return base
    if not isinstance(local, list):
        raise ProfileError(f"{where}：{section} 应为列表")
    merged = [dict(item) for item in base]
    index = {item.get("id"): i for i, item in enumerate(merged)}
    for item in local:
        if not isinstance(item, dict) or not item.get("id"):
            raise ProfileError(f"{where}：{section} 中每一项都要有 id")
        if item["id"] in index:
            merged[index[item["id"]]] = {**merged[index[item["id"]]], **item}
        else:
            index[item["id"]] = len(merged)
            merged.append(dict(item))
    return merged


def _resolve_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The merged raw document of a profile file and everything it extends."""
    if path in seen:
        raise ProfileError(f"{path}：extends 形成循环")
    local = _read_yaml(path)
    where = str(path)
    if not isinstance(local, dict):
        raise ProfileError(f"{where}：文件内容应为指标方案（YAML 映射）")
    unknown = set(local) - {"extends", "id", "name", "pass_rule", "groups", "remove", *_SECTIONS}
    if unknown:
        raise ProfileError(f"{where}：不认识的部分 {'、'.join(sorted(map(str, unknown)))}")
    parent = local.get("extends", NATIONAL_ID)
    if parent in (None, "", "none"):
        base: dict[str, Any] = {}
    elif parent == NATIONAL_ID:
        base = _national_raw()
    else:
        base = _resolve_raw((path.parent / str(parent)).resolve(), (*seen, path))
    merged = copy.deepcopy(base)
    for key in ("id", "name"):
        if key in local:
            merged[key] = local[key]
    if "pass_rule" in local:
        if not isinstance(local["pass_rule"], dict):
            raise ProfileError(f"{where}：pass_rule 应为映射")
        merged["pass_rule"] = {**merged.get("pass_rule", {}), **local["pass_rule"]}
    if "groups" in local:
        groups = {g.get("name"): g for g in merged.get("groups", []) if isinstance(g, dict)}
        if not isinstance(local["groups"], list):
            raise ProfileError(f"{where}：groups 应为列表")
        for group in local["groups"]:
            if not isinstance(group, dict) or not group.get("name"):
                raise ProfileError(f"{where}：groups 中每一项都要有 name")
            groups[group["name"]] = {**groups.get(group["name"], {}), **group}
        merged["groups"] = list(groups.values())
    for section in _SECTIONS:
        merged[section] = _merge_items(merged.get(section, []), local.get(section), where, section)
    removed = local.get("remove") or []
    if not isinstance(removed, list):
        raise ProfileError(f"{where}：remove 应为要删除的项目编号列表")
    known = {item.get("id") for section in _SECTIONS for item in merged[section]}
    for item_id in removed:
        if item_id not in known:
            raise ProfileError(f"{where}：remove 中的 {item_id} 不是已有的项目编号")
    for section in _SECTIONS:
        merged[section] = [item for item in merged[section] if item.get("id") not in removed]
    return merged


# --- validation -----------------------------------------------------------------------------


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.codes = code_table()

    def fail(self, at: str, message: str) -> ProfileError:
        return ProfileError(f"{self.where}：{at}：{message}")

    def value(self, raw: Any, at: str, *, minimum: float = 0.0) -> Value:
        if isinstance(raw, dict):
            unknown = set(raw) - {"value", "status", "source"}
            if unknown:
                raise self.fail(at, f"不认识的字段 {'、'.join(sorted(map(str, unknown)))}")
            number, status, source = raw.get("value"), raw.get("status", "local"), raw.get("source")
        else:
            number, status, source = raw, "local", None
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise self.fail(at, f"应为数字，而不是 {number!r}")
        if number < minimum:
            raise self.fail(at, f"不能小于 {minimum:g}")
        if status not in STATUSES:
            raise self.fail(at, f"status {status!r} 无效（可用：{'、'.join(STATUSES)}）")
        return Value(float(number), str(status), str(source) if source is not None else None)

    def text(self, raw: Any, at: str, key: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(at, f"缺少 {key}")
        return raw.strip()

    def code_list(self, raw: Any, at: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            raise self.fail(at, "codes 应为问题代码的列表")
        for code in raw:
            if code not in self.codes:
                raise self.fail(at, f"未知的问题代码 {code}（见 shared/spec/findings.md）")
        return tuple(raw)

    def where_filter(self, raw: Any, at: str) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(at, "where 应为 {详情字段: [取值, …]} 的映射")
        out: dict[str, tuple[str, ...]] = {}
        for key, values in raw.items():
            items = values if isinstance(values, list) else [values]
            out[str(key)] = tuple(str(v) for v in items)
        return out

    def flag(self, raw: Any, at: str, key: str) -> bool:
        if raw is None:
            return False
        if not isinstance(raw, bool):
            raise self.fail(at, f"{key} 应为 true 或 false")
        return raw


def _check_keys(checker: _Checker, item: dict[str, Any], allowed: set[str], at: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise checker.fail(at, f"不认识的字段 {'、'.join(sorted(map(str, unknown)))}")


def _veto_item(c: _Checker, raw: dict[str, Any]) -> VetoItem:
    at = f"单项否决 {raw.get('id')}"
    _check_keys(c, raw, {"id", "name", "status", "note", "rules", "params"}, at)
    rules_raw = raw.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise c.fail(at, "rules 应为非空列表")
    rules: list[VetoRule] = []
    for index, rule in enumerate(rules_raw, 1):
        rule_at = f"{at} 规则 {index}"
        if not isinstance(rule, dict):
            raise c.fail(rule_at, "应为映射")
        _check_keys(c, rule, {"id", "label", "codes", "where", "judgement", "min_count"}, rule_at)
        codes = c.code_list(rule.get("codes"), rule_at)
        judgement = c.flag(rule.get("judgement"), rule_at, "judgement")
        if not codes and not judgement:
            raise c.fail(rule_at, "没有问题代码的规则只能由人工判断（judgement: true）")
        if "min_count" not in rule:
            raise c.fail(rule_at, "缺少 min_count（达到多少条即否决）")
        rules.append(
            VetoRule(
                id=str(rule.get("id") or f"{raw['id']}.{index}"),
                label=c.text(rule.get("label"), rule_at, "label"),
                codes=codes,
                where=c.where_filter(rule.get("where"), rule_at),
                judgement=judgement,
                min_count=c.value(rule["min_count"], f"{rule_at} min_count", minimum=1),
            )
        )
    params_raw = raw.get("params") or {}
    if not isinstance(params_raw, dict):
        raise c.fail(at, "params 应为映射")
    status = str(raw.get("status", "local"))
    if status not in STATUSES:
        raise c.fail(at, f"status {status!r} 无效")
    return VetoItem(
        id=str(raw["id"]),
        name=c.text(raw.get("name"), at, "name"),
        status=status,
        note=raw.get("note"),
        rules=tuple(rules),
        params={str(k): c.value(v, f"{at} params.{k}") for k, v in params_raw.items()},
    )


def _deduction_item(c: _Checker, raw: dict[str, Any], groups: set[str]) -> DeductionItem:
    at = f"扣分项 {raw.get('id')}"
    _check_keys(
        c, raw, {"id", "name", "group", "codes", "where", "per", "points", "cap", "manual", "unconfirmed", "note"}, at
    )
    manual = c.flag(raw.get("manual"), at, "manual")
    codes = c.code_list(raw.get("codes"), at)
    if not codes and not manual:
        raise c.fail(at, "没有问题代码的扣分项须标注 manual: true（人工记录）")
    group = c.text(raw.get("group"), at, "group")
    if group not in groups:
        raise c.fail(at, f"分组 {group} 不在 groups 中（可用：{'、'.join(sorted(groups))}）")
    per = str(raw.get("per", "finding"))
    if per not in PER_CHOICES and not (per.startswith("detail.") and len(per) > len("detail.")):
        raise c.fail(at, f"per {per!r} 无效（可用：{'、'.join(PER_CHOICES)}、detail.字段名）")
    if "points" not in raw:
        raise c.fail(at, "缺少 points（每处扣分）")
    item = DeductionItem(
        id=str(raw["id"]),
        name=c.text(raw.get("name"), at, "name"),
        group=group,
        points=c.value(raw["points"], f"{at} points"),
        codes=codes,
        where=c.where_filter(raw.get("where"), at),
        per=per,
        cap=c.value(raw["cap"], f"{at} cap") if raw.get("cap") is not None else None,
        manual=manual,
        unconfirmed=c.flag(raw.get("unconfirmed"), at, "unconfirmed"),
    )
    _require_marked(c, at, item.unconfirmed, [item.points, item.cap])
    return item


def _require_marked(c: _Checker, at: str, unconfirmed: bool, values: list[Value | None]) -> None:
    """A value nobody could confirm must not pass for a national rule."""
    if not unconfirmed and any(v is not None and v.status == "U" for v in values):
        raise c.fail(at, "含未经核实的数值（status: U），须标注 unconfirmed: true")


def _bonus_item(c: _Checker, raw: dict[str, Any]) -> BonusItem:
    at = f"加分项 {raw.get('id')}"
    _check_keys(c, raw, {"id", "name", "max", "unconfirmed", "note"}, at)
    if "max" not in raw:
        raise c.fail(at, "缺少 max（最高加分）")
    item = BonusItem(
        id=str(raw["id"]),
        name=c.text(raw.get("name"), at, "name"),
        max=c.value(raw["max"], f"{at} max"),
        unconfirmed=c.flag(raw.get("unconfirmed"), at, "unconfirmed"),
    )
    _require_marked(c, at, item.unconfirmed, [item.max])
    return item


def _pass_rule(c: _Checker, raw: Any) -> PassRule:
    if not isinstance(raw, dict):
        raise c.fail("pass_rule", "缺少合格规则")
    _check_keys(
        c, raw, {"deduction_total", "pass_line", "bonus_gate", "bonus_total", "bonus_site_kinds", "no_service"}, "pass_rule"
    )
    for key in ("deduction_total", "pass_line", "bonus_gate", "bonus_total"):
        if key not in raw:
            raise c.fail("pass_rule", f"缺少 {key}")
    kinds = raw.get("bonus_site_kinds", ["portal"])
    if not isinstance(kinds, list) or any(k not in ("portal", "department", "subsite") for k in kinds):
        raise c.fail("pass_rule", "bonus_site_kinds 应为 portal、department、subsite 中若干项的列表")
    no_service = raw.get("no_service") or {}
    if not isinstance(no_service, dict):
        raise c.fail("pass_rule", "no_service 应为 {group: 分组, group_points: 分值}")
    rule = PassRule(
        deduction_total=c.value(raw["deduction_total"], "pass_rule.deduction_total", minimum=1),
        pass_line=c.value(raw["pass_line"], "pass_rule.pass_line"),
        bonus_gate=c.value(raw["bonus_gate"], "pass_rule.bonus_gate"),
        bonus_total=c.value(raw["bonus_total"], "pass_rule.bonus_total"),
        bonus_site_kinds=tuple(kinds),
        no_service_group=no_service.get("group"),
        no_service_points=c.value(no_service["group_points"], "pass_rule.no_service.group_points")
        if "group_points" in no_service
        else None,
    )
    if rule.pass_line.value > rule.deduction_total.value:
        raise c.fail("pass_rule", "合格线 pass_line 不能高于扣分部分总分 deduction_total")
    if rule.no_service_points and rule.no_service_points.value >= rule.deduction_total.value:
        raise c.fail("pass_rule", "no_service.group_points 应小于 deduction_total")
    return rule


def build_profile(raw: dict[str, Any], where: str) -> Profile:
    c = _Checker(where)
    profile_id = c.text(raw.get("id"), "方案", "id")
    groups_raw = raw.get("groups") or []
    if not isinstance(groups_raw, list):
        raise c.fail("groups", "应为列表")
    groups = tuple(
        Group(name=c.text(g.get("name"), "groups", "name"), points=c.value(g["points"], f"groups.{g.get('name')}") if g.get("points") is not None else None)
        for g in groups_raw
        if isinstance(g, dict)
    )
    group_names = {g.name for g in groups}
    for section in _SECTIONS:
        if not isinstance(raw.get(section, []), list):
            raise c.fail(section, "应为列表")
    profile = Profile(
        id=profile_id,
        name=c.text(raw.get("name"), "方案", "name"),
        pass_rule=_pass_rule(c, raw.get("pass_rule")),
        groups=groups,
        veto=tuple(_veto_item(c, item) for item in raw.get("veto", [])),
        deductions=tuple(_deduction_item(c, item, group_names) for item in raw.get("deductions", [])),
        bonus=tuple(_bonus_item(c, item) for item in raw.get("bonus", [])),
        source=where,
    )
    seen: set[str] = set()
    for item_id in [v.id for v in profile.veto] + [d.id for d in profile.deductions] + [b.id for b in profile.bonus]:
        if item_id in seen:
            raise c.fail("方案", f"项目编号 {item_id} 重复")
        seen.add(item_id)
    group = profile.pass_rule.no_service_group
    if group is not None and group not in group_names:
        raise c.fail("pass_rule", f"no_service.group {group} 不在 groups 中")
    return profile


@cache
def national_profile() -> Profile:
    return build_profile(_national_raw(), "national_2019.yaml")


def load_profile(path: Path | str | None = None) -> Profile:
    """The national profile, or a local profile file (which extends it unless it says otherwise)."""
    if path is None or str(path) in ("", NATIONAL_ID):
        return national_profile()
    file = Path(path)
    return build_profile(_resolve_raw(file.resolve()), str(file))


def site_profile(settings: dict[str, Any], override: Path | str | None = None) -> Profile:
    """The profile a site is scored with: the one given, else its setting ``profile``, else the national one
    (every command that scores or judges a site asks this, so they agree)."""
    return load_profile(override or settings.get("profile"))
