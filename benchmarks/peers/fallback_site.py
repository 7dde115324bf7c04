"""A plain static government-style site for the benchmark when the project's demo generator is absent.

Columns with paginated lists, TRS-style article URLs, images and attachments, plus planted broken
links of four kinds (missing page, missing resource, soft 404, dead external host). Only used as a
stand-in: the real benchmark site comes from govinspect.demo.
"""

from __future__ import annotations

import random
from pathlib import Path

from .nginx import VirtualHost
from .sites import BenchSite, Planted

COLUMNS = ("tzgg", "zwdt", "zcwj", "bmdt", "xxgk", "rsxx", "zfcg", "jyta", "zxft", "ztzl")
PER_LIST_PAGE = 20
GOOD_IP, DEAD_IP = "127.0.0.2", "127.0.0.3"
# how many of each planted problem, per 1,000 pages (at least one each)
PLANTED_PER_1000 = {"link": 4, "resource": 4, "soft404": 2, "external": 2}

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _html(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1>{body}"
        '<div class="footer">主办单位：示例县人民政府办公室</div></body></html>'
    )


def build_fallback_site(out_dir: Path, pages: int, port: int, seed: int = 7) -> BenchSite:
    """Write about ``pages`` HTML pages under out_dir/main (and a tiny out_dir/good) and describe them."""
    rng = random.Random(seed)
    main, good = out_dir / "main", out_dir / "good"
    for folder in (main, good):
        folder.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    good_base, dead_base = f"http://{GOOD_IP}:{port}", f"http://{DEAD_IP}:{port}"
    (good / "index.html").write_text(_html("友情链接", "<p>正常的站外页面</p>"), "utf-8")
    (main / "img").mkdir(exist_ok=True)
    (main / "img" / "logo.png").write_bytes(_PNG)
    (main / "files").mkdir(exist_ok=True)

    # every article sits on one list page: pages ≈ 1 + columns × (articles + articles / PER_LIST_PAGE)
    articles_per_col = max(1, (pages - 1) * PER_LIST_PAGE // ((PER_LIST_PAGE + 1) * len(COLUMNS)))
    articles: dict[str, list[str]] = {}
    html_count = 1
    page_urls = [base + "/"]
    for ci, col in enumerate(COLUMNS):
        articles[col] = [
            f"/col/{col}/2023{(i % 12) + 1:02d}/t2023{(i % 12) + 1:02d}{(i % 28) + 1:02d}_{ci * 100000 + i}.html"
            for i in range(articles_per_col)
        ]
        html_count += len(articles[col])

    planted: list[Planted] = []
    scale = max(1, pages // 1000)
    slots = [(kind, n) for kind, per in PLANTED_PER_1000.items() for n in range(max(1, per * scale))]
    carriers = rng.sample([a for col in COLUMNS for a in articles[col]], k=min(len(slots), html_count - 1))
    extra_links: dict[str, str] = {}
    for (kind, n), page_path in zip(slots, carriers, strict=False):
        if kind == "link":
            target = f"/col/{COLUMNS[n % len(COLUMNS)]}/202001/t20200101_9{n:05d}.html"
            snippet = f'<a href="{target}">已删除的通知{n}</a>'
        elif kind == "resource":
            target = f"/img/missing_{n}.png"
            snippet = f'<img src="{target}" alt="缺失图片{n}">'
        elif kind == "soft404":
            target = f"/col/xxgk/soft/t_deleted_{n}.html"
            (main / target.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (main / target.lstrip("/")).write_text(
                _html("提示", "<p>对不起，您访问的页面不存在或已被删除！</p>"), "utf-8"
            )
            html_count += 1
            page_urls.append(base + target)
            snippet = f'<a href="{target}">原政策解读{n}</a>'
        else:
            target = f"{dead_base}/page_{n}.html"
            snippet = f'<a href="{target}">停用的专题网站{n}</a>'
        extra_links[page_path] = extra_links.get(page_path, "") + snippet
        planted.append(Planted(target if "://" in target else base + target, kind))

    home_links = "".join(f'<li><a href="/col/{c}/index.html">栏目 {c}</a></li>' for c in COLUMNS)
    (main / "index.html").write_text(
        _html("示例县人民政府", f'<img src="/img/logo.png" alt="标志"><ul>{home_links}</ul>'
              f'<a href="{good_base}/index.html">友情链接</a>'),
        "utf-8",
    )
    for col in COLUMNS:
        items = articles[col]
        chunks = [items[i : i + PER_LIST_PAGE] for i in range(0, len(items), PER_LIST_PAGE)]
        for li, chunk in enumerate(chunks):
            name = "index.html" if li == 0 else f"index_{li}.html"
            nav = "".join(
                f'<a href="{"index.html" if j == 0 else f"index_{j}.html"}">{j + 1}</a> ' for j in range(len(chunks))
            )
            entries = "".join(f'<li><a href="{a}">通知公告第 {a[-10:-5]} 号</a></li>' for a in chunk)
            path = main / "col" / col / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_html(f"栏目 {col} 第 {li + 1} 页", f"<ul>{entries}</ul><div>{nav}</div>"), "utf-8")
            page_urls.append(f"{base}/col/{col}/{name}")
        html_count += len(chunks)
        for i, article in enumerate(items):
            related = "".join(f'<a href="{items[j]}">相关文章</a> ' for j in (i + 1, i + 2) if j < len(items))
            attachment = f"/files/{col}_{i}.pdf"
            body = (
                f'<p>正文内容，第 {i} 篇。</p><img src="/img/logo.png" alt="配图">'
                f'<a href="{attachment}">实施方案.pdf</a> <a href="/col/{col}/index.html">返回栏目</a> '
                f"{related}{extra_links.get(article, '')}"
            )
            path = main / article.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_html(f"{col} 文章 {i}", body), "utf-8")
            page_urls.append(base + article)
            (main / attachment.lstrip("/")).write_bytes(b"%PDF-1.4\n%bench\n")
    return BenchSite(
        home_url=base + "/",
        html_pages=len(page_urls),
        hosts=[VirtualHost("127.0.0.1", main), VirtualHost(GOOD_IP, good)],
        planted=planted,
        generator="benchmarks/peers/fallback_site.py",
        pages=page_urls,
    )
