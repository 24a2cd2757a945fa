"""Read a filled-in workbook (made by `kaohe template`) into evidence data, every value located by its cell.

The result has the same shape as an evidence YAML file, so `evidence_from_data`
checks it with the same rules and messages; only the places read differently:
`鹿城区.xlsx › 填报 › F12`. What only a workbook can get wrong is refused here,
all problems at once: a number no assessment uses (1e308, twenty decimals), text
with control characters, and an 有/无 answer that disagrees with the 事件 sheet.
The grey rows of items another party provides, and of items counted from the
事件 sheet or reading another item's value, give no value: only the unit's own
target for such an item is read from them. A checklist's case rows give the
mapping case → times found (是 1, 否 0, a count as it is); a ratio's two rows the
mapping numerator → n, denominator → d (both blank: missing; one blank: refused at
that cell); the 事件 sheet's columns after 佐证材料 give each event's declared
attributes, under their names. 不适用 (in a value cell, or in the heading row of a
multi-row item) is read as written, and refused beside answers on the rows below.
An item taken from another assessment's results gives {results: the path typed}.
A %-formatted number in a row whose unit is of the % family is read as written
with %, so that the engine converts it (0.5% in a ‰ item is 5‰). Under the table, rows without a key: the number
typed in the 自评总分 line is `self_total`; the signature lines (填报单位（盖章）, 填报人 …) are for paper, not read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .errors import KaoheError, Location, Problem, Problems, did_you_mean
from .fields import describe
from .loading import (
    MAX_WORKBOOK_BYTES,
    Mapping,
    Sequence,
    number_problem,
    read_bytes,
    refuse_old_office,
    text_problem,
)
from .model import format_points
from .render.entrysheet import ENTRY_SHEET
from .render.fillin import (
    ASK,
    CASE_ASK,
    DENOMINATOR_ASK,
    DERIVED_ASK,
    EVENT_COLUMNS,
    EVENT_SHEET,
    EVENTS_ASK,
    FACT_PREFIX,
    FILES,
    FILL_SHEET,
    HEADER_ROW,
    JUDGED_ASK,
    NOT_APPLICABLE,
    NOTE,
    NUMERATOR_ASK,
    OTHERS_ASK,
    PART_MARK,
    RESULTS_ASK,
    RULESET_CELL,
    SELF,
    SELF_TOTAL,
    TARGET,
    TIMES_ASK,
    UNIT_CELL,
    VALUE,
    YES_NO,
    percent_family,
)

SPLIT_FILES = re.compile(r"[；;，,\n]+")
# Excel writes a control character into the file as _x0007_ (_x000D_ for a carriage return); openpyxl leaves it so.
EXCEL_ESCAPE = re.compile(r"_x00([01][0-9a-f])_", re.IGNORECASE)
EVENT_KEYS = ((2, "kind"), (3, "date"), (4, "title"))
PARTY_WORKBOOK = "这是牵头部门或考核组的评定表，不是单位的填报表：评定表由考核办汇总"
MAX_ATTRIBUTES = 100  # columns read after 佐证材料 on the 事件 sheet; a ruleset declares a handful
MAX_ROWS = 10_000  # a filled template has a few dozen rows; reading a million empty ones would take minutes


def located_mapping(loc: Location) -> Mapping:
    out = Mapping()
    out.loc, out.key_locs = loc, {}
    return out


def located_sequence(loc: Location) -> Sequence:
    out = Sequence()
    out.loc, out.item_locs = loc, []
    return out


def set_located(container: Mapping, key: str, value: Any, loc: Location) -> None:
    container[key] = value
    container.key_locs[key] = loc


def _files(text: Any) -> list[str]:
    return [f.strip() for f in SPLIT_FILES.split(str(text)) if f.strip()]


class Cells:
    """Reads cells as evidence data; a cell that cannot be used is a problem at that cell, read as blank."""

    def __init__(self, shown: str):
        self.shown, self.problems = shown, Problems()

    def where(self, ws: Worksheet, row: int, column: int) -> Location:
        return Location(self.shown, row, column, sheet=ws.title, cell=f"{get_column_letter(column)}{row}")

    def value(self, ws: Worksheet, row: int, column: int) -> Any:
        value, problem, hint = _scalar(ws.cell(row, column))
        if problem:
            self.problems.add(self.where(ws, row, column), problem, hint)
            return None
        return value


MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a filled template unpacks to well under 1 MB


def _check_unpacked_size(raw: bytes, shown: str, made: str) -> None:
    """Refuse a zip bomb before openpyxl inflates it."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception:  # noqa: BLE001 - not a readable zip (bad headers, unsupported version): load_workbook says so
        return
    if unpacked > MAX_UNPACKED_BYTES:
        raise KaoheError([Problem(Location(shown), f"工作簿解压后过大（{unpacked // 1024 // 1024} MB，"
                                                   f"上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB）",
                                  f"请用 kaohe template 生成的{made}")])


def open_workbook(path: Path | str, sheet: str, made: str = "填报表",
                  other_kinds: dict[str, str] | None = None) -> tuple[Any, Worksheet, bytes]:
    """(workbook, its sheet `sheet`, the file's bytes) of a workbook made by `kaohe template` (`made` names which
    kind, for the hints; `other_kinds`: the hint when the sheet is missing but another kind's sheet is there).
    Raises KaoheError for a file that is not a usable workbook: unreadable, an old .xls, a zip bomb, damaged,
    without the sheet, too many rows."""
    shown = str(path)
    raw = read_bytes(path, MAX_WORKBOOK_BYTES)
    refuse_old_office(raw, shown)
    _check_unpacked_size(raw, shown, made)
    try:
        workbook = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise KaoheError([Problem(Location(shown), "无法打开工作簿：文件已损坏或不是 Excel 工作簿（.xlsx）",
                                  f"请用 kaohe template 生成的{made}，填好后另存为 .xlsx")]) from None
    ws = workbook[sheet] if sheet in workbook.sheetnames else None
    if not isinstance(ws, Worksheet):
        raise KaoheError([Problem(Location(shown, sheet=sheet),
                                  f"工作簿中没有“{sheet}”表（现有：{'、'.join(workbook.sheetnames)}）",
                                  next((hint for name, hint in (other_kinds or {}).items()
                                        if name in workbook.sheetnames), f"请用 kaohe template 生成的{made}"))])
    _check_size(workbook, shown, sheet, made)
    return workbook, ws, raw


def read_workbook(path: Path | str) -> tuple[Mapping, str]:
    """(evidence data, sha256 of the file). Raises KaoheError for a file that is not a usable workbook, or with
    every cell that cannot be used."""
    data, digest, problems, _ = workbook_data(path)
    if problems:
        raise KaoheError(problems)
    return data, digest


def workbook_data(path: Path | str) -> tuple[Mapping, str, list[Problem], dict[tuple[str, str], str]]:
    """(evidence data, sha256 of the file, the problems of cells that cannot be used, (sheet, cell) → what the
    fill-in cell takes, its 填报内容). Raises KaoheError for a file that is not a usable workbook; the data is read
    whatever the cells hold, so that a workbook filled for another ruleset or unit can be told as that alone."""
    shown = str(path)
    workbook, ws, raw = open_workbook(path, FILL_SHEET, other_kinds={ENTRY_SHEET: PARTY_WORKBOOK})
    cells = Cells(shown)
    data = located_mapping(Location(shown, sheet=FILL_SHEET))
    for key, name in (("unit", UNIT_CELL), ("ruleset", RULESET_CELL)):
        header = ws[name]
        set_located(data, key, cells.value(ws, header.row, header.column), cells.where(ws, header.row, header.column))
    values, targets = (located_mapping(cells.where(ws, HEADER_ROW, column)) for column in (1, TARGET))
    parts: dict[str, list] = {}
    cases: dict[str, list] = {}
    ratios: dict[str, list] = {}
    titles: dict[str, str] = {}
    asks: dict[tuple[str, str], str] = {}
    fact_rows = []
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        key = cells.value(ws, row, 1)
        if key is None:
            _self_total(cells, ws, row, data, asks)
            continue
        key = str(key)
        ask = str(ws.cell(row, ASK).value or "")
        unit = ws.cell(row, 5).value
        if ask and not ask.startswith((OTHERS_ASK, DERIVED_ASK)):
            asks[(ws.title, cells.where(ws, row, VALUE).cell)] = ask
        in_unit = f"，单位：{unit}" if unit else ""
        asks[(ws.title, cells.where(ws, row, TARGET).cell)] = f"本单位备案的目标值（数字{in_unit}）"
        if ask.startswith((OTHERS_ASK, DERIVED_ASK)):
            # an inspection group or the lead department gives this value, in its own workbook, or it is counted
            # from the 事件 sheet or read from another item; the target is ours
            target = number_cell(cells, ws, row, TARGET, unit)
            if target is not None:
                set_located(targets, key, target, cells.where(ws, row, TARGET))
            continue
        value = number_cell(cells, ws, row, VALUE, unit)
        value_at = cells.where(ws, row, VALUE)
        if key.startswith(FACT_PREFIX):
            fact_rows.append((key[len(FACT_PREFIX):], str(cells.value(ws, row, 2) or ""), value, value_at,
                              EVENTS_ASK in ask))
            continue
        if PART_MARK in key:
            item_id, part = key.split(PART_MARK, 1)
            if ask.startswith((CASE_ASK, TIMES_ASK)):
                cases.setdefault(item_id, []).append((part, value, value_at, ask.startswith(TIMES_ASK)))
            elif ask.startswith((NUMERATOR_ASK, DENOMINATOR_ASK)):
                ratios.setdefault(item_id, []).append((part, value, value_at, "" if unit is None else str(unit)))
            else:
                parts.setdefault(item_id, []).append((part, value, value_at))
            continue
        titles[key] = str(cells.value(ws, row, 2) or "").lstrip("★")
        target = number_cell(cells, ws, row, TARGET, unit)
        if target is not None:
            set_located(targets, key, target, cells.where(ws, row, TARGET))
        files = cells.value(ws, row, FILES)
        self_score = cells.value(ws, row, SELF)
        note = cells.value(ws, row, NOTE)
        entry = located_mapping(value_at)
        if value is not None and value != NOT_APPLICABLE and ask.startswith(JUDGED_ASK):
            value = _judgement(value, note, value_at, cells.where(ws, row, NOTE))
            note = None
        elif isinstance(value, str) and value != NOT_APPLICABLE and ask.startswith(RESULTS_ASK):
            path = located_mapping(value_at)
            set_located(path, "results", value, value_at)
            value = path
        set_located(entry, "value", value, value_at)
        if files is not None:
            set_located(entry, "files", _files(files), cells.where(ws, row, FILES))
        if self_score is not None:
            set_located(entry, "self_score", self_score, cells.where(ws, row, SELF))
        if note is not None:
            set_located(entry, "note", str(note), cells.where(ws, row, NOTE))
        set_located(values, key, entry, value_at)
    for item_id, rows in parts.items():
        if not answered_beside(values, item_id, [loc for _, value, loc in rows if value is not None], cells.problems):
            gather_parts(values, item_id, rows, cells.problems)
    for item_id, rows in cases.items():
        if not answered_beside(values, item_id, [loc for _, value, loc, _ in rows if value is not None],
                               cells.problems):
            gather_checklist(values, item_id, rows, cells.problems)
    for item_id, rows in ratios.items():
        named = f"{item_id}「{titles.get(item_id, '')}」" if titles.get(item_id) else item_id
        if not answered_beside(values, item_id, [loc for _, value, loc, _ in rows if value is not None],
                               cells.problems):
            gather_ratio(values, item_id, named, rows, cells.problems)
    set_located(data, "values", values, values.loc)
    if targets:
        set_located(data, "targets", targets, targets.loc)
    facts = _facts(workbook, fact_rows, cells, cells.where(ws, HEADER_ROW, 1))
    if facts:
        set_located(data, "facts", facts, facts.loc)
    return data, hashlib.sha256(raw).hexdigest(), cells.problems.items, asks


def _self_total(cells: Cells, ws: Worksheet, row: int, data: Mapping, asks: dict) -> None:
    """The 自评总分 line under the table (no key in column A): the number typed under 自评得分 is `self_total`.
    The other lines there (填报单位（盖章）, 填报人 …) are for the printed form and are not read."""
    label = ws.cell(row, 2).value
    if not (isinstance(label, str) and label.startswith(SELF_TOTAL)) or "self_total" in data:
        return
    at = cells.where(ws, row, SELF)
    asks[(ws.title, at.cell)] = f"{SELF_TOTAL}（数字：各项自评得分之和）"
    total = cells.value(ws, row, SELF)
    if total is not None:
        set_located(data, "self_total", total, at)


def _check_size(workbook, shown: str, sheet: str, made: str) -> None:
    for name in (sheet, EVENT_SHEET):
        ws = workbook[name] if name in workbook.sheetnames else None
        if isinstance(ws, Worksheet) and ws.max_row > MAX_ROWS:
            raise KaoheError([Problem(Location(shown, sheet=ws.title),
                                      f"“{ws.title}”表写到了第 {ws.max_row} 行，超出{made}的 {MAX_ROWS} 行上限",
                                      f"请用 kaohe template 生成的{made}，不要在表格下方粘贴其他内容")])


def _judgement(score, reason, score_loc: Location, reason_loc: Location) -> Mapping:
    """A judged row: the score in the value cell, the reason in 备注 (a blank reason is refused by the checks)."""
    out = located_mapping(score_loc)
    set_located(out, "score", score, score_loc)
    set_located(out, "reason", "" if reason is None else str(reason), reason_loc)
    return out


def answered_beside(values: Mapping, item_id: str, answered: list[Location], problems: Problems) -> bool:
    """Whether the heading row of a multi-row item says 不适用 (or anything) while rows below it are answered too:
    then a problem at the heading's value cell, and the rows are not gathered."""
    entry = values.get(item_id)
    said = entry.get("value") if isinstance(entry, dict) else None
    if said is None or not answered:
        return False
    at = entry.key_locs["value"]
    cells = "、".join(loc.cell or str(loc.line) for loc in answered)
    problems.add(at.at(f"values › {item_id}"), f"本行选了“{said}”，下列各行（{cells}）却填了答案",
                 f"本项不适用的，请清空下列各行；适用的，请删除本行的“{said}”")
    return True


def gather_ratio(values: Mapping, item_id: str, named: str, rows: list, problems: Problems) -> None:
    """The two rows of a `ratio` item as the mapping numerator → n, denominator → d. `rows`: (name, answer,
    where, what is counted) in the order numerator, denominator. Both blank: the value is missing; one blank, or
    an answer that is not a whole number ≥ 0: a problem at that cell."""
    given = [name for name, value, _, _ in rows if value is not None]
    if not given:
        return
    found = located_mapping(rows[0][2])
    ok = True
    for name, value, loc, counted in rows:
        counted_in = f"，单位：{counted}" if counted else ""
        if value is None:
            problems.add(loc.at(f"values › {item_id}"), f"{named}填了{'、'.join(given)}，没有填{name}",
                         f"请填{name}（不小于0的整数{counted_in}）；本项两行都留空视为未填报")
            ok = False
        elif (not isinstance(value, Decimal) or isinstance(value, bool) or value < 0
              or value != value.to_integral_value()):
            problems.add(loc.at(f"values › {item_id}"), f"{named}的{name}应填不小于0的整数，实际为{describe(value)}",
                         f"请填{name}（不小于0的整数{counted_in}）")
            ok = False
        else:
            set_located(found, name, value, loc)
    if not ok:
        return
    # the engine refuses a denominator of 0, or a numerator above it, at the value's place: the cell to correct
    at = rows[1][2] if rows[1][1] == 0 else rows[0][2]
    entry = values.get(item_id) or located_mapping(at)
    found.loc = at
    set_located(entry, "value", found, at)
    set_located(values, item_id, entry, values.key_locs.get(item_id, at))


def number_cell(cells: Cells, ws: Worksheet, row: int, column: int, unit: Any) -> Any:
    """A value or target cell; a %-formatted number in a row whose unit is of the % family is the text "93.5%", so
    the engine converts it to the row's unit (0.5% in a ‰ item is 5‰; in a % item it stays 93.5)."""
    value = cells.value(ws, row, column)
    if (isinstance(value, Decimal) and isinstance(unit, str) and percent_family(unit)
            and "%" in (ws.cell(row, column).number_format or "")):
        return f"{format_points(value)}%"
    return value


def gather_parts(values: Mapping, item_id: str, rows: list, problems: Problems) -> None:
    """The 是/否 answers on the part rows of a `parts` item, as the list of parts done."""
    given = [(part, value, loc) for part, value, loc in rows if value is not None]
    if not given:
        return  # no part answered: the value is missing, not "none done"
    done = located_sequence(given[0][2])
    for part, value, loc in given:
        if value not in YES_NO and not isinstance(value, bool):
            problems.add(loc.at(f"values › {item_id}"), f"应填 是/否，实际为{describe(value)}",
                         f"“{part}”完成了填“是”，没有完成填“否”")
        elif value is True or value == YES_NO[0]:
            done.append(part)
            done.item_locs.append(loc)
    entry = values.get(item_id) or located_mapping(given[0][2])
    set_located(entry, "value", done, given[0][2])
    set_located(values, item_id, entry, values.key_locs.get(item_id, given[0][2]))


def gather_checklist(values: Mapping, item_id: str, rows: list, problems: Problems) -> None:
    """The answers on the case rows of a `checklist` item, as the mapping case → times found: 是 1, 否 0, a count
    as it is. `rows`: (case, answer, where, counted per occurrence)."""
    given = [(case, value, loc, per) for case, value, loc, per in rows if value is not None]
    if not given:
        return  # no case answered: the value is missing, not "none found"
    found = located_mapping(given[0][2])
    for case, value, loc, per in given:
        times = _times(value, per)
        if times is None and per:
            problems.add(loc.at(f"values › {item_id}"), f"应填不小于0的整数（次数），实际为{describe(value)}",
                         f"填“{case}”发生的次数，没有发生填0")
        elif times is None:
            problems.add(loc.at(f"values › {item_id}"), f"应填 是/否，实际为{describe(value)}",
                         f"有“{case}”的情形填“是”，没有填“否”")
        else:
            set_located(found, case, times, loc)
    entry = values.get(item_id) or located_mapping(given[0][2])
    set_located(entry, "value", found, given[0][2])
    set_located(values, item_id, entry, values.key_locs.get(item_id, given[0][2]))


def _times(value: Any, per: bool) -> Decimal | None:
    """A case's answer as the number of times found: 是 1, 否 0 (a case found once or not); a whole number ≥ 0
    (a case counted per occurrence). None when the answer is neither."""
    if per:
        if isinstance(value, Decimal) and value >= 0 and value == value.to_integral_value():
            return value
        return None
    if value is True or value == YES_NO[0]:
        return Decimal(1)
    if value is False or value == YES_NO[1]:
        return Decimal(0)
    return None


def _facts(workbook, fact_rows: list, cells: Cells, loc: Location) -> Mapping:
    """The fact rows of 填报; a fact of events is its rows on the 事件 sheet, which must agree with its 有/无."""
    facts = located_mapping(loc)
    titles = [title for _, title, _, _, events in fact_rows if events]
    listed = _event_rows(workbook, titles, cells)
    sheet = EVENT_SHEET if EVENT_SHEET in workbook.sheetnames else ""
    for name, title, answer, where, events in fact_rows:
        at = where.at(f"facts › {name}")
        if not events:
            if answer is not None:
                set_located(facts, name, answer, where)
            continue
        found = listed.get(title) or located_sequence(Location(cells.shown, sheet=EVENT_SHEET))
        rows = "、".join(str(event_loc.line) for event_loc in found.item_locs)
        if answer == "有" and found:
            set_located(facts, name, found, where)
        elif answer == "有" and not sheet:
            cells.problems.add(at, f"答“有”，但工作簿中没有“{EVENT_SHEET}”表（现有：{'、'.join(workbook.sheetnames)}）",
                               f"请在 kaohe template 生成的填报表的“{EVENT_SHEET}”表逐条填写事件，或改答“无”")
        elif answer == "有":
            cells.problems.add(at, f"答“有”，但“{EVENT_SHEET}”表中没有“{title}”的事件行",
                               f"请在“{EVENT_SHEET}”表逐条填写事件（“事实”列选“{title}”），或改答“无”")
        elif answer == "无" and found:
            cells.problems.add(at, f"答“无”，但“{EVENT_SHEET}”表第 {rows} 行填了“{title}”的事件",
                               "两者须一致：有事件请改答“有”，没有事件请删除这些事件行")
        elif answer == "无":
            set_located(facts, name, found, where)
        elif answer is None and found:
            cells.problems.add(at, f"未答“有/无”，但“{EVENT_SHEET}”表第 {rows} 行填了“{title}”的事件",
                               "请改答“有”；如果这些事件不该填报，请删除事件行并答“无”")
        elif answer is not None:
            cells.problems.add(at, f"应填 有/无，实际为{describe(answer)}",
                               f"请从下拉列表选择“有”或“无”；有事件的逐条填在“{EVENT_SHEET}”表")
    return facts


def _event_rows(workbook, titles: list[str], cells: Cells) -> dict[str, Sequence]:
    """The rows of the 事件 sheet by fact title; a row that names no fact of events is refused. The columns after
    佐证材料 are the declared attributes, each put into the event under its header (the attribute's name)."""
    if EVENT_SHEET not in workbook.sheetnames or not isinstance(workbook[EVENT_SHEET], Worksheet):
        return {}
    ws = workbook[EVENT_SHEET]
    attributes = _attribute_columns(ws)
    listed: dict[str, Sequence] = {}
    for row in range(2, ws.max_row + 1):
        fact, *rest = (cells.value(ws, row, column) for column in range(1, len(EVENT_COLUMNS) + 1))
        extra = {name: cells.value(ws, row, column) for column, name in attributes}
        where = cells.where(ws, row, 1)
        if fact is None:
            if any(value is not None for value in rest + list(extra.values())):
                cells.problems.add(where, "这一行填了事件，但没有填“事实”列",
                                   f"请在“事实”列选择事件所属的事实（{'、'.join(titles) or '本细则没有事件类事实'}），"
                                   "或删除这一行")
            continue
        fact = str(fact)
        if fact not in titles:
            listed_titles = f"可选：{'、'.join(titles)}" if titles else "本细则没有要逐条填报的事件"
            hint = did_you_mean(fact, titles) or listed_titles
            cells.problems.add(where, f"“事实”列填的“{fact}”不是填报表中需要逐条填报事件的事实", hint)
            continue
        if rest[0] is None:  # the event's kind is required: said at its own cell, not as a missing "kind"
            cells.problems.add(cells.where(ws, row, EVENT_KEYS[0][0]), f"这一行“{fact}”事件没有填“类型”",
                               "请在该单元格从下拉列表选择事件的类型")
        event = located_mapping(where)
        for (column, key), value in zip(EVENT_KEYS, rest[:len(EVENT_KEYS)], strict=True):
            if value is not None:
                set_located(event, key, str(value) if key == "title" else value, cells.where(ws, row, column))
        if rest[-1] is not None:
            set_located(event, "files", _files(rest[-1]), cells.where(ws, row, len(EVENT_COLUMNS)))
        for column, name in attributes:
            if extra[name] is not None:
                set_located(event, name, extra[name], cells.where(ws, row, column))
        found = listed.setdefault(fact, located_sequence(where))
        found.append(event)
        found.item_locs.append(where)
    return listed


def _attribute_columns(ws: Worksheet) -> list[tuple[int, str]]:
    """(column, attribute name) of the 事件 sheet's columns after 佐证材料: the header is the attribute's name."""
    columns = []
    for column in range(len(EVENT_COLUMNS) + 1, min(ws.max_column, MAX_ATTRIBUTES + len(EVENT_COLUMNS)) + 1):
        name = ws.cell(1, column).value
        if isinstance(name, str) and name.strip():
            columns.append((column, name.strip()))
    return columns


def _scalar(cell) -> tuple[Any, str, str]:
    """(value, problem, hint) of a cell as evidence data: Decimal for numbers (a %-formatted 0.935 is 93.5), date,
    or trimmed text; a problem (with its hint) for a number or text no evidence can hold."""
    value = cell.value
    if value is None or isinstance(value, bool):
        return value, "", ""
    if isinstance(value, (int, float)):
        number = Decimal(str(value))  # Excel stores binary doubles; str() gives back the digits shown
        if "%" in (cell.number_format or ""):
            number *= 100
        problem = number_problem(number)
        if problem:
            return None, f"无法使用的数字 {number}：{problem}", "请填写实际的数值（四舍五入到所需的位数）"
        return number, "", ""
    if isinstance(value, dt.datetime):
        return value.date(), "", ""
    if isinstance(value, dt.date):
        return value, "", ""
    text = EXCEL_ESCAPE.sub(lambda escape: chr(int(escape.group(1), 16)), str(value)).strip()
    problem = text_problem(text)
    if problem:
        return None, problem, ""
    return text or None, "", ""
