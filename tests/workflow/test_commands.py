"""The commands, mounted on a throwaway Typer app the way cli.py mounts them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from govinspect.findings import Finding
from govinspect.store import open_database
from govinspect.workflow.commands import problems_app, score_command, site_app, sync_command, unit_app
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import T0, store_scan

BASE = "http://127.0.0.1:8080/"


@pytest.fixture
def cli():
    app = typer.Typer()
    app.add_typer(unit_app, name="unit")
    app.add_typer(site_app, name="site")
    app.add_typer(problems_app, name="problems")
    app.command("score")(score_command)
    app.command("sync")(sync_command)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), env={"COLUMNS": "200"})

    return run


@pytest.fixture
def dbpath(tmp_path: Path) -> str:
    return str(tmp_path / "g.db")


def test_unit_and_site_commands(cli, dbpath, tmp_path):
    assert cli("unit", "add", "县政府办", "--db", dbpath).exit_code == 0
    result = cli("unit", "add", "县教育局", "--parent", "县政府办", "--contact", "0951-1", "--db", dbpath)
    assert result.exit_code == 0 and "已登记单位 #2" in result.output
    listing = cli("unit", "list", "--db", dbpath)
    assert "县教育局" in listing.output and "0951-1" in listing.output
    added = cli("site", "add", BASE, "--name", "县政府门户", "--kind", "门户网站", "--owner", "县政府办",
                "--setting", "require_review_footer=true", "--db", dbpath)
    assert added.exit_code == 0, added.output
    assert cli("site", "rule-add", "县政府门户", "--prefix", "/bm/jyj/", "--unit", "县教育局", "--db", dbpath).exit_code == 0
    assert cli("site", "set", "1", "--setting", "deadline_days={veto: 2}", "--db", dbpath).exit_code == 0
    shown = cli("site", "show", "http://127.0.0.1:8080", "--db", dbpath)
    assert shown.exit_code == 0 and "/bm/jyj/" in shown.output and "deadline_days" in shown.output
    assert "门户网站" in cli("site", "list", "--db", dbpath).output
    out = tmp_path / "registry.xlsx"
    assert cli("site", "export", str(out), "--db", dbpath).exit_code == 0
    other = str(tmp_path / "other.db")
    imported = cli("site", "import", str(out), "--db", other)
    assert imported.exit_code == 0 and "站点：新增 1" in imported.output
    units_file = tmp_path / "units.yaml"
    assert cli("unit", "export", str(units_file), "--db", dbpath).exit_code == 0
    assert [u["name"] for u in yaml.safe_load(units_file.read_text(encoding="utf-8"))["units"]] == ["县政府办", "县教育局"]
    assert cli("unit", "remove", "县教育局", "--db", dbpath).exit_code == 2  # still has a rule


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("site", "show", "不存在"), "没有找到站点"),
        (("site", "add", "ftp://x/"), "不支持的网址协议"),
        (("site", "add", BASE, "--kind", "网站"), "站点类型"),
        (("unit", "add", "局", "--parent", "无"), "没有找到单位"),
        (("problems", "update", "5", "待复核"), "没有编号为 5 的问题"),
        (("problems", "list", "--state", "完成"), "状态"),
        (("problems", "rates", "--quarter", "2026Q5"), "季度"),
        (("score", "99"), "没有找到站点"),
        (("score", BASE, "--profile", "/nonexistent/profile.yaml"), "指标方案文件不存在"),
        (("sync", "42"), "没有编号为 42 的扫描"),
        (("unit", "import", "/nonexistent.yaml"), "文件不存在"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(cli, dbpath, args, message):
    open_database(f"sqlite:///{dbpath}").site_id_for(BASE)
    result = cli(*args, "--db", dbpath)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_sync_score_and_problem_commands(cli, dbpath):
    db = open_database(f"sqlite:///{dbpath}")
    error = Finding("serious_error", page=BASE + "a.html", evidence="错误提法")
    link = Finding("broken_link", page=BASE + "b.html", target=BASE + "x.html", evidence="旧链接")
    scan_id = store_scan(db, BASE, [error, link], at=T0)
    synced = cli("sync", str(scan_id), "--db", dbpath)
    assert synced.exit_code == 0 and "新问题 2" in synced.output
    assert "已同步过" in cli("sync", str(scan_id), "--db", dbpath).output

    scored = cli("score", BASE, "--format", "json", "--db", dbpath)
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.output)
    assert report["verdict"] == "合格" and report["pending_candidates"] == 1 and report["total"] == 99.5
    v1 = next(v for v in report["veto"] if v["id"] == "V1")
    candidate = v1["rules"][0]["candidates"][0]
    assert candidate["decision"] == "pending" and candidate["evidence"] == "错误提法"
    confirmed = cli("problems", "confirm", str(candidate["problem_id"]), "--reason", "领导职务写错", "--by", "审核员", "--db", dbpath)
    assert confirmed.exit_code == 0 and "V1" in confirmed.output
    text = cli("score", "1", "--db", dbpath)
    assert text.exit_code == 0 and "不合格" in text.output and "否决" in text.output

    listing = cli("problems", "list", "--state", "待整改", "--format", "json", "--db", dbpath)
    items = json.loads(listing.output)
    assert {i["code"] for i in items} == {"serious_error", "broken_link"}
    link_id = next(i["id"] for i in items if i["code"] == "broken_link")
    assert cli("problems", "update", str(link_id), "误报", "--db", dbpath).exit_code == 2  # reason required
    updated = cli("problems", "update", str(link_id), "误报", "--reason", "外部链接临时故障", "--by", "张三", "--db", dbpath)
    assert updated.exit_code == 0 and "误报" in updated.output
    shown = cli("problems", "show", str(link_id), "--db", dbpath)
    assert "张三" in shown.output and "外部链接临时故障" in shown.output
    rates = cli("problems", "rates", "--from", "2026-03-01", "--format", "json", "--db", dbpath)
    assert json.loads(rates.output)["total"] == {
        "unit": "合计", "total": 2, "false_alarm": 1, "closed": 0, "wontfix": 0, "pending": 1, "overdue": 1, "rate": 0.0,
    }
    rule = cli("problems", "ignore-rule", "add", "--code", "typo", "--url", "*/old/*", "--reason", "历史档案", "--db", dbpath)
    assert rule.exit_code == 0 and "#1" in rule.output
    assert "历史档案" in cli("problems", "ignore-rule", "list", "--db", dbpath).output
    assert cli("problems", "ignore-rule", "remove", "1", "--db", dbpath).exit_code == 0
    judged = cli("problems", "judge", "1", "V5.2", "--reason", "无咨询渠道", "--db", dbpath)
    assert judged.exit_code == 0
    assert cli("problems", "judge", "1", "V9", "--db", dbpath).exit_code == 2
    earlier = cli("score", "1", "--at", (T0 - timedelta(days=1)).date().isoformat(), "--db", dbpath)
    assert earlier.exit_code == 2 and "没有完成的扫描" in earlier.output
    db.close()


def test_score_of_a_subsite_from_its_portal_scan_and_of_false_alarms_at_the_point(cli, dbpath):
    sub_url = BASE + "bm/jyj/"
    assert cli("site", "add", BASE, "--name", "县政府门户", "--kind", "门户网站", "--db", dbpath).exit_code == 0
    assert cli("site", "add", sub_url, "--name", "县教育局子站", "--kind", "子站", "--db", dbpath).exit_code == 0
    db = open_database(f"sqlite:///{dbpath}")
    stale = Finding("homepage_stale", page=sub_url, evidence="旧消息", detail={"subsite": True, "days_since": 56})
    link = Finding("broken_link", page=BASE + "a.html", target=BASE + "x.html", evidence="旧链接")
    scan_id = store_scan(db, BASE, [stale, link], at=T0)
    sync_problems(db, 1, scan_id, now=T0 + timedelta(minutes=10))

    portal = json.loads(cli("score", "县政府门户", "--format", "json", "--db", dbpath).output)
    assert next(v["status"] for v in portal["veto"] if v["id"] == "V3") == "通过"
    assert portal["verdict"] == "合格" and portal["deduction_points"] == 0.5 and portal["scan"]["inherited"] is False
    assert [(n["name"], n["findings"]) for n in portal["nested_sites"]] == [("县教育局子站", 1)]
    sub = json.loads(cli("score", "县教育局子站", "--format", "json", "--db", dbpath).output)
    assert sub["verdict"] == "不合格" and sub["deduction_points"] == 0
    assert sub["scan"] == {
        "id": scan_id, "monitoring_point": portal["scan"]["monitoring_point"],
        "site": {"id": 1, "name": "县政府门户", "url": BASE}, "inherited": True,
        "basis": f"取自上级站点“县政府门户”的扫描 #{scan_id}",
    }
    text = cli("score", "县教育局子站", "--db", dbpath)
    assert text.exit_code == 0 and f"取自上级站点“县政府门户”的扫描 #{scan_id}" in text.output

    # marked 误报 now: left out now, still counted at a monitoring point before the mark
    items = json.loads(cli("problems", "list", "--code", "broken_link", "--format", "json", "--db", dbpath).output)
    marked = cli("problems", "update", str(items[0]["id"]), "误报", "--reason", "链接有效", "--db", dbpath)
    assert marked.exit_code == 0, marked.output
    assert json.loads(cli("score", "县政府门户", "--format", "json", "--db", dbpath).output)["deduction_points"] == 0
    point = (T0 + timedelta(days=1)).date().isoformat()
    earlier = json.loads(cli("score", "县政府门户", "--at", point, "--format", "json", "--db", dbpath).output)
    assert earlier["deduction_points"] == 0.5 and earlier["total"] == 99.5
    db.close()


def test_confirming_a_candidate_uses_the_sites_own_profile(cli, dbpath, tmp_path):
    """`score` lists a candidate of the site's local profile; `problems confirm` must find it there too."""
    local = tmp_path / "local.yaml"
    local.write_text(yaml.safe_dump({
        "id": "local", "name": "某市检查指标",
        "veto": [{"id": "L1", "name": "断链须人工确认", "rules": [
            {"label": "断链", "codes": ["broken_link"], "judgement": True, "min_count": 1}]}],
    }, allow_unicode=True), "utf-8")
    assert cli("site", "add", BASE, "--name", "县政府门户", "--setting", f"profile={local}", "--db", dbpath).exit_code == 0
    db = open_database(f"sqlite:///{dbpath}")
    link = Finding("broken_link", page=BASE + "b.html", target=BASE + "x.html", evidence="旧链接")
    scan_id = store_scan(db, BASE, [link], at=T0)
    assert cli("sync", str(scan_id), "--db", dbpath).exit_code == 0
    report = json.loads(cli("score", BASE, "--format", "json", "--db", dbpath).output)
    l1 = next(v for v in report["veto"] if v["id"] == "L1")
    problem_id = l1["rules"][0]["candidates"][0]["problem_id"]
    confirmed = cli("problems", "confirm", str(problem_id), "--reason", "确认", "--db", dbpath)
    assert confirmed.exit_code == 0 and "L1" in confirmed.output, confirmed.output
    db.close()
