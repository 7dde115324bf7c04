"""Message exports as mailbox systems write them, built in the tests (no files from elsewhere)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER_GROUPS = ["编号", "留言信息", "留言信息", "留言信息", "办理情况", "办理情况", "办理情况"]
HEADERS = ["编号", "标题", "留言时间", "类型", "状态", "答复时间", "办理单位"]

# Row numbers as the sheet shows them: data starts on row 4, below a title row and two header rows.
ROWS: list[list[Any]] = [
    ["XJ001", "关于小区停车难的问题", datetime(2026, 4, 1, 9, 0), "咨询", "已回复", datetime(2026, 4, 3, 10, 0), "住建局"],  # 4
    ["XJ002", "道路破损", "2026/4/5 14:30", "投诉", "已办结", "2026年4月15日", "交通局"],  # 5
    ["XJ003", "咨询社保缴费", "2026-05-10", "咨询", "未回复", None, "人社局"],  # 6
    ["XJ004", "噪音扰民", "不详", "投诉", "未回复", None, "生态环境局"],  # 7: bad received time
    ["XJ005", "学校招生", datetime(2026, 6, 20, 8, 0), "建议", "已答复", None, "教育局"],  # 8: answered, no time
    ["XJ006", "老问题", "2026-01-05", "咨询", "办理中", None, "住建局"],  # 9: first quarter, still open
    [None, None, None, None, None, None, None],  # 10: blank
    ["XJ007", "供暖", "2026-06-28 10:00", "咨询", "已回复", "2026-07-02 09:00", "住建局"],  # 11: answered after June
]


def write_merged_xlsx(path: Path, rows: list[list[Any]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "留言办理"
    sheet.append(["2026年第二季度网民留言办理情况表"] + [None] * 6)
    sheet.append(HEADER_GROUPS)
    sheet.append([None] + HEADERS[1:])  # 编号 is merged over both header rows
    for row in rows if rows is not None else ROWS:
        sheet.append(row)
    sheet.merge_cells("A1:G1")
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("E2:G2")
    book.save(path)
    return path


GBK_CSV = (
    "来信日期,信件主题,办理状态,回复时间,承办单位\r\n"
    "2026-04-02 08:30,咨询公积金提取,已回复,2026-04-04 16:00,住房公积金中心\r\n"
    "2026-04-10 11:00,反映路灯不亮,已办结,2026-04-11 09:00,城管局\r\n"
    "2026-04-20 15:00,建议增加公交线路,待回复,,交通局\r\n"
)
