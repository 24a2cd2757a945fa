"""The workbook a party fills for many units: a lead department's items, or an inspection group's.

One row per (unit, item) the party provides; a `parts` item takes a heading row and a 是/否 row per part, a
`checklist` item a heading row and a row per case (是/否, or 次数 for a case counted per occurrence), a `ratio` item
a heading row and a row each for its numerator and denominator, as in the unit's fill-in workbook, whose dropdowns
and ranges the value cells reuse (不适用 included, for an item that may not apply). Items whose value is counted
from the unit's events or read from another item are never asked for: nobody files them; nor are items taken from
another assessment's results.json, a file beside the unit's own evidence that no party workbook can name. A judged
item takes 得分 and a mandatory 评分理由. Every row has 备注 and 录入人 (who entered it). The header cells name the
party and the ruleset (id, version, digest), so `engine/entrysheet.py` refuses a workbook made for another ruleset,
and rows that are not the party's. Same inputs, same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..model import PROVIDERS, Item, Ruleset
from .fillin import (
    LINE_HEIGHT,
    LIST_SHEET,
    MULTI_ROW,
    NOT_APPLICABLE,
    TITLE_HEIGHT,
    Lists,
    add_validation,
    ask_for,
    grey_cells,
    item_rows,
    open_cell,
    points_text,
    relaxed_unit,
)
from .xlsx import BOLD, TITLE, cell, fit_height, fixed_properties, page_setup, put, register_styles, stable_bytes

ENTRY_SHEET = "录入"
KINDS = ("department", "inspection")  # the providers other than the unit
# The header: the party's kind (牵头部门 or 考核组) in A2 and the values of the header lines in column C.
KIND_CELL, PARTY_CELL, RULESET_CELL, VERSION_CELL, DIGEST_CELL, UNITS_CELL = "A2", "C2", "C3", "C4", "C5", "C6"
HEADER_ROW = 8
SERIAL, UNIT, ITEM, ITEM_TITLE, STANDARD = "序号", "单位", "指标编号", "考核项目", "评分标准"
POINTS, ASK = "分值", "填报要求"
SCORE, VALUE, SCORE_OR_VALUE = "得分", "填报值", "得分／填报值"  # the value column is named after what it takes
REASON, NOTE, ENTERED_BY = "评分理由", "备注", "录入人"
FIXED = (SERIAL, UNIT, ITEM, ITEM_TITLE, STANDARD, POINTS, ASK)  # written by kaohe; then the value column(s)
WIDTHS = {SERIAL: 5, UNIT: 12, ITEM: 8, ITEM_TITLE: 18, STANDARD: 36, POINTS: 6, ASK: 24, SCORE: 10, VALUE: 10,
          SCORE_OR_VALUE: 10, REASON: 30, NOTE: 18, ENTERED_BY: 9}
UNIT_SEPARATOR = "、"
DIGEST_LENGTH = 12  # as shown on every sheet and report


@dataclass(frozen=True)
class EntryRow:
    unit: str
    item: Item
    key: str  # the item id, or 二.6｜部分 for a part row
    title: str
    standard: str
    ask: str
    validation: tuple  # (kind, details) for the value cell; ("none", None) for a parts heading row
    judged: bool = False
    heading: bool = True  # the row of the item itself (not a part row): it takes 备注 and 录入人


def party_items(ruleset: Ruleset, kind: str, party: str) -> list[Item]:
    """The leaves `party` provides: of an inspection group, every item inspected; of a department, those it leads.
    Never an item taken from another assessment's results: its value is a file beside the unit's evidence."""
    return [leaf for leaf in ruleset.leaves()
            if leaf.provider == kind and leaf.takes_entry and leaf.from_results is None
            and (kind != "department" or party in leaf.departments)]


def lead_departments(ruleset: Ruleset) -> tuple[str, ...]:
    """Every department that provides at least one item, in ruleset order."""
    return tuple(dict.fromkeys(name for leaf in ruleset.leaves() if leaf.provider == "department" and leaf.takes_entry
                               for name in leaf.departments))


def entry_rows(ruleset: Ruleset, kind: str, party: str, units: Sequence[str]) -> list[EntryRow]:
    """An inspection group works unit by unit (one visit each); a department item by item (one data table each)."""
    items = party_items(ruleset, kind, party)
    pairs = ([(unit, item) for unit in units for item in items] if kind == "inspection"
             else [(unit, item) for item in items for unit in units])
    rows = []
    for unit, item in pairs:
        for line in item_rows(item):
            heading = line.key == item.id
            single = heading and item.value_kind not in MULTI_ROW  # a value in this row, not in rows below
            ask = ask_for(item, reason_in=REASON)[0] if single else line.ask
            if single and item.unit and item.value_kind != "judgement":
                ask += f"，单位：{item.unit}"
            rows.append(EntryRow(unit, item, line.key, line.title, line.standard, ask, line.validation,
                                 judged=item.value_kind == "judgement", heading=heading))
    return rows


def columns_for(rows: list[EntryRow]) -> tuple[str, ...]:
    judged = {row.judged for row in rows}
    value = SCORE if judged == {True} else VALUE if judged == {False} else SCORE_OR_VALUE
    return FIXED + (value,) + ((REASON,) if True in judged else ()) + (NOTE, ENTERED_BY)


def workbook_title(ruleset: Ruleset, kind: str) -> str:
    return f"{ruleset.title} {PROVIDERS[kind]}评定表"


def write_party_workbook(ruleset: Ruleset, kind: str, party: str, units: Sequence[str]) -> bytes:
    """The workbook of one lead department or inspection group for `units` (kept in roster order)."""
    if kind not in KINDS:
        raise ValueError(f"评定方只能是 {'、'.join(KINDS)}，不是 {kind!r}")
    unknown = [unit for unit in units if unit not in ruleset.units]
    if unknown:
        raise ValueError(f"被考核单位不在细则 {ruleset.id} 的名单中：{'、'.join(unknown)}")
    if not units:
        raise ValueError("没有给出被考核单位")
    units = [unit for unit in ruleset.units if unit in units]
    rows = entry_rows(ruleset, kind, party, units)
    if not rows:
        raise ValueError(f"细则 {ruleset.id} 中没有由{PROVIDERS[kind]}“{party}”评定的指标")
    columns = columns_for(rows)
    at = {name: index for index, name in enumerate(columns, start=1)}
    widths = [WIDTHS[name] for name in columns]
    workbook = Workbook()
    register_styles(workbook)
    ws = workbook.active
    ws.title = ENTRY_SHEET
    lists_ws = workbook.create_sheet(LIST_SHEET)
    lists_ws.sheet_state = "hidden"
    lists = Lists(lists_ws)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    _header(ws, ruleset, kind, party, units, len(columns), sum(widths))
    for column, name in enumerate(columns, start=1):
        cell(ws, HEADER_ROW, column, name, "head")
    row, serial = HEADER_ROW, 0
    for line in rows:
        row += 1
        serial += line.heading
        fixed = (serial if line.heading else None, line.unit, line.key, line.title, line.standard,
                 points_text(line.item) if line.heading else None, line.ask)
        for name, value in zip(FIXED, fixed, strict=True):
            cell(ws, row, at[name], value, "center" if name in (SERIAL, ITEM, POINTS) else "text")
        for name in columns[len(FIXED):]:
            cell(ws, row, at[name], None)
        fit_height(ws, row, [(value, WIDTHS[name]) for name, value in zip(FIXED, fixed, strict=True)],
                   points_per_line=LINE_HEIGHT)
        value_column = at[columns[len(FIXED)]]
        if line.validation[0] != "none":
            add_validation(ws, lists, line.validation, f"{get_column_letter(value_column)}{row}",
                           f"{line.unit} {line.title.strip()}")
        fillable = [value_column] if line.validation[0] != "none" else []  # a parts heading: its part rows take it
        if line.heading:
            fillable += [at[NOTE], at[ENTERED_BY]] + ([at[REASON]] if line.judged else [])
        for column in range(len(FIXED) + 1, len(columns) + 1):
            if column in fillable:
                open_cell(ws, row, column)
            else:
                grey_cells(ws, row, [column])
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=at[ITEM_TITLE])
    page_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column to read is allowed
    workbook.active = workbook.sheetnames.index(ENTRY_SHEET)
    workbook.security.lockStructure = True
    fixed_properties(workbook, f"{workbook_title(ruleset, kind)}（{party}）")
    return stable_bytes(workbook)


def _header(ws, ruleset: Ruleset, kind: str, party: str, units: list[str], width: int, characters: int) -> None:
    put(ws, 1, 1, workbook_title(ruleset, kind), font=TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = TITLE_HEIGHT
    lines = ((PROVIDERS[kind], party), ("细则", ruleset.id), ("版本", ruleset.version),
             ("摘要", ruleset.digest[:DIGEST_LENGTH]), ("被考核单位", UNIT_SEPARATOR.join(units)))
    for row, (label, value) in enumerate(lines, start=2):
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 3, value)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
        fit_height(ws, row, [(value, characters - 17)], points_per_line=LINE_HEIGHT)
    who = f"{PROVIDERS[kind]}“{party}”"
    items = party_items(ruleset, kind, party)
    judged = "核查评分的项目填得分，并必须写明评分理由；" if any(
        item.value_kind == "judgement" for item in items) else ""
    cases = ("扣分（加分）清单在其下各行逐条填写：有此情形选“是”，没有选“否”，按次计分的填次数，没有填0；" if any(
        item.value_kind == "checklist" for item in items) else "")
    ratios = ("按比率计分的项目在其下两行分别填分子和分母（不小于0的整数）；" if any(
        item.value_kind == "ratio" for item in items) else "")
    units = ("计量单位为万元、亿元等的项目可带同类单位（如8500万元），自动换算，其余" if any(
        relaxed_unit(item) for item in items) else "")
    na = (f"本项不适用于该单位的，选或填“{NOT_APPLICABLE}”（分几行填写的项目在标题行选），不计分；" if any(
        item.may_not_apply for item in items) else "")
    text = (f"本表由{who}填写，每行是一个单位的一个指标。只有黄色格子可以填写：{judged}{cases}{ratios}{na}"
            f"{units}数值只填数字，"
            "是/否和档次从下拉列表选择；“录入人”填写录入这一行的人员。\n"
            "暂时没有评定的留空，不要填0：留空的项目不计入，也不会按0分计。其余格子受保护。")
    put(ws, 7, 1, text, alignment=Alignment(wrap_text=True, vertical="top"), border=False)
    ws.merge_cells(start_row=7, start_column=1, end_row=7, end_column=width)
    fit_height(ws, 7, [(text, characters * 0.9)], points_per_line=LINE_HEIGHT)
