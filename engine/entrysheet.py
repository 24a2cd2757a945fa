"""Read a party's filled workbook (made by `kaohe template --department/--inspection`) into per-unit values.

Each entry has exactly the shape of one `values:` entry of evidence YAML (a checklist's as case → times found, a
ratio's as numerator → n, denominator → d, 不适用 as the text), and is checked by the evidence loader itself
(`evidence_from_data`), so a value is refused here for the same reasons and in the same words as in a unit's
evidence; only the place reads differently:
`市质监局.xlsx › 录入 › I9`, with the unit and the item named. Refused as well: a workbook made for another
ruleset (id, version or digest), a party with nothing to provide, a row whose unit is not on the workbook's list
or whose item is not the party's (an item counted from events is nobody's), the same row twice, a judged reason
without its score.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from .errors import KaoheError, Location, Problem, Problems, did_you_mean
from .evidence import evidence_from_data
from .loading import Mapping
from .model import NOT_APPLICABLE, PROVIDERS, Entry, Item, Judgement, Ruleset, format_points
from .render.entrysheet import (
    ASK,
    DIGEST_CELL,
    DIGEST_LENGTH,
    ENTERED_BY,
    ENTRY_SHEET,
    HEADER_ROW,
    ITEM,
    KIND_CELL,
    KINDS,
    NOTE,
    PARTY_CELL,
    REASON,
    RULESET_CELL,
    SCORE,
    SCORE_OR_VALUE,
    UNIT,
    UNIT_SEPARATOR,
    UNITS_CELL,
    VALUE,
    VERSION_CELL,
    lead_departments,
    party_items,
)
from .render.fillin import FILL_SHEET, PART_MARK
from .render.fillin import NOT_APPLICABLE as NOT_APPLICABLE_TEXT
from .workbook import (
    Cells,
    answered_beside,
    gather_checklist,
    gather_parts,
    gather_ratio,
    located_mapping,
    number_cell,
    open_workbook,
    set_located,
)

MADE = "评定表"
UNIT_WORKBOOK = "这是单位的填报表，不是评定表：单位的填报表请用 kaohe check 自查、kaohe score 评分"
VALUE_COLUMN = "value"  # the 得分 / 填报值 column, whichever name it has


@dataclass(frozen=True)
class PartyEntry:
    unit: str
    item_id: str
    data: Any  # one `values:` entry of evidence YAML: {"value": …, "note": …}; numbers as Decimal
    entered_by: str  # the 录入人 cell ('' if blank)
    location: Location  # the value cell


@dataclass(frozen=True)
class PartySheet:
    kind: str  # "department" or "inspection"
    party: str  # the department or the inspection group
    ruleset_id: str
    entries: tuple[PartyEntry, ...]  # only rows where a value was entered; sheet order


@dataclass(frozen=True)
class _Row:
    unit: str
    item: Item
    row: int  # the item's own row (a `parts` item also has a row per part below it)
    entered_by: str


def read_party_workbook(path: Path | str, ruleset: Ruleset) -> PartySheet:
    """Read and check a party workbook against `ruleset`. Raises KaoheError with every problem found."""
    shown = str(path)
    _, ws, _ = open_workbook(path, ENTRY_SHEET, MADE, {FILL_SHEET: UNIT_WORKBOOK})
    cells = Cells(shown)
    kind, party, units = _header(ws, cells, ruleset)
    columns = _columns(ws, cells)
    values, rows, owners = _read_rows(ws, cells, columns, ruleset, kind, party, units)
    problems = [_told(problem, owners, ws, columns) for problem in cells.problems.items]
    evidence, refused = _check_values(values, ruleset, shown)
    problems += [_told(problem, owners, ws, columns) for problem in refused]
    if problems:
        raise KaoheError(problems)
    entries = []
    for r in rows:
        entry = evidence[r.unit].entries.get(r.item.id)
        if entry is not None and entry.value is not None:
            entries.append(PartyEntry(r.unit, r.item.id, _data(r.item, entry), r.entered_by,
                                      entry.location.at(f"{r.unit} › {r.item.id} {r.item.title}")))
    return PartySheet(kind, party, ruleset.id, tuple(entries))


def _read_rows(ws: Worksheet, cells: Cells, columns: dict[str, int], ruleset: Ruleset, kind: str, party: str,
               units: tuple[str, ...]) -> tuple[dict[str, Mapping], list[_Row], dict[int, _Row]]:
    """(unit → its values as evidence data, located; the item rows in sheet order; row number → the item row it
    belongs to, part rows included). A row whose unit or item is not the workbook's is a problem, and skipped."""
    mine = {item.id: item for item in party_items(ruleset, kind, party)}
    values: dict[str, Mapping] = {}
    rows: list[_Row] = []
    owners: dict[int, _Row] = {}
    parts: dict[tuple[str, str], list] = {}
    cases: dict[tuple[str, str], list] = {}
    ratios: dict[tuple[str, str], list] = {}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        key, unit = cells.value(ws, row, columns[ITEM]), cells.value(ws, row, columns[UNIT])
        if key is None and unit is None:
            continue
        key, unit = str(key or ""), str(unit or "")
        item_id, part = key.split(PART_MARK, 1) if PART_MARK in key else (key, None)
        item_at = cells.where(ws, row, columns[ITEM])
        item = _row_item(ruleset, kind, party, mine, units, unit, item_id, item_at,
                         cells.where(ws, row, columns[UNIT]), cells.problems)
        if item is None:
            continue
        value_at = cells.where(ws, row, columns[VALUE_COLUMN])
        value = number_cell(cells, ws, row, columns[VALUE_COLUMN], item.unit if part is None else "")
        unit_values = values.setdefault(unit, located_mapping(value_at))
        if part is not None:
            owner = next((r for r in reversed(rows) if (r.unit, r.item.id) == (unit, item_id)), None)
            if owner is None:
                cells.problems.add(item_at, f"{unit} 的指标 {item_id}「{item.title}」的分项行上方没有这个指标的行",
                                   f"请用 kaohe template 生成的{MADE}，不要删除或移动行")
                continue
            owners[row] = owner
            if item.value_kind == "checklist":
                case = item.params.entry(part)
                cases.setdefault((unit, item_id), []).append((part, value, value_at, case is not None and case.per))
            elif item.value_kind == "ratio":
                ratios.setdefault((unit, item_id), []).append((part, value, value_at, item.params.counted))
            else:
                parts.setdefault((unit, item_id), []).append((part, value, value_at))
            continue
        if item_id in unit_values:
            first = unit_values.key_locs[item_id].line
            cells.problems.add(item_at, f"{unit} 的指标 {item_id}「{item.title}」在第 {first} 行已有一行，"
                                        "同一单位的同一指标只能填一行", "请删除重复的行")
            continue
        entered_by = cells.value(ws, row, columns[ENTERED_BY])
        rows.append(_Row(unit, item, row, "" if entered_by is None else str(entered_by)))
        owners[row] = rows[-1]
        set_located(unit_values, item_id, _entry(ws, cells, columns, row, item, value, party), value_at)
    for (unit, item_id), answers in parts.items():
        if not answered_beside(values[unit], item_id, [at for _, v, at in answers if v is not None], cells.problems):
            gather_parts(values[unit], item_id, answers, cells.problems)
    for (unit, item_id), answers in cases.items():
        if not answered_beside(values[unit], item_id, [at for _, v, at, _ in answers if v is not None],
                               cells.problems):
            gather_checklist(values[unit], item_id, answers, cells.problems)
    for (unit, item_id), answers in ratios.items():
        if not answered_beside(values[unit], item_id, [at for _, v, at, _ in answers if v is not None],
                               cells.problems):
            gather_ratio(values[unit], item_id, f"{item_id}「{mine[item_id].title}」", answers, cells.problems)
    for unit_values in values.values():  # a row without a value is no entry, whatever its 备注 and 录入人 say
        for item_id in [item_id for item_id, entry in unit_values.items() if "value" not in entry]:
            del unit_values[item_id], unit_values.key_locs[item_id]
    return values, rows, owners


def _entry(ws: Worksheet, cells: Cells, columns: dict[str, int], row: int, item: Item, value: Any,
           party: str) -> Mapping:
    """One row as a `values:` entry: {value, note}; a judged value is {score, reason, inspector: the party}."""
    value_at = cells.where(ws, row, columns[VALUE_COLUMN])
    entry = located_mapping(value_at)
    reason_at = cells.where(ws, row, columns[REASON]) if REASON in columns else value_at
    reason = cells.value(ws, row, columns[REASON]) if REASON in columns else None
    if item.value_kind == "judgement" and value is None and reason is not None:
        cells.problems.add(value_at, f"填了评分理由，但没有填{SCORE}",
                           f"请填 0–{format_points(item.points)} 分的{SCORE}，或删除评分理由")
    elif item.value_kind == "judgement" and value is not None and value != NOT_APPLICABLE_TEXT:
        score, value = value, located_mapping(value_at)
        set_located(value, "score", score, value_at)
        set_located(value, "reason", "" if reason is None else str(reason), reason_at)
        set_located(value, "inspector", party, value_at)
    if value is not None:
        set_located(entry, "value", value, value_at)
    note = cells.value(ws, row, columns[NOTE])
    if item.value_kind == "judgement" and value == NOT_APPLICABLE_TEXT and reason is not None:
        note = "；".join(str(text) for text in (reason, note) if text is not None)  # why it does not apply
    if note is not None:
        set_located(entry, "note", str(note), cells.where(ws, row, columns[NOTE]))
    return entry


def _header(ws: Worksheet, cells: Cells, ruleset: Ruleset) -> tuple[str, str, tuple[str, ...]]:
    """(kind, party, the workbook's units); the workbook must be made for this ruleset and a party of it."""
    def text(name: str) -> tuple[str, Location]:
        at = ws[name]
        value = cells.value(ws, at.row, at.column)
        return ("" if value is None else str(value)), cells.where(ws, at.row, at.column)

    kinds = {PROVIDERS[kind]: kind for kind in KINDS}
    (label, label_at), (party, party_at) = text(KIND_CELL), text(PARTY_CELL)
    (ruleset_id, id_at), (version, version_at), (digest, digest_at) = text(RULESET_CELL), text(VERSION_CELL), \
        text(DIGEST_CELL)
    units_text, units_at = text(UNITS_CELL)
    remake = f"请用细则 {ruleset.id}（版本 {ruleset.version}）重新生成{MADE}"
    problems = cells.problems
    if label not in kinds:
        problems.add(label_at, f"不是 kaohe 生成的{MADE}：这一格应为“{'”或“'.join(kinds)}”，实际为“{label}”",
                     f"请用 kaohe template 生成的{MADE}（--department 或 --inspection）")
    elif ruleset_id != ruleset.id:
        problems.add(id_at, f"这份{MADE}是按细则“{ruleset_id}”生成的，而不是“{ruleset.id}”", remake)
    elif version != ruleset.version:
        problems.add(version_at, f"这份{MADE}是按细则 {ruleset.id} 版本 {version} 生成的，"
                                 f"所用细则为版本 {ruleset.version}", remake)
    elif digest != ruleset.digest[:DIGEST_LENGTH]:
        problems.add(digest_at, f"细则 {ruleset.id} 版本 {version} 在生成这份{MADE}后改动过"
                                f"（生成时摘要 {digest}，现为 {ruleset.digest[:DIGEST_LENGTH]}）", remake)
    elif not party.strip():
        problems.add(party_at, f"{label}名称是空的", remake)
    elif not party_items(ruleset, kinds[label], party):
        known = lead_departments(ruleset) if kinds[label] == "department" else ()
        problems.add(party_at, f"细则 {ruleset.id} 中没有由{label}“{party}”评定的指标",
                     did_you_mean(party, known) or (f"由牵头部门评定的指标的牵头部门：{'、'.join(known)}" if known
                                                    else remake))
    problems.raise_if_any()
    units = tuple(unit for unit in units_text.split(UNIT_SEPARATOR) if unit)
    return kinds[label], party, units


def _columns(ws: Worksheet, cells: Cells) -> dict[str, int]:
    """Column numbers by header name."""
    columns: dict[str, int] = {}
    for column in range(1, ws.max_column + 1):
        name = ws.cell(HEADER_ROW, column).value
        if name in (SCORE, VALUE, SCORE_OR_VALUE):
            columns[VALUE_COLUMN] = column
        elif isinstance(name, str):
            columns.setdefault(name, column)
    missing = [name for name in (UNIT, ITEM, VALUE_COLUMN, NOTE, ENTERED_BY) if name not in columns]
    if missing:
        shown = "、".join(f"{SCORE}或{VALUE}" if name == VALUE_COLUMN else name for name in missing)
        raise KaoheError([Problem(cells.where(ws, HEADER_ROW, 1), f"第 {HEADER_ROW} 行的表头缺少：{shown}",
                                  f"请用 kaohe template 生成的{MADE}，不要增删或改名列")])
    return columns


def _row_item(ruleset: Ruleset, kind: str, party: str, mine: dict[str, Item], units: tuple[str, ...], unit: str,
              item_id: str, item_at: Location, unit_at: Location, problems: Problems) -> Item | None:
    """The row's item, when the row is the party's for a unit of the workbook; else a problem and None."""
    if unit not in units or unit not in ruleset.units:
        listed = f"本表的单位：{UNIT_SEPARATOR.join(units)}"
        problems.add(unit_at, f"单位“{unit}”不在本{MADE}的单位名单中" if unit else "这一行没有填单位",
                     did_you_mean(unit, units) or listed)
        return None
    item = mine.get(item_id)
    if item is None:
        other = ruleset.item(item_id)
        who = f"{PROVIDERS[kind]}“{party}”"
        if other is None or other.children:
            problems.add(item_at, f"细则 {ruleset.id} 中没有指标“{item_id}”" if other is None
                         else f"“{item_id}”是分组指标，按其下级指标填报", did_you_mean(item_id, mine))
        elif not other.takes_entry:
            problems.add(item_at, f"指标 {item_id}「{other.title}」{_not_entered(other, ruleset)}，无需填报",
                         f"本表只能填{PROVIDERS[kind]}“{party}”评定的指标：{'、'.join(mine)}")
        elif other.from_results is not None:
            problems.add(item_at, f"指标 {item_id}「{other.title}」取自考核 {other.from_results.ruleset} 的评分结果"
                                  "文件（results.json），由单位在填报表中写明路径，不在评定表中填报",
                         f"本表只能填{PROVIDERS[kind]}“{party}”评定的指标：{'、'.join(mine) or '无'}")
        else:
            given = "由单位自填" if other.provider == "unit" else f"由{other.provider_label}评定"
            problems.add(item_at, f"指标 {item_id}「{other.title}」不由{who}评定（{given}）",
                         f"本表只能填{who}评定的指标：{'、'.join(mine)}")
    return item


def _not_entered(item: Item, ruleset: Ruleset) -> str:
    """Where the value of an item nobody enters comes from: 按单位填报的「生产安全事故」事件计分, 读取 一.3 的填报值."""
    if item.value_of:
        return f"读取 {item.value_of} 的填报值"
    title = next((s.title for s in ruleset.facts if s.name == item.events.fact), item.events.fact)
    return f"按单位填报的「{title}」事件计分"


def _check_values(values: dict[str, Mapping], ruleset: Ruleset, shown: str) -> tuple[dict, list[Problem]]:
    """(unit → its values checked by the evidence loader, as Evidence; the problems it found)."""
    evidence, problems = {}, []
    for unit, unit_values in values.items():
        data = located_mapping(unit_values.loc)
        set_located(data, "unit", unit, unit_values.loc)
        set_located(data, "ruleset", ruleset.id, unit_values.loc)
        set_located(data, "values", unit_values, unit_values.loc)
        try:
            evidence[unit] = evidence_from_data(data, ruleset, shown, "")
        except KaoheError as error:
            problems += error.problems
    return evidence, problems


def _told(problem: Problem, owners: dict[int, _Row], ws: Worksheet, columns: dict[str, int]) -> Problem:
    """A problem in an item's rows, with the unit and the item as its path and what the row takes as its hint."""
    row = owners.get(problem.location.line) if problem.location.sheet == ENTRY_SHEET else None
    if row is None:
        return problem
    ask = ws.cell(row.row, columns[ASK]).value if ASK in columns else ""
    hint = problem.hint or (f"此项应填：{ask}" if ask else "")
    return replace(problem, location=problem.location.at(f"{row.unit} › {row.item.id} {row.item.title}"), hint=hint)


def _data(item: Item, entry: Entry) -> dict:
    """A checked entry as evidence YAML writes it: {"value": …, "note": …}; a checklist's as case → times, every
    case listed (0 for one not found); a ratio's as numerator → n, denominator → d; 不适用 as that text."""
    value = entry.value
    if value == NOT_APPLICABLE:
        value = NOT_APPLICABLE_TEXT
    elif item.value_kind == "ratio":
        part, whole = value
        value = {item.params.numerator: Decimal(part), item.params.denominator: Decimal(whole)}
    elif item.value_kind == "checklist":
        found = dict(value)
        value = {name: Decimal(found.get(name, 0)) for name in item.params.names()}
    elif isinstance(value, Judgement):
        value = {"score": value.score, "reason": value.reason, "inspector": value.inspector}
    elif isinstance(value, tuple):
        value = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    elif isinstance(value, Decimal) and item.unit_required:
        value = f"{format_points(value)}{item.unit}"  # read again, a bare number would be refused
    return {"value": value, **({"note": entry.note} if entry.note else {})}
