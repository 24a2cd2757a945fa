"""The list of changes between two publications (round/changes.py) as .xlsx and .html: one table, grouped by
unit — its total, grade and rank before → after, then each item whose score changed, with what caused it.
A4 landscape, 宋体.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kaohe.engine.render.xlsx import FONT_NAME, fixed_properties, register_styles, stable_bytes

from ..changes import Changes
from .common import SMALL, environment, line, printable, set_widths, table_row

COLUMNS = ("单位", "项目", "变化前", "变化后", "说明（变化后）", "原因")
WIDTHS = (10, 24, 9, 9, 50, 60)
STYLES = ("section-center", "text", "center", "center", "text", "text")
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADING_FONT = Font(name=FONT_NAME, size=13, bold=True)
TEXT_FONT = Font(name=FONT_NAME, size=10)


@dataclass(frozen=True)
class ChangeRow:
    unit: str  # on the unit's first row only
    what: str  # 总分 / 等次 / 名次 / 一.7 地表水Ⅲ类以上水质比例
    before: str
    after: str
    explanation: str
    causes: str
    span: int  # rows the unit's name covers (on its first row), else 0

    @property
    def values(self) -> tuple[str, ...]:
        return (self.unit, self.what, self.before, self.after, self.explanation, self.causes)


def heading(changes: Changes) -> str:
    return f"考核结果变化：{changes.before.label} → {changes.after.label}"


def lead(changes: Changes) -> tuple[str, ...]:
    before, after = changes.before, changes.after
    compared = (f"比较{before.label}（{before.at} 发布）与{after.label}（{after.at} 发布）。"
                "每个有变化的单位列出总分、等次、名次和得分有变化的指标，以及造成变化的调整、申诉决定和评定。")
    if not changes.units:
        return compared, "两次发布的结果相同：各单位的总分、等次、名次和各项得分均未变化。"
    return compared, (f"有变化的单位 {len(changes.units)} 个；其余 {changes.unchanged} 个单位的总分、等次、名次和"
                      "各项得分均未变化。")


def footer(changes: Changes) -> str:
    return (f"细则 {changes.ruleset}，摘要（sha256）{changes.ruleset_digest}；{changes.before.label}结果摘要 "
            f"{changes.before.digest}；{changes.after.label}结果摘要 {changes.after.digest}；轮次 {changes.code}")


def change_rows(changes: Changes) -> list[ChangeRow]:
    rows = []
    for unit in changes.units:
        first = len(rows)
        rows.append(ChangeRow(unit.unit, "总分", *unit.total, "", "；".join(unit.causes), 0))
        rows.append(ChangeRow("", "等次", *unit.grade, unit.grade_reason, "", 0))
        rows.append(ChangeRow("", "名次", *unit.rank, "", unit.rank_cause, 0))
        for item in unit.items:
            rows.append(ChangeRow("", f"{item.item_id} {item.title}", item.before, item.after, item.reason,
                                  "；".join(item.causes), 0))
        head = rows[first]
        rows[first] = ChangeRow(*head.values, span=len(rows) - first)
    return rows


def changes_xlsx(changes: Changes) -> bytes:
    workbook = Workbook()
    register_styles(workbook)
    ws = workbook.active
    ws.title = "变化"
    set_widths(ws, WIDTHS)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line(ws, 1, changes.title, WIDTHS, TITLE_FONT, centered)
    line(ws, 2, heading(changes), WIDTHS, HEADING_FONT, centered, height=26)
    row = 3
    for text in lead(changes):
        line(ws, row, text, WIDTHS, TEXT_FONT)
        row += 1
    header = row + 1
    table_row(ws, header, COLUMNS, WIDTHS, "head")
    row = header
    merged = []
    for change in change_rows(changes):
        row += 1
        table_row(ws, row, change.values, WIDTHS, STYLES)
        if change.span > 1:
            merged.append((row, row + change.span - 1))
    for first, last in merged:  # after the rows: a merged cell takes no value
        ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    line(ws, row + 2, footer(changes), WIDTHS, SMALL)
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    printable(ws, header, portrait=False)
    fixed_properties(workbook, f"{changes.title} {heading(changes)}")
    return stable_bytes(workbook)


def changes_html(changes: Changes) -> str:
    return environment.get_template("round_changes.html.j2").render(
        changes=changes, heading=heading(changes), lead=lead(changes), footer=footer(changes),
        columns=COLUMNS, widths=[round(w * 100 / sum(WIDTHS), 1) for w in WIDTHS], rows=change_rows(changes))
