"""Reading and validating the engine's data files: the package's own and the user's.

Every problem with a data file becomes a ``TextDataError`` whose message (Chinese) names the
file, the line where there is one, and what is wrong, so a user can fix a word list alone.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MAX_USER_FILE_BYTES = 20 * 1024 * 1024  # a word list larger than this is surely the wrong file


class TextDataError(ValueError):
    """A data file (word list, rules, roster) is missing or malformed; the message is Chinese."""


def package_text(name: str) -> str:
    """A text file from src/govinspect/data/text/."""
    node = resources.files("govinspect.data").joinpath("text")
    for part in name.split("/"):
        node = node.joinpath(part)
    try:
        return node.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TextDataError(f"内置数据文件 text/{name} 无法读取：{exc}") from exc


def package_bytes(name: str) -> bytes:
    node = resources.files("govinspect.data").joinpath("text")
    for part in name.split("/"):
        node = node.joinpath(part)
    try:
        return node.read_bytes()
    except OSError as exc:
        raise TextDataError(f"内置数据文件 text/{name} 无法读取：{exc}") from exc


def user_text(path: Path) -> str:
    """A user's data file, read as UTF-8 (with or without BOM)."""
    if not path.exists():
        raise TextDataError(f"数据文件 {path} 不存在")
    if not path.is_file():
        raise TextDataError(f"数据文件 {path} 不是普通文件")
    if path.stat().st_size > MAX_USER_FILE_BYTES:
        raise TextDataError(f"数据文件 {path} 超过 {MAX_USER_FILE_BYTES // (1024 * 1024)} MB，请检查是否选错了文件")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextDataError(f"数据文件 {path} 不是 UTF-8 编码（第 {exc.start} 字节处），请另存为 UTF-8") from exc
    except OSError as exc:
        raise TextDataError(f"数据文件 {path} 无法读取：{exc}") from exc


def parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise TextDataError(f"{source}：YAML 格式错误{where}：{getattr(exc, 'problem', exc)}") from exc
    except ValueError as exc:  # PyYAML turns 2024-13-01 into a date and fails
        raise TextDataError(f"{source}：YAML 中的值有误（日期应为 YYYY-MM-DD）：{exc}") from exc


def tsv_rows(text: str, source: str, *, min_cols: int, max_cols: int, header: str | None = None) -> list[
    tuple[int, list[str]]
]:
    """Lines of a tab-separated file as (line number, columns); comments and blank lines skipped."""
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if header is not None and cols[0] == header:
            continue
        while len(cols) > min_cols and cols[-1] == "":
            cols.pop()
        if not min_cols <= len(cols) <= max_cols:
            raise TextDataError(
                f"{source} 第 {number} 行：应有 {min_cols}–{max_cols} 列（以制表符分隔），实有 {len(cols)} 列"
            )
        if any(not c for c in cols[:min_cols]):
            raise TextDataError(f"{source} 第 {number} 行：前 {min_cols} 列不能为空")
        rows.append((number, cols))
    return rows


def word_lines(text: str) -> list[str]:
    """One word a line; comments (#) and blank lines skipped."""
    return [w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")]


def compile_regex(pattern: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TextDataError(f"{source}：正则表达式 {pattern!r} 有误：{exc}") from exc


def expect_mapping(value: Any, source: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TextDataError(f"{source}：应为“键: 值”结构，实为 {type(value).__name__}")
    return value


def expect_list(value: Any, source: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TextDataError(f"{source}：应为列表，实为 {type(value).__name__}")
    return value


def expect_str(value: Any, source: str, *, allow_empty: bool = False) -> str:
    if value is None and allow_empty:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise TextDataError(f"{source}：应为文字，实为 {type(value).__name__}")
    text = str(value).strip()
    if not text and not allow_empty:
        raise TextDataError(f"{source}：不能为空")
    return text


def expect_number(value: Any, source: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TextDataError(f"{source}：应为数字，实为 {value!r}")
    if minimum is not None and value < minimum:
        raise TextDataError(f"{source}：不能小于 {minimum}，实为 {value}")
    return float(value)


def expect_date(value: Any, source: str, *, allow_none: bool = False) -> dt.date | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise TextDataError(f"{source}：缺少日期")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise TextDataError(f"{source}：日期 {value!r} 格式错误，应为 YYYY-MM-DD") from exc


def expect_str_list(value: Any, source: str) -> list[str]:
    return [expect_str(v, f"{source} 第 {i + 1} 项") for i, v in enumerate(expect_list(value, source))]
