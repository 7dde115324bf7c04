"""The weekly reminder (工作提示): columns over or near their update limit, per responsible unit.

Each site's latest finished scan is read again as the column tree of the structure checks
(structure/columns.py: names, kinds, newest item dates, limits from data/structure/thresholds.yaml
and the site's settings), judged on the reminder's day rather than the scan's. A column is over its
limit exactly when the column_stale check would flag it that day; it is near when it will be within
the number of days data/reports/reminder.yaml gives for its kind. The unit answering for a column
is the registry's (a column rule, else a URL-prefix rule, else the site's owner).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from govinspect.checks.registry import CheckContext
from govinspect.registry.mapping import UnitResolver
from govinspect.registry.model import Site
from govinspect.reports.config import ReminderTexts, reminder_texts
from govinspect.reports.docx_style import Inline, Link, OfficialDocument
from govinspect.reports.numbers import chinese_date, day_text
from govinspect.reports.scope import ReportScope, resolve_scope
from govinspect.settings import Settings
from govinspect.store import problems_repo
from govinspect.store.db import Database
from govinspect.structure.columns import Column, build_column_tree, walk
from govinspect.structure.config import Limit
from govinspect.workflow.clock import china, utcnow
from govinspect.workflow.rates import NO_UNIT

OVER, NEAR, EMPTY = "over", "near", "empty"


@dataclass(frozen=True)
class ColumnDue:
    status: str  # over | near | empty
    unit: str
    site: Site
    name: str
    url: str
    kind: str  # the kind's label (动态要闻 …)
    newest: date | None
    limit: str
    due: date | None  # the last day the column is still within its limit
    days_left: int | None  # negative: days over the limit


@dataclass
class ReminderData:
    day: date
    scans: dict[int, datetime] = field(default_factory=dict)  # site id → monitoring point of the scan read
    columns: list[ColumnDue] = field(default_factory=list)

    def of(self, status: str) -> list[ColumnDue]:
        return [c for c in self.columns if c.status == status]


def last_day_within(newest: date, limit: Limit) -> date:
    """The last day D on which ``newest`` is still within the limit (limit.cutoff(D) <= newest)."""
    day = newest + timedelta(days=limit.days + 31 * limit.months)
    while limit.cutoff(day) > newest:  # months are shorter than 31 days: step back to the edge
        day -= timedelta(days=1)
    while limit.cutoff(day + timedelta(days=1)) <= newest:
        day += timedelta(days=1)
    return day


def _due(column: Column, site: Site, unit: str, today: date, texts: ReminderTexts) -> ColumnDue | None:
    def due(status: str, limit: str = "", last: date | None = None) -> ColumnDue:
        left = (last - today).days if last is not None else None
        return ColumnDue(status, unit, site, column.name, column.url, column.kind_label, column.newest, limit, last, left)

    if column.status == "empty":
        return due(EMPTY)
    if column.limit is None:
        return None
    limit = column.limit.describe()
    if column.newest is None:
        # undated: over only where the site's settings say undated columns count as stale
        return due(OVER, limit) if column.status == "stale" else None
    last = last_day_within(column.newest, column.limit)
    left = (last - today).days
    if column.status == "stale" or left < 0:
        return due(OVER, limit, last)
    if left <= texts.near_for(column.kind):
        return due(NEAR, limit, last)
    return None


def columns_due(db: Database, scope: ReportScope, moment: datetime) -> ReminderData:
    """Every column over or near its limit on ``moment``'s day, for the scope's units."""
    texts = reminder_texts()
    local = china(moment)
    data = ReminderData(day=local.date())
    # a unit's columns may sit on any site (a department's column on the county portal)
    sites = resolve_scope(db, None).sites if scope.unit_ids is not None else scope.sites
    for site in sites:
        scan = problems_repo.latest_scan(db, site.id, moment)
        if scan is None:
            continue
        data.scans[site.id] = scan.monitoring_point
        ctx = CheckContext(settings=Settings(), site_url=scan.start_url, now=local, site_config=dict(site.settings),
                           offline=True)
        resolver = UnitResolver(site)
        for column in walk(build_column_tree(db.site_data(scan.id, scan.start_url), ctx)):
            unit_id = resolver.unit_for(column.url, {"column": column.name})
            if not scope.covers_problem(unit_id):
                continue
            unit = scope.unit_names.get(unit_id, NO_UNIT) if unit_id is not None else NO_UNIT
            due = _due(column, site, unit, data.day, texts)
            if due is not None:
                data.columns.append(due)
    data.columns.sort(key=lambda c: (c.unit, c.days_left if c.days_left is not None else -10**6, c.site.id, c.url))
    return data


def _table(doc: OfficialDocument, columns: list[ColumnDue], status: str) -> None:
    if status == EMPTY:
        rows: list[list[Inline]] = [[c.unit, c.site.name or c.site.url, Link(c.name, c.url), c.kind] for c in columns]
        doc.table(["责任单位", "网站", "栏目", "栏目类型"], rows, [40, 40, 50, 26])
        return
    last = "超期天数" if status == OVER else "剩余天数"
    rows = [
        [
            c.unit, c.site.name or c.site.url, Link(c.name, c.url), c.kind, day_text(c.newest), c.limit,
            str(abs(c.days_left)) if c.days_left is not None else "—",
        ]
        for c in columns
    ]
    doc.table(["责任单位", "网站", "栏目", "栏目类型", "最新信息日期", "更新时限", last], rows, [26, 24, 30, 18, 22, 16, 18])


def render_reminder(data: ReminderData, scope: ReportScope, *, org: str | None = None) -> OfficialDocument:
    texts = reminder_texts()
    day = chinese_date(data.day, texts.signature_date_format)
    title = texts.title.format(date=day)
    doc = OfficialDocument(title=title)
    doc.title(title)
    if not data.scans:
        doc.paragraph(texts.no_scan.format(date=day))
    else:
        scanned = sorted({china(m).date() for m in data.scans.values()})
        scan_dates = "、".join(chinese_date(d, texts.signature_date_format) for d in scanned)
        doc.paragraph(texts.opening.format(date=day, scan_date=scan_dates))
    sections = ((texts.sections.over, OVER), (texts.sections.near, NEAR), (texts.sections.empty, EMPTY))
    for heading, status in sections:
        doc.heading1(heading)
        found = data.of(status)
        if found:
            _table(doc, found, status)
        else:
            doc.paragraph(texts.none)
    doc.heading1(texts.sections.units)
    counts: dict[str, Counter[str]] = {}
    for c in data.columns:
        counts.setdefault(c.unit, Counter())[c.status] += 1
    if counts:
        rows: list[list[Inline]] = [[u, str(n[OVER]), str(n[NEAR]), str(n[EMPTY])] for u, n in sorted(counts.items())]
        doc.table(["责任单位", "已超期栏目", "即将到期栏目", "空白栏目"], rows, [60, 30, 30, 30])
    else:
        doc.paragraph(texts.none)
    doc.signature(org or scope.org_name(texts.org_placeholder), day)
    return doc


def write_reminder(
    db: Database, out: Path, unit: str | None = None, now: datetime | None = None, org: str | None = None,
) -> ReminderData:
    """The reminder for ``now``'s day (default: today) written to ``out`` (.docx)."""
    scope = resolve_scope(db, unit)
    data = columns_due(db, scope, now or utcnow())
    render_reminder(data, scope, org=org).save(Path(out))
    return data
