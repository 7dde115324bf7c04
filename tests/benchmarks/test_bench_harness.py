"""The crawl benchmark's pieces work on a tiny site: config rendering, measuring, report parsing, nginx.

No timing is asserted: only that each piece produces what the comparison relies on.
"""

from __future__ import annotations

import configparser
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from benchmarks.peers.fallback_site import build_fallback_site
from benchmarks.peers.measure import run_measured
from benchmarks.peers.nginx import NginxServer, VirtualHost, find_nginx, free_port, render_config
from benchmarks.peers.profile import area_of, parse_collapsed
from benchmarks.peers.report import BEGIN, END, Report, render_markdown, write_markdown
from benchmarks.peers.results import ToolResult, detection, pages_reached
from benchmarks.peers.sites import BenchSite, Planted, build_bench_site, kind_of
from benchmarks.peers.tools import (
    LINKCHECKER_MAX_RPS,
    Govinspect,
    LinkChecker,
    WgetSpider,
    parse_linkchecker_csv,
    parse_linkinator_json,
    parse_wget_log,
)

needs_nginx = pytest.mark.skipif(find_nginx() is None, reason="nginx 未安装（make bench 会安装）")


def _site(tmp_path: Path) -> BenchSite:
    return BenchSite(
        home_url="http://127.0.0.1:18080/",
        html_pages=10,
        hosts=[VirtualHost("127.0.0.1", tmp_path / "main"), VirtualHost("127.0.0.2", tmp_path / "good")],
        planted=[
            Planted("http://127.0.0.1:18080/gone.html", "link"),
            Planted("http://127.0.0.1:18080/img/x.png", "resource"),
            Planted("http://127.0.0.1:18080/soft.html", "soft404"),
            Planted("http://127.0.0.3:18080/a.html", "external"),
        ],
        generator="test",
    )


def test_nginx_config_has_every_host_and_the_linkchecker_header(tmp_path: Path) -> None:
    text = render_config(tmp_path / "prefix", 18080, _site(tmp_path).hosts)
    assert "listen 127.0.0.1:18080;" in text and "listen 127.0.0.2:18080;" in text
    assert f"root {(tmp_path / 'main').resolve()};" in text
    assert 'add_header LinkChecker "govinspect-bench" always;' in text
    assert "daemon off;" in text and f"pid {(tmp_path / 'prefix').resolve()}/nginx.pid;" in text
    with pytest.raises(ValueError):
        render_config(tmp_path, 18080, [])


def test_nginx_config_includes_the_demo_export_and_its_redirects(tmp_path: Path) -> None:
    hosts = [
        VirtualHost("127.0.0.1", tmp_path / "main", redirects=(("/loop/a", 302, "/loop/b"),),
                    include=tmp_path / "main" / "demo.conf"),
        VirtualHost("127.0.0.4", tmp_path / "spam", catch_all=True),
    ]
    text = render_config(tmp_path, 8080, hosts)
    assert f"include {(tmp_path / 'main' / 'demo.conf').resolve()};" in text
    assert 'location = /loop/a { return 302 "/loop/b"; }' in text
    assert "try_files $uri $uri/ /index.html;" in text  # the spam host answers every path
    with pytest.raises(ValueError):
        render_config(tmp_path, 8080, [VirtualHost("127.0.0.1", tmp_path, redirects=(("/a;b", 302, "/"),))])


def test_linkchecker_config_lifts_the_rate_limit() -> None:
    parser = configparser.ConfigParser()
    parser.read_string(LinkChecker("linkchecker", "LinkChecker").config_text())
    assert float(parser["checking"]["maxrequestspersecond"]) == LINKCHECKER_MAX_RPS
    assert int(parser["checking"]["threads"]) == 50
    assert parser["filtering"]["checkextern"] == "1"


def test_govinspect_command_lifts_politeness_and_uses_a_fresh_db(tmp_path: Path) -> None:
    cmd = Govinspect("govinspect", "govinspect").command(_site(tmp_path), tmp_path)
    assert cmd[1:3] == ["scan", "http://127.0.0.1:18080/"]
    assert cmd[cmd.index("--concurrency") + 1] == "50" and cmd[cmd.index("--rate") + 1] == "0"
    assert cmd[cmd.index("--db") + 1] == f"sqlite:///{tmp_path / 'scan.db'}"
    shared = Govinspect("again", "again", db_path=tmp_path / "first.db").command(_site(tmp_path), tmp_path)
    assert shared[shared.index("--db") + 1].endswith("first.db")


def test_big_site_shrinks_to_the_time_budget() -> None:
    from benchmarks.peers.budget import big_size

    assert big_size(50_000, 5_000, pages_per_s=1000, seconds_left=600) == 50_000
    shrunk = big_size(50_000, 5_000, pages_per_s=50, seconds_left=600)
    assert 10_000 <= shrunk < 50_000 and shrunk % 5000 == 0
    assert big_size(50_000, 5_000, pages_per_s=5, seconds_left=600) == 0


def test_run_measured_sees_cpu_and_memory_of_the_child(tmp_path: Path) -> None:
    script = "b = bytearray(80 * 1024 * 1024); sum(range(3_000_000)); import time; time.sleep(0.3); print('done')"
    m = run_measured([sys.executable, "-c", script], stdout=tmp_path / "out.txt", timeout_s=60)
    assert m.returncode == 0 and not m.timed_out
    assert (tmp_path / "out.txt").read_text().strip() == "done"
    assert m.peak_rss_mb >= 70  # the 80 MB buffer, whichever of the two readings caught it
    assert m.cpu_s > 0
    failing = run_measured([sys.executable, "-c", "raise SystemExit(3)"], timeout_s=60)
    assert failing.returncode == 3


def test_run_measured_kills_a_tool_past_its_limit() -> None:
    m = run_measured([sys.executable, "-c", "import time; time.sleep(60)"], timeout_s=0.5)
    assert m.timed_out and m.returncode != 0


def test_report_parsers_read_each_tools_output() -> None:
    csv_text = (
        "# created by LinkChecker\n"
        "urlname;parentname;base;result;warningstring;infostring;valid;url;line;column;name;dltime;size;"
        "checktime;cached;level;modified\n"
        "/gone.html;http://127.0.0.1:8/;;404 Not Found;;;False;http://127.0.0.1:8/gone.html;1;1;x;-1;1;0.1;0;1;\n"
        "/ok.html;http://127.0.0.1:8/;;200 OK;;;True;http://127.0.0.1:8/ok.html;1;1;x;-1;1;0.1;0;1;\n"
    )
    assert parse_linkchecker_csv(csv_text) == {"http://127.0.0.1:8/gone.html"}
    linkinator = json.dumps({"links": [
        {"url": "http://127.0.0.1:8/", "status": 200, "state": "OK"},
        {"url": "http://127.0.0.1:8/img/x.png", "status": 404, "state": "BROKEN"},
        {"url": "mailto:a@b.cn", "status": 0, "state": "SKIPPED"},
    ]})
    assert parse_linkinator_json("some banner\n" + linkinator) == {"http://127.0.0.1:8/img/x.png"}
    wget_log = (
        "2026-01-01 URL: http://127.0.0.1:8/ 200 OK\n"
        "Found 2 broken links.\n\nhttp://127.0.0.1:8/gone.html\nhttp://127.0.0.1:8/img/x.png\n\n"
        "FINISHED --2026-01-01--\nDownloaded: 3 files\n"
    )
    assert parse_wget_log(wget_log) == {"http://127.0.0.1:8/gone.html", "http://127.0.0.1:8/img/x.png"}
    assert parse_wget_log("Found no broken links.\n") == set()


def test_detection_counts_per_planted_kind(tmp_path: Path) -> None:
    site = _site(tmp_path)
    found = detection(site, {"http://127.0.0.1:18080/gone.html", "http://127.0.0.3:18080/a.html",
                             "http://127.0.0.1:18080/fine.html"})
    assert found.by_kind == {"link": (1, 1), "resource": (0, 1), "soft404": (0, 1), "external": (1, 1)}
    assert found.unplanted == 1 and found.found == 2 and found.planted == 4
    assert kind_of("broken_link", "http://127.0.0.3:1/x", "127.0.0.1:1", {}) == "external"
    assert kind_of("broken_link", "http://127.0.0.1:1/x", "127.0.0.1:1", {"error": "soft_404"}) == "soft404"
    assert kind_of("broken_resource", "http://127.0.0.1:1/x.png", "127.0.0.1:1", {}) == "resource"


def test_profile_summary_by_function_and_area() -> None:
    raw = (
        "main (govinspect/cli.py:10);parse_html (govinspect/parse/page.py:50);css (selectolax/parser.py:3) 30\n"
        "main (govinspect/cli.py:10);write_batch (govinspect/store/db.py:90) 10\n"
        "garbage line\n"
    )
    by_function, by_area, total = parse_collapsed(raw)
    assert total == 40
    assert by_function["css (parser.py)"] == 30
    assert by_area["HTML 解析（selectolax）"] == 30 and by_area["govinspect 存储"] == 10
    assert area_of("x (somewhere/else.py:1)") == "其他"


def test_markdown_block_is_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    from datetime import datetime

    site = _site(tmp_path)
    report = Report(site=site, started=datetime(2026, 1, 1, 8, 0), command="bench")
    report.comparison.append(ToolResult(name="linkchecker", label="LinkChecker", skipped="未安装"))
    doc = tmp_path / "bench.md"
    write_markdown(report, doc, "# 标题\n")
    first = doc.read_text("utf-8")
    assert first.startswith("# 标题") and BEGIN in first and END in first and "未安装" in first
    doc.write_text(first + "\n人工写的分析。\n", "utf-8")
    report.comparison[0].skipped = "另一个原因"
    write_markdown(report, doc, "# 不该出现\n")
    second = doc.read_text("utf-8")
    assert "人工写的分析。" in second and "另一个原因" in second and "未安装" not in second
    assert "不该出现" not in second and second.count(BEGIN) == 1
    assert "LinkChecker" in render_markdown(report)


def test_fallback_site_is_described_by_its_manifest(tmp_path: Path) -> None:
    site = build_bench_site(tmp_path, 120, 18080, use_project=False)
    again = build_bench_site(tmp_path, 120, 18080, use_project=False)  # the second call reads the manifest
    assert again.to_json() == site.to_json()
    html_files = [p for p in site.hosts[0].root.rglob("*.html")]
    assert site.html_pages == len(html_files)
    assert {p.kind for p in site.planted} == {"link", "resource", "soft404", "external"}
    for planted in site.planted:
        if planted.kind in ("link", "resource"):
            rel = planted.target.removeprefix(site.home_url)
            assert not (site.hosts[0].root / rel).exists()


@needs_nginx
def test_nginx_serves_the_site_with_the_header_and_wget_finds_the_planted_404s(tmp_path: Path) -> None:
    port = free_port()
    site = build_fallback_site(tmp_path / "site", 60, port)
    with NginxServer(tmp_path / "nginx", site.hosts, port) as server:
        with urllib.request.urlopen(site.home_url, timeout=10) as resp:
            assert resp.status == 200 and resp.headers["LinkChecker"] == "govinspect-bench"
            assert "示例县人民政府" in resp.read().decode("utf-8")
        missing = next(p.target for p in site.planted if p.kind == "link")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(missing, timeout=10)
        assert info.value.code == 404
        wget = WgetSpider("wget", "wget")
        if wget.missing() is None:
            out = tmp_path / "wget"
            out.mkdir()
            m = run_measured(wget.command(site, out), cwd=out, timeout_s=120)
            assert m.returncode in (0, 8)  # 8: wget met server errors (the planted 404s)
            found = detection(site, wget.broken(out))
            assert found.by_kind["link"][0] == found.by_kind["link"][1] > 0
            assert found.by_kind["soft404"][0] == 0  # a static 200 page: wget cannot tell
        assert server.worker_cpu_s() >= 0
        offset = server.log_offset()
        urllib.request.urlopen(site.home_url, timeout=10).close()
        assert pages_reached(site, server.requests_since(offset)) == 1  # the home page, seen in the access log
    assert server._proc is None
