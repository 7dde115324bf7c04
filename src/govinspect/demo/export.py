"""Write the main host's static resources as files for nginx (crawl benchmarks), plus a config snippet.

Dynamic traps (the endless calendar, the slow page, /faults/) cannot be files and are left out; the
redirect loop becomes two `return 302` rules. Links to the other demo hosts keep their port, so an
exported site checks those links against whatever listens there.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from govinspect.demo.files import CONTENT_TYPES
from govinspect.demo.model import DemoSite
from govinspect.demo.traps import not_found_page

CONFIG_NAME = "govinspect-demo.nginx.conf"
NOT_FOUND = "404.html"
# paths whose responses carry no charset in the header (as the live demo server sends them)
NO_CHARSET_PREFIXES = ("/bm/", "/hdjl/")
_EXTRA_TYPES = {"html": "text/html", "css": "text/css", "js": "application/javascript"}


class ExportError(OSError):
    """The export directory cannot be written."""


def export_static(site: DemoSite, out_dir: Path) -> None:
    """Write every static main-host resource under ``out_dir`` and the nginx snippet beside them."""
    out_dir = Path(out_dir)
    main = site.hosts.main
    redirects: list[tuple[str, str]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for url, res in site.resources.items():
            if not url.startswith(main + "/"):
                continue
            path = urlsplit(url).path
            if res.status in (301, 302) and "Location" in res.headers:
                redirects.append((path, res.headers["Location"]))
                continue
            if res.status != 200:
                continue
            target = out_dir / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(res.body)  # one body at a time: a 50,000-page site never sits in memory
        (out_dir / NOT_FOUND).write_bytes(not_found_page())
        (out_dir / CONFIG_NAME).write_text(nginx_snippet(out_dir, redirects), encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"无法写入导出目录 {out_dir}：{exc.strerror or exc}") from exc


def nginx_snippet(root: Path, redirects: list[tuple[str, str]]) -> str:
    """Directives to include inside a `server { }` block that serves the exported files."""
    types = dict(_EXTRA_TYPES)
    types.update({ext: ctype.split(";")[0] for ext, ctype in CONTENT_TYPES.items()})
    lines = [
        "# govinspect 演示站点：在 nginx 的 server { } 块中 include 本文件",
        f"root {root.resolve()};",
        "index index.html;",
        "charset utf-8;",
        "charset_types text/css application/javascript;",
        "types {",
        *(f"    {ctype} {ext};" for ext, ctype in sorted(types.items())),
        "}",
        *(f"location {prefix} {{ charset off; }}" for prefix in NO_CHARSET_PREFIXES),
        *(f"location = {src} {{ return 302 {dst}; }}" for src, dst in redirects),
        f"error_page 404 /{NOT_FOUND};",
        f"location = /{NOT_FOUND} {{ internal; }}",
        "",
    ]
    return "\n".join(lines)
