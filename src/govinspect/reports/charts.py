"""Charts for the reports (matplotlib, PNG bytes): problems by kind, progress over time, rates.

A font that can show Chinese is looked up (data/reports/charts.yaml: family names, then font files
such as Debian's fonts-noto-cjk); a candidate counts only if it really has the probe characters.
Without one the charts are drawn with ASCII labels (finding codes, unit numbers) rather than with
tofu boxes, and ``ChartFont.cjk`` says so.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the reports are written by a server or a terminal

from matplotlib import font_manager  # noqa: E402
from matplotlib.dates import DateFormatter, date2num  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from govinspect.reports.config import ChartRules, chart_rules  # noqa: E402


@dataclass(frozen=True)
class ChartFont:
    path: str | None  # None: no CJK font on this machine
    name: str

    @property
    def cjk(self) -> bool:
        return self.path is not None

    def properties(self) -> FontProperties:
        return FontProperties(fname=self.path) if self.path else FontProperties(family="DejaVu Sans")


def _covers(path: str, text: str) -> bool:
    try:
        font = FT2Font(path)
        charmap = font.get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in text)


def find_cjk_font(rules: ChartRules | None = None) -> ChartFont:
    rules = rules or chart_rules()
    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        regular = entry.weight in (400, "normal", "regular") and entry.style == "normal"
        if regular or entry.name not in by_name:  # a regular face wins over bold ones
            by_name[entry.name] = entry.fname if regular else by_name.get(entry.name, entry.fname)
    candidates = [by_name[f] for f in rules.font_families if f in by_name] + rules.font_files
    for path in candidates:
        if Path(path).is_file() and _covers(path, rules.probe_text):
            return ChartFont(path=path, name=FT2Font(path).family_name)
    return ChartFont(path=None, name="DejaVu Sans")


@cache
def chart_font() -> ChartFont:
    return find_cjk_font()


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


@dataclass(frozen=True)
class KindBar:
    label: str  # Chinese name
    ascii_label: str  # the finding code, for machines without a CJK font
    found: int
    fixed: int


def problems_by_kind_chart(bars: Sequence[KindBar], *, font: ChartFont | None = None) -> bytes:
    """Horizontal bars: problems found and fixed per kind, the most frequent kind on top."""
    rules = chart_rules()
    font = font or chart_font()
    shown = list(bars[: rules.max_kinds])
    if len(bars) > rules.max_kinds:
        rest = bars[rules.max_kinds - 1 :]
        shown = shown[: rules.max_kinds - 1] + [
            KindBar("其他", "other", sum(b.found for b in rest), sum(b.fixed for b in rest))
        ]
    shown.reverse()  # barh draws bottom-up
    height = max(rules.min_height_in, rules.bar_height_in * len(shown) + 1.0)
    figure = Figure(figsize=(rules.width_in, height))
    axes = figure.subplots()
    props = font.properties()
    positions = list(range(len(shown)))
    thickness = 0.38
    axes.barh([p + thickness / 2 for p in positions], [b.found for b in shown], height=thickness,
              color=rules.colors.found, label="发现" if font.cjk else "found")
    axes.barh([p - thickness / 2 for p in positions], [b.fixed for b in shown], height=thickness,
              color=rules.colors.fixed, label="已整改" if font.cjk else "fixed")
    axes.set_yticks(positions)
    axes.set_yticklabels([b.label if font.cjk else b.ascii_label for b in shown], fontproperties=props)
    for p, b in zip(positions, shown, strict=True):
        axes.text(b.found, p + thickness / 2, f" {b.found}", va="center", fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(prop=props, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, rules.dpi)


def progress_chart(
    days: Sequence[date], found: Sequence[int], fixed: Sequence[int], *, font: ChartFont | None = None
) -> bytes:
    """Cumulative problems found and fixed over the period (one point per step)."""
    rules = chart_rules()
    font = font or chart_font()
    figure = Figure(figsize=(rules.width_in, rules.min_height_in + 0.6))
    axes = figure.subplots()
    props = font.properties()
    labels = [d.strftime("%m-%d") for d in days]
    axes.plot(labels, list(found), marker="o", color=rules.colors.found, label="累计发现" if font.cjk else "found")
    axes.plot(labels, list(fixed), marker="s", color=rules.colors.fixed, label="累计整改" if font.cjk else "fixed")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.legend(prop=props, loc="upper left")
    axes.spines[["top", "right"]].set_visible(False)
    for tick in axes.get_xticklabels():
        tick.set_rotation(45)
    return _png(figure, rules.dpi)


def rate_chart(labels: Sequence[str], rates: Sequence[float], *, font: ChartFont | None = None) -> bytes:
    """Horizontal bars of completion rates (0–100 %), the best on top."""
    rules = chart_rules()
    font = font or chart_font()
    names = list(labels) if font.cjk else [f"#{i + 1}" for i in range(len(labels))]
    values = [r * 100 for r in rates]
    names.reverse()
    values.reverse()
    height = max(rules.min_height_in, rules.bar_height_in * len(names) + 1.0)
    figure = Figure(figsize=(rules.width_in, height))
    axes = figure.subplots()
    props = font.properties()
    axes.barh(range(len(names)), values, color=rules.colors.fixed)
    axes.set_yticks(range(len(names)))
    axes.set_yticklabels(names, fontproperties=props)
    axes.set_xlim(0, 105)
    for i, v in enumerate(values):
        axes.text(v, i, f" {v:.1f}%", va="center", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, rules.dpi)


def traffic_chart(days: Sequence[date], pv: Sequence[int], *, font: ChartFont | None = None) -> bytes:
    """Page views of each day with log data (bars: a day without a log is unknown, not zero)."""
    rules = chart_rules()
    font = font or chart_font()
    figure = Figure(figsize=(rules.width_in, rules.min_height_in))
    axes = figure.subplots()
    axes.bar([float(x) for x in date2num(list(days))], list(pv), width=0.8, color=rules.colors.line)
    axes.xaxis.set_major_formatter(DateFormatter("%m-%d"))
    axes.set_ylabel("页面浏览量（PV）" if font.cjk else "PV", fontproperties=font.properties())
    axes.set_ylim(bottom=0)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    return _png(figure, rules.dpi)
