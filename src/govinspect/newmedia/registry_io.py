"""Import and export of the account registry as Excel (or CSV).

An import checks every row first; rows that cannot be used are reported with their row number and
the rest are written in one transaction (an account already registered is updated, found by its
platform id or else by platform and name). The export writes the columns the import reads.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from govinspect.newmedia.accounts import SYSTEM, save_account_in
from govinspect.newmedia.ingest import Rejected
from govinspect.newmedia.model import Account, MediaError
from govinspect.newmedia.sheets import CSV_SUFFIXES, EXCEL_SUFFIXES, read_accounts
from govinspect.store import newmedia_repo as repo
from govinspect.store.db import Database
from govinspect.workflow.clock import utcnow

EXPORT_COLUMNS = (
    "平台", "账号名称", "账号ID", "主办单位", "状态", "开设日期", "状态日期", "备案编号", "备案日期",
    "运维单位", "联系人", "账号主页", "RSS地址", "备注",
)


@dataclass
class AccountImport:
    added: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    def describe(self) -> str:
        text = f"新增账号 {self.added}，更新 {self.updated}"
        if self.rejected:
            text += f"，未导入 {len(self.rejected)} 行"
        return text


def import_accounts(
    db: Database, path: Path, *, create_units: bool = False, now: datetime | None = None, actor: str = SYSTEM
) -> AccountImport:
    at = now or utcnow()
    rows = read_accounts(path)
    report = AccountImport(rejected=list(rows.rejected), ignored_columns=rows.header.ignored)
    with db.engine.begin() as conn:
        for where, spec in rows.specs:
            # a savepoint per row: a bad row is rolled back alone, the others stay
            savepoint = conn.begin_nested()
            try:
                _, added = save_account_in(conn, spec, create_units=create_units, at=at, actor=actor, update_existing=True)
            except ValueError as exc:  # MediaError, or an unknown platform or state
                savepoint.rollback()
                report.rejected.append(Rejected(where, str(exc)))
                continue
            savepoint.commit()
            if added:
                report.added += 1
            else:
                report.updated += 1
    return report


def _row(account: Account) -> list[Any]:
    return [
        account.platform_label, account.name, account.account_key, account.unit_name, account.state_label,
        account.opened_on, account.state_since, account.filing_no, account.filed_on, account.operator,
        account.contact, account.url, account.feed_url, account.note,
    ]


def export_accounts(db: Database, path: Path) -> int:
    accounts = repo.list_accounts(db)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        from openpyxl import Workbook

        from govinspect.xlsx import write_sheet

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "政务新媒体账号"
        write_sheet(sheet, EXPORT_COLUMNS, [_row(a) for a in accounts], widths=[18] * len(EXPORT_COLUMNS))
        workbook.save(path)
    elif suffix in CSV_SUFFIXES:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for account in accounts:
                writer.writerow(["" if v is None else v for v in _row(account)])
    else:
        raise MediaError(f"不支持的导出类型：{path.name}（可用 .xlsx、.csv）")
    return len(accounts)
