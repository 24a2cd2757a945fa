"""Shared by the round's renderers: the HTML templates (the engine's folder, round_*.j2) and a few sheet helpers
on top of the engine's (string cells only, fixed properties and zip times, 宋体)."""
from __future__ import annotations

import jinja2
import markupsafe
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.engine.render.html import TEMPLATES
from kaohe.engine.render.xlsx import FONT_NAME, cell, fit_height, page_setup, put, writable

SMALL = Font(name=FONT_NAME, size=8)
LINE = Alignment(wrap_text=True, vertical="center")


def _finalize(value):
    shown = writable(value)
    return markupsafe.Markup(shown) if isinstance(value, markupsafe.Markup) else shown


environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize,
)


def set_widths(ws: Worksheet, widths: tuple[int, ...]) -> None:
    from openpyxl.utils import get_column_letter
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def line(ws: Worksheet, row: int, text: str, widths: tuple[int, ...], font: Font, alignment=LINE,
         height: float | None = None) -> None:
    """A line of text across the whole table, as tall as its wrapped text."""
    put(ws, row, 1, text, font=font, alignment=alignment, border=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    size = font.sz or 10
    fit_height(ws, row, [(text, sum(widths) * 10 / size)], points_per_line=size * 1.45)
    if height:
        ws.row_dimensions[row].height = max(height, ws.row_dimensions[row].height)


def table_row(ws: Worksheet, row: int, values, widths: tuple[int, ...], styles) -> None:
    """One bordered row of a table in the engine's named styles (one style per column, or one for all)."""
    styles = [styles] * len(values) if isinstance(styles, str) else styles
    for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
        cell(ws, row, column, value, style)
    fit_height(ws, row, zip(values, widths, strict=True))


def printable(ws: Worksheet, header_row: int, portrait: bool) -> None:
    """A4, fitted to the page width, the header row repeated on every page, page numbers in the footer."""
    page_setup(ws, f"{header_row}:{header_row}")
    if portrait:
        ws.page_setup.orientation = "portrait"
        ws.page_margins.left = ws.page_margins.right = 0.7
        ws.page_margins.top = ws.page_margins.bottom = 0.8
