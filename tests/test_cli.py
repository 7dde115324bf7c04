"""The command line end to end: scan --out, findings exports, check-html, clear errors."""

from __future__ import annotations

import asyncio
import csv
import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import page

SPEC_KEYS = {"site", "started_at", "finished_at", "pages_fetched", "findings"}
FINDING_KEYS = {"code", "severity", "page", "target", "evidence", "suggestion", "detail"}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "govinspect", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


async def test_scan_out_and_exports(mini_site, tmp_path: Path):
    site = await mini_site({
        "/": (200, "text/html", page('<a href="/gone.html">失效的通知</a><img src="/x.png" alt="图">')),
    })
    db = tmp_path / "g.db"
    out = tmp_path / "scan.json"
    proc = await asyncio.to_thread(
        run_cli, "scan", site.base + "/", "--db", str(db), "--out", str(out), "--quiet",
        env={"GOVINSPECT_CHECKS": "links"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "broken_link" in proc.stdout and "共抓取页面" in proc.stdout
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == SPEC_KEYS
    assert document["started_at"].endswith("+08:00")
    assert all(set(f) == FINDING_KEYS for f in document["findings"])
    codes = sorted(f["code"] for f in document["findings"])
    assert codes == ["broken_link", "broken_resource"]
    link = next(f for f in document["findings"] if f["code"] == "broken_link")
    assert link["evidence"] == "失效的通知" and link["detail"]["status"] == 404

    csv_out, xlsx_out = tmp_path / "f.csv", tmp_path / "f.xlsx"
    assert run_cli("findings", "--db", str(db), "--format", "csv", "--out", str(csv_out)).returncode == 0
    rows = list(csv.reader(csv_out.open(encoding="utf-8-sig")))
    assert rows[0][0] == "问题代码" and len(rows) == 3
    assert run_cli("findings", "--db", str(db), "--format", "xlsx", "--out", str(xlsx_out)).returncode == 0
    ws = load_workbook(xlsx_out).active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1")
    assert ws.cell(row=2, column=4).hyperlink is not None
    exported = json.loads(run_cli("findings", "--db", str(db), "--scan", "1").stdout)
    assert exported["findings"] == document["findings"]


def test_findings_errors_are_clear(tmp_path: Path):
    db = str(tmp_path / "empty.db")
    for args in (["--format", "pdf"], ["--scan", "99"], ["--format", "csv"]):
        proc = run_cli("findings", "--db", db, *args)
        assert proc.returncode == 2 and "错误" in proc.stderr and "Traceback" not in proc.stderr


def test_check_html_offline(tmp_path: Path):
    saved = tmp_path / "p.html"
    saved.write_text(page('<a href="/x.html">甲</a><p>正文</p>'), encoding="gbk", errors="ignore")
    out = tmp_path / "r.json"
    proc = run_cli("check-html", str(saved), "--url", "http://127.0.0.1:9/col/a.html", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == SPEC_KEYS and document["site"] == "http://127.0.0.1:9/col/a.html"
    assert not any(f["code"] in ("broken_link", "broken_resource") for f in document["findings"])


def test_check_html_missing_file_is_clear(tmp_path: Path):
    proc = run_cli("check-html", str(tmp_path / "nope.html"), "--url", "http://127.0.0.1/")
    assert proc.returncode == 2 and "错误" in proc.stderr and "Traceback" not in proc.stderr


def test_a_broken_config_file_and_a_misspelt_check_get_clear_messages(tmp_path: Path):
    config = tmp_path / "govinspect.toml"
    config.write_text('db = "未闭合\n', "utf-8")
    broken = run_cli("scans", "--db", f"sqlite:///{tmp_path / 'a.db'}", env={"GOVINSPECT_CONFIG": str(config)})
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert f"配置文件 {config} 格式有误" in broken.stderr + broken.stdout
    misspelt = run_cli("scan", "http://127.0.0.1:9/", "--db", f"sqlite:///{tmp_path / 'b.db'}",
                       env={"GOVINSPECT_CHECKS": "link"})
    assert misspelt.returncode == 2 and "Traceback" not in misspelt.stderr
    assert "未知的检查：link" in misspelt.stderr + misspelt.stdout
