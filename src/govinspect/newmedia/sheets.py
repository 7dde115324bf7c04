"""Excel/CSV connector: account lists, post exports and message exports from the platforms' back ends.

Columns are matched flexibly (data/newmedia/columns.yaml): a header equal to a synonym beats one
that merely contains it, earlier synonyms beat later ones, one column serves one field, and the
header row is the row among the first few that names the most fields. A file without the needed
columns is refused with the headers it does have; bad rows are reported and the good ones kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govinspect.newmedia.ingest import MessageIn, PostIn, Rejected
from govinspect.newmedia.model import AccountSpec, MediaError
from govinspect.newmedia.rules import column_rules, fold
from govinspect.newmedia.times import parse_day, parse_time

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
FIELD_LABELS = {
    "platform": "平台", "name": "账号名称", "account_id": "账号ID", "unit": "主办单位", "state": "状态",
    "opened_on": "开设日期", "state_date": "状态日期", "filing_no": "备案编号", "filed_on": "备案日期",
    "operator": "运维单位", "contact": "联系人", "url": "链接", "feed_url": "RSS地址", "note": "备注",
    "time": "时间", "title": "标题", "text": "正文", "original": "是否原创", "origin_source": "转载来源",
    "account": "账号", "content": "内容", "reply_time": "回复时间", "reply": "回复内容", "number": "编号",
}
_REQUIRED = {"accounts": ("platform", "name"), "posts": ("time",), "messages": ("time",)}


def read_grid(path: Path) -> list[list[Any]]:
    """All rows of the file's first sheet (Excel) or of the CSV (UTF-8 or GB18030)."""
    if not path.is_file():
        raise MediaError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _excel_rows(path)
    if suffix in CSV_SUFFIXES:
        return _csv_rows(path)
    if suffix == ".xls":
        raise MediaError(f"{path.name}：不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv")
    raise MediaError(f"不支持的文件类型：{path.name}（可用 .xlsx、.csv）")


def _excel_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise MediaError(f"{path.name}：无法作为 Excel 文件打开（{type(exc).__name__}）") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MediaError(f"{path.name}：无法识别文件编码（应为 UTF-8 或 GBK）")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


@dataclass(frozen=True)
class Header:
    row: int
    columns: dict[str, int]  # field → column index
    ignored: tuple[str, ...]  # headers of columns no field uses


def _score(synonyms: tuple[str, ...], header: str) -> tuple[int, int] | None:
    if not header:
        return None
    for rank, word in enumerate(synonyms):
        if header == word:
            return 0, rank
    for rank, word in enumerate(synonyms):
        if word and word in header:
            return 1, rank
    return None


def _assign(row: list[Any], fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    headers = [fold(v) for v in row]
    candidates: list[tuple[tuple[int, int], int, int, str]] = []
    for order, (name, synonyms) in enumerate(fields.items()):
        for column, header in enumerate(headers):
            score = _score(synonyms, header)
            if score is not None:
                candidates.append((score, order, column, name))
    out: dict[str, int] = {}
    used: set[int] = set()
    for _, _, column, name in sorted(candidates):
        if name not in out and column not in used:
            out[name] = column
            used.add(column)
    return out


def find_header(rows: list[list[Any]], section: str, source: str) -> Header:
    rules = column_rules()
    fields = {f: tuple(fold(s) for s in words) for f, words in rules.sections[section].items()}
    best: tuple[int, int, dict[str, int]] | None = None
    for index, row in enumerate(rows[: rules.header_search_rows]):
        found = _assign(row, fields)
        if found and (best is None or len(found) > best[0]):
            best = (len(found), index, found)
    required = _REQUIRED[section]
    if best is None or any(f not in best[2] for f in required):
        seen = best[1] if best else 0
        present = "、".join(str(v).strip() for v in (rows[seen] if rows else []) if v not in (None, "")) or "（空）"
        wanted = "、".join(f"“{FIELD_LABELS[f]}”（如 {'、'.join(rules.sections[section][f][:3])}）" for f in required)
        raise MediaError(f"{source}：找不到必需的列 {wanted}；表头为：{present}")
    _, index, columns = best
    if section == "posts" and "title" not in columns and "text" not in columns:
        raise MediaError(f"{source}：缺少“标题”或“正文”列，至少要有其中之一")
    used = set(columns.values())
    ignored = tuple(str(v).strip() for i, v in enumerate(rows[index]) if i not in used and v not in (None, ""))
    return Header(index, columns, ignored)


def _cell(row: list[Any], header: Header, name: str) -> Any:
    column = header.columns.get(name)
    if column is None or column >= len(row):
        return None
    value = row[column]
    return value.strip() if isinstance(value, str) else value


def _text(row: list[Any], header: Header, name: str) -> str:
    value = _cell(row, header, name)
    return "" if value is None else str(value).strip()


def _blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def parse_original(value: Any) -> bool | None:
    key = fold(value)
    if not key:
        return None
    rules = column_rules()
    if key in rules.original_words:
        return True
    if key in rules.repost_words:
        return False
    return None


@dataclass
class SheetRows:
    """Rows of a post or message export, grouped by the account column's value (None: no such column)."""

    header: Header
    posts: dict[tuple[str | None, str | None], list[PostIn]] = field(default_factory=dict)
    messages: dict[tuple[str | None, str | None], list[MessageIn]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0


def _account_key(row: list[Any], header: Header) -> tuple[str | None, str | None]:
    return (_text(row, header, "platform") or None, _text(row, header, "account") or None)


def read_posts(path: Path) -> SheetRows:
    rows = read_grid(path)
    header = find_header(rows, "posts", path.name)
    out = SheetRows(header)
    for number, row in enumerate(rows[header.row + 1 :], header.row + 2):
        if _blank(row):
            continue
        out.rows += 1
        where = f"第 {number} 行"
        raw_time = _cell(row, header, "time")
        published = parse_time(raw_time)
        if published is None and raw_time not in (None, ""):
            out.rejected.append(Rejected(where, f"发布时间“{raw_time}”无法识别"))
            continue
        raw_original = _cell(row, header, "original")
        post = PostIn(
            where=where,
            published_at=published,
            title=_text(row, header, "title"),
            text=_text(row, header, "text"),
            url=_text(row, header, "url") or None,
            original=parse_original(raw_original),
            origin_source=_text(row, header, "origin_source") or None,
        )
        out.posts.setdefault(_account_key(row, header), []).append(post)
    return out


def read_messages(path: Path) -> SheetRows:
    rows = read_grid(path)
    header = find_header(rows, "messages", path.name)
    out = SheetRows(header)
    for number, row in enumerate(rows[header.row + 1 :], header.row + 2):
        if _blank(row):
            continue
        out.rows += 1
        where = f"第 {number} 行"
        raw_time, raw_reply = _cell(row, header, "time"), _cell(row, header, "reply_time")
        received, replied = parse_time(raw_time), parse_time(raw_reply)
        if received is None and raw_time not in (None, ""):
            out.rejected.append(Rejected(where, f"留言时间“{raw_time}”无法识别"))
            continue
        if replied is None and raw_reply not in (None, ""):
            out.rejected.append(Rejected(where, f"回复时间“{raw_reply}”无法识别"))
            continue
        message = MessageIn(
            where=where,
            received_at=received,
            content=_text(row, header, "content"),
            replied_at=replied,
            reply=_text(row, header, "reply") or None,
            number=_text(row, header, "number") or None,
        )
        out.messages.setdefault(_account_key(row, header), []).append(message)
    return out


@dataclass
class AccountRows:
    header: Header
    specs: list[tuple[str, AccountSpec]] = field(default_factory=list)  # (where, spec)
    rejected: list[Rejected] = field(default_factory=list)


def _day(row: list[Any], header: Header, name: str, where: str) -> Any:
    raw = _cell(row, header, name)
    if raw in (None, ""):
        return None
    day = parse_day(raw)
    if day is None:
        raise MediaError(f"{where}：{FIELD_LABELS[name]}“{raw}”无法识别")
    return day


def read_accounts(path: Path) -> AccountRows:
    rows = read_grid(path)
    header = find_header(rows, "accounts", path.name)
    out = AccountRows(header)
    for number, row in enumerate(rows[header.row + 1 :], header.row + 2):
        if _blank(row):
            continue
        where = f"第 {number} 行"
        try:
            spec = AccountSpec(
                platform=_text(row, header, "platform"),
                name=_text(row, header, "name"),
                account_key=_text(row, header, "account_id") or None,
                unit=_text(row, header, "unit") or None,
                state=_text(row, header, "state") or None,
                opened_on=_day(row, header, "opened_on", where),
                state_date=_day(row, header, "state_date", where),
                filing_no=_text(row, header, "filing_no") or None,
                filed_on=_day(row, header, "filed_on", where),
                operator=_text(row, header, "operator") or None,
                contact=_text(row, header, "contact") or None,
                url=_text(row, header, "url") or None,
                feed_url=_text(row, header, "feed_url") or None,
                note=_text(row, header, "note") or None,
            )
        except MediaError as exc:
            out.rejected.append(Rejected(where, str(exc).split("：", 1)[-1]))
            continue
        if not spec.platform or not spec.name:
            out.rejected.append(Rejected(where, "缺少平台或账号名称"))
            continue
        out.specs.append((where, spec))
    return out
