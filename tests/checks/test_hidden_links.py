"""hidden_link (暗链): hidden links to outside hosts are found; hidden menus, skip-links, share panels
and the real pages' benign hidden elements are not; cloaking is seen by fetching as Baiduspider."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govinspect.checks.registry import CheckContext, all_checks
from govinspect.checks.site import ListSiteData
from govinspect.findings import Finding
from govinspect.parse.page import parse_html
from govinspect.settings import Settings

NOW = datetime(2024, 6, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
B = "http://127.0.0.1:8080"
SPAM = "http://127.0.0.4:8080"
REPO = Path(__file__).resolve().parents[2]


def ctx(site_url: str = B + "/") -> CheckContext:
    return CheckContext(settings=Settings(), site_url=site_url, now=NOW)


def check(html: str, url: str = B + "/") -> list[Finding]:
    return list(all_checks()["hidden_links"].fn(parse_html(html, url), ctx()))


PLANTED = f"""<html><head><style>
.hd {{ display: none }}
.ti {{ text-indent: -9999px }}
#nav li ul {{ display: none }}
#nav li:hover ul {{ display: block }}
</style></head><body bgcolor="#ffffff">
<a href="#content" class="skip" style="position:absolute;left:-9999px">跳到主要内容</a>
<ul id="nav"><li><a href="/col/a/">政务公开</a><ul><li><a href="/col/b/">通知公告</a></li></ul></li></ul>
<div style="display:none"><a href="{SPAM}/a">澳门葡京娱乐场</a><a href="{SPAM}/b">六合彩开奖</a></div>
<a href="{SPAM}/c" style="position:absolute;left:-9999px;top:-9999px">网上赌场</a>
<div class="hd"><a href="{SPAM}/d">在线真人视讯</a></div>
<p class="ti"><a href="{SPAM}/e">热门推荐一</a></p>
<span style="font-size:0"><a href="{SPAM}/f">热门推荐二</a></span>
<a href="{SPAM}/g" style="color:#fff">热门推荐三</a>
<div style="height:0;overflow:hidden"><a href="{SPAM}/h">热门推荐四</a></div>
<marquee height="1" width="1"><a href="{SPAM}/i">热门推荐五</a></marquee>
<script>document.write('<a href="{SPAM}/j">百家乐</a>');</script>
<script>document.write(unescape("%3Ca href='{SPAM}/k'%3E%u8001%u864E%u673A%3C/a%3E"));</script>
<a href="{SPAM}/l">&#20845;&#21512;&#24425;&#36164;&#26009;</a>
<div id="content">正文</div></body></html>"""


def test_every_hiding_device_is_found() -> None:
    found = {f.target: f for f in check(PLANTED)}
    rules = {target.rsplit("/", 1)[-1]: f.detail["rule"] for target, f in found.items() if target}
    assert rules == {
        "a": "display_none",
        "b": "display_none",
        "c": "offscreen",
        "d": "display_none",
        "e": "text_indent",
        "f": "tiny_font",
        "g": "same_color",
        "h": "zero_size",
        "i": "marquee",
        "j": "script_written",
        "k": "script_written",
        "l": "entity_encoded",
    }
    assert found[f"{SPAM}/a"].evidence == "澳门葡京娱乐场"
    assert found[f"{SPAM}/k"].evidence == "老虎机"
    assert found[f"{SPAM}/l"].evidence == "六合彩资料"
    assert all(f.severity == "veto" and f.page == B + "/" for f in found.values())


BENIGN = """<html><head><style>.sub { display:none }</style></head><body>
<a href="#content" style="position:absolute;left:-9999px">跳到主要内容</a>
<ul class="nav"><li><a href="/col/a/">政务公开</a><ul class="sub"><li><a href="/col/b/">通知公告</a></li></ul></li></ul>
<div id="bsPanel" style="display:none"><a href="http://127.0.0.5/share">分享到微博</a><a href="http://127.0.0.6/">QQ空间</a></div>
<div style="display:none"><a href="http://www.gov.cn/">中国政府网</a><a href="http://www.zj.gov.cn/">浙江省人民政府</a></div>
<a href="http://127.0.0.7/" style="display:none">Produced By 某某网络 内容管理系统</a>
<a href="http://127.0.0.8/jiucuo" style="display:none"><img src="/jc.png"></a>
<script>document.write(unescape("%3Cspan id='_ideConac'%3E%3Ca href='https://bszs.conac.cn/sitename?id=1'%3E%3Cimg src='/red.png'%3E%3C/a%3E%3C/span%3E"));</script>
<script>document.write("<a href='index_1.html'>下一页</a>");</script>
<p><a href="http://127.0.0.2/links">友情链接：某某市人民政府</a></p>
<p>&#27426;&#36814; <a href="http://127.0.0.2/x">&#21451;&#24773;&#38142;&#25509;</a></p>
<div id="content">正文</div></body></html>"""


def test_benign_hidden_elements_are_not_flagged() -> None:
    assert check(BENIGN) == []


def realpages() -> list[Path]:
    folder = REPO.parent / "shared" / "data" / "realpages"
    if not folder.is_dir():
        pytest.skip("../shared/data/realpages 不存在")
    return sorted(folder.glob("*.html"))


def test_no_false_alarms_on_real_pages() -> None:
    # hidden menus, share panels, a hidden link box, document.write logos: none is a 暗链
    pages = realpages()
    assert len(pages) >= 19
    flagged = {p.name: check(p.read_text("utf-8"), "http://127.0.0.1/a/b.html") for p in pages}
    assert {name: f for name, f in flagged.items() if f} == {}


class _Cloaking(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        spider = "Baiduspider" in (self.headers.get("User-Agent") or "")
        extra = '<a href="http://127.0.0.4:9/c">网上赌场</a>' if spider else ""
        title = "博彩娱乐平台" if spider else "某县人民政府"
        body = f"<html><head><title>{title}</title></head><body><a href='/a'>首页</a>{extra}</body></html>"
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture()
def cloaking_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Cloaking)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_cloaking_seen_as_baiduspider(cloaking_site: str) -> None:
    context = ctx(cloaking_site)
    found = list(all_checks()["spider_cloaking"].fn(ListSiteData(start_url=cloaking_site), context))
    assert context.errors == []
    assert [(f.detail["rule"], f.target, f.evidence) for f in found] == [
        ("cloaking", "http://127.0.0.4:9/c", "网上赌场"),
        ("cloaking_title", None, "博彩娱乐平台"),
    ]
    assert all_checks()["spider_cloaking"].network


def test_cloaking_check_on_a_dead_site_reports_an_error_not_a_finding() -> None:
    context = ctx("http://127.0.0.3:9/")
    found = list(all_checks()["spider_cloaking"].fn(ListSiteData(start_url="http://127.0.0.3:9/"), context))
    assert found == [] and context.errors and "蜘蛛访问对比未完成" in context.errors[0]
