"""What the registry holds: units (责任单位), sites and the rules that say who answers for a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# site kinds: stored id → what users read and write
SITE_KINDS: dict[str, str] = {"portal": "门户网站", "department": "部门网站", "subsite": "子站"}
RULE_MATCHES: dict[str, str] = {"prefix": "网址前缀", "column": "栏目"}
UNSET_KIND_LABEL = "未分类"


class RegistryError(ValueError):
    """A registry request that cannot be carried out; the message is for the user (Chinese)."""


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    name: str
    parent_id: int | None = None
    parent_name: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    match: str  # prefix | column
    pattern: str
    unit_id: int
    unit_name: str
    position: int = 0

    @property
    def match_label(self) -> str:
        return RULE_MATCHES.get(self.match, self.match)


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    url: str
    name: str
    kind: str | None = None
    owner_unit_id: int | None = None
    owner_name: str | None = None
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    scope: tuple[str, ...] = ()
    rules: tuple[AssignmentRule, ...] = ()

    @property
    def kind_label(self) -> str:
        return SITE_KINDS.get(self.kind or "", UNSET_KIND_LABEL)

    @property
    def is_portal(self) -> bool:
        return self.kind == "portal"


_KIND_ALIASES = {"门户": "portal", "部门": "department", "子网站": "subsite"}
_MATCH_ALIASES = {"前缀": "prefix", "网址": "prefix", "url": "prefix", "栏目名称": "column"}


def parse_site_kind(value: Any) -> str:
    """A site kind given by id (portal) or label (门户网站)."""
    text = str(value or "").strip()
    by_label = {label: kind for kind, label in SITE_KINDS.items()}
    found = text if text in SITE_KINDS else by_label.get(text) or _KIND_ALIASES.get(text)
    if found is None:
        raise RegistryError(f"站点类型 {value!r} 无法识别（可用：{'、'.join(SITE_KINDS.values())}）")
    return found


def parse_rule_match(value: Any) -> str:
    """How a responsibility rule matches: by URL prefix (网址前缀) or by column name (栏目)."""
    text = str(value or "").strip()
    by_label = {label: match for match, label in RULE_MATCHES.items()}
    found = text if text in RULE_MATCHES else by_label.get(text) or _MATCH_ALIASES.get(text.lower())
    if found is None:
        raise RegistryError(f"责任规则的方式 {value!r} 无法识别（可用：{'、'.join(RULE_MATCHES.values())}）")
    return found


# Keys of the site settings that the workflow and scoring read; the structure checks read others.
_WORKFLOW_KEYS = ("deadline_days", "no_service", "profile")
_SEVERITIES = ("veto", "deduct", "notice")


def validate_site_settings(settings: Any) -> dict[str, Any]:
    """Check a site's settings (the site_config handed to the checks); raises RegistryError."""
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise RegistryError("站点设置应为“键: 值”的表（YAML 映射或 JSON 对象）")
    deadline_days = settings.get("deadline_days")
    if deadline_days is not None:
        if not isinstance(deadline_days, dict):
            raise RegistryError("设置 deadline_days 应为 {veto: 天数, deduct: 天数, notice: 天数} 的表")
        for key, value in deadline_days.items():
            if key not in _SEVERITIES:
                raise RegistryError(f"设置 deadline_days 的键 {key!r} 无效（可用：veto、deduct、notice）")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RegistryError(f"设置 deadline_days.{key} 应为不小于 0 的整数（工作日），而不是 {value!r}")
    if "no_service" in settings and not isinstance(settings["no_service"], bool):
        raise RegistryError("设置 no_service 应为 true 或 false")
    if "profile" in settings and not isinstance(settings["profile"], str):
        raise RegistryError("设置 profile 应为指标方案文件的路径")
    _validate_structure_settings(settings)
    return dict(settings)


def _validate_structure_settings(settings: dict[str, Any]) -> None:
    """The structure checks own most keys; let them judge, so a bad value fails now, not mid-scan."""
    try:
        from govinspect.structure.config import load_config
    except ImportError:  # the structure stage is optional
        return
    rest = {k: v for k, v in settings.items() if k not in _WORKFLOW_KEYS}
    try:
        load_config(rest)
    except ValueError as exc:
        raise RegistryError(f"站点设置无效：{exc}") from exc


# --- what an import asks for (validated, not yet written) ---------------------------------


@dataclass(frozen=True, slots=True)
class UnitSpec:
    name: str
    parent: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    match: str
    pattern: str
    unit: str


@dataclass(frozen=True, slots=True)
class SiteSpec:
    url: str
    name: str
    kind: str | None = None
    owner: str | None = None
    scope: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    rules: tuple[RuleSpec, ...] | None = None  # None: keep the stored rules


@dataclass(frozen=True, slots=True)
class RegistryPlan:
    units: tuple[UnitSpec, ...] = ()
    sites: tuple[SiteSpec, ...] = ()


@dataclass
class ImportSummary:
    units_added: int = 0
    units_updated: int = 0
    sites_added: int = 0
    sites_updated: int = 0
    rules: int = 0

    def describe(self) -> str:
        return (
            f"单位：新增 {self.units_added}，更新 {self.units_updated}；"
            f"站点：新增 {self.sites_added}，更新 {self.sites_updated}；责任规则 {self.rules} 条"
        )
