"""A score as JSON (for tools) and as Rich tables (for people), in Chinese."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from govinspect.findings import Finding, code_name
from govinspect.scoring.engine import DeductionOutcome, VetoOutcome
from govinspect.scoring.service import SiteScore
from govinspect.workflow.clock import china, show

_MAX_EVIDENCE_ROWS = 5


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _finding_json(f: Finding, ids: dict[str, int]) -> dict[str, Any]:
    return {**f.to_json(), "problem_id": ids.get(f.fingerprint())}


def _veto_json(v: VetoOutcome, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "id": v.item.id,
        "name": v.item.name,
        "status": v.status,
        "failed": v.failed,
        "pending": v.pending,
        "rules": [
            {
                "id": r.rule.id,
                "label": r.rule.label,
                "judgement": r.rule.judgement,
                "threshold": r.threshold,
                "count": r.count,
                "failed": r.failed,
                "judged": r.judged,
                "findings": [_finding_json(f, ids) for f in r.findings],
                "candidates": [
                    {"decision": c.decision, **_finding_json(c.finding, ids)} for c in r.candidates
                ],
            }
            for r in v.rules
        ],
    }


def _deduction_json(d: DeductionOutcome, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "id": d.item.id,
        "name": d.item.name,
        "group": d.item.group,
        "unconfirmed": d.item.unconfirmed,
        "manual": d.item.manual,
        "per": d.item.per,
        "points_each": _num(d.item.points.value),
        "cap": _num(d.item.cap.value) if d.item.cap else None,
        "units": d.units,
        "raw_points": _num(d.raw_points),
        "points": _num(d.points),
        "note": d.note,
        "findings": [_finding_json(f, ids) for f in d.findings],
    }


def to_json(s: SiteScore) -> dict[str, Any]:
    r = s.result
    return {
        "site": {"id": s.site.id, "name": s.site.name, "url": s.site.url, "kind": s.site.kind_label},
        "profile": {"id": r.profile.id, "name": r.profile.name},
        "monitoring_point": china(s.at).isoformat(timespec="seconds"),
        "scan": {
            "id": s.scan.id,
            "monitoring_point": china(s.scan.monitoring_point).isoformat(timespec="seconds"),
            "site": {"id": s.scan_site.id, "name": s.scan_site.name, "url": s.scan_site.url},
            "inherited": s.inherited,
            "basis": s.basis,
        },
        "nested_sites": [
            {"id": n.site.id, "name": n.site.name, "url": n.site.url, "kind": n.site.kind_label, "findings": n.findings}
            for n in s.nested
        ],
        "verdict": r.verdict,
        "vetoed": r.vetoed,
        "total": _num(r.total) if r.total is not None else None,
        "score": _num(r.score),
        "deduction_points": _num(r.deduction_points),
        "bonus_points": _num(r.bonus_points),
        "bonus_applied": r.bonus_applied,
        "pending_candidates": r.pending,
        "veto": [_veto_json(v, s.problem_ids) for v in r.vetoes],
        "deductions": [_deduction_json(d, s.problem_ids) for d in r.deductions],
        "bonus": [{"id": b.id, "name": b.name, "points": _num(b.points), "unconfirmed": b.unconfirmed} for b in r.bonus],
        "notes": r.notes,
    }


def _basis(v: VetoOutcome) -> str:
    parts = []
    for r in v.rules:
        if r.rule.codes:
            text = f"{r.rule.label}：{r.count}/{r.threshold}"
            if r.pending:
                text += f"（待确认 {r.pending}）"
        else:
            text = f"{r.rule.label}：" + {"confirmed": "已确认存在", "rejected": "已确认不存在"}.get(r.judged or "", "待人工判断")
        if r.count or r.pending or (not r.rule.codes and r.judged):
            parts.append(text)
    return "；".join(parts) or "未发现"


def render_text(s: SiteScore) -> RenderableType:
    r = s.result
    header = Text.assemble(
        (f"{s.site.name or s.site.url}", "bold"),
        f"（{s.site.kind_label}，{s.site.url}）\n",
        f"指标方案：{r.profile.name}；监测时间点：{show(s.at)}；依据{s.basis}（{show(s.scan.monitoring_point)}）",
    )
    vetoes = Table(title="单项否决指标", show_lines=False)
    for heading in ("编号", "指标", "结果", "依据"):
        vetoes.add_column(heading)
    styles = {"否决": "[bold red]否决[/]", "待确认": "[yellow]待确认[/]", "通过": "[green]通过[/]"}
    for v in r.vetoes:
        vetoes.add_row(v.item.id, v.item.name, styles[v.status], Text(_basis(v)))
    deductions = Table(title="扣分指标" + ("（仅供整改参考）" if r.vetoed else ""))
    for heading in ("编号", "指标", "分组", "数量", "扣分", "说明"):
        deductions.add_column(heading)
    for d in r.deductions:
        if not d.points and not d.units:
            continue
        notes = []
        if d.item.unconfirmed:
            notes.append("未核实")
        if d.points < d.raw_points:
            notes.append(f"封顶（原 {_num(d.raw_points)}）")
        if d.note:
            notes.append(d.note)
        deductions.add_row(d.item.id, d.item.name, d.item.group, str(d.units), f"-{_num(d.points)}", Text("，".join(notes)))
    if not deductions.rows:
        deductions.add_row("—", "无扣分", "", "", "0", "")
    parts: list[RenderableType] = [header, vetoes, deductions]
    candidates = [(v.item.id, c) for v in r.vetoes for rule in v.rules for c in rule.candidates]
    if candidates:
        table = Table(title="需人工确认的候选问题（problems confirm 编号）")
        for heading in ("问题编号", "指标", "问题类型", "页面", "原文", "状态"):
            table.add_column(heading)
        labels = {"pending": "[yellow]待确认[/]", "confirmed": "[red]已确认[/]", "rejected": "已排除"}
        for item_id, c in candidates[: _MAX_EVIDENCE_ROWS * 10]:
            pid = s.problem_ids.get(c.fingerprint)
            table.add_row(
                str(pid) if pid else "—", item_id, code_name(c.finding.code), Text(c.finding.page),
                Text(c.finding.evidence or ""), labels[c.decision],
            )
        parts.append(table)
    if r.vetoed:
        summary = f"结论：[bold red]{r.verdict}[/]（触发单项否决）"
    else:
        colour = "green" if r.verdict == "合格" else "red"
        bonus = f"，加分 {_num(r.bonus_points)}" if r.bonus_applied else ""
        summary = (
            f"结论：[bold {colour}]{r.verdict}[/]；扣分 {_num(r.deduction_points)}，"
            f"扣分部分得分 {_num(r.score)}{bonus}，总分 {_num(r.total or 0)}"
        )
    if r.pending and not r.vetoed:
        summary += "（[yellow]暂定：有候选问题待确认[/]）"
    parts.append(Text.from_markup(summary))
    parts.extend(Text(f"· {note}", style="dim") for note in r.notes)
    return Group(*parts)
