"""Page templates of the demo portal: skeleton, header with navigation, footer, list pages.

Links inside the portal are root-relative or relative (as TRS writes them), so the HTML of the
main host does not depend on its port; only links to the other demo hosts are absolute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govinspect.demo.content import ColumnSpec, Identity
from govinspect.demo.util import esc

CSS = """/* 宁川县人民政府门户网站：自适应样式 */
*{box-sizing:border-box}
body{margin:0;font:16px/1.8 "Microsoft YaHei",sans-serif;color:#333;background:#fff}
a{color:#1a4b8c;text-decoration:none}
.wrap{max-width:1200px;width:100%;margin:0 auto;padding:0 12px}
.skip-link:focus{left:8px!important;top:8px;background:#fff;z-index:9}
.header{background:#b60f0f;color:#fff}
.header img{max-width:100%;height:auto}
.nav{display:flex;flex-wrap:wrap;list-style:none;margin:0;padding:0;background:#8e0b0b}
.nav>li{position:relative}
.nav a{display:block;padding:8px 16px;color:#fff}
.sub-menu{position:absolute;left:0;top:100%;list-style:none;margin:0;padding:0;background:#8e0b0b;min-width:10em}
.list li,.home-list li{display:flex;justify-content:space-between;gap:1em;border-bottom:1px dashed #ddd}
.date{color:#888;white-space:nowrap}
.content img,.banner img{max-width:100%;height:auto}
table{width:100%;border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 6px;word-break:break-all}
.footer{margin-top:24px;padding:16px 0;background:#f3f3f3;font-size:14px;text-align:center}
.footer img{vertical-align:middle}
.page a{margin:0 4px}
"""

PAGE_JS = """/* TRS 风格分页：createPageHTML(总页数, 当前页序号, 文件名, 扩展名) */
function createPageHTML(nPageCount, nCurrIndex, sPageName, sPageExt) {
  if (nPageCount == null || nPageCount <= 1) { return; }
  function pageUrl(i) { return i == 0 ? sPageName + "." + sPageExt : sPageName + "_" + i + "." + sPageExt; }
  var parts = ["共" + nPageCount + "页"];
  if (nCurrIndex > 0) {
    parts.push('<a href="' + pageUrl(0) + '">首页</a>');
    parts.push('<a href="' + pageUrl(nCurrIndex - 1) + '">上一页</a>');
  }
  if (nCurrIndex < nPageCount - 1) {
    parts.push('<a href="' + pageUrl(nCurrIndex + 1) + '">下一页</a>');
    parts.push('<a href="' + pageUrl(nPageCount - 1) + '">尾页</a>');
  }
  document.write(parts.join(" "));
}
"""

COMMON_JS = """/* 导航下拉菜单：鼠标移入显示子菜单 */
document.addEventListener("DOMContentLoaded", function () {
  var items = document.querySelectorAll(".nav > li");
  for (var i = 0; i < items.length; i++) {
    (function (li) {
      var sub = li.querySelector(".sub-menu");
      if (!sub) { return; }
      li.addEventListener("mouseenter", function () { sub.style.display = "block"; });
      li.addEventListener("mouseleave", function () { sub.style.display = "none"; });
    })(items[i]);
  }
});
"""

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


@dataclass(frozen=True)
class NavGroup:
    label: str
    href: str
    children: tuple[tuple[str, str], ...] = ()


def column_href(key: str) -> str:
    return f"/col/{key}/index.html"


def main_nav(columns: Sequence[ColumnSpec]) -> list[NavGroup]:
    """The portal's navigation: groups whose drop-down menus (hidden until hover) list the columns."""
    names = {c.key: c.name for c in columns}

    def group(label: str, keys: Sequence[str]) -> NavGroup:
        children = tuple((names[k], column_href(k)) for k in keys if k in names)
        return NavGroup(label, children[0][1], children)

    return [
        NavGroup("首页", "/"),
        group("政务动态", ["zwdt", "bmdt"]),
        group("信息公开", ["tzgg", "gsgg", "rsxx", "ghjh"]),
        group("政策文件", ["zcwj", "zcjd"]),
        NavGroup("政民互动", "/hdjl/index.html"),
        group("专题专栏", ["ztzl"]),
    ]


def nav_html(groups: Sequence[NavGroup]) -> str:
    items = []
    for g in groups:
        sub = ""
        if g.children:
            # an ordinary drop-down: hidden by inline style until the script shows it (not a dark link)
            links = "".join(f'<li><a href="{href}">{esc(name)}</a></li>' for name, href in g.children)
            sub = f'<ul class="sub-menu" style="display:none">{links}</ul>'
        items.append(f'<li><a href="{g.href}">{esc(g.label)}</a>{sub}</li>')
    return f'<ul class="nav">{"".join(items)}</ul>'


def header_html(site_name: str, groups: Sequence[NavGroup], logo: str = "/images/logo.png") -> str:
    return (
        '<a href="#content" class="skip-link" style="position:absolute;left:-9999px">跳转到主要内容</a>'
        f'<div class="header"><div class="wrap"><a href="{groups[0].href}"><img src="{logo}" alt="{esc(site_name)}"></a>'
        f"</div>{nav_html(groups)}</div>"
    )


def footer_html(
    identity: Identity, good_host: str, *, sponsor: str, phone: str, site_code: bool = True
) -> str:
    """The footer with the items a government site must show; the sub-site omits its 网站标识码."""
    code = f"网站标识码：{identity.site_code}　" if site_code else ""
    return (
        '<div class="footer"><div class="wrap">'
        f"<p>主办单位：{esc(sponsor)}　承办单位：{esc(identity.undertaker)}</p>"
        f"<p>地址：{esc(identity.address)}　邮编：{identity.postcode}　联系电话：{phone}</p>"
        f'<p>{code}<a href="{good_host}/beian/" target="_blank">{esc(identity.icp)}</a>　'
        f'<img src="/images/gongan.png" alt="公安备案图标">{esc(identity.psb)}</p>'
        f'<p><a href="{good_host}/conac/" target="_blank"><img src="/images/dzjg.png" alt="党政机关"></a>　'
        f'<a href="{good_host}/zhaocuo/" target="_blank"><img src="/images/zhaocuo.png" alt="我为政府网站找错"></a></p>'
        "</div></div>"
    )


def document(
    *,
    title: str,
    body: str,
    meta: dict[str, str],
    charset: str | None = "utf-8",
    viewport: bool = True,
    scripts: Sequence[str] = ("/js/common.js",),
) -> str:
    """A whole HTML page. ``charset``: the <meta> declaration (None: none at all)."""
    head = []
    if charset == "utf-8":
        head.append('<meta charset="utf-8">')
    elif charset:
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    if viewport:
        head.append(VIEWPORT)
    head.append(f"<title>{esc(title)}</title>")
    head.extend(f'<meta name="{name}" content="{esc(value)}">' for name, value in meta.items())
    head.append('<link rel="stylesheet" href="/css/style.css">')
    head.extend(f'<script src="{src}"></script>' for src in scripts)
    return f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{"".join(head)}\n</head>\n<body>\n{body}\n</body>\n</html>\n'


@dataclass(frozen=True)
class ListItem:
    title: str
    href: str
    date: str  # YYYY-MM-DD


def list_body(
    *,
    column_name: str,
    items: Sequence[ListItem],
    page_count: int,
    page_index: int,
    home_href: str = "/",
    empty_text: str = "暂无信息",
) -> str:
    """A TRS list page: items with [dates]; the pager is written by script, not plain links."""
    if items:
        lis = "".join(
            f'<li><a href="{it.href}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
            f'<span class="date">[{it.date}]</span></li>'
            for it in items
        )
        listing = f'<ul class="list">{lis}</ul>'
    else:
        listing = f'<div class="list-empty">{esc(empty_text)}</div>'
    pager = f'<div class="page"><script>createPageHTML({page_count}, {page_index}, "index", "html");</script></div>'
    return (
        f'<div class="wrap" id="content"><div class="position">当前位置：<a href="{home_href}">首页</a> &gt; '
        f'<a href="index.html">{esc(column_name)}</a></div>'
        f'<h2 class="list-title">{esc(column_name)}</h2>{listing}{pager}</div>'
    )


def page_name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))
