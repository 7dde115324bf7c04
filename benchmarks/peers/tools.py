"""The tools compared: how to run each on the benchmark site and how to read what it found broken.

Each tool writes its report into its own output folder; ``broken()`` turns that report into the
set of normalised target URLs the tool called broken, so all tools are judged the same way.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .apt import apt_install
from .sites import BenchSite

PEERS = Path(__file__).resolve().parent
BENCH_DIR = PEERS.parent
ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
CONCURRENCY = 50
# LinkChecker waits 1/rps … 6/rps seconds between two requests to one host, holding a global lock:
# with this value the wait is microseconds (it only applies because nginx sends the LinkChecker header)
LINKCHECKER_MAX_RPS = 1_000_000
# linkinator 8 needs Node ≥ 22; this machine has Node 20, on which 7.x is the newest that runs
LINKINATOR_VERSION = "7"


def _norm(url: str) -> str:
    from govinspect.crawl.urls import BadURL, normalize

    try:
        return normalize(url)
    except (BadURL, ValueError):
        return url


@dataclass
class Tool:
    """One way of checking the site. Subclasses fill in the command and the report reader."""

    name: str
    label: str
    extra_env: dict[str, str] = field(default_factory=dict)

    def missing(self) -> str | None:
        """Why the tool cannot run here (Chinese), or None."""
        return None

    def version(self) -> str:
        return ""

    def command(self, site: BenchSite, out: Path) -> list[str]:
        raise NotImplementedError

    def broken(self, out: Path) -> set[str]:
        raise NotImplementedError

    def pages_seen(self, out: Path) -> int | None:
        """How many pages the tool itself says it fetched, where it says so."""
        return None

    def env(self) -> dict[str, str]:
        return {**os.environ, **self.extra_env}


def _first_line(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else ""


@dataclass
class Govinspect(Tool):
    extra_args: list[str] = field(default_factory=list)
    db_path: Path | None = None  # default: a fresh scan.db in the run's output folder

    @property
    def binary(self) -> Path:
        return VENV_BIN / "govinspect"

    def missing(self) -> str | None:
        return None if self.binary.exists() else f"找不到 {self.binary}（请先执行 make 安装）"

    def version(self) -> str:
        from importlib.metadata import version

        return f"govinspect {version('govinspect')}"

    def command(self, site: BenchSite, out: Path) -> list[str]:
        return [
            str(self.binary), "scan", site.home_url,
            "--concurrency", str(CONCURRENCY), "--rate", "0",
            "--db", f"sqlite:///{self.db_path or out / 'scan.db'}", "--quiet", "--out", str(out / "findings.json"),
            *self.extra_args,
        ]

    def env(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        for name in ("GOVINSPECT_DB", "GOVINSPECT_CONFIG"):  # the user's own settings must not leak in
            env.pop(name, None)
        return env

    def _report(self, out: Path) -> dict[str, object]:
        path = out / "findings.json"
        if not path.is_file():
            return {}
        data: dict[str, object] = json.loads(path.read_text("utf-8"))
        return data

    def broken(self, out: Path) -> set[str]:
        findings = self._report(out).get("findings") or []
        return {
            _norm(str(f["target"]))
            for f in findings  # type: ignore[attr-defined]
            if f.get("code") in ("broken_link", "broken_resource") and f.get("target")
        }

    def pages_seen(self, out: Path) -> int | None:
        value = self._report(out).get("pages_fetched")
        return int(value) if isinstance(value, int) else None


@dataclass
class LinkChecker(Tool):
    def missing(self) -> str | None:
        return apt_install("linkchecker", "linkchecker")

    def version(self) -> str:
        return _first_line(["linkchecker", "--version"]).replace(" released unknown", "")

    def config_text(self) -> str:
        template = (PEERS / "linkcheckerrc.template").read_text("utf-8")
        return template.format(threads=CONCURRENCY, max_rps=LINKCHECKER_MAX_RPS)

    def command(self, site: BenchSite, out: Path) -> list[str]:
        rc = out / "linkcheckerrc"
        rc.write_text(self.config_text(), "utf-8")
        # run as root, LinkChecker drops to "nobody": the folder must stay readable for it
        os.chmod(out, 0o755)
        return [
            "linkchecker", "--config", str(rc), "--threads", str(CONCURRENCY),
            "--output", "csv/utf-8", "--no-status", "--no-warnings", "--check-extern", site.home_url,
        ]

    def broken(self, out: Path) -> set[str]:
        path = out / "stdout.txt"
        if not path.is_file():
            return set()
        return parse_linkchecker_csv(path.read_text("utf-8", "replace"))


def parse_linkchecker_csv(text: str) -> set[str]:
    """Invalid URLs of LinkChecker's csv output (';'-separated, '#' comment lines)."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")
    found = set()
    for row in reader:
        if (row.get("valid") or "").strip() == "False":
            url = row.get("url") or row.get("urlname") or ""
            if url:
                found.add(_norm(url))
    return found


@dataclass
class Linkinator(Tool):
    work: Path = Path(".")

    @property
    def binary(self) -> Path:
        return self.work / "node_modules" / ".bin" / "linkinator"

    def install(self) -> str | None:
        """npm-install linkinator into the work folder when missing; an error message or None."""
        if self.binary.exists():
            return None
        if not shutil.which("npm"):
            return "未安装 npm，跳过 linkinator（apt-get install npm）"
        done = subprocess.run(
            ["npm", "install", "--prefix", str(self.work), "--no-audit", "--no-fund", f"linkinator@{LINKINATOR_VERSION}"],
            capture_output=True, text=True,
        )
        if done.returncode != 0 or not self.binary.exists():
            return "npm 安装 linkinator 失败：" + (done.stderr.strip().splitlines() or [""])[-1]
        return None

    def missing(self) -> str | None:
        return self.install()

    def version(self) -> str:
        package = self.work / "node_modules" / "linkinator" / "package.json"
        if not package.is_file():
            return "linkinator"
        return "linkinator " + str(json.loads(package.read_text("utf-8")).get("version", ""))

    def command(self, site: BenchSite, out: Path) -> list[str]:
        return [
            str(self.binary), site.home_url, "--recurse", "--concurrency", str(CONCURRENCY), "--format", "json",
        ]

    def broken(self, out: Path) -> set[str]:
        path = out / "stdout.txt"
        if not path.is_file():
            return set()
        return parse_linkinator_json(path.read_text("utf-8", "replace"))

    def pages_seen(self, out: Path) -> int | None:
        return None


def parse_linkinator_json(text: str) -> set[str]:
    """Targets with state BROKEN in linkinator's --format json output."""
    start = text.find("{")
    if start < 0:
        return set()
    data = json.loads(text[start:])
    return {_norm(link["url"]) for link in data.get("links", []) if link.get("state") == "BROKEN"}


@dataclass
class ScrapySpider(Tool):
    def missing(self) -> str | None:
        try:
            import scrapy  # noqa: F401
        except ImportError:
            return "未安装 scrapy（pip install -e '.[dev]'）"
        return None

    def version(self) -> str:
        import scrapy

        return f"Scrapy {scrapy.__version__}"

    def command(self, site: BenchSite, out: Path) -> list[str]:
        return [
            sys.executable, str(PEERS / "scrapy_spider.py"), site.home_url, str(out / "result.json"),
            "--concurrency", str(CONCURRENCY),
        ]

    def _result(self, out: Path) -> dict[str, object]:
        path = out / "result.json"
        data: dict[str, object] = json.loads(path.read_text("utf-8")) if path.is_file() else {}
        return data

    def broken(self, out: Path) -> set[str]:
        return {_norm(str(u)) for u in self._result(out).get("broken") or []}  # type: ignore[attr-defined]

    def pages_seen(self, out: Path) -> int | None:
        value = self._result(out).get("pages")
        return int(value) if isinstance(value, int) else None


@dataclass
class WgetSpider(Tool):
    def missing(self) -> str | None:
        return None if shutil.which("wget") else "未安装 wget"

    def version(self) -> str:
        return " ".join(_first_line(["wget", "--version"]).split()[:3])

    def command(self, site: BenchSite, out: Path) -> list[str]:
        return [
            "wget", "--spider", "--recursive", "--level=inf", "--no-verbose", "-e", "robots=off",
            "--tries=1", "--directory-prefix", str(out / "tmp"), "--output-file", str(out / "wget.log"),
            site.home_url,
        ]

    def broken(self, out: Path) -> set[str]:
        path = out / "wget.log"
        return parse_wget_log(path.read_text("utf-8", "replace")) if path.is_file() else set()

    def pages_seen(self, out: Path) -> int | None:
        return None


_WGET_BROKEN = re.compile(r"^Found (\d+) broken links?\.", re.MULTILINE)


def parse_wget_log(text: str) -> set[str]:
    """The URL list after wget --spider's closing "Found N broken links." line."""
    match = _WGET_BROKEN.search(text)
    if not match:
        return set()
    found = set()
    for line in text[match.end():].splitlines():
        line = line.strip()
        if line.startswith(("http://", "https://")):
            found.add(_norm(line))
        elif found and not line:
            continue
        elif line.startswith("FINISHED") or line.startswith("Downloaded"):
            break
    return found


def checks_env_supported() -> bool:
    """Does govinspect read GOVINSPECT_CHECKS yet (the lead adds it for issue 4)?

    Either as a settings field (pydantic-settings maps GOVINSPECT_CHECKS to ``checks``) or by name.
    """
    import govinspect
    from govinspect.settings import Settings

    if "checks" in Settings.model_fields:
        return True
    package = Path(govinspect.__file__).parent
    return any("GOVINSPECT_CHECKS" in p.read_text("utf-8", "replace") for p in package.rglob("*.py"))


def default_tools(work: Path) -> list[Tool]:
    return [
        Govinspect("govinspect", "govinspect"),
        LinkChecker("linkchecker", "LinkChecker"),
        Linkinator("linkinator", "linkinator", work=work),
        ScrapySpider("scrapy", "Scrapy 裸爬虫"),
        WgetSpider("wget", "wget --spider"),
    ]
