"""A large console database for `bench_web.py`: 50 sites, 500,000 crawled pages, 200,000 problems.

Written straight into the project's own tables (migrated by open_database) with bulk inserts, in
the shapes the scan, the sync and the probes write them: per site a registry entry with its owner
unit and three finished scans (the latest holding the site's 10,000 pages), the latest scan's
findings and the earlier scans' (for the score trend), one problem per finding with a state mix
like a working office's (open, 整改中, 待复核, closed, 误报, 不予整改) and its audit events, and a
week of availability probes. Deterministic (seeded); about a minute on this machine.

    python benchmarks/gen_web_db.py benchmarks/_work/web/bench.db
    python benchmarks/gen_web_db.py --sites 5 --pages 2000 --problems 4000 /tmp/small.db
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from govinspect.findings import Finding  # noqa: E402
from govinspect.store import (  # noqa: E402
    Database,
    open_database,
    users_repo,  # noqa: E402
)
from govinspect.store.schema import findings, scans, sites, urls  # noqa: E402
from govinspect.store.schema_workflow import (  # noqa: E402
    probes,
    problem_events,
    problem_syncs,
    problems,
    units,
)

CHUNK = 5000
ADMIN, UNIT_USER, PASSWORD = "admin", "unit1", "bench-pass-1"
COLUMNS = ["zwdt", "tzgg", "zcwj", "zcjd", "rsxx", "ghjh", "czxx", "bmdt", "xxgk", "hdjl"]
TOPICS = ["防汛工作", "安全生产", "秋季开学", "乡村振兴", "营商环境", "疫情防控", "森林防火", "人居环境整治",
          "政务公开", "财政预算", "就业创业", "医疗保障", "义务教育", "城乡低保", "文明城市创建"]
TYPOS = [("布署", "部署"), ("再接再励", "再接再厉"), ("按装", "安装"), ("即使生效", "即时生效"),
         ("竣工验收", None), ("原版", None)]
# code, weight, state mix is drawn separately
CODES = [("broken_link", 38), ("broken_resource", 18), ("typo", 14), ("attachment_name_unclear", 8),
         ("review_footer_missing", 6), ("column_stale", 3), ("footer_info_missing", 2), ("numbering_error", 4),
         ("policy_expired_unlabeled", 3), ("privacy_leak", 1), ("sensitive_word", 1), ("hidden_link", 1),
         ("mobile_unfriendly", 1)]
STATES = [("open", 55), ("in_progress", 10), ("review", 6), ("closed", 23), ("false_alarm", 4), ("wontfix", 2)]


@dataclass
class Plan:
    sites: int = 50
    pages: int = 500_000
    problems: int = 200_000
    scans_per_site: int = 3
    units: int = 20
    seed: int = 7
    now: datetime = datetime(2026, 6, 20, 2, 0, tzinfo=UTC)  # main() uses the present hour: trends end today


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(db: Database, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with db.engine.begin() as conn:
        for batch in _chunks(rows):
            conn.execute(insert(table), batch)
            count += len(batch)
    return count


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _page_url(base: str, rng: random.Random, n: int, day: datetime) -> str:
    column = COLUMNS[n % len(COLUMNS)]
    return f"{base}col/{column}/{day:%Y%m}/t{day:%Y%m%d}_{100000 + n}.html"


def _finding(code: str, base: str, page: str, rng: random.Random, n: int) -> Finding:
    topic = TOPICS[n % len(TOPICS)]
    if code == "typo":
        wrong, right = TYPOS[n % 4]
        context = f"会议指出，要认真做好{topic}，对下一阶段工作作出全面{wrong}，确保各项任务落到实处。"
        return Finding(code, page=page, evidence=wrong, suggestion=right,
                       detail={"rule": "pair", "context": context, "offset": context.index(wrong)})
    if code in ("broken_link", "broken_resource"):
        target = f"{base}uploads/{n}.{'pdf' if code == 'broken_resource' else 'html'}"
        return Finding(code, page=page, target=target, evidence=f"关于{topic}的通知（{n}）",
                       detail={"status": rng.choice([404, 404, 404, 500, 403])})
    if code == "attachment_name_unclear":
        return Finding(code, page=page, target=f"{base}P0200{n}.docx", evidence=f"P0200{n}.docx")
    if code == "column_stale":
        return Finding(code, page=f"{base}col/{COLUMNS[n % len(COLUMNS)]}/index.html",
                       evidence=COLUMNS[n % len(COLUMNS)], detail={"column": f"栏目{n}", "newest": "2026-01-05"})
    if code == "footer_info_missing":
        return Finding(code, page=base, detail={"item": ["site_code", "icp", "psb_filing", "sponsor"][n % 4]})
    if code == "numbering_error":
        return Finding(code, page=page, evidence="（一）（二）（二）", detail={"line": n % 40})
    if code == "privacy_leak":
        return Finding(code, page=page, evidence=f"1301041990{n % 10000:04d}0012")
    if code == "sensitive_word":
        return Finding(code, page=page, evidence="网上赌场", detail={"context": "……网上赌场注册即送……"})
    if code == "hidden_link":
        return Finding(code, page=base, target=f"http://127.0.0.4/{n}", evidence="网上赌场")
    return Finding(code, page=page, detail={"n": n})


def generate(path: Path, plan: Plan) -> dict[str, Any]:
    started = time.perf_counter()
    if path.exists():
        path.unlink()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{path}")
    rng = random.Random(plan.seed)
    now = plan.now
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
    unit_rows = []
    for i in range(1, plan.units + 1):
        parent = None if i <= 4 else 1 + (i % 4)  # four county offices and their departments
        unit_rows.append({"id": i, "name": f"第{i}责任单位", "parent_id": parent, "contact": None, "created_at": now})
    _bulk(db, units, unit_rows)
    site_rows = []
    for s in range(1, plan.sites + 1):
        site_rows.append({
            "id": s, "url": f"http://127.0.{1 + s // 250}.{1 + s % 250}:8080/", "name": f"第{s}号政府网站",
            "created_at": now - timedelta(days=400), "kind": "portal" if s <= 4 else "department",
            "owner_unit_id": 1 + (s - 1) % plan.units, "settings": {}, "scope": [],
        })
    _bulk(db, sites, site_rows)
    pages_per_site = plan.pages // plan.sites
    problems_per_site = plan.problems // plan.sites
    scan_id = 0
    totals = {"urls": 0, "findings": 0, "problems": 0, "events": 0, "probes": 0}
    for site in site_rows:
        base = site["url"]
        points = [now - timedelta(days=7 * (plan.scans_per_site - 1 - k), hours=rng.randint(0, 5))
                  for k in range(plan.scans_per_site)]
        site_findings: list[tuple[Finding, int]] = []
        seen: set[str] = set()
        n = 0
        while len(site_findings) < problems_per_site:  # one page never carries two identical findings
            n += 1
            day = now - timedelta(days=rng.randint(1, 120))
            code = _weighted(rng, CODES)
            page = _page_url(base, rng, rng.randint(0, pages_per_site - 1), day)
            finding = _finding(code, base, page, rng, n)
            if finding.fingerprint() not in seen:
                seen.add(finding.fingerprint())
                site_findings.append((finding, rng.randint(0, 89)))
        for k, point in enumerate(points):
            scan_id += 1
            latest = k == len(points) - 1
            with db.engine.begin() as conn:
                conn.execute(insert(scans).values(
                    id=scan_id, site_id=site["id"], start_url=base, status="finished", started_at=point,
                    finished_at=point + timedelta(minutes=40), monitoring_point=point, settings={},
                    pages_fetched=pages_per_site, error=None,
                ))
            # an earlier scan found what it found then: most of today's findings, some since fixed
            kept = [(f, age) for f, age in site_findings if latest or rng.random() < 0.9]
            totals["findings"] += _bulk(db, findings, (
                {"scan_id": scan_id, "code": f.code, "severity": f.severity, "page": f.page, "target": f.target,
                 "evidence": f.evidence, "suggestion": f.suggestion, "detail": f.detail,
                 "fingerprint": f.fingerprint(), "origin": "page"}
                for f, _ in kept
            ))
            if latest:
                totals["urls"] += _bulk(db, urls, (
                    {"scan_id": scan_id, "seq": n + 1,
                     "url": base if n == 0 else _page_url(base, rng, n, now - timedelta(days=n % 365)),
                     "role": "page", "depth": min(6, 1 + n // 2000), "state": "done", "status": 200, "ok": True,
                     "content_type": "text/html", "size": 24_000, "elapsed_ms": 35.0,
                     "title": f"关于{TOPICS[n % len(TOPICS)]}的通知_第{site['id']}号政府网站", "facts": None,
                     "fetched_at": point}
                    for n in range(pages_per_site)
                ))
                with db.engine.begin() as conn:
                    conn.execute(insert(problem_syncs).values(scan_id=scan_id, site_id=site["id"],
                                                              synced_at=point + timedelta(minutes=45), summary={}))
        first_scan = scan_id - plan.scans_per_site + 1
        problem_rows = []
        for f, age in site_findings:
            first_seen = now - timedelta(days=age, hours=rng.randint(0, 20))
            state = _weighted(rng, STATES)
            days = 1 if f.severity == "veto" else 5
            problem_rows.append({
                "site_id": site["id"], "fingerprint": f.fingerprint(), "code": f.code, "severity": f.severity,
                "page": f.page, "target": f.target, "evidence": f.evidence, "suggestion": f.suggestion,
                "detail": f.detail, "unit_id": site["owner_unit_id"] if rng.random() < 0.8 else rng.randint(1, plan.units),
                "state": state, "reason": "人工核实" if state in ("false_alarm", "wontfix") else None,
                "first_scan_id": first_scan, "last_seen_scan_id": scan_id, "review_scan_id": None,
                "closed_scan_id": scan_id if state == "closed" else None, "reopen_count": 0, "ignore_rule_id": None,
                "first_seen_at": first_seen, "updated_at": first_seen + timedelta(days=1),
                "deadline": first_seen + timedelta(days=days + 2),
                "closed_at": first_seen + timedelta(days=3) if state == "closed" else None,
            })
        start_id = totals["problems"] + 1
        totals["problems"] += _bulk(db, problems, problem_rows)
        events = []
        for offset, row in enumerate(problem_rows):
            pid = start_id + offset
            events.append({"problem_id": pid, "at": row["first_seen_at"], "actor": "系统", "action": "open",
                           "from_state": None, "to_state": "open", "reason": None, "scan_id": first_scan, "detail": {}})
            if row["state"] != "open":
                events.append({"problem_id": pid, "at": row["updated_at"], "actor": "单位管理员", "action": "state",
                               "from_state": "open", "to_state": row["state"], "reason": row["reason"],
                               "scan_id": None, "detail": {}})
        totals["events"] += _bulk(db, problem_events, events)
        probe_rows = []
        for i in range(7 * 24):
            at = now - timedelta(hours=i, minutes=rng.randint(0, 59))
            ok = rng.random() > 0.02
            probe_rows.append({"site_id": site["id"], "at": at, "ok": ok, "status": 200 if ok else None,
                               "elapsed_ms": rng.uniform(30, 900), "error": None if ok else "无法访问：timed out"})
        totals["probes"] += _bulk(db, probes, probe_rows)
    users_repo.add_user(db, ADMIN, PASSWORD, "admin", display_name="基准管理员", min_password_length=8, now=now)
    users_repo.add_user(db, UNIT_USER, PASSWORD, "unit", unit="第1责任单位", display_name="单位用户", min_password_length=8, now=now)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.close()
    return {**totals, "sites": plan.sites, "scans": scan_id, "seconds": round(time.perf_counter() - started, 1),
            "bytes": path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=500_000)
    parser.add_argument("--problems", type=int, default=200_000)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    result = generate(args.out, Plan(sites=args.sites, pages=args.pages, problems=args.problems, now=now))
    print(result)


if __name__ == "__main__":
    main()
