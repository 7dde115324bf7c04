"""check_text_command: formats, stdin, file types, bad input → exit 2 with one clear line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from govinspect.text.command import check_text_command

from .test_extract import make_docx, make_xlsx


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_jsonl_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("要认真布署工作\n这是一句正常的话。\n网上赌场\n".encode()))
    assert check_text_command("-", format="jsonl") == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in lines] == [1, 2, 3]
    assert [f["evidence"] for f in lines[0]["findings"]] == ["布署"]
    assert lines[0]["findings"][0]["suggestion"] == "部署"
    assert lines[0]["findings"][0]["page"] == "stdin:"
    assert lines[1]["findings"] == []
    assert lines[2]["findings"][0]["code"] == "sensitive_word"


def test_json_from_txt_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "note.txt"
    path.write_text("关于布署工作的通知\n深入学习党的20大精神\n", encoding="utf-8")
    assert check_text_command(str(path), format="json") == 1
    out = json.loads(capsys.readouterr().out)
    assert {f["code"] for f in out["findings"]} == {"typo", "serious_error"}
    assert out["page"].startswith("file://")


def test_text_table_for_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "通知.docx"
    path.write_bytes(make_docx(["关于布署防汛工作的通知"]))
    assert check_text_command(str(path), format="text") == 1
    out = capsys.readouterr().out
    assert "错别字" in out
    assert "共发现 1 处问题" in out


def test_clean_xlsx_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "表.xlsx"
    path.write_bytes(make_xlsx([["序号", "单位"], [1, "市政府办公室"]]))
    assert check_text_command(str(path), format="text") == 0
    assert "未发现问题" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.docx", b"not a zip", "不是有效的"),
        ("empty.txt", b"", "文件为空"),
        ("prog.exe", b"MZ", "不支持的文件类型"),
    ],
)
def test_bad_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert check_text_command(str(path), format="json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert message in captured.err


def test_missing_file_and_bad_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_text_command(str(tmp_path / "none.txt"), format="text") == 2
    assert "文件不存在" in capsys.readouterr().err
    assert check_text_command(str(tmp_path / "none.txt"), format="xml") == 2
    assert "不支持的输出格式" in capsys.readouterr().err


def test_empty_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(b"  \n"))
    assert check_text_command("-", format="jsonl") == 2
    assert "标准输入为空" in capsys.readouterr().err


def test_typer_compatible() -> None:
    import typer
    from typer.testing import CliRunner

    app = typer.Typer()
    app.command("check-text")(check_text_command)
    app.command("other")(lambda: None)
    result = CliRunner().invoke(app, ["check-text", "-", "--format", "jsonl"], input="布署工作\n")
    assert '"evidence": "布署"' in result.output
