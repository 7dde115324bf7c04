from __future__ import annotations

from govinspect.parse.page import parse_html
from govinspect.parse.pagination import script_pagination_urls
from govinspect.parse.soft404 import is_soft_404

HTML = """<!doctype html><html><head><title> 通知公告 </title>
<meta name="SiteIDCode" content="1101070001"><meta name="PubDate" content="2023-05-12 09:30">
<link rel="stylesheet" href="/css/main.css"><base href="http://127.0.0.1:8080/col/tzgg/">
<script src="/js/app.js"></script></head><body>
<a href="t20230512_1.html">关于做好防汛工作的通知</a>
<a href="/files/P020230512.pdf">附件</a>
<a href="javascript:void(0)">无效</a><a href="mailto:x@y.cn">邮件</a>
<img src="../../img/a.png" alt="图片"><video src="/v/a.mp4" poster="/v/a.jpg"></video>
<iframe src="http://127.0.0.2:8080/map.html"></iframe><object data="/x.swf"></object>
<script>document.write('x')</script><style>.a{}</style>
<p>正文第一段</p><div>第二段</div>
<script>createPageHTML(4, 0, "index", "html");</script>
</body></html>"""


def test_links_resources_and_meta() -> None:
    page = parse_html(HTML, "http://127.0.0.1:8080/col/tzgg/index.html")
    assert page.title == "通知公告"
    assert page.meta["siteidcode"] == "1101070001"
    kinds = {(link.kind, link.url) for link in page.links}
    assert ("a", "http://127.0.0.1:8080/col/tzgg/t20230512_1.html") in kinds
    assert ("attachment", "http://127.0.0.1:8080/files/P020230512.pdf") in kinds
    assert ("image", "http://127.0.0.1:8080/img/a.png") in kinds
    assert ("video", "http://127.0.0.1:8080/v/a.mp4") in kinds
    assert ("image", "http://127.0.0.1:8080/v/a.jpg") in kinds
    assert ("iframe", "http://127.0.0.2:8080/map.html") in kinds
    assert ("object", "http://127.0.0.1:8080/x.swf") in kinds
    assert ("stylesheet", "http://127.0.0.1:8080/css/main.css") in kinds
    assert ("script", "http://127.0.0.1:8080/js/app.js") in kinds
    assert not any("javascript" in u or "mailto" in u for _, u in kinds)
    pagination = sorted(link.url for link in page.links if link.kind == "pagination")
    assert pagination == [f"http://127.0.0.1:8080/col/tzgg/index{s}.html" for s in ("", "_1", "_2", "_3")]


def test_text_blocks_skip_scripts_and_styles() -> None:
    page = parse_html(HTML, "http://127.0.0.1:8080/")
    assert "正文第一段" in page.text_blocks and "第二段" in page.text_blocks
    assert not any("document.write" in b or ".a{}" in b for b in page.text_blocks)


def test_trs_pagination_variants() -> None:
    base = "http://x/col/a/index.html"
    assert len(script_pagination_urls('createPageHTML(7, 0, "index", "html");', base)) == 7
    newer = script_pagination_urls("createPageHTML('page_div', 3, 1, 'index', 'shtml', 60);", base)
    assert newer == ["http://x/col/a/index.shtml", "http://x/col/a/index_1.shtml", "http://x/col/a/index_2.shtml"]
    assert script_pagination_urls("var createPageHTML;", base) == []


def test_soft_404() -> None:
    missing = parse_html("<title>提示</title><p>对不起，您访问的页面不存在或已被删除！</p>", "http://x/")
    assert is_soft_404(missing)
    titled = parse_html("<title>404 Not Found</title><p>nginx</p>", "http://x/")
    assert is_soft_404(titled)
    article = parse_html(
        "<title>关于网站改版的说明</title><p>" + "网站改版后，部分旧链接可能出现您访问的页面不存在的情况，请通过搜索查找。" * 30 + "</p>",
        "http://x/",
    )
    assert not is_soft_404(article)
