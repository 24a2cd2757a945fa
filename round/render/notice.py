"""The 公示 list as an office issues it: the round's title, each unit and its grade in roster order (the total
only when asked), the 公示期 and where to appeal (or, for the final result, how the appeals were decided),
the issuer and date, and a small line of digests. A4 portrait, 宋体, one page for a city's roster.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kaohe.engine.render.xlsx import FONT_NAME, HEAD_FILL, fit_height, fixed_properties, put, stable_bytes

from .common import SMALL, environment, line, printable, set_widths

TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADING_FONT = Font(name=FONT_NAME, size=14, bold=True)
TEXT_FONT = Font(name=FONT_NAME, size=12)
RIGHT = Alignment(horizontal="right", vertical="center")


@dataclass(frozen=True)
class NoticeRow:
    number: int  # 序号, in roster order
    unit: str
    grade: str
    total: str


@dataclass(frozen=True)
class Notice:
    title: str  # the round's name
    heading: str  # 考核结果公示 / 考核最终结果
    lead: str
    rows: tuple[NoticeRow, ...]
    with_scores: bool
    lines: tuple[str, ...]  # 公示期, where to appeal; or how the appeals were decided
    issuer: str
    date: str  # 2015年3月10日
    footer: str  # ruleset and result digests

    @property
    def columns(self) -> tuple[str, ...]:
        return ("序号", "被考核单位", "考核等次") + (("总分",) if self.with_scores else ())

    def values(self, row: NoticeRow) -> tuple:
        return (str(row.number), row.unit, row.grade) + ((row.total,) if self.with_scores else ())


def notice_xlsx(notice: Notice) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = notice.heading[:31]
    widths = (10, 40, 22, 16) if notice.with_scores else (12, 46, 26)
    set_widths(ws, widths)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line(ws, 1, notice.title, widths, TITLE_FONT, centered)
    line(ws, 2, notice.heading, widths, HEADING_FONT, centered, height=30)
    line(ws, 3, "　　" + notice.lead, widths, TEXT_FONT, height=36)
    header = 5
    bold = Font(name=FONT_NAME, size=12, bold=True)
    left = Alignment(vertical="center", wrap_text=True)
    for column, name in enumerate(notice.columns, start=1):
        put(ws, header, column, name, font=bold, alignment=centered, fill=HEAD_FILL)
    ws.row_dimensions[header].height = 24
    for offset, row in enumerate(notice.rows, start=1):
        for column, value in enumerate(notice.values(row), start=1):
            put(ws, header + offset, column, value, font=TEXT_FONT, alignment=left if column == 2 else centered)
        fit_height(ws, header + offset, zip(notice.values(row), widths, strict=False), points_per_line=16)
        ws.row_dimensions[header + offset].height = max(24.0, ws.row_dimensions[header + offset].height)
    row = header + len(notice.rows) + 2
    for text in notice.lines:
        line(ws, row, text, widths, TEXT_FONT, height=20)
        row += 1
    row += 1
    if notice.issuer:
        line(ws, row, notice.issuer, widths, TEXT_FONT, RIGHT, height=20)
        row += 1
    line(ws, row, notice.date, widths, TEXT_FONT, RIGHT, height=20)
    line(ws, row + 2, notice.footer, widths, SMALL)
    printable(ws, header, portrait=True)
    ws.print_options.horizontalCentered = True
    fixed_properties(workbook, f"{notice.title} {notice.heading}")
    return stable_bytes(workbook)


def notice_html(notice: Notice) -> str:
    return environment.get_template("round_notice.html.j2").render(notice=notice)
