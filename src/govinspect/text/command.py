"""`govinspect check-text FILE|- [--format text|json|jsonl]`: the text engine on a file or stdin.

Exit codes: 0 no problem found, 1 problems found, 2 bad input (one clear line on stderr).
jsonl treats every input line as one document: {"line": N, "findings": [...]} per line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer

from govinspect.findings import Finding, code_name
from govinspect.text.data import TextDataError
from govinspect.text.extract import MAX_FILE_BYTES, ExtractError, extract_path, extract_text

FORMATS = ("text", "json", "jsonl")
STDIN_PAGE = "stdin:"
EXIT_CLEAN, EXIT_FOUND, EXIT_BAD_INPUT = 0, 1, 2


class _BadInput(Exception):
    pass


def _read_input(path: str) -> tuple[str, str]:
    """(text, page label) of a file or of standard input."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise _BadInput(f"标准输入超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限，未检查")
        if not data.strip():
            raise _BadInput("标准输入为空，没有可检查的文字")
        return extract_text(data, "stdin.txt"), STDIN_PAGE
    file = Path(path)
    if not file.exists():
        raise _BadInput(f"文件不存在：{path}")
    return extract_path(file), file.resolve().as_uri()


def _data_dir() -> Path | None:
    from govinspect.settings import Settings

    try:
        return Settings().data_dir
    except Exception as exc:  # a malformed govinspect.toml or environment variable
        raise _BadInput(f"配置有误：{exc}") from exc


def _print_table(findings: list[Finding], source: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not findings:
        console.print(f"[green]未发现问题[/green]：{source}")
        return
    table = Table(title=f"文本检查结果：{source}", show_lines=False)
    for header in ("序号", "问题类型", "级别", "原文", "建议改为", "位置", "依据"):
        table.add_column(header, overflow="fold")
    levels = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
    for number, f in enumerate(findings, start=1):
        line = f.detail.get("line")
        where = f"第 {line} 行" if line else f"第 {f.detail.get('offset', 0) + 1} 字"
        table.add_row(
            str(number),
            code_name(f.code),
            levels.get(str(f.severity), str(f.severity)),
            f.evidence or "",
            f.suggestion or "",
            where,
            str(f.detail.get("rule", "")),
        )
    console.print(table)
    console.print(f"共发现 {len(findings)} 处问题。")


def check_text_command(
    path: str = typer.Argument(..., help="要检查的文件（.txt、.docx、.xlsx、.pdf），“-”表示从标准输入读取"),
    format: str = typer.Option("text", "--format", "-f", help="输出格式：text（表格）、json 或 jsonl（每行一篇）"),
) -> int:
    """检查文本中的错别字、严重表述错误、敏感词、隐私信息、涉密标识和序号错误。"""
    from govinspect.text.engine import TextEngine

    if format not in FORMATS:
        typer.echo(f"错误：不支持的输出格式 {format!r}，可选 text、json、jsonl", err=True)
        return EXIT_BAD_INPUT
    try:
        engine = TextEngine.load(_data_dir())
        text, page = _read_input(path)
    except (_BadInput, ExtractError, TextDataError) as exc:
        typer.echo(f"错误：{exc}", err=True)
        return EXIT_BAD_INPUT
    today = dt.date.today()  # the command's monitoring time point
    if format == "jsonl":
        found = 0
        for number, line in enumerate(text.splitlines(), start=1):
            findings = engine.check(line, page=page, now=today)
            found += len(findings)
            record: dict[str, Any] = {"line": number, "findings": [f.to_json() for f in findings]}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return EXIT_FOUND if found else EXIT_CLEAN
    findings = engine.check(text, page=page, now=today)
    if format == "json":
        out = {"source": path, "page": page, "chars": len(text), "findings": [f.to_json() for f in findings]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    else:
        _print_table(findings, "标准输入" if path == "-" else path)
    return EXIT_FOUND if findings else EXIT_CLEAN

