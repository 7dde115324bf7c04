"""The data files of src/govinspect/data/reports/, loaded once and validated.

Page setup, fonts, section texts and thresholds live in those files. A broken file gives a Chinese
error naming the file and the field; a text using a {field} its report does not fill in is refused
when loaded, not when a report is half written.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from govinspect.reports.errors import ReportError

_PACKAGE = "govinspect.data.reports"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def template_fields(text: str) -> set[str]:
    """The {names} a template uses; ValueError when the braces are malformed."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        raise ValueError(f"模板写法有误：{text!r}（{exc}）") from exc


class _Texts(_Strict):
    """A group of templates; FIELDS says which {names} each one may use (absent: none)."""

    FIELDS: ClassVar[dict[str, set[str]]] = {}

    @model_validator(mode="after")
    def _check_fields(self) -> _Texts:
        for key, value in self.__dict__.items():
            if not isinstance(value, str):
                continue
            allowed = self.FIELDS.get(key, set())
            unknown = template_fields(value) - allowed
            if unknown:
                names = "、".join(sorted(allowed)) or "无"
                raise ValueError(f"{key} 用了未知的字段 {{{'}、{'.join(sorted(unknown))}}}（可用：{names}）")
        return self


# --- format.yaml: GB/T 9704-2012 ------------------------------------------------------------------


class PageSetup(_Strict):
    width_mm: float = Field(gt=50, le=1000)
    height_mm: float = Field(gt=50, le=1000)
    margin_top_mm: float = Field(ge=0, le=100)
    margin_bottom_mm: float = Field(ge=0, le=100)
    margin_left_mm: float = Field(ge=0, le=100)
    margin_right_mm: float = Field(ge=0, le=100)
    lines_per_page: int = Field(ge=1, le=100)
    chars_per_line: int = Field(ge=1, le=100)

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def text_height_mm(self) -> float:
        return self.height_mm - self.margin_top_mm - self.margin_bottom_mm

    @model_validator(mode="after")
    def _fits(self) -> PageSetup:
        if self.text_width_mm <= 0 or self.text_height_mm <= 0:
            raise ValueError("页边距大于纸张尺寸")
        return self


class FontSpec(_Strict):
    east_asia: str = Field(min_length=1)
    latin: str = Field(min_length=1)
    size_pt: float = Field(gt=4, le=72)
    fallback: str | None = None


class Fonts(_Strict):
    title: FontSpec
    body: FontSpec
    heading1: FontSpec
    heading2: FontSpec
    page_number: FontSpec
    table: FontSpec
    table_header: FontSpec


class PageNumber(_Strict):
    template: str
    below_text_mm: float = Field(ge=0, le=50)
    indent_chars: float = Field(ge=0, le=5)

    @model_validator(mode="after")
    def _has_number(self) -> PageNumber:
        if template_fields(self.template) != {"n"}:
            raise ValueError("template 须含且只含 {n}（页码）")
        return self


class DocumentFormat(_Strict):
    page: PageSetup
    fonts: Fonts
    page_number: PageNumber
    body_indent_chars: float = Field(ge=0, le=10)
    image_width_mm: float = Field(gt=10, le=300)


# --- charts.yaml ----------------------------------------------------------------------------------


class ChartColors(_Strict):
    found: str
    fixed: str
    pending: str
    line: str


class ChartRules(_Strict):
    font_families: list[str]
    font_files: list[str]
    probe_text: str = Field(min_length=1)
    dpi: int = Field(ge=50, le=600)
    width_in: float = Field(gt=1, le=30)
    bar_height_in: float = Field(gt=0.05, le=3)
    min_height_in: float = Field(gt=0.5, le=30)
    max_kinds: int = Field(ge=2, le=100)
    colors: ChartColors


# --- quarterly.yaml -------------------------------------------------------------------------------


class QuarterSections(_Strict):
    overview: str
    problems: str
    rectification: str
    new_media: str
    plan: str


class OverviewTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {
        "operation": {"sites", "scans", "pages"},
        "availability": {"probes", "failures", "rate"},
        "traffic": {"visits", "pv", "pv_per_visit", "bounce_rate", "days", "period_days"},
        "published": {"total", "top"},
        "messages": {"received", "answered", "rate", "average", "longest"},
        "messages_overdue": {"months", "overdue"},
    }
    operation_heading: str
    operation: str
    no_scan: str
    no_site: str
    availability: str
    traffic_heading: str
    traffic: str
    no_traffic: str
    traffic_caption: str
    published_heading: str
    published: str
    published_none: str
    published_top: int = Field(ge=1, le=50)
    messages_heading: str
    messages: str
    messages_overdue: str
    no_messages: str


class ProblemTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {
        "summary": {"total", "parts"},
        "false_alarm": {"count"},
        "kind": {"name", "count", "measure"},
        "example": {"evidence"},
        "example_suggestion": {"suggestion"},
    }
    summary: str
    summary_none: str
    false_alarm: str
    kind: str
    example_intro: str
    example: str
    example_suggestion: str
    corrections: list[str]
    example_where: str
    examples_per_kind: int = Field(ge=0, le=20)
    evidence_max_chars: int = Field(ge=5, le=500)
    chart_caption: str
    measures: dict[str, str]
    default_measure: str

    @model_validator(mode="after")
    def _known_codes(self) -> ProblemTexts:
        from govinspect.findings import code_table

        for name, codes in (("measures", set(self.measures)), ("corrections", set(self.corrections))):
            unknown = sorted(codes - set(code_table()))
            if unknown:
                raise ValueError(f"{name} 中有未知的问题代码：{'、'.join(unknown)}")
        return self


_RATE_FIELDS = {"counted", "closed", "rate", "wontfix", "pending", "overdue"}


class RectificationTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {"summary": _RATE_FIELDS, "all_done": _RATE_FIELDS}
    summary: str
    all_done: str
    none: str
    by_kind_heading: str
    by_unit_heading: str
    trend_caption: str


class NewMediaTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {"summary": {"total", "parts"}, "problems": {"count"}}
    none: str
    summary: str
    problems: str


class PlanTexts(_Strict):
    placeholder: str


class AppendixTexts(_Strict):
    title: str
    problems_title: str
    sources_title: str
    none: str


_DATE_FIELDS = {"year", "month", "day"}


class QuarterlyTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {
        "title": {"org", "period"},
        "opening": {"org", "period"},
        "signature_date_format": _DATE_FIELDS,
    }
    title: str
    org_placeholder: str
    recipient: str
    opening: str
    sections: QuarterSections
    overview: OverviewTexts
    problems: ProblemTexts
    rectification: RectificationTexts
    new_media: NewMediaTexts
    plan: PlanTexts
    signature_date_format: str
    appendix: AppendixTexts


# --- circular.yaml --------------------------------------------------------------------------------


class CircularSections(_Strict):
    scores: str
    rectification: str
    ranking: str
    requirements: str


class ScoreTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {"summary": {"sites", "passed", "failed"}, "pending": {"pending"}}
    summary: str
    no_scan: str
    pending: str
    unscored: str


class CircularRectificationTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {"summary": _RATE_FIELDS}
    summary: str
    none: str
    chart_caption: str


class RankingTexts(_Strict):
    units_heading: str
    sites_heading: str
    none: str


class RequirementTexts(_Strict):
    text: str
    placeholder: str


class CircularTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {
        "title": {"period", "org"},
        "opening": {"period", "org"},
        "signature_date_format": _DATE_FIELDS,
    }
    title: str
    org_placeholder: str
    recipient: str
    opening: str
    sections: CircularSections
    scores: ScoreTexts
    rectification: CircularRectificationTexts
    ranking: RankingTexts
    requirements: RequirementTexts
    signature_date_format: str


# --- reminder.yaml --------------------------------------------------------------------------------


class ReminderSections(_Strict):
    over: str
    near: str
    empty: str
    units: str


class ReminderTexts(_Texts):
    FIELDS: ClassVar[dict[str, set[str]]] = {
        "title": {"date"},
        "opening": {"date", "scan_date"},
        "no_scan": {"date"},
        "signature_date_format": _DATE_FIELDS,
    }
    title: str
    org_placeholder: str
    opening: str
    sections: ReminderSections
    none: str
    no_scan: str
    near_days: dict[str, int]
    signature_date_format: str

    @model_validator(mode="after")
    def _near(self) -> ReminderTexts:
        if "default" not in self.near_days:
            raise ValueError("near_days 须有 default")
        bad = [k for k, v in self.near_days.items() if not 0 <= v <= 366]
        if bad:
            raise ValueError(f"near_days 的天数应在 0 到 366 之间：{'、'.join(bad)}")
        return self

    def near_for(self, kind: str) -> int:
        return self.near_days.get(kind, self.near_days["default"])


# --- excel.yaml -----------------------------------------------------------------------------------

EXCEL_KEYS = (
    "id", "unit", "site", "kind", "severity", "page", "target", "evidence", "suggestion", "state", "found",
    "deadline", "closed", "overdue",
)
SUMMARY_KEYS = ("unit", "total", "false_alarm", "closed", "wontfix", "pending", "overdue", "rate")


class ExcelColumn(_Strict):
    key: str
    label: str = Field(min_length=1)
    width: float = Field(gt=0, le=200)


class ExcelLayout(_Strict):
    summary_sheet: str = Field(min_length=1, max_length=31)
    all_sheet: str = Field(min_length=1, max_length=31)
    no_unit: str
    columns: list[ExcelColumn] = Field(min_length=1)
    summary_columns: list[ExcelColumn] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys(self) -> ExcelLayout:
        for name, columns, known in (
            ("columns", self.columns, EXCEL_KEYS),
            ("summary_columns", self.summary_columns, SUMMARY_KEYS),
        ):
            unknown = [c.key for c in columns if c.key not in known]
            if unknown:
                raise ValueError(f"{name} 中有未知的列：{'、'.join(unknown)}（可用：{'、'.join(known)}）")
        return self


# --- loading --------------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def _message(exc: ValidationError) -> str:
    return "；".join(f"{'.'.join(str(p) for p in e['loc']) or '文件'}: {e['msg']}" for e in exc.errors())


def load_model(text: str, model: type[M], where: str) -> M:
    """Parse YAML text into ``model``; ReportError naming ``where`` on any fault."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReportError(f"数据文件 {where} 不是有效的 YAML：{exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ReportError(f"数据文件 {where} 有误：{_message(exc)}") from exc


def _load(file_name: str, model: type[M]) -> M:
    where = f"data/reports/{file_name}"
    try:
        text = resources.files(_PACKAGE).joinpath(file_name).read_text("utf-8")
    except OSError as exc:
        raise ReportError(f"无法读取数据文件 {where}：{exc}") from exc
    return load_model(text, model, where)


@cache
def document_format() -> DocumentFormat:
    return _load("format.yaml", DocumentFormat)


@cache
def chart_rules() -> ChartRules:
    return _load("charts.yaml", ChartRules)


@cache
def quarterly_texts() -> QuarterlyTexts:
    return _load("quarterly.yaml", QuarterlyTexts)


@cache
def circular_texts() -> CircularTexts:
    return _load("circular.yaml", CircularTexts)


@cache
def reminder_texts() -> ReminderTexts:
    return _load("reminder.yaml", ReminderTexts)


@cache
def excel_layout() -> ExcelLayout:
    return _load("excel.yaml", ExcelLayout)
