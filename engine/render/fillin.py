"""The fill-in workbook a municipality gets: one row per value the ruleset needs.

Sheets: 说明 (instructions), 填报 (the values, targets, evidence references,
自评得分 and 备注), 事件 (reported events) and a hidden 选项 sheet holding the
dropdown lists. Only the fill-in cells are unlocked; the sheets and the
workbook structure are protected. `engine/workbook.py` reads it back.

Items another party provides (an inspection group, a lead department) are grey
rows the unit does not fill: their value cell says who gives it. So are items whose
value is counted from the 事件 sheet or read from another item: their value cell says
where it comes from. A `checklist` item is a heading row and one row per listed
case (是/否, or a count where the case is counted per occurrence), as a `parts` item
is a heading row and a 是/否 row per part. The target cell is open only on items
whose ruleset lets the unit file its own target (目标备案, or last year's value).
The 事件 sheet has a column for each attribute the facts of events declare.
A `ratio` item is a heading row and two whole-number rows (numerator, denominator). An item that may not apply
takes the answer 不适用: an option of its dropdown, or, where the cell holds a number, a custom validation that
lets the text 不适用 through (a decimal or whole-number validation would refuse any text); a multi-row item takes
it in its heading row. A number item whose unit has a family (元/万元/亿元 …) accepts a value written with
another unit of the family ("8500万元"): its validation lets text through, its input message says how it is
converted, and where the ruleset requires the unit, a bare number is refused. An item taken from another
assessment's results takes the path of that results.json as text.
Under the table are the lines of a submitted form: 自评总分 (typed under 自评得分; read as `self_total`), then
填报单位（盖章）, 单位负责人, 填报人, 联系电话 and 填报日期 with blanks to write in. Their column A is empty, so the
reader does not take them for item rows. Every validated cell shows an input message saying what to type; every
sheet prints on A4 to the page's width with page numbers; the fill-in colour shows in black-and-white print.
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

from ..evidence import NOT_APPLICABLE_WORDS
from ..methods import needs_target
from ..model import PROVIDERS, Attribute, FactSpec, Item, Ruleset, format_points
from ..selection import attribute_test_text
from ..units import accepted, convertible, family
from .sheet import basis_text
from .xlsx import (
    BOLD,
    BORDER,
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
EVENT_COLUMNS = ("事实", "类型", "日期", "事件名称", "佐证材料")  # then a column per declared event attribute
EVENT_WIDTHS = (16, 22, 12, 40, 30)
ATTRIBUTE_WIDTH = 14
EVENT_ROWS = 50  # event rows laid out (and validated) below the header
EVENT_HEIGHT = 20  # points: a row tall enough to write an event in by hand
PART_MARK = "｜"  # 二.6｜部分名称: one row per part of a `parts` item, or per case of a `checklist` item
FACT_PREFIX = "事实："
YES_NO = ("是", "否")
HAS_EVENTS = ("有", "无")
JUDGED_ASK = "核查评分"  # 填报内容 of a judged item starts so: its reason goes in 备注
OTHERS_ASK = "本单位不填"  # 填报内容 of an item another party provides: the row is read for its target only
DERIVED_ASK = "无需单独填报"  # 填报内容 of an item counted from events or reading another item's value: target only
CASE_ASK = "是否存在（是/否）"  # 填报内容 of a checklist case found once or not at all
TIMES_ASK = "次数"  # 填报内容 of a checklist case counted per occurrence starts so: 次数（次），不小于0的整数
EVENTS_ASK = f"（{'/'.join(HAS_EVENTS)}）"  # in 填报内容 of a fact of events: answered 有/无, the events on 事件
NOT_APPLICABLE = NOT_APPLICABLE_WORDS[0]  # 不适用: the answer of an item that may not apply to the unit
NUMERATOR_ASK, DENOMINATOR_ASK = "分子：", "分母："  # 填报内容 of a ratio's two rows start so
RESULTS_ASK = "填写下级考核结果文件 results.json 的路径"  # 填报内容 of an item taken from another assessment's results
MULTI_ROW = ("parts", "checklist", "ratio")  # value kinds answered on rows below a heading row
# A value written in another unit of the item's family, as the input message shows it: 8500万元 in an 亿元 item.
UNIT_EXAMPLES = {"元": "3.5万元", "千元": "3.5万元", "万元": "0.85亿元", "亿元": "8500万元", "%": "93.5%",
                 "个百分点": "3.5%", "‰": "0.5%", "人": "1.2万人", "万人": "3500人", "吨": "3.5万吨", "万吨": "8000吨",
                 "平方米": "2万平方米", "万平方米": "5000平方米", "户": "1.2万户", "万户": "3000户"}
TAKEN = {"average": "平均总分", "share": "{grade}等的比例（%）", "count": "{grade}等的个数"}
# Excel's limits on a validation's texts: longer ones make it "repair" the file
TITLE_LIMIT, MESSAGE_LIMIT = 32, 255
UNIT_CELL, RULESET_CELL = "B2", "B3"
# Points per wrapped line: the CJK fonts that stand in for 宋体 where it is missing (Noto CJK) run taller than it.
LINE_HEIGHT = 14.5
TITLE_HEIGHT = 24
# The 说明 column fits A4 portrait within the margins unscaled, even where Calibri falls back to a wider font:
# LibreOffice does not scale a single column wider than the page to the page's width, it clips it
HELP_WIDTH = 76
# Light enough to type on, dark enough to show on paper: a visible yellow in colour, a light grey in black and white
FILL_COLOR = PatternFill("solid", fgColor="FFF2CC")
OTHERS_COLOR = PatternFill("solid", fgColor="E7E6E6")
OTHERS_FONT = Font(name=FONT_NAME, size=10, color="595959")
OPEN = Protection(locked=False)
# Under the table: the lines an office expects on a submitted form. Column A stays empty (the reader takes rows with
# a key there as item rows); the labels are in column B and beside the middle; 自评总分 is typed under 自评得分.
SELF_TOTAL = "自评总分"
SIGN_LINES = (("填报单位（盖章）", "单位负责人"), ("填报人", "联系电话"), ("填报日期", ""))
SIGN_LABELS, SIGN_INPUTS = (2, 9), ((3, 4), (10, 11))  # label columns; the (first, last) columns of each blank
STAMP_HEIGHT, SIGN_HEIGHT = 66, 27  # the 盖章 line leaves room for the seal
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
SIGN_FONT = Font(name=FONT_NAME, size=12, bold=True)  # the 填报 sheet prints at about 60 %: labels stay legible
SIGNED_FONT = Font(name=FONT_NAME, size=12)  # what is typed into the blanks


@dataclass(frozen=True)
class Accepts:
    """What a number cell takes besides a number in its range: the text 不适用; a value written with a unit of the
    item's family (`unit` set); only such a value (`unit_required`)."""

    not_applicable: bool = False
    unit: str = ""
    unit_required: bool = False

    @property
    def plain(self) -> bool:
        return not (self.not_applicable or self.unit)


def relaxed_unit(item: Item) -> str:
    """The item's unit when its value may be written in another unit of the unit's family, "" otherwise. A % item
    keeps Excel's own number check: Excel itself reads a typed 93.5% as a number (the reader takes it as 93.5),
    and a rate is rarely written in ‰; unless the ruleset requires the unit to be written."""
    unit = item.unit
    if item.value_kind != "number" or item.from_results is not None or not convertible(unit):
        return ""
    return unit if unit != "%" or item.unit_required else ""


def unit_accepts(item: Item, not_applicable: bool = False) -> Accepts:
    unit = relaxed_unit(item)
    return Accepts(not_applicable, unit, bool(unit) and item.unit_required)


def unit_example(unit: str) -> str:
    """8500万元 for an 亿元 item: a value in another unit of the family."""
    return UNIT_EXAMPLES.get(unit, f"12{unit}")


def percent_family(unit: str) -> bool:
    """Whether a %-formatted number typed for this unit is read as written with %: 0.5% in a ‰ item is 5‰."""
    units = family(unit or "")
    return units is not None and "%" in units


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
    derived: str = ""  # 按“事件”表中的「…」计数, 同 一.3 的填报值: the value is not filed here; read-only
    shows_target: bool = False  # the row has a target (适用目标) the unit may not file: its target cell is grey


def files_target(item: Item) -> bool:
    """Whether the unit may file its own target for `item` (目标备案, or last year's value as the target)."""
    return item.target_filed or bool(item.last_year)


def points_text(item: Item) -> str:
    """An item's 分值 as a party workbook or form shows it: 10; 10（最高15分）; 最多扣5分 or 扣分项 in a penalty
    section (outside the 100 points)."""
    if item.penalty:
        return f"最多扣{format_points(item.points)}分" if item.points else "扣分项"
    if item.max is not None and item.max != item.points:
        return f"{format_points(item.points)}（最高{format_points(item.max)}分）"
    return format_points(item.points)


def title_of(item: Item) -> str:
    """An item's title on the fill-in: ★ before a key item, 扣分项 after a penalty row."""
    star = "★" if item.key else ""
    penalty = f"（{points_text(item)}）" if item.penalty else ""
    return f"{star}{item.title}{penalty}"


def self_score_range(item: Item) -> tuple[Decimal | None, Decimal | None]:
    """What 自评得分 may be: 0 to the item's cap; a penalty row's is the deduction, negative, down to its limit."""
    if item.penalty:
        return (-item.points if item.points else None), Decimal(0)
    return Decimal(0), item.cap



def derived_from(item: Item, ruleset: Ruleset) -> str:
    """Where the value of an item that takes no entry comes from, in words: 按“事件”表中的「生产安全事故」计数
    （较大、重大；responsible 为是，deaths 不少于2）; 同 一.3 的填报值."""
    if item.value_of:
        return f"同 {item.value_of} 的填报值"
    selection = item.events
    spec = next((s for s in ruleset.facts if s.name == selection.fact), None)
    title = spec.title if spec is not None else selection.fact
    how = "评定" if item.method == "awards" else "计数"
    tests = "，".join(map(attribute_test_text, selection.where))
    narrowed = "；".join(filter(None, ["、".join(selection.kinds), tests]))
    return f"按“{EVENT_SHEET}”表中的「{title}」{how}" + (f"（{narrowed}）" if narrowed else "")


def provided_by(item: Item) -> str:
    """The value cell of an item the unit does not fill: 由考核组评定, 由牵头部门评定（市环保局）."""
    department = f"（{item.department}）" if item.provider == "department" else ""
    return f"由{PROVIDERS[item.provider]}评定{department}"


def ask_for(item: Item, reason_in: str = "备注") -> tuple[str, tuple]:
    """What to fill, in words, and the value cell's validation: (kind, details) or (kind, details, Accepts) for
    `add_validation`. `reason_in` is the column that takes a judged item's reason."""
    ask, validation = _ask_for(item, reason_in)
    if item.may_not_apply and item.value_kind not in MULTI_ROW:
        ask += f"；{not_applicable_ask(validation[0])}"
    return ask, validation


def not_applicable_ask(kind: str) -> str:
    """不适用的选“不适用”, on a dropdown; 不适用的填“不适用”, in a cell typed into."""
    return f"不适用的{'选' if kind == 'list' else '填'}“{NOT_APPLICABLE}”"


def _ask_for(item: Item, reason_in: str) -> tuple[str, tuple]:
    kind = item.value_kind
    na = item.may_not_apply
    more = (NOT_APPLICABLE,) if na else ()
    if item.from_results is not None:
        return results_ask(item), ("text", results_prompt(item))
    if kind == "yes_no":
        return "是否做到（是/否）", ("list", YES_NO + more)
    if kind == "level":
        return "所处档次（下拉选择）", ("list", item.params.names() + more)
    if kind == "count":
        return f"个数（{getattr(item.params, 'counted', '项')}），不小于0的整数", ("whole", None, Accepts(na))
    if kind == "checklist":
        return checklist_ask(item), ("none", None)
    if kind == "ratio":
        return ratio_ask(item), ("none", None)
    if kind == "judgement":
        step = f"，按{format_points(item.params.step)}分计" if item.params.step else ""
        ask = f"{JUDGED_ASK}（0–{format_points(item.points)}分{step}），理由写在{reason_in}栏"
        return ask, ("decimal", (Decimal(0), item.points), Accepts(na))
    low, high = item.value_range
    shown = [format_points(edge) if edge is not None else "不限" for edge in (low, high)]
    span = f"（{shown[0]}–{shown[1]}）"
    accepts = unit_accepts(item, na)
    return f"数值{span}{unit_words(accepts)}", ("decimal", (low, high), accepts)


def unit_words(accepts: Accepts) -> str:
    """What 填报内容 says of the units a value may be written in."""
    if not accepts.unit:
        return ""
    if accepts.unit_required:
        return f"，须写明单位（{'/'.join(accepted(accepts.unit))}），如 {unit_example(accepts.unit)}"
    return f"；可带单位，如 {unit_example(accepts.unit)}，按{accepts.unit}换算"


def results_ask(item: Item) -> str:
    """填报内容 of an item taken from another assessment's results."""
    wanted = item.from_results
    taken = TAKEN.get(wanted.take, wanted.take).format(grade=wanted.grade)
    return f"{RESULTS_ASK}（相对于本表所在的文件夹，如 下级考核/results.json），取考核 {wanted.ruleset} 的{taken}"


def results_prompt(item: Item) -> str:
    return (f"填写 kaohe score 为考核 {item.from_results.ruleset} 输出的 results.json 的路径，相对于本填报表所在的"
            "文件夹，不能含“..”，如 下级考核/results.json；报送时连同该文件一起提交。")


def ratio_ask(item: Item) -> str:
    """填报内容 of a ratio's heading row."""
    p = item.params
    return f"按{p.rate}计分（{p.rate}＝{p.numerator}÷{p.denominator}）：在下列两行分别填写，不小于0的整数"


def rows_for(ruleset: Ruleset) -> list[Row]:
    """The rows of the unit's 填报 sheet: its own items to fill, the others' items and the items whose value is
    counted or read elsewhere read-only, then the facts."""
    rows = []
    for item in ruleset.leaves():
        basis = basis_text(ruleset, item.citation)
        target = format_points(item.target) if item.target is not None else ("须备案" if needs_target(item.method)
                                                                           else "")
        if not item.takes_entry or item.provider != "unit":
            shown = derived_from(item, ruleset) if not item.takes_entry else provided_by(item)
            ask = f"{DERIVED_ASK}：{shown}" if not item.takes_entry else f"{OTHERS_ASK}：{shown}"
            rows.append(Row(item.id, item, title_of(item), item.standard, ask, item.unit, target, basis,
                            ("none", None), takes_target=files_target(item), takes_extras=False,
                            provided_by=shown if item.takes_entry else "", derived="" if item.takes_entry else shown,
                            shows_target=bool(target) and not files_target(item)))
            continue
        rows += item_rows(item, target, basis)
    for spec in ruleset.facts:
        rows.append(_fact_row(spec))
    return rows


def item_rows(item: Item, target: str = "", basis: str = "") -> list[Row]:
    """The rows that take one item's value: one, or for a `parts` item a heading row and a 是/否 row per part,
    for a `checklist` item a heading row and a row per case (是/否, or 次数 where counted per occurrence), for a
    `ratio` item a heading row and a whole-number row each for the numerator and the denominator. The heading row
    of an item that may not apply takes the answer 不适用."""
    title = title_of(item)
    heading = ("list", (NOT_APPLICABLE,)) if item.may_not_apply else ("none", None)
    na = f"；本项不适用的，在本行填报值栏选“{NOT_APPLICABLE}”，下列各行留空" if item.may_not_apply else ""
    if item.value_kind == "parts":
        rows = [Row(item.id, item, title, item.standard, f"在下列各部分逐项填“是/否”{na}", "", "", basis, heading)]
        for name, worth in item.params.parts:
            rows.append(Row(f"{item.id}{PART_MARK}{name}", item, f"　{name}（{format_points(worth)}分）", "",
                            "是否完成（是/否）", "", "", "", ("list", YES_NO), takes_extras=False))
        return rows
    if item.value_kind == "checklist":
        rows = [Row(item.id, item, title, item.standard, checklist_ask(item) + na, "", "", basis, heading)]
        for entry in item.params.entries:
            ask, validation = case_ask(entry)
            rows.append(Row(f"{item.id}{PART_MARK}{entry.name}", item, f"　{entry.name}（{case_worth(item, entry)}）",
                            "", ask, "", "", "", validation, takes_extras=False))
        return rows
    if item.value_kind == "ratio":
        p = item.params
        rows = [Row(item.id, item, title, item.standard, ratio_ask(item) + na, "", "", basis, heading)]
        for side, name in ((NUMERATOR_ASK, p.numerator), (DENOMINATOR_ASK, p.denominator)):
            rows.append(Row(f"{item.id}{PART_MARK}{name}", item, f"　{name}（{p.counted}）", "",
                            f"{side}{name}（{p.counted}），不小于0的整数", p.counted, "", "", ("whole", None),
                            takes_extras=False))
        return rows
    ask, validation = ask_for(item)
    return [Row(item.id, item, title, item.standard, ask, item.unit, target, basis, validation,
                takes_target=files_target(item), shows_target=bool(target) and not files_target(item))]


def checklist_ask(item: Item) -> str:
    """填报内容 of a checklist's heading row."""
    cases = "扣分情形" if item.params.kind == "faults" else "加分情形"
    counted = "；按次计分的填次数，没有填0" if any(entry.per for entry in item.params.entries) else ""
    return f"在下列{cases}逐项填写：有此情形填“是”，没有填“否”{counted}"


def case_ask(entry) -> tuple[str, tuple]:
    """填报内容 and validation of one checklist case: 是/否, or a whole number ≥ 0 for a case counted per occurrence."""
    if entry.per:
        return f"{TIMES_ASK}（{entry.counted}），不小于0的整数", ("whole", None)
    return CASE_ASK, ("list", YES_NO)


def case_worth(item: Item, entry) -> str:
    """扣0.5分, 每次扣0.3分, 加1分."""
    verb = "扣" if item.params.kind == "faults" else "加"
    return f"{'每' + entry.counted if entry.per else ''}{verb}{format_points(entry.amount)}分"


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


def add_validation(ws: Worksheet, lists: Lists, spec: tuple, where: str, item_name: str, ask: str = "") -> None:
    """A data validation on the cells `where`: a dropdown, a whole number ≥ 0 or a number in a range; with an
    `Accepts` as the spec's third element, a custom formula that also lets 不适用 or a value with a unit through;
    ("text", prompt): any text, with an input message. Every validation shows an input message when its cell is
    selected: what to type (`ask`, the row's 填报内容, where given), then what the cell takes."""
    kind, details, *more = spec
    accepts = more[0] if more else Accepts()
    if kind == "none":
        return
    if kind == "text":
        rule = DataValidation(allow_blank=True)  # no check: the engine reads the text
        _prompt(rule, "填写提示", details)
        ws.add_data_validation(rule)
        rule.add(where)
        return
    if kind == "list":
        rule = DataValidation(type="list", formula1=lists.formula(tuple(details)), allow_blank=True)
        rule.error = f"请从下拉列表中选择：{'、'.join(details)}"
    elif not accepts.plain:
        rule = _custom_rule(where.split(":")[0], kind, details, accepts)
    elif kind == "whole":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填不小于0的整数"
    else:
        low, high = details
        if low is not None and high is not None:
            rule = DataValidation(type="decimal", operator="between", formula1=format_points(low),
                                  formula2=format_points(high), allow_blank=True)
        elif low is not None:
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=format_points(low),
                                  allow_blank=True)
        elif high is not None:
            rule = DataValidation(type="decimal", operator="lessThanOrEqual", formula1=format_points(high),
                                  allow_blank=True)
        else:
            rule = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                                  allow_blank=True)
        rule.error = _number_words("decimal", low, high)
    rule.errorTitle = f"{item_name}：填报值不符合要求"[:TITLE_LIMIT]
    rule.error = rule.error[:MESSAGE_LIMIT]
    rule.showErrorMessage = True
    _input_message(rule, kind, details, item_name, ask)
    ws.add_data_validation(rule)
    rule.add(where)


def _number_words(kind: str, low, high) -> str:
    if kind == "whole":
        return "请填不小于0的整数"
    if low is not None and high is not None:
        return f"请填 {format_points(low)} 到 {format_points(high)} 之间的数"
    if low is not None:
        return f"请填不小于 {format_points(low)} 的数"
    if high is not None:
        return f"请填不大于 {format_points(high)} 的数"
    return "请填数字"


def _custom_rule(at: str, kind: str, details, accepts: Accepts) -> DataValidation:
    """A number cell that also takes text: 不适用, or a value with a unit ("8500万元"). Excel's whole-number and
    decimal validations refuse all text, so the check is a formula (OR of the text allowed and the number's
    range), which Excel, WPS (自定义) and LibreOffice (自定义/Custom, since 7.x: read as is-true-formula) all apply;
    the engine checks the text itself when it reads the workbook."""
    low, high = (Decimal(0), None) if kind == "whole" else details
    tests = [f"ISNUMBER({at})"]
    tests += [f"{at}>={format_points(low)}"] if low is not None else []
    tests += [f"{at}<={format_points(high)}"] if high is not None else []
    tests += [f"{at}=INT({at})"] if kind == "whole" else []
    number = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
    numbers_too = not accepts.unit_required or percent_family(accepts.unit)  # Excel types 93.5% as a number
    texts = f"ISTEXT({at})" if accepts.unit else f'{at}="{NOT_APPLICABLE}"'
    formula = f"OR({texts},{number})" if numbers_too else texts
    rule = DataValidation(type="custom", formula1=formula, allow_blank=True)
    said, prompt = [], []
    if accepts.unit:
        units = "、".join(accepted(accepts.unit))
        example = unit_example(accepts.unit)
        if accepts.unit_required:
            said.append(f"本项须写明单位，如 {example}（可用单位：{units}）")
            prompt.append(f"本项须写明单位，如 {example}，按{accepts.unit}换算；可用单位：{units}。只填数字会被退回。")
        else:
            said.append(f"{_number_words(kind, low, high)}（按{accepts.unit}计），或带单位的数，如 {example}")
            prompt.append(f"只填数字即按{accepts.unit}计；也可带单位，如 {example}，按{accepts.unit}换算"
                          f"（可用单位：{units}）。")
    else:
        said.append(_number_words(kind, low, high))
    if accepts.not_applicable:
        said.append(f"本项不适用于本单位的，填“{NOT_APPLICABLE}”")
        prompt.append(f"本项不适用于本单位的，填“{NOT_APPLICABLE}”（不计分，按得分率折算）。")
    rule.error = "；".join(said)
    _prompt(rule, f"计量单位：{accepts.unit}" if accepts.unit else "填写提示", "".join(prompt))
    return rule


def _input_message(rule: DataValidation, kind: str, details, item_name: str, ask: str) -> None:
    """The input message of a validation: 填报内容 (`ask`) and what the cell takes, in words. A rule that has its
    message already (a custom rule's units and 不适用) keeps it."""
    if rule.prompt:
        return
    if kind == "list":
        takes = f"从下拉列表选择：{'、'.join(details)}。"
    else:
        takes = rule.error.removeprefix("请") + "。"
    said = f"{ask.rstrip('。')}。{takes}" if ask else takes
    said = said if len(said) <= MESSAGE_LIMIT else takes
    name = item_name.lstrip("　★")
    _prompt(rule, name if len(name) <= TITLE_LIMIT else "填写提示", said)


def _prompt(rule: DataValidation, title: str, text: str) -> None:
    """The input message shown when the cell is selected (Excel, WPS; LibreOffice's 输入帮助)."""
    rule.promptTitle, rule.prompt, rule.showInputMessage = title[:TITLE_LIMIT], text[:MESSAGE_LIMIT], True


def table_value(text: str):
    """A number shown in the table as the number it is (a cell of type n: sums and sorting work), other text as is."""
    try:
        number = Decimal(text)
    except (ArithmeticError, ValueError, TypeError):
        return text
    if not number.is_finite() or format_points(number) != text:
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def _sign_lines(ws: Worksheet, lists: Lists, last: int) -> None:
    """自评总分 under the 自评得分 column, then 填报单位（盖章）, 单位负责人, 填报人, 联系电话 and 填报日期 with a
    bordered blank to write in or type: printed, signed and stamped when the unit submits the form."""
    row = last + 1
    put(ws, row, SIGN_LABELS[0], f"{SELF_TOTAL}（各项自评得分之和）", font=SIGN_FONT,
        alignment=Alignment(horizontal="right", vertical="center"))
    ws.merge_cells(start_row=row, start_column=SIGN_LABELS[0], end_row=row, end_column=SELF - 1)
    for column in range(SIGN_LABELS[0] + 1, SELF):
        ws.cell(row=row, column=column).border = BORDER
    put(ws, row, SELF, None, font=SIGNED_FONT, alignment=Alignment(horizontal="center", vertical="center"))
    open_cell(ws, row, SELF)
    add_validation(ws, lists, ("decimal", (None, None)), f"{get_column_letter(SELF)}{row}", SELF_TOTAL,
                   "本单位自评的总分：各项自评得分之和，扣分项的扣分（负数）一并计入；可以留空")
    ws.row_dimensions[row].height = SIGN_HEIGHT
    row += 1
    ws.row_dimensions[row].height = 12
    for labels in SIGN_LINES:
        row += 1
        for label, column, (first, end) in zip(labels, SIGN_LABELS, SIGN_INPUTS, strict=True):
            if not label:
                continue
            put(ws, row, column, label, font=SIGN_FONT, alignment=Alignment(horizontal="right", vertical="center"),
                border=False)
            for at in range(first, end + 1):
                put(ws, row, at, None, font=SIGNED_FONT,
                    alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
                open_cell(ws, row, at)
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=end)
            if label == SIGN_LINES[-1][0]:
                ws.cell(row=row, column=first).number_format = DATE_FORMAT
        ws.row_dimensions[row].height = STAMP_HEIGHT if "盖章" in labels[0] else SIGN_HEIGHT


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
    page_setup(lists_ws, None)  # hidden, but printed the same as the others should someone show it
    lists = Lists(lists_ws)
    put(ws, 1, 1, f"{ruleset.title} 填报表", font=TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = TITLE_HEIGHT
    put(ws, 2, 1, "被考核单位", font=BOLD)
    put(ws, 2, 2, unit)
    open_cell(ws, 2, 2)
    if ruleset.units:
        add_validation(ws, lists, ("list", ruleset.units), UNIT_CELL, "被考核单位", "选择本单位名称")
    put(ws, 3, 1, "细则", font=BOLD)
    put(ws, 3, 2, ruleset.id)
    put(ws, 3, 3, f"{ruleset.title}（版本 {ruleset.version}，摘要 {ruleset.digest[:12]}）", border=False)
    rows = rows_for(ruleset)
    others = "；灰色行由考核组或牵头部门评定，本单位不填" if any(line.provided_by for line in rows) else ""
    if any(line.derived for line in rows):
        others += f"；填报值栏写着“按‘{EVENT_SHEET}’表……”或“同……的填报值”的灰色行无需单独填报"
    put(ws, 4, 1, f"黄色格子为填报格；其余格子受保护{others}。填写说明见“说明”表。", border=False)
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=len(COLUMNS))  # lines that would be cut
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(COLUMNS))  # at their first column
    for column, name in enumerate(COLUMNS, start=1):
        cell(ws, HEADER_ROW, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    row = HEADER_ROW
    for line in rows:
        row += 1
        fixed = (line.key, line.title, line.standard, line.ask, line.unit, line.provided_by or line.derived or None,
                 line.target, None, None, None, None, line.basis)
        for column, value in enumerate(fixed[:6] + (table_value(line.target),) + fixed[7:], start=1):
            cell(ws, row, column, value, "center" if column in (1, 5, 7) else "text")
        fit_height(ws, row, zip(fixed, WIDTHS, strict=True), points_per_line=LINE_HEIGHT)
        if line.provided_by or line.derived:
            grey_cells(ws, row, (VALUE, FILES, SELF, NOTE))
        if line.shows_target:
            grey_cells(ws, row, (TARGET,))
        if line.validation[0] != "none":
            open_cell(ws, row, VALUE)
            add_validation(ws, lists, line.validation, f"{get_column_letter(VALUE)}{row}", line.title, line.ask)
            if line.validation[0] == "text":
                ws.cell(row=row, column=VALUE).number_format = "@"  # a path stays text
        if line.takes_target:
            open_cell(ws, row, TARGET)
            add_validation(ws, lists, ("decimal", line.item.value_range, unit_accepts(line.item)),
                           f"{get_column_letter(TARGET)}{row}", f"{line.title} 备案目标",
                           "本单位在目标备案中另行备案了目标的，填备案的目标值"
                           + (f"（{line.unit}）" if line.unit else ""))
        if line.takes_extras and line.item is not None:
            for column in (FILES, SELF, NOTE):
                open_cell(ws, row, column)
            add_validation(ws, lists, ("decimal", self_score_range(line.item)), f"{get_column_letter(SELF)}{row}",
                           f"{line.title} 自评得分",
                           "本单位自评的得分，扣分填负数（扣2分填 -2）" if line.item.penalty else "本单位自评的得分")
    _sign_lines(ws, lists, row)
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


def event_attributes(ruleset: Ruleset) -> list[Attribute]:
    """The attributes the facts of events declare, one column each on the 事件 sheet: by name, first declared first.
    A name two facts declare with different types keeps its column, without a type's validation."""
    found: dict[str, Attribute] = {}
    for spec in ruleset.facts:
        for attribute in spec.attributes if spec.kind == "events" else ():
            known = found.setdefault(attribute.name, attribute)
            if (known.type, known.choices) != (attribute.type, attribute.choices):
                found[attribute.name] = Attribute(attribute.name, "mixed")
    return list(found.values())


def attribute_validation(attribute: Attribute) -> tuple:
    """The validation of an attribute's cells: a 是/否 or choice dropdown, a whole number ≥ 0, any number."""
    if attribute.type == "yes_no":
        return "list", YES_NO
    if attribute.type == "choice":
        return "list", attribute.choices
    if attribute.type == "count":
        return "whole", None
    if attribute.type == "number":
        return "decimal", (None, None)
    return "none", None


def attribute_text(attribute: Attribute, ruleset: Ruleset) -> str:
    """deaths（个数，生产安全事故）: an attribute's type and the facts that declare it, for the 说明 sheet."""
    from ..model import ATTRIBUTE_TYPES
    kind = ("从“" + "/".join(attribute.choices) + "”中选择" if attribute.type == "choice"
            else ATTRIBUTE_TYPES.get(attribute.type, "按细则填写"))
    if attribute.type == "count":
        kind += "，不小于0的整数"
    event_facts = [spec for spec in ruleset.facts if spec.kind == "events"]
    declaring = [spec for spec in event_facts if spec.attribute(attribute.name) is not None]
    if len(declaring) == len(event_facts):
        return f"{attribute.name}（{kind}）"
    return f"{attribute.name}（{kind}；只有{'、'.join(f'「{spec.title}」' for spec in declaring)}的事件填写）"


def _event_sheet(workbook: Workbook, ruleset: Ruleset, lists: Lists) -> None:
    ws = workbook.create_sheet(EVENT_SHEET)
    attributes = event_attributes(ruleset)
    headers = EVENT_COLUMNS + tuple(attribute.name for attribute in attributes)
    widths = EVENT_WIDTHS + (ATTRIBUTE_WIDTH,) * len(attributes)
    last = EVENT_ROWS + 1
    for column, name in enumerate(headers, start=1):
        cell(ws, 1, column, name, "head")
        ws.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    event_facts = [s for s in ruleset.facts if s.kind == "events"]
    kinds = tuple(dict.fromkeys(k for s in event_facts for k in s.kinds))
    for row in range(2, last + 1):
        for column in range(1, len(headers) + 1):
            open_cell(ws, row, column)
            ws.cell(row=row, column=column).font = FONT
            ws.cell(row=row, column=column).border = BORDER  # printed, a grid to write the events in by hand
        ws.row_dimensions[row].height = EVENT_HEIGHT
        ws.cell(row=row, column=3).number_format = "yyyy-mm-dd"
        for column, attribute in enumerate(attributes, start=len(EVENT_COLUMNS) + 1):
            if attribute.type == "text":
                ws.cell(row=row, column=column).number_format = "@"  # typed digits stay text
    if event_facts:
        add_validation(ws, lists, ("list", tuple(s.title for s in event_facts)), f"A2:A{last}", "事实",
                       "每起事件一行：先选事件所属的事实")
    if kinds:
        add_validation(ws, lists, ("list", kinds), f"B2:B{last}", "事件类型", "事件的类型（必填）")
    for column, attribute in enumerate(attributes, start=len(EVENT_COLUMNS) + 1):
        letter = get_column_letter(column)
        add_validation(ws, lists, attribute_validation(attribute), f"{letter}2:{letter}{last}", attribute.name,
                       attribute_text(attribute, ruleset))
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    date_rule.error = "请填日期，例如 2014-07-29"
    _prompt(date_rule, "日期", "事件发生的日期，如 2014-07-29。")
    ws.add_data_validation(date_rule)
    date_rule.add(f"C2:C{last}")
    ws.freeze_panes = "A2"
    page_setup(ws, "1:1")  # the attribute columns print on the same page's width
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
            "本单位不填，自查时列为“待评定”；其中允许本单位备案目标的，仍由本单位填在“本单位备案目标”栏。"
            if any(leaf.provider != "unit" for leaf in ruleset.leaves()) else ""), FONT),
        ("2. “填报值”按“填报内容”一栏的要求填写：是/否和档次从下拉列表选择；"
         + ("数值填数字（计量单位可以换算的项目也可带单位，见下文）" if any(
             relaxed_unit(leaf) for leaf in ruleset.leaves() if leaf.provider == "unit") else "数值只填数字")
         + "，计量单位见“计量单位”栏（比率填 93.5 表示 93.5%）。", FONT),
        ("3. 暂时没有的数据请留空，不要填 0：留空的项目在评分时列为“未能评分”，不会按 0 分计。", FONT),
        ("4. “适用目标”是细则的默认目标。细则允许本单位备案目标的项目，“本单位备案目标”栏是黄色的：本单位在目标备案中"
         "另行备案了目标的填在这里，标为“须备案”的必须填写；其余项目按适用目标评分，不能另报目标。", FONT),
        ("5. “佐证材料”填材料的文件名或编号，多份用分号隔开；“自评得分”填本单位自评的分数；"
         "核查评分项的理由写在“备注”栏。", FONT),
        (f"6. 有事件的，在“{EVENT_SHEET}”表逐起填写类型、日期、名称和佐证材料，并在“填报”表对应的事实行选“有”；"
         f"没有事件请选“无”。两者必须一致：选“有”而“{EVENT_SHEET}”表没有对应的事件行，或选“无”（或未选）"
         "却填了事件行，材料都会被退回。", FONT),
    ]
    lines += [(f"{number}. {text}", FONT) for number, text in enumerate(_pattern_help(ruleset) + [
        "填好后用 kaohe check 自查（暂定得分、缺少的数据和佐证材料、自评分与计算分的差异、升档还差多少），再报送。"],
        start=7)]
    if ruleset.note:
        lines.append((f"细则说明：{ruleset.note}", FONT))
    for row, (text, font) in enumerate(lines, start=1):
        put(ws, row, 1, text, font=font, alignment=Alignment(wrap_text=True, vertical="top"), border=False)
        scale = (font.sz or 10) / 10  # the title is larger: fewer characters a line, taller lines
        fit_height(ws, row, [(text, HELP_WIDTH / scale)], points_per_line=LINE_HEIGHT * scale)
    page_setup(ws, "1:1")  # printed on the page's width, as the other sheets
    ws.page_setup.orientation = "portrait"  # one column of text: a page of instructions
    ws.protection.sheet = True


def _pattern_help(ruleset: Ruleset) -> list[str]:
    """The 说明 lines for what only some rulesets have: event attributes, checklists, values taken from elsewhere,
    penalty rows."""
    leaves = ruleset.leaves()
    lines = []
    attributes = event_attributes(ruleset)
    if attributes:
        lines.append(f"“{EVENT_SHEET}”表“佐证材料”之后各列是细则要求逐起填写的事件情况："
                     + "；".join(attribute_text(attribute, ruleset) for attribute in attributes)
                     + "。是/否和可选值从下拉列表选择，个数、数值只填数字。")
    if any(leaf.value_kind == "checklist" and leaf.takes_entry and leaf.provider == "unit" for leaf in leaves):
        lines.append("扣分清单（或加分清单）项目在标题行下逐条填写：有此情形选“是”，没有选“否”；按次计分的填次数，"
                     "没有填 0。各条全部留空视为未填报（列为“未能评分”），不视为没有扣分情形；佐证材料、自评得分和备注"
                     "填在标题行。")
    if any(not leaf.takes_entry for leaf in leaves):
        lines.append(f"填报值栏写着“按‘{EVENT_SHEET}’表中的……计数”的项目，按“{EVENT_SHEET}”表中相应事实的事件计数"
                     "（括号内为计入的事件类型和条件）；写着“同……的填报值”的项目与所写指标共用一个填报值。"
                     "这些行无需单独填报。")
    if any(leaf.penalty for leaf in leaves):
        lines.append("标为“扣分项”或“最多扣N分”的项目在百分之外扣分：照常填报发生的情形或次数；自评得分填扣分，"
                     "写负数（扣2分填 -2）。")
    own = [leaf for leaf in leaves if leaf.takes_entry and leaf.provider == "unit"]
    if any(leaf.may_not_apply for leaf in own):
        lines.append(f"填报内容栏提到“{NOT_APPLICABLE}”的项目，本单位没有这项工作（如没有港口、矿山）"
                     f"或未选择这项任务的，在填报值栏选或填“{NOT_APPLICABLE}”；分几行填写的项目，在标题行选"
                     f"“{NOT_APPLICABLE}”，下列各行留空。不适用的项目不计分，也不列为缺少，按细则折算（按得分率折算）；"
                     f"它不是0分：适用而暂时没有数据的请留空，不要填“{NOT_APPLICABLE}”。")
    if any(leaf.value_kind == "ratio" for leaf in own):
        lines.append("按比率计分的项目（如满意率）在标题行下的两行分别填写分子和分母（如满意人数、参评人数），"
                     "都是不小于0的整数，分子不能多于分母；两行都留空视为未填报，只填一行的会被退回。"
                     "佐证材料、自评得分和备注填在标题行。")
    if any(leaf.from_results is not None for leaf in own):
        lines.append(f"取自下级考核结果的项目（填报内容栏写着“{RESULTS_ASK}”），在填报值栏填写 "
                     "kaohe score 输出的下级考核结果文件 results.json 的路径，相对于本填报表所在的文件夹（如 "
                     "乡镇考核/results.json，不能含“..”）；该文件须是同一细则下全部单位评分完整的结果，"
                     "报送时连同本表一起提交。")
    relaxed = [leaf for leaf in own if relaxed_unit(leaf)]
    if relaxed:
        required = [leaf for leaf in relaxed if leaf.unit_required]
        example = relaxed[0]
        lines.append(f"计量单位为{'、'.join(dict.fromkeys(leaf.unit for leaf in relaxed))}的项目，填报值可以只填数字"
                     "（按“计量单位”栏的单位计），也可以带上同类单位，评分时自动换算：如在以"
                     f"{example.unit}计的项目填“{unit_example(example.unit)}”。"
                     + (f"{'、'.join(leaf.id for leaf in required)} 须写明单位，只填数字会被退回。" if required else "")
                     + "单位不同类（如把万元填成万人）的会被退回。")
    return lines
