"""The entry form of an inspection group or a lead department: one row per (unit, item) it gives, with the value
now recorded, an input bounded as the party workbook bounds its cell (fillin.ask_for: range, choices; a judged
item's step), and the server's own check of the same bounds, since a browser's checks are advice only. A `parts`
item takes a 是/否 per part; a `checklist` item a 是/否 per case, or a count for a case counted per occurrence; a
`ratio` item two whole numbers (numerator, denominator). An item that may not apply takes 不适用: an option of its
dropdown, or a checkbox beside its inputs. A number whose unit has a family (元/万元/亿元 …) may be typed with
another unit of it ("8500万元"), converted as the engine converts it; where the ruleset requires the unit, it is
recorded with its unit ("0.85亿元"), which the engine requires when it reads the value again.

Reading a POST yields the rows that changed, as kaohe.round.actions.PartyValue; a row that already has a value
is corrected only with a reason: for a judged item its new 评分理由, for any other its 更正理由, kept as the
entry's note. A row wrong in any way takes its message and nothing is returned for recording.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kaohe.engine import format_points
from kaohe.engine.evidence import NO, YES
from kaohe.engine.loading import number_problem, text_problem
from kaohe.engine.model import Item
from kaohe.engine.render.fillin import NOT_APPLICABLE, YES_NO, ask_for, case_worth, points_text, unit_example
from kaohe.engine.units import accepted, convert, split
from kaohe.round import jsondata
from kaohe.round.actions import PartyValue
from kaohe.round.models import Entry, Round
from kaohe.round.state import shown as shown_time

SCORE, CHOICE, NUMBER, WHOLE, PARTS, CHECKLIST, RATIO = ("score", "choice", "number", "whole", "parts", "checklist",
                                                          "ratio")
CENT = Decimal("0.01")
MAX_INPUT = 40  # characters of a number as typed: anything longer is not a score or a figure


@dataclass(frozen=True)
class Control:
    """What a row's value input takes."""

    kind: str  # SCORE, CHOICE, NUMBER, WHOLE, PARTS, CHECKLIST or RATIO
    low: Decimal | None = None
    high: Decimal | None = None
    step: Decimal | None = None  # a judged score's multiple
    options: tuple[str, ...] = ()  # the choices (不适用 among them), the parts, a checklist's cases, or a ratio's
    # numerator and denominator
    measure: str = ""  # 起/万台, %; what a ratio's two numbers count (人)
    counted: tuple[str, ...] = ()  # a checklist: per case, what a count counts (次), or "" for a 是/否 case
    not_applicable: bool = False  # the item may not apply: 不适用 among the choices, or a checkbox
    units: tuple[str, ...] = ()  # a number: the units of its family it may be typed in (8500万元 in an 亿元 item)
    unit_required: bool = False  # a number typed without its unit is refused

    @property
    def checkbox(self) -> bool:
        """Whether 不适用 is a checkbox beside the inputs (a dropdown has it among its options)."""
        return self.not_applicable and self.kind != CHOICE

    @property
    def input_type(self) -> str:
        """A number input cannot hold 8500万元: a number that may be typed with a unit is a text input."""
        return "text" if self.units else "number"

    @property
    def allowed(self) -> str:
        """The bounds in words, as the messages and the page state them: 0–4分，按0.5分计."""
        said = self._bounds()
        if self.units and self.unit_required:
            said += f"，须写明单位（{'、'.join(self.units)}），如 {unit_example(self.measure)}"
        elif self.units:
            said += f"，可带单位（{'、'.join(self.units)}），按{self.measure}换算"
        if self.checkbox:
            said += f"；不适用的勾选“{NOT_APPLICABLE}”"
        return said

    def _bounds(self) -> str:
        if self.kind == RATIO:
            return f"{'、'.join(self.options)}：不小于0的整数（{self.measure}）"
        if self.kind == SCORE:
            step = f"，按{format_points(self.step)}分计" if self.step else ""
            return f"{format_points(self.low)}–{format_points(self.high)}分{step}"
        if self.kind == WHOLE:
            return "不小于0的整数"
        if self.kind in (CHOICE, PARTS):
            return "、".join(self.options)
        if self.kind == CHECKLIST:
            return "逐条填写：有此情形选“是”，没有选“否”" + ("；按次计分的填次数，没有填0" if any(self.counted) else "")
        if self.low is not None and self.high is not None:
            return f"{format_points(self.low)}–{format_points(self.high)}{self.measure}"
        if self.low is not None:
            return f"不小于{format_points(self.low)}{self.measure}"
        if self.high is not None:
            return f"不大于{format_points(self.high)}{self.measure}"
        return f"数值{f'（{self.measure}）' if self.measure else ''}"

    @property
    def min_attr(self) -> str:
        return format_points(self.low) if self.low is not None else ""

    @property
    def max_attr(self) -> str:
        return format_points(self.high) if self.high is not None else ""

    @property
    def step_attr(self) -> str:
        if self.kind == WHOLE:
            return "1"
        return format_points(self.step) if self.step else "any"


def control_of(item: Item) -> Control:
    na = item.may_not_apply
    if item.value_kind == "parts":
        return Control(PARTS, options=item.params.names(), not_applicable=na)
    if item.value_kind == "checklist":
        return Control(CHECKLIST, options=item.params.names(), not_applicable=na,
                       counted=tuple(case.counted if case.per else "" for case in item.params.entries))
    if item.value_kind == "ratio":
        p = item.params
        return Control(RATIO, options=(p.numerator, p.denominator), measure=p.counted, not_applicable=na)
    _, (kind, details, *more) = ask_for(item)
    if item.value_kind == "judgement":
        low, high = details
        return Control(SCORE, low, high, item.params.step, not_applicable=na)
    if kind == "list":
        return Control(CHOICE, options=tuple(details), not_applicable=na)
    if kind == "whole":
        return Control(WHOLE, Decimal(0), not_applicable=na)
    low, high = details
    accepts = more[0] if more else None
    units = accepted(accepts.unit) if accepts is not None and accepts.unit else ()
    return Control(NUMBER, low, high, measure=item.unit, not_applicable=na, units=units,
                   unit_required=bool(units) and accepts.unit_required)


@dataclass(frozen=True)
class Recorded:
    """The latest entry of a row, as the page shows it."""

    entry_id: int
    value: object  # the score of a judged item; else the value as the engine types it (Decimal, bool, str, list)
    reason: str  # a judged item's 评分理由
    note: str
    party: str
    entered_by: str
    at: dt.datetime
    source: str


@dataclass
class Row:
    """One (unit, item) of the form: what is recorded, and what the inputs hold (recorded, or as posted)."""

    index: int
    unit: str
    item: Item
    control: Control
    recorded: Recorded | None
    value: str = ""
    # parts: (part, 是/否/''); checklist: (case, 是/否 or 次数 or ''); ratio: (numerator or denominator, its count)
    answers: list[tuple[str, str]] = field(default_factory=list)
    not_applicable: bool = False  # the 不适用 checkbox
    reason: str = ""
    note: str = ""
    correction: str = ""
    seen: str = ""  # the entry id the form was opened with: another clerk's entry since then is a conflict
    error: str = ""

    @property
    def judged(self) -> bool:
        return self.control.kind == SCORE

    @property
    def name(self) -> str:
        """The row in a message: 鹿城区 二.7 工程质量安全隐患排查和专项整治."""
        return f"{self.unit} {self.item.id} {self.item.title}"

    @property
    def points(self) -> str:
        """分值 as the party workbook shows it: 4; 10（最高15分）; 最多扣5分 or 扣分项 for a penalty row."""
        return points_text(self.item)

    @property
    def points_in_words(self) -> str:
        """分值 in a sentence: 4分, 最多扣5分."""
        return self.points if self.item.penalty or self.item.max is not None else f"{self.points}分"

    @property
    def filled(self) -> bool:
        """Whether the row holds a value (recorded or typed): its 评分理由 is then required."""
        return bool(self.value) or any(answer for _, answer in self.answers)

    @property
    def shown(self) -> str:
        return shown_value(self.item, self.control, self.recorded.value) if self.recorded else ""

    def field(self, what: str) -> str:
        return f"{what}-{self.index}"

    @property
    def value_field(self) -> str:
        return self.field("value")

    @property
    def reason_field(self) -> str:
        return self.field("reason")

    @property
    def note_field(self) -> str:
        return self.field("note")

    @property
    def correction_field(self) -> str:
        return self.field("correction")

    @property
    def seen_field(self) -> str:
        return self.field("seen")

    @property
    def na_field(self) -> str:
        return self.field("na")

    @property
    def ratio_fields(self) -> list[tuple[str, str, str]]:
        """(numerator or denominator, its field name, its answer) of a ratio item."""
        return [(name, f"{self.value_field}-{n}", answer) for n, (name, answer) in enumerate(self.answers)]

    @property
    def part_fields(self) -> list[tuple[str, str, str]]:
        """(part, its field name, its answer) of a parts item."""
        return [(part, f"{self.value_field}-{n}", answer) for n, (part, answer) in enumerate(self.answers)]

    @property
    def case_fields(self) -> list[tuple[str, str, str, str, str]]:
        """(case, what it is worth: 扣0.5分 / 每次扣0.3分, its field name, its answer, what a count counts or ''
        for a 是/否 case) of a checklist item."""
        worth = [case_worth(self.item, case) for case in self.item.params.entries]
        return [(case, worth[n], f"{self.value_field}-{n}", answer, self.control.counted[n])
                for n, (case, answer) in enumerate(self.answers)]


def shown_value(item: Item, control: Control, value) -> str:
    if control.kind == RATIO and isinstance(value, dict):
        return ratio_text(item, value)
    if control.kind == SCORE and isinstance(value, Decimal):
        return f"{format_points(value)}分"
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    if isinstance(value, Decimal):
        return f"{format_points(value)}{control.measure}"
    if isinstance(value, list):
        return f"已完成：{'、'.join(value)}" if value else "均未完成"
    if isinstance(value, dict):
        return found_text(item, value)
    return "" if value is None else str(value)


def ratio_text(item: Item, counts: dict) -> str:
    """A ratio's recorded counts in words: 满意人数812人，参评人数1003人（满意率80.96%）."""
    p = item.params
    part, whole = counts.get(p.numerator), counts.get(p.denominator)
    said = f"{p.numerator}{_count(part)}{p.counted}，{p.denominator}{_count(whole)}{p.counted}"
    if isinstance(part, Decimal) and isinstance(whole, Decimal) and whole > 0:
        said += f"（{p.rate}{format_points((part * 100 / whole).quantize(CENT))}%）"
    return said


def _count(value) -> str:
    return format_points(value) if isinstance(value, Decimal) else str(value)


def found_text(item: Item, found: dict) -> str:
    """A checklist's recorded cases in words: 未建立台账；未按时报送2次 — or 无扣分情形 / 无加分情形."""
    cases = {case.name: case for case in item.params.entries}
    shown = [name if name in cases and not cases[name].per else f"{name}{format_points(Decimal(times))}"
             f"{cases[name].counted if name in cases else '次'}"
             for name, times in found.items() if times]
    return "；".join(shown) or ("无扣分情形" if item.params.kind == "faults" else "无加分情形")


def _typed_recorded(item: Item, data) -> tuple[object, str, str]:
    """(value, judged reason, note) of a stored `values:` entry, in the shapes the form compares with."""
    entry = data if isinstance(data, dict) and ("value" in data or item.value_kind != "judgement") else {"value": data}
    value, note = entry.get("value"), str(entry.get("note") or "")
    if value == NOT_APPLICABLE:
        return (value, note, "") if item.value_kind == "judgement" else (value, "", note)
    if item.value_kind == "number" and isinstance(value, str):  # recorded with its unit: 0.85亿元
        number = split(value)
        converted = convert(number[0], number[1] or item.unit, item.unit) if number else None
        value = converted if converted is not None else value
    if item.value_kind == "judgement" and isinstance(value, dict):
        return value.get("score"), str(value.get("reason") or ""), note
    if item.value_kind == "yes_no" and isinstance(value, str):
        value = True if value in YES else False if value in NO else value
    if item.value_kind == "checklist":
        value = _found(item, value)
    return value, "", note


def _found(item: Item, value) -> dict | None:
    """A checklist's stored value (a list of cases found, or case → times) as case → times for every case."""
    if isinstance(value, list):
        value = {name: 1 for name in value}
    if not isinstance(value, dict):
        return None
    return {name: Decimal(value.get(name) or 0) for name in item.params.names()}


def _input_text(control: Control, value) -> str:
    """A recorded value as its input shows it."""
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    if isinstance(value, Decimal):
        return format_points(value)
    return "" if value is None or isinstance(value, (list, dict)) else str(value)


def build_rows(round_: Round, pairs: list[tuple[str, Item]]) -> list[Row]:
    """The form's rows for (unit, item) pairs, each with its latest entry and inputs holding it."""
    units = {unit for unit, _ in pairs}
    ids = {item.id for _, item in pairs}
    latest: dict[tuple[str, str], Entry] = {}
    for entry in Entry.objects.filter(round=round_, unit__in=units, item_id__in=ids).order_by("id"):
        latest[(entry.unit, entry.item_id)] = entry
    rows = []
    for index, (unit, item) in enumerate(pairs):
        control = control_of(item)
        recorded = None
        entry = latest.get((unit, item.id))
        if entry is not None:
            value, reason, note = _typed_recorded(item, jsondata.load(entry.data))
            recorded = Recorded(entry.id, value, reason, note, entry.party, entry.entered_by, entry.at, entry.source)
        row = Row(index, unit, item, control, recorded, seen=str(recorded.entry_id) if recorded else "")
        if recorded is not None:
            row.value, row.reason = _input_text(control, recorded.value), recorded.reason
            row.not_applicable = control.checkbox and recorded.value == NOT_APPLICABLE
            if row.not_applicable:
                row.value = ""
            elif control.unit_required and isinstance(recorded.value, Decimal):
                row.value += control.measure  # as it must be typed: 0.85亿元
        if control.kind == PARTS:
            done = recorded.value if recorded and isinstance(recorded.value, list) else None
            row.answers = [(part, "" if done is None else YES_NO[0] if part in done else YES_NO[1])
                           for part in control.options]
        if control.kind == CHECKLIST:
            found = recorded.value if recorded and isinstance(recorded.value, dict) else None
            row.answers = [(case, _case_text(found, case, counted)) for case, counted in
                           zip(control.options, control.counted, strict=True)]
        if control.kind == RATIO:
            counts = recorded.value if recorded and isinstance(recorded.value, dict) else {}
            row.answers = [(name, _input_text(control, counts.get(name))) for name in control.options]
        rows.append(row)
    return rows


def _case_text(found: dict | None, case: str, counted: str) -> str:
    """A checklist case's input as recorded: 是/否, or the count of a case counted per occurrence."""
    if found is None:
        return ""
    times = found.get(case, Decimal(0))
    return format_points(times) if counted else YES_NO[0] if times else YES_NO[1]


# --- reading a POST -------------------------------------------------------------------------------------------


class RowError(Exception):
    """What is wrong with one row; its message names the item."""


def _text(post, name: str) -> str:
    return post.get(name, "").replace("\r\n", "\n").strip()


def _checked_text(row: Row, text: str, what: str) -> None:
    problem = text_problem(text)
    if problem:
        raise RowError(f"{row.name}：{what}{problem}")


def _number(row: Row, text: str, what: str) -> Decimal:
    c = row.control
    if c.units:
        number = _with_unit(row, text, what)
    else:
        plain = text[: -len(c.measure)].strip() if c.measure and text.endswith(c.measure) else text
        try:
            number = Decimal(plain) if len(plain) <= MAX_INPUT else None
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number_problem(number):
        raise RowError(f"{row.name}：{what}应为数字（允许 {c.allowed}），实际填了“{text[:MAX_INPUT]}”")
    measure = c.measure or ("分" if c.kind == SCORE else "")
    if (c.low is not None and number < c.low) or (c.high is not None and number > c.high):
        raise RowError(f"{row.name}：{what} {format_points(number)}{measure} 超出允许范围（{c.allowed}）")
    if c.step and number / c.step != (number / c.step).to_integral_value():
        raise RowError(f"{row.name}：{what} {format_points(number)}{measure} 不是 {format_points(c.step)}{measure} "
                       f"的整数倍（允许 {c.allowed}）")
    if c.kind == WHOLE and number != number.to_integral_value():
        raise RowError(f"{row.name}：{what} {format_points(number)} 不是整数（允许 {c.allowed}）")
    return number


def _with_unit(row: Row, text: str, what: str) -> Decimal | None:
    """A number typed with or without a unit of the item's family, in the item's unit; None when it is no number.
    A unit of another kind, or no unit where the ruleset requires one, is refused as the engine refuses it."""
    c = row.control
    found = split(text) if len(text) <= MAX_INPUT else None
    if found is None:
        return None
    number, written = found
    if not written and c.unit_required:
        raise RowError(f"{row.name}：{what} {text} 没有写明单位：本项按{c.measure}计，可写{'、'.join(c.units)}，"
                       f"如 {unit_example(c.measure)}")
    converted = convert(number, written or c.measure, c.measure)
    if converted is None:
        raise RowError(f"{row.name}：{what}写的单位「{written}」与本项的单位「{c.measure}」不同，无法换算"
                       f"（可写{'、'.join(c.units)}）")
    return converted


def _gather(row: Row, post) -> None:
    """The row's inputs as posted, kept on the row so a refused form shows them again."""
    if row.judged:
        row.reason = _text(post, row.reason_field)
    else:
        row.note, row.correction = _text(post, row.note_field), _text(post, row.correction_field)
    row.not_applicable = row.control.checkbox and post.get(row.na_field, "") == "1"
    if row.control.kind == PARTS:
        row.answers = [(part, post.get(name, "")) for part, name, _ in row.part_fields]
    elif row.control.kind == CHECKLIST:
        row.answers = [(case, _text(post, name)) for case, _, name, _, _ in row.case_fields]
    elif row.control.kind == RATIO:
        row.answers = [(name, _text(post, field)) for name, field, _ in row.ratio_fields]
    else:
        row.value = _text(post, row.value_field)


def _value(row: Row) -> object:
    """The typed value of the row's inputs, or None when left blank; 不适用 as that text."""
    c = row.control
    if row.not_applicable:
        if row.value or any(answer for _, answer in row.answers):
            raise RowError(f"{row.name}：勾选了“{NOT_APPLICABLE}”，又填了{'得分' if row.judged else '填报值'}："
                           f"本项不适用的请清空所填内容，适用的请取消勾选“{NOT_APPLICABLE}”")
        return NOT_APPLICABLE
    if c.kind == RATIO:
        return _ratio(row)
    if c.kind == PARTS:
        given = [answer for _, answer in row.answers if answer]
        if not given:
            return None
        if any(answer not in YES_NO for answer in given) or len(given) != len(row.answers):
            raise RowError(f"{row.name}：请逐个部分选择“是”或“否”（部分：{c.allowed}）")
        return [part for part, answer in row.answers if answer == YES_NO[0]]
    if c.kind == CHECKLIST:
        return _cases(row)
    if not row.value:
        return None
    if c.kind == CHOICE:
        if row.value not in c.options:
            raise RowError(f"{row.name}：应从 {c.allowed} 中选择，实际为“{row.value[:MAX_INPUT]}”")
        if row.value in YES_NO and c.options[:len(YES_NO)] == YES_NO:
            return row.value == YES_NO[0]
        return row.value
    number = _number(row, row.value, "得分" if c.kind == SCORE else "填报值")
    return Decimal(int(number)) if c.kind == WHOLE else number


def _ratio(row: Row) -> dict | None:
    """A ratio's two counts as {numerator: n, denominator: d}, or None when both are blank."""
    c = row.control
    given = [name for name, answer in row.answers if answer]
    if not given:
        return None
    counts = []
    for name, answer in row.answers:
        if not answer:
            raise RowError(f"{row.name}：填了{'、'.join(given)}，没有填{name}（{c.allowed}）")
        try:
            count = Decimal(answer) if len(answer) <= MAX_INPUT else None
        except InvalidOperation:
            count = None
        if count is None or number_problem(count) or count < 0 or count != count.to_integral_value():
            raise RowError(f"{row.name}：{name}应为不小于0的整数，实际填了“{answer[:MAX_INPUT]}”")
        counts.append(Decimal(int(count)))
    (numerator, part), (denominator, whole) = zip(c.options, counts, strict=True)
    if whole == 0:
        raise RowError(f"{row.name}：{denominator}为0，无法计算{row.item.params.rate}")
    if part > whole:
        raise RowError(f"{row.name}：{numerator}（{format_points(part)}）多于{denominator}（{format_points(whole)}）")
    return {numerator: part, denominator: whole}


def _cases(row: Row) -> dict | None:
    """A checklist's answers as case → times found (every case), or None when none is answered."""
    c = row.control
    if not any(answer for _, answer in row.answers):
        return None
    if not all(answer for _, answer in row.answers):
        blank = "、".join(case for case, answer in row.answers if not answer)
        raise RowError(f"{row.name}：请逐条填写，未填：{blank}（{c.allowed}）")
    found = {}
    for (case, answer), counted in zip(row.answers, c.counted, strict=True):
        if not counted:
            if answer not in YES_NO:
                raise RowError(f"{row.name}：「{case}」应选“是”或“否”，实际为“{answer[:MAX_INPUT]}”")
            found[case] = Decimal(1) if answer == YES_NO[0] else Decimal(0)
            continue
        try:
            times = Decimal(answer) if len(answer) <= MAX_INPUT else None
        except InvalidOperation:
            times = None
        if times is None or number_problem(times) or times < 0 or times != times.to_integral_value():
            raise RowError(f"{row.name}：「{case}」的次数应为不小于0的整数，实际填了“{answer[:MAX_INPUT]}”")
        found[case] = Decimal(int(times))
    return found


def _same(row: Row, value, reason: str) -> bool:
    """Whether the posted value is what is recorded (numbers compared as numbers, parts as sets)."""
    was = row.recorded
    if NOT_APPLICABLE in (value, was.value):
        same = was.value == value
    elif row.control.kind == PARTS:
        same = isinstance(was.value, list) and set(was.value) == set(value)
    elif isinstance(value, Decimal):
        same = isinstance(was.value, Decimal) and not isinstance(was.value, bool) and was.value == value
    else:
        same = was.value == value
    return same and (not row.judged or reason == was.reason)


def _read_row(row: Row, post, party: str) -> dict | None:
    """The row's new `values:` entry, or None when nothing changed; RowError when it is wrong."""
    _gather(row, post)
    was = row.recorded
    if post.get(row.seen_field, "") != row.seen:
        now = f"现为 {row.shown}（{was.entered_by or was.party}，{shown_time(was.at)}）" if was else "现已没有记录"
        raise RowError(f"{row.name}：您打开本页后，这一项已有他人录入的新值，{now}；本行没有记录，请核对后重新提交")
    for text, what in ((row.reason, "评分理由"), (row.note, "备注"), (row.correction, "更正理由")):
        _checked_text(row, text, what)
    value = _value(row)
    if value is None:
        if was is not None:
            raise RowError(f"{row.name}：已记录的值不能清空；要更正请填写新的值（允许 {row.control.allowed}）")
        if row.reason or row.note or row.correction:
            what = "评分理由" if row.reason else "备注" if row.note else "更正理由"
            raise RowError(f"{row.name}：填了{what}，但没有填{'得分' if row.judged else '填报值'}"
                           f"（允许 {row.control.allowed}）")
        return None
    if row.judged and value == NOT_APPLICABLE:  # why it does not apply, if said, is kept as the note
        if was is not None and _same(row, value, row.reason):
            return None
        if was is not None and (not row.reason or row.reason == was.reason):
            raise RowError(f"{row.name}：更正已记录的得分（{row.shown}）须在评分理由中写明更正的理由")
        return {"value": value, **({"note": row.reason} if row.reason else {})}
    if row.judged:
        if not row.reason:
            raise RowError(f"{row.name}：核查评分必须写明评分理由")
        if was is not None and _same(row, value, row.reason):
            return None
        if was is not None and row.reason == was.reason:
            raise RowError(f"{row.name}：更正已记录的得分（{row.shown}）须在评分理由中写明更正的理由")
        return {"value": {"score": value, "reason": row.reason, "inspector": party}}
    if was is not None and _same(row, value, "") and (not row.note or row.note == was.note):
        return None
    if was is not None and not row.correction:
        raise RowError(f"{row.name}：已记录 {row.shown}，更正须写明更正理由")
    note = "；".join(filter(None, [row.note, f"更正理由：{row.correction}" if was is not None else ""]))
    if isinstance(value, Decimal) and row.control.unit_required:
        value = f"{format_points(value)}{row.control.measure}"  # read again, a bare number would be refused
    return {"value": value, **({"note": note} if note else {})}


def read_rows(rows: list[Row], post, party: str, username: str) -> tuple[list[PartyValue], int]:
    """(the changed rows as PartyValues, the number of wrong rows); each wrong row carries its message."""
    values, wrong = [], 0
    for row in rows:
        try:
            data = _read_row(row, post, party)
        except RowError as error:
            row.error, wrong = str(error), wrong + 1
            continue
        if data is not None:
            values.append(PartyValue(row.unit, row.item.id, data, entered_by=username, expected=row.seen))
    return values, wrong
