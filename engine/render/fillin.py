"""The fill-in workbook a municipality gets: one row per value the ruleset needs.

Sheets: 说明 (instructions), 填报 (the values, targets, evidence references,
自评得分 and 备注), 事件 (reported events) and a hidden 选项 sheet holding the
dropdown lists. Only the fill-in cells are unlocked; the sheets and the
workbook structure are protected. `engine/workbook.py` reads it back.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..methods import needs_target
from ..model import FactSpec, Item, Ruleset, format_points
from .sheet import basis_text
from .xlsx import BOLD, FONT, TITLE, cell, fit_height, fixed_properties, page_setup, put, register_styles, stable_bytes

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
EVENTS_ASK = f"（{'/'.join(HAS_EVENTS)}）"  # in 填报内容 of a fact of events: answered 有/无, the events on 事件
UNIT_CELL, RULESET_CELL = "B2", "B3"
FILL_COLOR = PatternFill("solid", fgColor="FFFDE7")
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


def _ask(item: Item) -> tuple[str, tuple]:
    kind = item.value_kind
    if kind == "yes_no":
        return "是否做到（是/否）", ("list", YES_NO)
    if kind == "level":
        return "所处档次（下拉选择）", ("list", item.params.names())
    if kind == "count":
        return f"个数（{getattr(item.params, 'counted', '项')}），不小于0的整数", ("whole", None)
    if kind == "judgement":
        step = f"，按{format_points(item.params.step)}分计" if item.params.step else ""
        ask = f"{JUDGED_ASK}（0–{format_points(item.points)}分{step}），理由写在备注栏"
        return ask, ("decimal", (Decimal(0), item.points))
    low, high = item.value_range
    shown = [format_points(edge) if edge is not None else "不限" for edge in (low, high)]
    span = f"（{shown[0]}–{shown[1]}）"
    return f"数值{span}", ("decimal", (low, high))


def rows_for(ruleset: Ruleset) -> list[Row]:
    rows = []
    for item in ruleset.leaves():
        basis = basis_text(ruleset, item.citation)
        target = format_points(item.target) if item.target is not None else ("须备案" if needs_target(item.method)
                                                                           else "")
        if item.value_kind == "parts":
            rows.append(Row(item.id, item, item.title, item.standard, "在下列各部分逐项填“是/否”", "", "", basis,
                            ("none", None)))
            for name, worth in item.params.parts:
                rows.append(Row(f"{item.id}{PART_MARK}{name}", item, f"　{name}（{format_points(worth)}分）", "",
                                "是否完成（是/否）", "", "", "", ("list", YES_NO), takes_extras=False))
            continue
        ask, validation = _ask(item)
        rows.append(Row(item.id, item, item.title, item.standard, ask, item.unit, target, basis, validation,
                        takes_target=needs_target(item.method)))
    for spec in ruleset.facts:
        rows.append(_fact_row(spec))
    return rows


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


class _Lists:
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


def _validation(ws: Worksheet, lists: _Lists, spec: tuple, where: str, item_name: str) -> None:
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


def _open_cell(ws: Worksheet, row: int, column: int) -> None:
    target = ws.cell(row=row, column=column)
    target.protection = OPEN
    target.fill = FILL_COLOR


def fillin_xlsx(ruleset: Ruleset, unit: str = "") -> bytes:
    workbook = Workbook()
    register_styles(workbook)
    ws = workbook.active
    ws.title = FILL_SHEET
    lists_ws = workbook.create_sheet(LIST_SHEET)
    lists_ws.sheet_state = "hidden"
    lists = _Lists(lists_ws)
    put(ws, 1, 1, f"{ruleset.title} 填报表", font=TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    put(ws, 2, 1, "被考核单位", font=BOLD)
    put(ws, 2, 2, unit)
    _open_cell(ws, 2, 2)
    if ruleset.units:
        _validation(ws, lists, ("list", ruleset.units), UNIT_CELL, "被考核单位")
    put(ws, 3, 1, "细则", font=BOLD)
    put(ws, 3, 2, ruleset.id)
    put(ws, 3, 3, f"{ruleset.title}（版本 {ruleset.version}，摘要 {ruleset.digest[:12]}）", border=False)
    put(ws, 4, 1, "黄色格子为填报格；其余格子受保护。填写说明见“说明”表。", border=False)
    for column, name in enumerate(COLUMNS, start=1):
        cell(ws, HEADER_ROW, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    row = HEADER_ROW
    for line in rows_for(ruleset):
        row += 1
        fixed = (line.key, line.title, line.standard, line.ask, line.unit, None, line.target, None, None, None, None,
                 line.basis)
        for column, value in enumerate(fixed, start=1):
            cell(ws, row, column, value, "center" if column in (1, 5, 7) else "text")
        fit_height(ws, row, zip(fixed, WIDTHS, strict=True))
        if line.validation[0] != "none":
            _open_cell(ws, row, VALUE)
            _validation(ws, lists, line.validation, f"{get_column_letter(VALUE)}{row}", line.title)
        if line.takes_target:
            _open_cell(ws, row, TARGET)
            _validation(ws, lists, ("decimal", line.item.value_range), f"{get_column_letter(TARGET)}{row}",
                        f"{line.title} 备案目标")
        if line.takes_extras and line.item is not None:
            for column in (FILES, SELF, NOTE):
                _open_cell(ws, row, column)
            _validation(ws, lists, ("decimal", (Decimal(0), line.item.points)), f"{get_column_letter(SELF)}{row}",
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


def _event_sheet(workbook: Workbook, ruleset: Ruleset, lists: _Lists) -> None:
    ws = workbook.create_sheet(EVENT_SHEET)
    for column, name in enumerate(EVENT_COLUMNS, start=1):
        cell(ws, 1, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = (16, 22, 12, 40, 30)[column - 1]
    event_facts = [s for s in ruleset.facts if s.kind == "events"]
    kinds = tuple(dict.fromkeys(k for s in event_facts for k in s.kinds))
    for row in range(2, 52):
        for column in range(1, len(EVENT_COLUMNS) + 1):
            _open_cell(ws, row, column)
            ws.cell(row=row, column=column).font = FONT
        ws.cell(row=row, column=3).number_format = "yyyy-mm-dd"
    if event_facts:
        _validation(ws, lists, ("list", tuple(s.title for s in event_facts)), "A2:A51", "事实")
    if kinds:
        _validation(ws, lists, ("list", kinds), "B2:B51", "事件类型")
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    date_rule.error = "请填日期，例如 2014-07-29"
    ws.add_data_validation(date_rule)
    date_rule.add("C2:C51")
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


def _help_sheet(workbook: Workbook, ruleset: Ruleset) -> None:
    ws = workbook.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 110
    period = ruleset.period
    lines = [
        (f"{ruleset.title} 填报说明", TITLE),
        (f"细则：{ruleset.id}，版本 {ruleset.version}；考核期 {period.start} 至 {period.end}。", FONT),
        ("1. 在“填报”表 B2 选择本单位名称。只有黄色格子可以填写，其余格子受保护。", FONT),
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
    ws.protection.sheet = True
