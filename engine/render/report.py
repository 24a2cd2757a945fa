"""A plain report — a title, a few lead lines, tables and an optional bar chart — written as terminal text,
HTML (inline SVG) or xlsx (a native chart). `kaohe diff` and `kaohe impact` use it."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..model import format_points
from .html import Bar, Chart, _environment
from .summary import pad, width
from .xlsx import (
    FONT,
    TITLE,
    cell,
    fit_height,
    fixed_properties,
    number,
    page_setup,
    put,
    register_styles,
    stable_bytes,
    writable,
)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]
    numbers: frozenset = frozenset()  # columns (0-based) of points or counts: numbers in the xlsx ("+1" too)


@dataclass(frozen=True)
class Report:
    title: str
    lead: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart_title: str = ""
    chart: tuple[tuple[str, Decimal], ...] = ()  # (label, value); values may be negative
    wide: frozenset = field(default_factory=frozenset)  # columns (0-based) that hold long text


def _text(value) -> str:
    if isinstance(value, Decimal):
        return format_points(value)
    return "" if value is None else str(value)


def report_text(report: Report) -> str:
    lines = [report.title, *report.lead]
    for table in report.tables:
        lines += ["", f"【{table.title}】"]
        if not table.rows:
            lines.append("  （无）")
            continue
        rows = [[_text(v) for v in row] for row in table.rows]
        widths = [max(width(r[i]) for r in [list(table.header)] + rows) for i in range(len(table.header))]
        for row in [list(table.header)] + rows:
            cells = [cell if i == len(row) - 1 else pad(cell, min(widths[i], 40)) for i, cell in enumerate(row)]
            lines.append("  " + "  ".join(cells).rstrip())
    return writable("\n".join(lines) + "\n")  # no control character reaches the terminal


def _svg_chart(values: tuple[tuple[str, Decimal], ...]) -> Chart | None:
    if not values:
        return None
    label_width, plot, bar_height = 170, 460, 16
    top = max((abs(v) for _, v in values), default=Decimal(1)) or Decimal(1)
    has_negative = any(v < 0 for _, v in values)
    zero = label_width + (plot // 2 if has_negative else 0)
    span = plot // 2 if has_negative else plot
    bars = []
    for index, (label, value) in enumerate(values):
        length = int(span * abs(value) / top)
        x = zero - length if value < 0 else zero
        bars.append(Bar(label, format_points(value), "", x, 6 + index * (bar_height + 6), length, bar_height,
                        "#c62828" if value < 0 else "#2e7d32"))
    return Chart(label_width + plot + 90, 12 + len(values) * (bar_height + 6), label_width, tuple(bars))


def report_html(report: Report) -> str:
    tables = [Table(t.title, t.header, tuple(tuple(_text(v) for v in row) for row in t.rows)) for t in report.tables]
    return _environment.get_template("report.html.j2").render(
        title=report.title, lead=report.lead, tables=tables, chart=_svg_chart(report.chart),
        chart_title=report.chart_title)


def _title(ws, text: str, widths: list[int]) -> None:
    """The sheet's title in row 1, across the table and tall enough for its lines: never cut at column A, never
    running into the line below."""
    _across(ws, 1, text, widths, TITLE)


def _across(ws, row: int, text: str, widths: list[int], font=None) -> None:
    """One line of text over the whole width of the table below it, wrapped, its row as tall as the text."""
    font = font or FONT
    put(ws, row, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="center"), border=False)
    if len(widths) > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    size = font.sz or 10
    fit_height(ws, row, [(text, sum(widths) * 10 / size)], points_per_line=size * 1.4)


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    register_styles(workbook)
    workbook.remove(workbook.active)
    if not report.tables:  # nothing to tabulate (two equal rulesets): the title and lead still say so
        ws = workbook.create_sheet("概要")
        _title(ws, report.title, [100])
        for row, line in enumerate(report.lead, start=2):
            _across(ws, row, line, [100])
        ws.column_dimensions["A"].width = 100
        page_setup(ws, "1:1")
    for index, table in enumerate(report.tables):
        ws = workbook.create_sheet(writable(table.title)[:31])
        widths = [48 if column in report.wide else 14 for column in range(len(table.header))]
        _title(ws, report.title if index == 0 else table.title, widths)
        row = 2
        for line in (report.lead if index == 0 else ()):
            _across(ws, row, line, widths)
            row += 1
        header_row = row + 1
        for column, name in enumerate(table.header, start=1):
            cell(ws, header_row, column, name, "head")
            ws.column_dimensions[get_column_letter(column)].width = widths[column - 1]
        fit_height(ws, header_row, zip(table.header, widths, strict=True))
        for offset, values in enumerate(table.rows, start=1):  # points and counts as numbers: SUM and sorting work
            shown = [v if isinstance(v, (Decimal, int)) else number(_text(v)) if column in table.numbers else _text(v)
                     for column, v in enumerate(values)]
            for column, value in enumerate(shown, start=1):
                cell(ws, header_row + offset, column, value, "text")
            fit_height(ws, header_row + offset, zip([_text(v) for v in values], widths, strict=True))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        page_setup(ws, f"{header_row}:{header_row}")
    if report.chart:
        ws = workbook.create_sheet("图表")
        cell(ws, 1, 1, "单位", "head")
        cell(ws, 1, 2, report.chart_title, "head")
        for offset, (label, value) in enumerate(report.chart, start=2):
            put(ws, offset, 1, label)
            put(ws, offset, 2, value)
        chart = BarChart()
        chart.type = "bar"
        chart.title = writable(report.chart_title)
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=1 + len(report.chart)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(report.chart)))
        chart.legend = None
        for index, (_, value) in enumerate(report.chart):  # losses red, gains green, as in the html chart
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = "C62828" if value < 0 else "2E7D32"
            chart.series[0].dPt.append(point)
        chart.x_axis.tickLblPos = "low"  # unit names at the left edge, clear of bars that run left of zero
        chart.x_axis.tickLblSkip = 1  # every unit named
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.width, chart.height = 20, max(8, len(report.chart) * 0.8)  # room for every name
        ws.add_chart(chart, "D2")
        ws.column_dimensions["A"].width = 20
        page_setup(ws, "1:1")
        ws.page_setup.fitToHeight = 1  # the chart beside its data, on one page, never split
    fixed_properties(workbook, report.title)
    return stable_bytes(workbook)
