"""A small console database: two unit trees, a site each, scans with findings turned into problems,
one account per role (with an API token each). Built once per session and copied per test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govinspect.findings import Finding
from govinspect.store import Database, open_database, users_repo
from govinspect.store import registry_repo as rrepo
from govinspect.workflow.sync import sync_problems
from tests.workflow.helpers import store_scan

NOW = datetime(2026, 5, 20, 2, 0, tzinfo=UTC)  # a Wednesday, 10:00 in China
PASSWORD = "correct-horse-9"
SITE_A = "http://127.0.0.1:18801/"
SITE_B = "http://127.0.0.1:18802/"
XSS_TITLE = "<script>alert(1)</script>"
XSS_EVIDENCE = "<img src=x onerror=alert(2)>"
ROLES = {"admin": "admin", "supervisor": "supervisor", "unit_a": "unit", "unit_b": "unit", "readonly": "readonly"}


@dataclass
class Seeded:
    path: Path | None
    site_a: int = 0
    site_b: int = 0
    unit_a: int = 0
    unit_a_child: int = 0
    unit_b: int = 0
    scan_a: int = 0
    scan_b: int = 0
    problems_a: list[int] = field(default_factory=list)
    problems_b: list[int] = field(default_factory=list)
    typo_a: int = 0  # a typo with its context, on site A
    xss_a: int = 0  # the problem on the page titled <script>…
    tokens: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None  # another database (PostgreSQL) instead of the SQLite file

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.path}"


def _findings(base: str) -> list[Finding]:
    return [
        Finding("typo", page=base + "col/a/1.html", evidence="布署", suggestion="部署",
                detail={"context": "会议对下一阶段防汛工作作出全面布署，要求各乡镇压紧压实责任", "offset": 12}),
        Finding("broken_link", page=base, target=base + "gone.html", evidence="关于做好防汛工作的通知", detail={"status": 404}),
        Finding("hidden_link", page=base, target="http://127.0.0.4/", evidence="网上赌场"),
        Finding("typo", page=base + "col/x/xss.html", evidence=XSS_EVIDENCE, detail={"context": "前文" + XSS_EVIDENCE + "后文"}),
        Finding("privacy_leak", page="javascript:alert(3)", evidence="110101199503140020"),
    ]


def build(path: Path | None, database_url: str | None = None) -> Seeded:
    seeded = Seeded(path=path, database_url=database_url)
    db = open_database(seeded.url)
    try:
        _fill(db, seeded)
    finally:
        db.close()
    return seeded


def _fill(db: Database, s: Seeded) -> None:
    a = rrepo.add_unit(db, "甲县政府办", now=NOW)
    child = rrepo.add_unit(db, "甲县教育局", parent=a.name, now=NOW)
    b = rrepo.add_unit(db, "乙县政府办", now=NOW)
    s.unit_a, s.unit_a_child, s.unit_b = a.id, child.id, b.id
    site_a = rrepo.add_site(db, SITE_A, "甲县人民政府", kind="portal", owner=a.name, now=NOW)
    site_b = rrepo.add_site(db, SITE_B, "乙县人民政府", kind="portal", owner=b.name, now=NOW)
    rrepo.add_rule(db, site_a.id, "prefix", "/col/x/", child.name)
    s.site_a, s.site_b = site_a.id, site_b.id
    scan_time = NOW - timedelta(days=2)
    stale = Finding("homepage_stale", page=SITE_A, evidence="关于做好春季防火工作的通知", detail={"newest": "2025-12-01"})
    s.scan_a = store_scan(db, SITE_A, [*_findings(SITE_A), stale], at=scan_time)  # site A fails on V3
    s.scan_b = store_scan(db, SITE_B, _findings(SITE_B), at=scan_time)
    with db.engine.begin() as conn:  # the page title a scan read, as the crawler stores it
        from sqlalchemy import update

        from govinspect.store.schema import urls

        conn.execute(update(urls).where(urls.c.scan_id == s.scan_a, urls.c.url == SITE_A + "col/x/xss.html")
                     .values(title=XSS_TITLE))
    for site_id, scan_id in ((s.site_a, s.scan_a), (s.site_b, s.scan_b)):
        sync_problems(db, site_id, scan_id, now=scan_time + timedelta(minutes=5))
    from govinspect.store import problems_repo as prepo

    for p in prepo.list_problems(db):
        (s.problems_a if p.site_id == s.site_a else s.problems_b).append(p.id)
        if p.site_id == s.site_a and p.code == "typo" and p.evidence == "布署":
            s.typo_a = p.id
        if p.site_id == s.site_a and p.evidence == XSS_EVIDENCE:
            s.xss_a = p.id
    units = {"unit_a": a.name, "unit_b": b.name}
    for name, role in ROLES.items():
        user = users_repo.add_user(db, name, PASSWORD, role, unit=units.get(name), display_name=f"{name} 测试",
                                   min_password_length=8, now=NOW)
        s.tokens[name], _ = users_repo.create_token(db, user.id, "测试", now=NOW)


def copy_to(seeded: Seeded, path: Path) -> Seeded:
    assert seeded.path is not None
    shutil.copyfile(seeded.path, path)
    return Seeded(**{**seeded.__dict__, "path": path, "tokens": dict(seeded.tokens)})
