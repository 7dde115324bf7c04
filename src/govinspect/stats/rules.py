"""The data files of src/govinspect/data/stats/, loaded once and validated.

Definitions (what a page view is, the session gap, the crawler list, the column synonyms of
message exports) live in those files; this module turns each into a typed, checked object.
A broken file gives a Chinese error naming the file and the field.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govinspect.stats.errors import StatsError

_PACKAGE = "govinspect.data.stats"
_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

MESSAGE_FIELDS = ("number", "title", "received_at", "kind", "status", "answered_at", "unit")
FIELD_LABELS = {
    "number": "编号",
    "title": "标题",
    "received_at": "留言时间",
    "kind": "类型",
    "status": "状态",
    "answered_at": "答复时间",
    "unit": "办理单位",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_offset(text: str) -> timezone:
    """"+08:00" / "+0800" / "-0500" as a fixed time zone; StatsError when malformed."""
    match = _OFFSET_RE.match(text.strip())
    if not match:
        raise StatsError(f"时区写法无效：{text!r}（应如 +08:00）")
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59:
        raise StatsError(f"时区超出范围：{text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


class ColumnRule(_Strict):
    max_segments: int = Field(ge=1, le=10)
    stop_segment: str

    @field_validator("stop_segment")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"正则表达式无效：{value!r}（{exc}）") from exc
        return value


class TrafficRules(_Strict):
    session_gap_minutes: float = Field(gt=0, le=24 * 60)
    timezone: str
    pv_methods: list[str] = Field(min_length=1)
    pv_statuses: list[int] = Field(min_length=1)
    page_extensions: list[str]
    column: ColumnRule
    empty_agent_is_bot: bool
    out_of_order_seconds: int = Field(ge=0, le=3600)
    bad_line_examples: int = Field(ge=0, le=100)
    detect_lines: int = Field(ge=1, le=10_000)
    max_columns_per_day: int = Field(ge=1)
    top_columns: int = Field(ge=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            parse_offset(value)
        except StatsError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("pv_statuses")
    @classmethod
    def _statuses(cls, values: list[int]) -> list[int]:
        for value in values:
            if not 100 <= value <= 599:
                raise ValueError(f"HTTP 状态码无效：{value}")
        return values

    @field_validator("page_extensions")
    @classmethod
    def _extensions(cls, values: list[str]) -> list[str]:
        return [v.lower().lstrip(".") for v in values]


class MessageRules(_Strict):
    columns: dict[str, list[str]]
    required: list[str]
    answer_evidence: list[str] = Field(min_length=1)
    answered_words: list[str]
    unanswered_words: list[str]
    overdue_months: int = Field(ge=1, le=120)
    overdue_window_months: int = Field(ge=1, le=240)
    header_search_rows: int = Field(ge=1, le=100)
    bad_row_examples: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _known_fields(self) -> MessageRules:
        named = set(self.columns) | set(self.required) | set(self.answer_evidence)
        unknown = sorted(named - set(MESSAGE_FIELDS))
        if unknown:
            raise ValueError(f"未知字段：{', '.join(unknown)}（可用：{', '.join(MESSAGE_FIELDS)}）")
        missing = sorted(set(MESSAGE_FIELDS) - set(self.columns))
        if missing:
            raise ValueError(f"columns 缺少字段：{', '.join(missing)}")
        return self


M = TypeVar("M", bound=BaseModel)


def _read(file_name: str) -> str:
    try:
        return resources.files(_PACKAGE).joinpath(file_name).read_text("utf-8")
    except OSError as exc:
        raise StatsError(f"无法读取数据文件 data/stats/{file_name}：{exc}") from exc


def validation_message(exc: ValidationError) -> str:
    return "；".join(f"{'.'.join(str(p) for p in e['loc']) or '文件'}: {e['msg']}" for e in exc.errors())


def _load(file_name: str, model: type[M]) -> M:
    try:
        raw: Any = yaml.safe_load(_read(file_name))
    except yaml.YAMLError as exc:
        raise StatsError(f"数据文件 data/stats/{file_name} 不是有效的 YAML：{exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise StatsError(f"数据文件 data/stats/{file_name} 有误：{validation_message(exc)}") from exc


@cache
def traffic_rules() -> TrafficRules:
    return _load("traffic.yaml", TrafficRules)


@cache
def message_rules() -> MessageRules:
    return _load("messages.yaml", MessageRules)


@cache
def bot_patterns() -> tuple[str, ...]:
    """Lower-case substrings of crawler user agents (data/stats/bots.tsv, first column)."""
    patterns: list[str] = []
    for number, line in enumerate(_read("bots.tsv").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        pattern = line.split("\t", 1)[0].strip().lower()
        if pattern == "pattern":
            continue  # the header row
        if not pattern:
            raise StatsError(f"数据文件 data/stats/bots.tsv 第 {number} 行没有模式")
        patterns.append(pattern)
    if not patterns:
        raise StatsError("数据文件 data/stats/bots.tsv 没有任何爬虫模式")
    return tuple(patterns)


class AnnualRow(_Strict):
    section: str
    item: str
    unit: str = ""
    figure: str | None = None


class AnnualLayout(_Strict):
    title: str
    rows: list[AnnualRow] = Field(min_length=1)


@cache
def annual_layout() -> AnnualLayout:
    return _load("annual_report.yaml", AnnualLayout)
