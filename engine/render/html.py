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
from .notes import SheetNotes
from .sheet import COLUMNS, build_sheet
from .xlsx import WIDTHS, grade_counts, summary_rows, writable

TEMPLATES = Path(list(importlib.import_module("kaohe.templates").__path__)[0])
GRADE_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828", "#6a1b9a", "#455a64")


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
class Chart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]


def percentages(widths) -> list[float]:
    return [round(w * 100 / sum(widths), 1) for w in widths]


def sheet_html(ruleset: Ruleset, result: UnitResult, notes: SheetNotes | None = None) -> str:
    return _environment.get_template("sheet.html.j2").render(
        sheet=build_sheet(ruleset, result, notes), columns=COLUMNS, widths=percentages(WIDTHS),
        percentages=percentages)


def bar_chart(items: list[tuple[str, Decimal, str]], colors: dict[str, str], scale_to: Decimal,
              width: int = 720, bar_height: int = 18) -> Chart:
    """Horizontal bars: (label, value, grade) each, longest at scale_to."""
    label_width, plot = 160, width - 160 - 90
    bars = []
    for index, (label, value, grade) in enumerate(items):
        length = int(plot * value / scale_to) if scale_to > 0 else 0
        bars.append(Bar(label, format_points(value), grade, label_width, 6 + index * (bar_height + 6), max(length, 0),
                        bar_height,
                        colors.get(grade, GRADE_COLORS[-1])))
    return Chart(width, 12 + len(items) * (bar_height + 6), label_width, tuple(bars))


def summary_html(ruleset: Ruleset, results: list[UnitResult], notes: SheetNotes | None = None) -> str:
    header, rows = summary_rows(ruleset, results)
    colors = dict(zip(ruleset.grading.labels, GRADE_COLORS, strict=False))
    ordered = sorted(results, key=lambda r: (r.rank, r.unit))
    top = max([r.total for r in results] + [ruleset.scale])
    counts = grade_counts(ruleset, results)
    return _environment.get_template("summary.html.j2").render(
        title=f"{ruleset.title} 考核结果汇总", ruleset=f"{ruleset.id} 版本 {ruleset.version}", digest=ruleset.digest,
        header=header, rows=rows, grades=counts,
        chart=bar_chart([(r.unit, r.total, r.grade) for r in ordered], colors, top),
        grade_chart=bar_chart([(label, Decimal(count), label) for label, count in counts], colors,
                              Decimal(max([c for _, c in counts] + [1]))),
        notes=notes if notes is not None and not notes.empty else None, percentages=percentages,
    )
