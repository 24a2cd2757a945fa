"""The fill-in workbook a municipality gets: one row per value the ruleset needs.

Sheets: 说明 (instructions), 填报 (the values, targets, evidence references,
自评得分 and 备注), 事件 (reported events) and a hidden 选项 sheet holding the
dropdown lists. Only the fill-in cells are unlocked; the sheets and the
workbook structure are protected. `engine/workbook.py` reads it back.

Items another party provides (an inspection group, a lead department) are grey
rows the unit does not fill: their value cell says who gives it. Only the unit's
own target for such an item, where the method takes one, stays open.
The party workbooks (`entrysheet.py`) reuse the row, dropdown and range helpers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..methods import needs_target
from ..model import PROVIDERS, FactSpec, Item, Ruleset, format_points
from .sheet import basis_text
from .xlsx import (
    BOLD,
    FONT,
    FONT_NAME,
    TITLE,
    cell,
    fit_height,
    fixed_properties,
    page_setup,
    put,
    register_styles,
    stable_bytes,
)

FILL_SHEET, EVENT_SHEET, LIST_SHEET, HELP_SHEET = "填报", "事件", "选项", "说明"
HEADER_ROW = 5
COLUMNS = ("指标编号", "考核项目", "评分标准", "填报内容", "计量单位", "填报值", "适用目标", "本单位备案目标",
           "佐证材料", "自评得分", "备注", "依据")
ASK, VALUE, TARGET, FILES, SELF, NOTE = 4, 6, 8, 9, 10, 11  # 填报内容 and the fill-in columns
WIDTHS = (11, 18, 34, 24, 8, 14, 10, 12, 26, 9, 24, 36)
EVENT_COLUMNS = ("事实", "类型", "日期", "事件名称", "佐证材料")
PART_MARK = "｜"  # 二.6｜部分名称: one row per part of a `parts` item
FACT_PREFIX = "事实："
YES_NO = ("是", "否")
HAS_EVENTS = ("有", "无")
JUDGED_ASK = "核查评分"  # 填报内容 of a judged item starts so: its reason goes in 备注
OTHERS_ASK = "本单位不填"  # 填报内容 of an item another party provides: the row is read for its target only
EVENTS_ASK = f"（{'/'.join(HAS_EVENTS)}）"  # in 填报内容 of a fact of events: answered 有/无, the events on 事件
UNIT_CELL, RULESET_CELL = "B2", "B3"
# Points per wrapped line: the CJK fonts that stand in for 宋体 where it is missing (Noto CJK) run taller than it.
LINE_HEIGHT = 14.5
TITLE_HEIGHT = 24
HELP_WIDTH = 110
FILL_COLOR = PatternFill("solid", fgColor="FFFDE7")
OTHERS_COLOR = PatternFill("solid", fgColor="E7E6E6")
OTHERS_FONT = Font(name=FONT_NAME, size=10, color="595959")
OPEN = Protection(locked=False)


@dataclass(frozen=True)
class Row:
    key: str
    item: Item | None
    title: str
    standard: str
    ask: str  # what to fill, in words
    unit: str
    target: str
    basis: str
    validation: tuple  # (kind, details) for the value cell
    takes_target: bool = False
    takes_extras: bool = True  # evidence references, 自评得分, 备注
    provided_by: str = ""  # 由考核组评定 …: another party gives the value; the row is read-only


def provided_by(item: Item) -> str:
    """The value cell of an item the unit does not fill: 由考核组评定, 由牵头部门评定（市环保局）."""
    department = f"（{item.department}）" if item.provider == "department" else ""
    return f"由{PROVIDERS[item.provider]}评定{department}"


def ask_for(item: Item, reason_in: str = "备注") -> tuple[str, tuple]:
    """What to fill, in words, and the value cell's validation: (kind, details) for `add_validation`.
    `reason_in` is the column that takes a judged item's reason."""
    kind = item.value_kind
    if kind == "yes_no":
        return "是否做到（是/否）", ("list", YES_NO)
    if kind == "level":
        return "所处档次（下拉选择）", ("list", item.params.names())
    if kind == "count":
        return f"个数（{getattr(item.params, 'counted', '项')}），不小于0的整数", ("whole", None)
    if kind == "judgement":
        step = f"，按{format_points(item.params.step)}分计" if item.params.step else ""
        ask = f"{JUDGED_ASK}（0–{format_points(item.points)}分{step}），理由写在{reason_in}栏"
        return ask, ("decimal", (Decimal(0), item.points))
    low, high = item.value_range
    shown = [format_points(edge) if edge is not None else "不限" for edge in (low, high)]
    span = f"（{shown[0]}–{shown[1]}）"
    return f"数值{span}", ("decimal", (low, high))


def rows_for(ruleset: Ruleset) -> list[Row]:
    """The rows of the unit's 填报 sheet: its own items to fill, the others' items read-only, then the facts."""
    rows = []
    for item in ruleset.leaves():
        basis = basis_text(ruleset, item.citation)
        target = format_points(item.target) if item.target is not None else ("须备案" if needs_target(item.method)
                                                                           else "")
        if item.provider != "unit":
            rows.append(Row(item.id, item, item.title, item.standard, f"{OTHERS_ASK}：{provided_by(item)}",
                            item.unit, target, basis, ("none", None), takes_target=needs_target(item.method),
                            takes_extras=False, provided_by=provided_by(item)))
            continue
        rows += item_rows(item, target, basis)
    for spec in ruleset.facts:
        rows.append(_fact_row(spec))
    return rows


def item_rows(item: Item, target: str = "", basis: str = "") -> list[Row]:
    """The rows that take one item's value: one, or for a `parts` item a heading row and a 是/否 row per part."""
    if item.value_kind == "parts":
        rows = [Row(item.id, item, item.title, item.standard, "在下列各部分逐项填“是/否”", "", "", basis,
                    ("none", None))]
        for name, worth in item.params.parts:
            rows.append(Row(f"{item.id}{PART_MARK}{name}", item, f"　{name}（{format_points(worth)}分）", "",
                            "是否完成（是/否）", "", "", "", ("list", YES_NO), takes_extras=False))
        return rows
    ask, validation = ask_for(item)
    return [Row(item.id, item, item.title, item.standard, ask, item.unit, target, basis, validation,
                takes_target=needs_target(item.method))]


def _fact_row(spec: FactSpec) -> Row:
    key = f"{FACT_PREFIX}{spec.name}"
    if spec.kind == "events":
        ask = f"有无{spec.title}{EVENTS_ASK}；有则逐起填在“{EVENT_SHEET}”表"
        return Row(key, None, spec.title, "", ask, "", "", "", ("list", HAS_EVENTS), takes_extras=False)
    if spec.kind == "yes_no":
        return Row(key, None, spec.title, "", "是/否", "", "", "", ("list", YES_NO), takes_extras=False)
    if spec.kind == "count":
        return Row(key, None, spec.title, "", "次数，不小于0的整数", "", "", "", ("whole", None), takes_extras=False)
    return Row(key, None, spec.title, "", "数值", "", "", "", ("decimal", (None, None)), takes_extras=False)


class Lists:
    """Dropdown lists live on a hidden sheet, so long Chinese options are not cut at Excel's 255 characters."""

    def __init__(self, ws: Worksheet):
        self.ws, self.columns = ws, {}

    def formula(self, options: tuple[str, ...]) -> str:
        if options not in self.columns:
            column = len(self.columns) + 1
            for row, option in enumerate(options, start=1):
                put(self.ws, row, column, option, border=False)
            letter = get_column_letter(column)
            self.columns[options] = f"={LIST_SHEET}!${letter}$1:${letter}${len(options)}"
        return self.columns[options]


def add_validation(ws: Worksheet, lists: Lists, spec: tuple, where: str, item_name: str) -> None:
    """A data validation on the cells `where`: a dropdown, a whole number ≥ 0 or a number in a range."""
    kind, details = spec
    if kind == "none":
        return
    if kind == "list":
        rule = DataValidation(type="list", formula1=lists.formula(tuple(details)), allow_blank=True)
        rule.error = f"请从下拉列表中选择：{'、'.join(details)}"
    elif kind == "whole":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填不小于0的整数"
    else:
        low, high = details
        if low is not None and high is not None:
            rule = DataValidation(type="decimal", operator="between", formula1=format_points(low),
                                  formula2=format_points(high), allow_blank=True)
            rule.error = f"请填 {format_points(low)} 到 {format_points(high)} 之间的数"
        elif low is not None:
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=format_points(low),
                                  allow_blank=True)
            rule.error = f"请填不小于 {format_points(low)} 的数"
        else:
            rule = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                                  allow_blank=True)
            rule.error = "请填数字"
    rule.errorTitle = f"{item_name}：填报值不符合要求"
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(where)


def open_cell(ws: Worksheet, row: int, column: int) -> None:
    """Unlock a fill-in cell and colour it yellow."""
    target = ws.cell(row=row, column=column)
    target.protection = OPEN
    target.fill = FILL_COLOR


def grey_cells(ws: Worksheet, row: int, columns) -> None:
    """Cells another party fills, or that do not apply: grey, locked (the sheet is protected)."""
    for column in columns:
        target = ws.cell(row=row, column=column)
        target.fill = OTHERS_COLOR
        target.font = OTHERS_FONT


def fillin_xlsx(ruleset: Ruleset, unit: str = "") -> bytes:
    workbook = Workbook()
    register_styles(workbook)
    ws = workbook.active
    ws.title = FILL_SHEET
    lists_ws = workbook.create_sheet(LIST_SHEET)
    lists_ws.sheet_state = "hidden"
    lists = Lists(lists_ws)
    put(ws, 1, 1, f"{ruleset.title} 填报表", font=TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = TITLE_HEIGHT
    put(ws, 2, 1, "被考核单位", font=BOLD)
    put(ws, 2, 2, unit)
    open_cell(ws, 2, 2)
    if ruleset.units:
        add_validation(ws, lists, ("list", ruleset.units), UNIT_CELL, "被考核单位")
    put(ws, 3, 1, "细则", font=BOLD)
    put(ws, 3, 2, ruleset.id)
    put(ws, 3, 3, f"{ruleset.title}（版本 {ruleset.version}，摘要 {ruleset.digest[:12]}）", border=False)
    rows = rows_for(ruleset)
    others = "；灰色行由考核组或牵头部门评定，本单位不填" if any(line.provided_by for line in rows) else ""
    put(ws, 4, 1, f"黄色格子为填报格；其余格子受保护{others}。填写说明见“说明”表。", border=False)
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=len(COLUMNS))  # lines that would be cut
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(COLUMNS))  # at their first column
    for column, name in enumerate(COLUMNS, start=1):
        cell(ws, HEADER_ROW, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    row = HEADER_ROW
    for line in rows:
        row += 1
        fixed = (line.key, line.title, line.standard, line.ask, line.unit, line.provided_by or None, line.target, None,
                 None, None, None, line.basis)
        for column, value in enumerate(fixed, start=1):
            cell(ws, row, column, value, "center" if column in (1, 5, 7) else "text")
        fit_height(ws, row, zip(fixed, WIDTHS, strict=True), points_per_line=LINE_HEIGHT)
        if line.provided_by:
            grey_cells(ws, row, (VALUE, FILES, SELF, NOTE))
        if line.validation[0] != "none":
            open_cell(ws, row, VALUE)
            add_validation(ws, lists, line.validation, f"{get_column_letter(VALUE)}{row}", line.title)
        if line.takes_target:
            open_cell(ws, row, TARGET)
            add_validation(ws, lists, ("decimal", line.item.value_range), f"{get_column_letter(TARGET)}{row}",
                           f"{line.title} 备案目标")
        if line.takes_extras and line.item is not None:
            for column in (FILES, SELF, NOTE):
                open_cell(ws, row, column)
            add_validation(ws, lists, ("decimal", (Decimal(0), line.item.points)), f"{get_column_letter(SELF)}{row}",
                           f"{line.title} 自评得分")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    page_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column to read is allowed
    _event_sheet(workbook, ruleset, lists)
    _help_sheet(workbook, ruleset)
    workbook.move_sheet(HELP_SHEET, offset=-workbook.sheetnames.index(HELP_SHEET))
    workbook.active = workbook.sheetnames.index(FILL_SHEET)
    workbook.security.lockStructure = True
    fixed_properties(workbook, f"{ruleset.title} 填报表")
    return stable_bytes(workbook)


def _event_sheet(workbook: Workbook, ruleset: Ruleset, lists: Lists) -> None:
    ws = workbook.create_sheet(EVENT_SHEET)
    for column, name in enumerate(EVENT_COLUMNS, start=1):
        cell(ws, 1, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = (16, 22, 12, 40, 30)[column - 1]
    event_facts = [s for s in ruleset.facts if s.kind == "events"]
    kinds = tuple(dict.fromkeys(k for s in event_facts for k in s.kinds))
    for row in range(2, 52):
        for column in range(1, len(EVENT_COLUMNS) + 1):
            open_cell(ws, row, column)
            ws.cell(row=row, column=column).font = FONT
        ws.cell(row=row, column=3).number_format = "yyyy-mm-dd"
    if event_facts:
        add_validation(ws, lists, ("list", tuple(s.title for s in event_facts)), "A2:A51", "事实")
    if kinds:
        add_validation(ws, lists, ("list", kinds), "B2:B51", "事件类型")
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    date_rule.error = "请填日期，例如 2014-07-29"
    ws.add_data_validation(date_rule)
    date_rule.add("C2:C51")
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


def _help_sheet(workbook: Workbook, ruleset: Ruleset) -> None:
    ws = workbook.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = HELP_WIDTH
    period = ruleset.period
    lines = [
        (f"{ruleset.title} 填报说明", TITLE),
        (f"细则：{ruleset.id}，版本 {ruleset.version}；考核期 {period.start} 至 {period.end}。", FONT),
        ("1. 在“填报”表 B2 选择本单位名称。只有黄色格子可以填写，其余格子受保护。"
         + ("灰色行（填报值栏写着“由考核组评定”或“由牵头部门评定”）由考核组现场核查评定或由牵头部门按其掌握的数据评定，"
            "本单位不填，自查时列为“待评定”；其中需要备案目标的，仍由本单位填在“本单位备案目标”栏。"
            if any(leaf.provider != "unit" for leaf in ruleset.leaves()) else ""), FONT),
        ("2. “填报值”按“填报内容”一栏的要求填写：是/否和档次从下拉列表选择；数值只填数字，计量单位见“计量单位”栏"
         "（比率填 93.5 表示 93.5%）。", FONT),
        ("3. 暂时没有的数据请留空，不要填 0：留空的项目在评分时列为“未能评分”，不会按 0 分计。", FONT),
        ("4. “适用目标”是细则的默认目标；本单位在目标备案中另行备案了目标的，填在“本单位备案目标”栏；"
         "标为“须备案”的项目必须填写。", FONT),
        ("5. “佐证材料”填材料的文件名或编号，多份用分号隔开；“自评得分”填本单位自评的分数；"
         "核查评分项的理由写在“备注”栏。", FONT),
        (f"6. 有事件的，在“{EVENT_SHEET}”表逐起填写类型、日期、名称和佐证材料，并在“填报”表对应的事实行选“有”；"
         f"没有事件请选“无”。两者必须一致：选“有”而“{EVENT_SHEET}”表没有对应的事件行，或选“无”（或未选）"
         "却填了事件行，材料都会被退回。", FONT),
        ("7. 填好后用 kaohe check 自查（暂定得分、缺少的数据和佐证材料、自评分与计算分的差异、升档还差多少），"
         "再报送。", FONT),
    ]
    if ruleset.note:
        lines.append((f"细则说明：{ruleset.note}", FONT))
    for row, (text, font) in enumerate(lines, start=1):
        put(ws, row, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="top"), border=False)
        scale = (font.sz or 10) / 10  # the title is larger: fewer characters a line, taller lines
        fit_height(ws, row, [(text, HELP_WIDTH / scale)], points_per_line=LINE_HEIGHT * scale)
    page_setup(ws, "1:1")  # printed on the page's width, as the other sheets
    ws.protection.sheet = True
