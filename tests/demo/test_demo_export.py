"""export_static writes the main host's static files and an nginx snippet that nginx accepts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from govinspect.demo.export import CONFIG_NAME, NOT_FOUND, ExportError, export_static
from govinspect.demo.model import DemoHosts, DemoSite
from govinspect.demo.sitegen import build_site


@pytest.fixture(scope="module")
def small_site() -> DemoSite:
    return build_site(pages=80, hosts=DemoHosts.for_port(18766))


def test_export_writes_every_static_main_resource(small_site: DemoSite, tmp_path: Path) -> None:
    export_static(small_site, tmp_path)
    main = small_site.hosts.main
    written = 0
    for url, res in small_site.resources.items():
        path = urlsplit(url).path
        file = tmp_path / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if url.startswith(main + "/") and res.status == 200:
            assert file.read_bytes() == res.body, url
            written += 1
        elif url.startswith(main + "/"):
            assert not file.exists(), url  # redirects live in the config, not as files
    assert written > 80
    assert (tmp_path / NOT_FOUND).exists()
    assert not (tmp_path / "calendar").exists() and not (tmp_path / "slow.html").exists()
    assert not (tmp_path / "beian").exists()  # other hosts are not exported
    conf = (tmp_path / CONFIG_NAME).read_text("utf-8")
    assert "location = /loop/a { return 302 /loop/b; }" in conf
    assert "location /bm/ { charset off; }" in conf
    assert "error_page 404 /404.html;" in conf


def test_export_to_an_unwritable_place_is_a_clear_error(small_site: DemoSite, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="无法写入导出目录"):
        export_static(small_site, blocker / "sub")


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="无 nginx")
def test_nginx_accepts_the_snippet(small_site: DemoSite, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    export_static(small_site, site_dir)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body;\n"
        f"server {{ listen 127.0.0.1:1; include {site_dir / CONFIG_NAME}; }} }}\n",
        encoding="utf-8",
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
