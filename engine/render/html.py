"""Score sheets and the batch summary as self-contained HTML (jinja2, autoescaped), with print CSS
and inline SVG charts — no script needed to view or print."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2
import markupsafe

from ..model import Ruleset, UnitResult, format_points
from .distribution import GRADE_COLORS, bins, grade_colors, is_large
from .notes import SheetNotes
from .order import summary_order
from .sheet import COLUMNS, build_sheet
from .xlsx import WIDTHS, grade_counts, summary_rows, writable

TEMPLATES = Path(list(importlib.import_module("kaohe.templates").__path__)[0])


def _finalize(value):
    """Every printed value: characters HTML cannot carry (controls, lone surrogates) shown as U+XXXX."""
    shown = writable(value)
    return markupsafe.Markup(shown) if isinstance(value, markupsafe.Markup) else shown


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize,
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    grade: str
    x: int
    y: int
    width: int
    height: int
    color: str


@dataclass(frozen=True)
class Edge:
    """A grade band's lower edge drawn across the bars: 90 (A)."""

    label: str
    x: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    edges: tuple[Edge, ...] = ()
    top: int = 0  # room above the bars for the edges' labels


def percentages(widths) -> list[float]:
    return [round(w * 100 / sum(widths), 1) for w in widths]


def sheet_html(ruleset: Ruleset, result: UnitResult, notes: SheetNotes | None = None) -> str:
    return _environment.get_template("sheet.html.j2").render(
        sheet=build_sheet(ruleset, result, notes), columns=COLUMNS, widths=percentages(WIDTHS),
        percentages=percentages)


def bar_chart(items: list[tuple[str, Decimal, str]], colors: dict[str, str], scale_to: Decimal,
              width: int = 720, bar_height: int = 18, edges: tuple[tuple[str, Decimal], ...] = ()) -> Chart:
    """Horizontal bars: (label, value, grade) each, longest at scale_to; `edges`: (label, value) lines across."""
    label_width, plot = 160, width - 160 - 90
    top = 16 if edges else 0
    bars = []
    for index, (label, value, grade) in enumerate(items):
        length = int(plot * value / scale_to) if scale_to > 0 else 0
        bars.append(Bar(label, format_points(value), grade, label_width, top + 6 + index * (bar_height + 6),
                        max(length, 0), bar_height, "#" + colors.get(grade, GRADE_COLORS[-1])))
    lines = tuple(Edge(label, label_width + int(plot * value / scale_to)) for label, value in edges
                  if scale_to > 0 and 0 <= value <= scale_to)
    return Chart(width, top + 12 + len(items) * (bar_height + 6), label_width, tuple(bars), lines, top)


def summary_html(ruleset: Ruleset, results: list[UnitResult], notes: SheetNotes | None = None) -> str:
    header, rows = summary_rows(ruleset, results)
    colors = grade_colors(ruleset)
    counts = grade_counts(ruleset, results)
    if is_large(results):  # one bar per unit would run to pages: how many units in each 5-point range instead
        ranges = bins(ruleset, results)
        chart = bar_chart([(b.label, Decimal(b.count), b.grade) for b in reversed(ranges)], colors,
                          Decimal(max([b.count for b in ranges] + [1])))
        chart_title = f"总分分布（每5分一档，共{len(results)}个单位）"
    else:
        ordered = summary_order(ruleset, results)
        top = max([r.total for r in results] + [ruleset.scale])
        edges = tuple((f"{format_points(band.min)}（{band.label}）", band.min) for band in ruleset.grading.bands
                      if band.min is not None)
        chart = bar_chart([(r.unit, r.total, r.grade) for r in ordered], colors, top, edges=edges)
        chart_title = "各单位总分"
    return _environment.get_template("summary.html.j2").render(
        title=f"{ruleset.title} 考核结果汇总", ruleset=f"{ruleset.id} 版本 {ruleset.version}", digest=ruleset.digest,
        header=header, rows=rows, grades=counts, chart=chart, chart_title=chart_title,
        grade_chart=bar_chart([(label, Decimal(count), label) for label, count in counts], colors,
                              Decimal(max([c for _, c in counts] + [1]))),
        notes=notes if notes is not None and not notes.empty else None, percentages=percentages,
    )
