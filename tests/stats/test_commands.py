"""The import and stats commands as a user runs them: output, exit codes, no tracebacks."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from govinspect.stats.commands import import_app, stats_app
from tests.stats.exports import write_merged_xlsx
from tests.stats.logs import COMBINED

app = typer.Typer()
app.add_typer(import_app, name="import")
app.add_typer(stats_app, name="stats")
runner = CliRunner()
SITE = "http://127.0.0.1:8080/"


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "stats.db")


def test_import_logs_then_traffic_summary(db_path, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(COMBINED, encoding="utf-8")
    code, out = _run("import", "logs", str(log), "--site", SITE, "--db", db_path)
    assert code == 0, out
    assert "PV 10" in out and "访问 7 次" in out
    assert "无法识别的行 2 行" in out and "第 9 行" in out
    code, out = _run("import", "logs", str(log), "--site", SITE, "--db", db_path)
    assert code == 0 and "已导入过" in out
    code, out = _run("stats", "traffic", "--site", "1", "--month", "2026-04", "--db", db_path)
    assert code == 0, out
    assert "71.43%" in out  # bounce rate 5/7
    assert "1.43" in out  # page views per visit 10/7
    assert "/col/tzgg/" in out


def test_one_bad_file_fails_alone(db_path, tmp_path):
    good = tmp_path / "good.log"
    good.write_text(COMBINED, encoding="utf-8")
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(gzip.compress(COMBINED.encode() * 200)[:300])
    code, out = _run("import", "logs", str(cut), str(good), "--site", SITE, "--db", db_path)
    assert code == 1
    assert "cut.log.gz" in out and "不完整" in out
    assert "good.log" in out and "PV 10" in out
    assert "Traceback" not in out


def test_import_messages_and_summary(db_path, tmp_path):
    xlsx = write_merged_xlsx(tmp_path / "letters.xlsx")
    code, out = _run("import", "messages", str(xlsx), "--site", SITE, "--db", db_path)
    assert code == 0, out
    assert "新增 6" in out and "第 7 行" in out
    code, out = _run("stats", "messages", "--site", SITE, "--quarter", "2026Q2", "--db", db_path)
    assert code == 0, out
    assert "60.00%" in out and "XJ006" not in out and "老问题" in out  # the overdue one is listed by title


def test_user_errors_are_one_line(db_path, tmp_path):
    code, out = _run("stats", "traffic", "--site", SITE, "--quarter", "2026Q5", "--db", db_path)
    assert code == 2 and "季度写法无效" in out
    code, out = _run("stats", "traffic", "--site", "99", "--year", "2026", "--db", db_path)
    assert code == 2 and "99" in out
    code, out = _run("stats", "traffic", "--site", SITE, "--year", "2026", "--month", "2026-01", "--db", db_path)
    assert code == 2 and "只用一种方式" in out
    missing = tmp_path / "none.csv"
    code, out = _run("import", "messages", str(missing), "--site", SITE, "--db", db_path)
    assert code == 2 and "不存在" in out
    assert "Traceback" not in out


def test_annual_command_writes_xlsx(db_path, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(COMBINED, encoding="utf-8")
    _run("import", "logs", str(log), "--site", SITE, "--db", db_path)
    out_file = tmp_path / "annual.xlsx"
    code, out = _run("stats", "annual", "--year", "2026", "--site", SITE, "--out", str(out_file), "--db", db_path)
    assert code == 0, out
    sheet = load_workbook(out_file)["年度报表"]
    assert sheet["A1"].value == "政府网站工作年度报表"
    assert "访客 4" in out
    code, out = _run("stats", "annual", "--year", "2026", "--site", SITE, "--out", str(tmp_path / "a.docx"), "--db", db_path)
    assert code == 2 and ".xlsx" in out
