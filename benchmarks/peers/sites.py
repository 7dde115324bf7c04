"""The benchmark site: generated once per (size, port), written as static files, described by a manifest.

The manifest holds what the comparison needs to know about the site: its home page, how many
HTML pages it has (the numerator of every tool's pages/s), which loopback hosts serve which
folder, and the planted broken targets with their kind (to see which tool detects what).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .nginx import VirtualHost

# kinds of planted broken targets, with the words the report uses
KIND_LABELS = {
    "link": "失效页面链接",
    "resource": "失效资源",
    "soft404": "软404",
    "external": "站外失效链接",
}
MANIFEST = "manifest.json"
PAGE_LIST = "pages.txt"  # the normalised URL of every HTML page of the main host, one a line


@dataclass(frozen=True)
class Planted:
    """A target that a correct link checker reports as broken."""

    target: str
    kind: str  # a key of KIND_LABELS


@dataclass
class BenchSite:
    home_url: str
    html_pages: int
    hosts: list[VirtualHost]
    planted: list[Planted] = field(default_factory=list)
    generator: str = ""
    stamp: str = ""  # digest of the generator that built it
    folder: Path | None = None  # where it was built (not in the manifest)
    pages: list[str] = field(default_factory=list)  # HTML page URLs, kept in PAGE_LIST

    def page_urls(self) -> list[str]:
        if not self.pages and self.folder is not None and (self.folder / PAGE_LIST).is_file():
            self.pages = (self.folder / PAGE_LIST).read_text("utf-8").split()
        return self.pages

    @property
    def port(self) -> int:
        return urlsplit(self.home_url).port or 80

    def planted_by_kind(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {kind: set() for kind in KIND_LABELS}
        for p in self.planted:
            out.setdefault(p.kind, set()).add(p.target)
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "home_url": self.home_url,
            "html_pages": self.html_pages,
            "hosts": [
                {
                    "ip": h.ip, "root": str(h.root), "redirects": [list(r) for r in h.redirects],
                    "include": str(h.include) if h.include else None, "catch_all": h.catch_all,
                }
                for h in self.hosts
            ],
            "planted": [asdict(p) for p in self.planted],
            "generator": self.generator,
            "stamp": self.stamp,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> BenchSite:
        try:
            hosts = [
                VirtualHost(
                    str(h["ip"]), Path(str(h["root"])),
                    tuple((str(p), int(st), str(loc)) for p, st, loc in h.get("redirects", [])),
                    Path(h["include"]) if h.get("include") else None,
                    bool(h.get("catch_all", False)),
                )
                for h in data["hosts"]  # type: ignore[attr-defined]
            ]
            planted = [Planted(str(p["target"]), str(p["kind"])) for p in data["planted"]]  # type: ignore[attr-defined]
            return cls(
                home_url=str(data["home_url"]),
                html_pages=int(data["html_pages"]),  # type: ignore[call-overload]
                hosts=hosts,
                planted=planted,
                generator=str(data.get("generator", "")),
                stamp=str(data.get("stamp", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"站点说明文件格式不对：{exc}") from exc

    def save(self, folder: Path) -> None:
        self.folder = folder
        (folder / PAGE_LIST).write_text("".join(u + "\n" for u in self.pages), "utf-8")
        (folder / MANIFEST).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> BenchSite | None:
        path = folder / MANIFEST
        if not path.is_file():
            return None
        site = cls.from_json(json.loads(path.read_text("utf-8")))
        site.folder = folder
        return site


def _project_generator_available() -> bool:
    try:
        from govinspect.demo import export, sitegen  # noqa: F401
    except ImportError:
        return False
    return True


def kind_of(code: str, target: str, main_netloc: str, detail: dict[str, object], served_ok: bool = False) -> str:
    """Which planted kind an expected broken_link/broken_resource finding is.

    ``served_ok``: the target is a page the server answers with 200, so only its content can make
    it broken — a soft 404.
    """
    if detail.get("error") == "soft_404" or served_ok:
        return "soft404"
    if urlsplit(target).netloc != main_netloc:
        return "external"
    return "resource" if code == "broken_resource" else "link"


def _build_with_project(folder: Path, pages: int, port: int, plain: bool) -> BenchSite:
    from .demo_site import build_demo_site

    return build_demo_site(folder, pages, port, plain)


def generator_stamp(project: bool) -> str:
    """A digest of the generator's code and data: a cached site built by other code is rebuilt."""
    if project:
        import govinspect

        package = Path(govinspect.__file__).parent
        files = [
            Path(__file__).with_name("demo_site.py"),
            *sorted((package / "demo").rglob("*.py")),
            *sorted((package / "data" / "demo").rglob("*")),
        ]
    else:
        files = [Path(__file__).with_name("fallback_site.py")]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def build_bench_site(work: Path, pages: int, port: int, *, use_project: bool = True, plain: bool = False) -> BenchSite:
    """The site of about ``pages`` pages for ``port``, reusing an earlier build by the same generator code.

    ``plain``: the demo's script-written list pagination also gets plain links, so that every
    crawler can reach every page (the fallback site has only plain links anyway).
    """
    project = use_project and _project_generator_available()
    kind = ("demo-plain" if plain else "demo") if project else "fallback"
    folder = work / f"site-{kind}-{pages}-{port}"
    stamp = generator_stamp(project)
    cached = BenchSite.load(folder)
    if cached is not None and cached.stamp == stamp:
        return cached
    if folder.exists():
        shutil.rmtree(folder)  # an interrupted earlier build
    folder.mkdir(parents=True)
    if project:
        site = _build_with_project(folder, pages, port, plain)
    else:
        from .fallback_site import build_fallback_site

        site = build_fallback_site(folder, pages, port)
    site.stamp = stamp
    site.save(folder)  # written last: its presence marks a complete build
    return site
