"""Score sheets and the batch summary as .xlsx (openpyxl), printable and byte-for-byte reproducible.

Reproducible: fixed document properties, and the zip is rewritten with fixed entry
times in a fixed order. Safe: every text is written as a string cell, so evidence
text starting with =, +, - or @ can never become a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections import Counter

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..fields import number_text
from ..model import Ruleset, UnitResult, format_points
from .distribution import GRADE_COLORS, LARGE_BATCH, bins, grade_colors, is_large
from .notes import SheetNotes, spans
from .order import summary_order
from .sheet import COLUMNS, Sheet, build_sheet, quota_moved

FONT_NAME = "宋体"  # a CJK font, so the sheet prints the same on any machine with Office or WPS
FIXED_TIME = dt.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
VETO = Font(name=FONT_NAME, size=12, bold=True, color="FFFFFF")
VETO_FILL = PatternFill("solid", fgColor="C00000")
WARN_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
MARK_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTHS = (9, 18, 34, 6, 7, 7, 40, 40, 22)
HEADER_ROW = 6
NOTES_WIDTH = 150  # characters across a summary's notes sheet: A4 landscape at a readable size
SIGNATURES = "评分人（签字）：＿＿＿＿＿＿＿＿　　复核人（签字）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"


def _style(name: str, font=FONT, alignment=WRAP, border=True, fill=None) -> NamedStyle:
    style = NamedStyle(name=name, font=font, alignment=alignment)
    if border:
        style.border = BORDER
    if fill is not None:
        style.fill = fill
    return style


# Named styles, registered once per workbook: assigning one is far cheaper than setting
# font, fill, border and alignment on every cell (openpyxl hashes each of those).
# openpyxl binds a NamedStyle to the workbook it is added to, so each workbook gets fresh ones:
# sharing them would make a file's bytes depend on what was written before it.
STYLE_SHAPES = {
    "text": {}, "center": {"alignment": CENTER},
    "section": {"font": BOLD, "fill": SECTION_FILL},
    "section-center": {"font": BOLD, "alignment": CENTER, "fill": SECTION_FILL},
    "unscored": {"fill": WARN_FILL},
    "unscored-center": {"alignment": CENTER, "fill": WARN_FILL},
    "head": {"font": BOLD, "alignment": CENTER, "fill": HEAD_FILL},
}


def register_styles(workbook: Workbook) -> None:
    for key, shape in STYLE_SHAPES.items():
        workbook.add_named_style(_style(f"kh-{key}", **shape))


def register_deduct_style(workbook: Workbook) -> None:
    """The 得分 cell of a penalty row, in red: registered only for rulesets with penalty sections (扣分项)."""
    if "kh-deduct-center" not in workbook.named_styles:
        workbook.add_named_style(_style("kh-deduct-center", font=Font(name=FONT_NAME, size=10, color="C00000"),
                                        alignment=CENTER))


def register_mark_style(workbook: Workbook) -> None:
    """The style of a marked 得分 cell: registered only when a sheet has marks, so other files keep their bytes."""
    if "kh-marked-center" not in workbook.named_styles:
        workbook.add_named_style(_style("kh-marked-center", font=BOLD, alignment=CENTER, fill=MARK_FILL))


# Characters an xlsx file (XML 1.0) cannot hold: openpyxl refuses the C0 controls and writes the
# others into a file Excel cannot open; a lone surrogate cannot even be encoded as UTF-8 for HTML or
# text. Input loading refuses them; this is the second line of defence, for every output.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(value):
    """The value with each character an xlsx file cannot hold shown as U+XXXX (BEL, "\\u0007", as "U+0007")."""
    if isinstance(value, str):
        return _UNWRITABLE.sub(lambda m: f"U+{ord(m.group()):04X}", value)
    return value


def number(text):
    """Points shown as text ("4.5", "-6", "+1", "100") as a Decimal, so the cell is a number (SUM and sorting work);
    any other text ("最多扣6分", "未评分", "") as it is."""
    value = number_text(text) if isinstance(text, str) else None
    return text if value is None else value


def cell(ws: Worksheet, row: int, column: int, value, style: str = "text"):
    """Write one table cell in a named style; text is always a string cell, never a formula."""
    value = writable(value)
    target = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        target.data_type = "s"
    target.style = f"kh-{style}"
    return target


def put(ws: Worksheet, row: int, column: int, value, font=FONT, alignment=WRAP, border=True, fill=None):
    """Write one free-form cell (titles, banners); text is always a string cell, never a formula."""
    value = writable(value)
    target = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        target.data_type = "s"
    target.font = font
    target.alignment = alignment
    if border:
        target.border = BORDER
    if fill is not None:
        target.fill = fill
    return target


def text_lines(text: str, width: float) -> int:
    """Printed lines of wrapped text in a column `width` characters wide. A CJK character is counted 2 wide: its
    glyph is square at the font size, about twice a digit, in Excel, WPS and LibreOffice alike (1.7 lost a line in
    a long cell under LibreOffice's fallback font)."""
    lines = 0
    for part in str(text).split("\n"):
        columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in part)
        lines += max(1, math.ceil(columns / max(width - 2, 1)))  # a margin for where each line breaks
    return lines


def fit_height(ws: Worksheet, row: int, texts_and_widths, points_per_line: float = 13.5) -> None:
    """Set the row tall enough for its wrapped text: neither Excel nor LibreOffice grows rows written by openpyxl.
    13.5 pt a line for 10 pt text (CJK line spacing is about 1.3), and 4 pt for the cell's own padding."""
    lines = max((text_lines(text, width) for text, width in texts_and_widths if text), default=1)
    ws.row_dimensions[row].height = max(15.0, lines * points_per_line + 4)


def banner(ws: Worksheet, row: int, text: str, font=BOLD, fill=None, height=None) -> None:
    put(ws, row, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="center"), border=False, fill=fill)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
    size = font.sz or 10
    fit_height(ws, row, [(text, sum(WIDTHS) * 10 / size)], points_per_line=size * 1.4)
    if height:
        ws.row_dimensions[row].height = max(height, ws.row_dimensions[row].height)


def page_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    banner(ws, 1, sheet.heading, font=TITLE, height=30)
    banner(ws, 2, f"被考核单位：{sheet.unit}　　考核年度：{sheet.year}　　细则：{sheet.ruleset}"
                  + ("　　（样例数据）" if sheet.sample else ""))
    total = f"{sheet.total}（{sheet.breakdown}）" if sheet.breakdown else sheet.total
    banner(ws, 3, sheet.result_line, font=Font(name=FONT_NAME, size=12, bold=True))
    banner(ws, 4, f"定级依据：{sheet.grade_rule}", height=32)
    vetoes = [o for o in sheet.outcomes if o.is_veto]
    others = [o for o in sheet.outcomes if not o.is_veto]
    if vetoes:
        banner(ws, 5, "；".join(o.line for o in vetoes), font=VETO, fill=VETO_FILL, height=48)
    elif others:
        banner(ws, 5, "；".join(o.line for o in others), fill=WARN_FILL, height=40)
    else:
        banner(ws, 5, "结果规则：未触发一票否决、降级或封顶。")
    if vetoes and others:
        banner(ws, 4, f"定级依据：{sheet.grade_rule}", height=48)
    for column, name in enumerate(COLUMNS, start=1):
        cell(ws, HEADER_ROW, column, name, "head")
    if any(line.mark for line in sheet.rows):
        register_mark_style(ws.parent)
    if sheet.penalty:
        register_deduct_style(ws.parent)
    row = HEADER_ROW
    for line in sheet.rows:
        row += 1
        kind = "section" if line.is_section else ("unscored" if line.unscored else "text")
        # a caller's mark (经调整) goes before the explanation, so that 得分 stays a number; the cell keeps its colour
        explanation = f"【{line.mark}】{line.explanation}" if line.mark else line.explanation
        values = (line.number, line.title, line.standard, number(line.max), number(line.self_score),
                  number(line.score), explanation, line.basis, line.materials)
        for column, value in enumerate(values, start=1):
            centered = column in (1, 4, 5, 6)
            cell(ws, row, column, value, "marked-center" if column == 6 and line.mark else
                 "deduct-center" if column == 6 and line.penalty and kind == "text" else
                 kind + "-center" if centered and kind != "text" else ("center" if centered else kind))
        fit_height(ws, row, zip((str(v) for v in values), WIDTHS, strict=True))
    row += 1
    # 合计: 满分 under 分值, the total under 得分, as numbers; the grade and how the total is made up beside them
    put(ws, row, 1, "合计", font=BOLD, alignment=CENTER)
    put(ws, row, 2, f"等次 {sheet.grade}", font=BOLD, alignment=CENTER)
    put(ws, row, 3, None, font=BOLD)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    put(ws, row, 4, number(sheet.scale), font=BOLD, alignment=CENTER)
    put(ws, row, 5, number(sheet.self_total), font=BOLD, alignment=CENTER)
    put(ws, row, 6, number(sheet.total), font=BOLD, alignment=CENTER)
    put(ws, row, 7, f"总分 {total}" if sheet.breakdown else "", font=BOLD)
    for column in range(8, len(COLUMNS) + 1):
        put(ws, row, column, None, font=BOLD)
    ws.merge_cells(start_row=row, start_column=7, end_row=row, end_column=len(COLUMNS))
    fit_height(ws, row, [(f"等次 {sheet.grade}", WIDTHS[1] + WIDTHS[2]), (f"总分 {total}", sum(WIDTHS[6:]))])
    if sheet.notes is not None:
        row = write_notes(ws, row + 2, sheet.notes, WIDTHS)
    row = write_clauses(ws, row + 2, sheet.clauses)
    row += 2
    banner(ws, row, SIGNATURES, height=28)
    banner(ws, row + 1, f"细则摘要（sha256）：{sheet.ruleset_digest}", font=Font(name=FONT_NAME, size=8))
    small = Font(name=FONT_NAME, size=8)
    banner(ws, row + 2, f"材料摘要（sha256）：{sheet.evidence_digest}　{sheet.evidence_file}", font=small)
    if sheet.note:
        banner(ws, row + 3, f"细则说明：{sheet.note}", font=Font(name=FONT_NAME, size=8), height=40)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    page_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def write_clauses(ws: Worksheet, row: int, clauses: tuple[tuple[str, str], ...]) -> int:
    """依据条款: each clause the 依据 column names, with its text, once; returns the last row written."""
    if not clauses:
        return row - 1
    banner(ws, row, "依据条款", font=BOLD)
    for reference, text in clauses:
        row += 1
        put(ws, row, 1, reference, font=BOLD, alignment=WRAP, border=False)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        put(ws, row, 4, text, alignment=WRAP, border=False)
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=len(COLUMNS))
        fit_height(ws, row, [(reference, sum(WIDTHS[:3])), (text, sum(WIDTHS[3:]))])
    return row


def write_notes(ws: Worksheet, row: int, notes: SheetNotes, grid: tuple[int, ...]) -> int:
    """A caller's section from `row` down, its tables laid over the sheet's columns; returns its last row."""
    width = len(grid)

    def line(text: str, font) -> None:
        put(ws, row, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="center"), border=False)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        size = font.sz or 10
        fit_height(ws, row, [(text, sum(grid) * 10 / size)], points_per_line=size * 1.4)

    line(notes.title, Font(name=FONT_NAME, size=12, bold=True))
    if notes.legend:
        row += 1
        line(notes.legend, FONT)
    for table in notes.tables:
        row += 1
        line(table.caption, BOLD)
        layout = spans(table.widths, grid)
        row += 1
        _note_row(ws, row, table.columns, layout, grid, "head")
        for values in table.rows:
            row += 1
            _note_row(ws, row, values, layout, grid, "text")
        if not table.rows:
            row += 1
            _note_row(ws, row, (table.empty,), ((1, width),), grid, "text")
    return row


def _note_row(ws: Worksheet, row: int, values, layout, grid: tuple[int, ...], style: str) -> None:
    texts = []
    for value, (first, last) in zip(values, layout, strict=True):
        for column in range(first, last + 1):
            cell(ws, row, column, value if column == first else None, style)
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        texts.append((value, sum(grid[first - 1:last])))
    fit_height(ws, row, texts)


def notes_sheets(workbook: Workbook, notes: SheetNotes) -> None:
    """The summary's notes: one worksheet per table, with the table's own column widths."""
    register_styles(workbook)
    taken = {name.casefold() for name in workbook.sheetnames}
    for index, table in enumerate(notes.tables, start=1):
        name = writable(table.caption)[:28] or "表"
        name = name if name.casefold() not in taken else f"{name[:25]}{index}"
        taken.add(name.casefold())
        ws = workbook.create_sheet(name)
        scale = NOTES_WIDTH / sum(table.widths)
        grid = tuple(max(4, round(w * scale)) for w in table.widths)
        for column, width in enumerate(grid, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        put(ws, 1, 1, f"{notes.title}：{table.caption}", font=TITLE, border=False)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(grid))
        ws.row_dimensions[1].height = TITLE.sz * 1.6
        row = 1
        if notes.legend:
            row += 1
            put(ws, row, 1, notes.legend, border=False, alignment=Alignment(wrap_text=True, vertical="center"))
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(grid))
            fit_height(ws, row, [(notes.legend, sum(grid))])
        layout = tuple((c, c) for c in range(1, len(grid) + 1))
        header = row + 1
        _note_row(ws, header, table.columns, layout, grid, "head")
        for offset, values in enumerate(table.rows, start=1):
            _note_row(ws, header + offset, values, layout, grid, "text")
        if not table.rows:
            _note_row(ws, header + 1, (table.empty,), ((1, len(grid)),), grid, "text")
        ws.freeze_panes = ws.cell(row=header + 1, column=1)
        page_setup(ws, f"{header}:{header}")


def fixed_properties(workbook: Workbook, title: str) -> None:
    props = workbook.properties
    props.creator = props.lastModifiedBy = "kaohe"
    props.title = writable(title)
    props.created = props.modified = FIXED_TIME


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_bytes(workbook: Workbook) -> bytes:
    """Save, then rewrite the zip with fixed entry times so equal content gives equal bytes.

    openpyxl stamps docProps/core.xml with the time of saving whatever the properties say,
    so that one value is put back to the fixed time too.
    """
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                        content)
            target.writestr(entry, content)
    return out.getvalue()


def sheet_xlsx(ruleset: Ruleset, result: UnitResult, notes: SheetNotes | None = None) -> bytes:
    sheet = build_sheet(ruleset, result, notes)
    workbook = Workbook()
    register_styles(workbook)
    ws = workbook.active
    ws.title = "评分表"
    write_sheet(ws, sheet)
    fixed_properties(workbook, f"{sheet.unit} {sheet.heading}")
    return stable_bytes(workbook)


# --- the batch summary ------------------------------------------------------------


def _section_points(section) -> str:
    """A top-level section's points in the summary's header: 40; 扣分 or 最多扣10分 for a penalty section;
    100，权重30% for a weighted one."""
    if section.penalty:
        return f"最多扣{format_points(section.points)}分" if section.points > 0 else "扣分"
    if section.weight is not None:
        return f"{format_points(section.points)}，权重{format_points(section.weight * 100)}%"
    return format_points(section.points)


def summary_rows(ruleset: Ruleset, results: list[UnitResult]) -> tuple[list[str], list[list]]:
    """The ranking table shared by the xlsx and HTML summaries."""
    sections = [item for item in ruleset.items]
    header = ["名次", "单位"] + [f"{s.id} {s.title}（{_section_points(s)}）" for s in sections] + \
        ["总分", "定级分", "等次", "结果规则", "未能评分"]
    rows = []
    for r in summary_order(ruleset, results):
        subtotals = [format_points(x.score) if x.score is not None else "不适用" if x.not_applicable else ""
                     for x in r.items]
        fired = "；".join(f.rule.title for f in r.fired)
        moved = quota_moved(ruleset, r)  # a grade quota took the unit down a grade: say so beside it
        grade = r.grade + (f"（原{moved.label}，名额限制）" if moved is not None else "")
        rows.append([r.rank, r.unit] + subtotals + [format_points(r.total), format_points(r.graded_total),
                                                      grade + ("（暂定）" if r.unscored else ""), fired,
                                                      "、".join(r.unscored)])
    return header, rows


def _column_chart(title: str, axis: str, ws: Worksheet, column: int, header_row: int, count: int,
                  colors: list[str], categories: int = 1, most: int | None = None) -> BarChart:
    """Columns of `count` values under `header_row`, each in its own colour (its grade's); `most`: the values are
    counts, the largest is `most`, so the value axis steps by whole units and shows no decimals."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = axis
    chart.add_data(Reference(ws, min_col=column, min_row=header_row, max_row=header_row + count),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=categories, min_row=header_row + 1, max_row=header_row + count))
    for index, color in enumerate(colors):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = color
        point.graphicalProperties.line.solidFill = color
        chart.series[0].dPt.append(point)
    chart.y_axis.scaling.min = 0
    if most is not None:
        chart.y_axis.majorUnit = whole_step(most)
        chart.y_axis.number_format = "0"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides both axes unless told
    chart.legend = None
    return chart


def whole_step(top: int) -> int:
    """A step for a count axis: 1 up to 10, then 2, 5, 10, 20, 50 … so that about ten gridlines show."""
    step = 1
    while top / step > 10:
        step = next(s * 10 ** e for e in range(12) for s in (1, 2, 5) if s * 10 ** e > step)
    return step


def grade_counts(ruleset: Ruleset, results: list[UnitResult]) -> list[tuple[str, int]]:
    counts = Counter(r.grade for r in results)
    return [(label, counts.get(label, 0)) for label in ruleset.grading.labels]


def summary_xlsx(ruleset: Ruleset, results: list[UnitResult], notes: SheetNotes | None = None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "汇总"
    header, rows = summary_rows(ruleset, results)
    banner_width = len(header)
    put(ws, 1, 1, f"{ruleset.title} 考核结果汇总（{ruleset.id} 版本 {ruleset.version}）", font=TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=banner_width)
    put(ws, 2, 1, f"细则摘要（sha256）：{ruleset.digest}　单位数：{len(results)}", border=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=banner_width)
    for column, name in enumerate(header, start=1):
        put(ws, 3, column, name, font=BOLD, alignment=CENTER, fill=HEAD_FILL)
    total_column = header.index("总分") + 1
    widths = [8, 20] + [14] * (len(header) - 2)
    # the title is 16 pt: its row must be taller than the default, or it runs into the line below
    ws.row_dimensions[1].height = TITLE.sz * 1.6
    fit_height(ws, 3, zip(header, widths, strict=True))
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            points = 2 < column <= total_column + 1  # the sections' subtotals, 总分 and 定级分: numbers
            put(ws, 4 + offset, column, number(value) if points else value,
                alignment=CENTER if column != len(header) - 1 else WRAP)
        fit_height(ws, 4 + offset, zip((str(v) for v in values), widths, strict=True))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "C4"
    page_setup(ws, "3:3")
    last = 3 + len(rows)
    colors = grade_colors(ruleset)
    if is_large(results):  # one bar per unit would not fit a page: the distribution of totals instead
        ranges = bins(ruleset, results)
        spread = workbook.create_sheet("总分分布")
        put(spread, 1, 1, "总分", font=BOLD, alignment=CENTER, fill=HEAD_FILL)
        put(spread, 1, 2, "单位数", font=BOLD, alignment=CENTER, fill=HEAD_FILL)
        for offset, part in enumerate(ranges, start=2):
            put(spread, offset, 1, part.label, alignment=CENTER)
            put(spread, offset, 2, part.count, alignment=CENTER)
        spread.column_dimensions["A"].width = 14
        page_setup(spread, "1:1")
        chart = _column_chart(f"总分分布（每5分一档，共{len(results)}个单位）", "单位数", spread, 2, 1, len(ranges),
                              [colors.get(part.grade, GRADE_COLORS[-1]) for part in ranges],
                              most=max(part.count for part in ranges))
    else:
        chart = _column_chart("各单位总分", "总分", ws, total_column, 3, len(rows),
                              [colors.get(r.grade, GRADE_COLORS[-1]) for r in summary_order(ruleset, results)],
                              categories=2)
    chart.width, chart.height = max(24, min(len(rows), LARGE_BATCH) * 0.8), 10
    ws.add_chart(chart, f"A{last + 3}")

    grades = workbook.create_sheet("等次分布")
    put(grades, 1, 1, "等次", font=BOLD, alignment=CENTER, fill=HEAD_FILL)
    put(grades, 1, 2, "单位数", font=BOLD, alignment=CENTER, fill=HEAD_FILL)
    counts = grade_counts(ruleset, results)
    for offset, (label, count) in enumerate(counts):
        put(grades, 2 + offset, 1, label, alignment=CENTER)
        put(grades, 2 + offset, 2, count, alignment=CENTER)
    page_setup(grades, "1:1")
    grades.add_chart(_column_chart("等次分布", "单位数", grades, 2, 1, len(counts),
                                   [colors.get(label, GRADE_COLORS[-1]) for label, _ in counts],
                                   most=max((count for _, count in counts), default=0)), "D2")
    if notes is not None and notes.tables:
        notes_sheets(workbook, notes)
    fixed_properties(workbook, f"{ruleset.title} 考核结果汇总")
    return stable_bytes(workbook)
