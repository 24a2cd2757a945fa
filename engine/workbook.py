"""Read a filled-in workbook (made by `kaohe template`) into evidence data, every value located by its cell.

The result has the same shape as an evidence YAML file, so `evidence_from_data`
checks it with the same rules and messages; only the places read differently:
`鹿城区.xlsx › 填报 › F12`.
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
from openpyxl.utils.exceptions import InvalidFileException

from .errors import KaoheError, Location, Problem
from .loading import Mapping, Sequence, read_bytes
from .render.fillin import (
    EVENT_SHEET,
    FACT_PREFIX,
    FILES,
    FILL_SHEET,
    HEADER_ROW,
    NOTE,
    PART_MARK,
    RULESET_CELL,
    SELF,
    TARGET,
    UNIT_CELL,
    VALUE,
)

SPLIT_FILES = re.compile(r"[；;，,\n]+")


def _mapping(loc: Location) -> Mapping:
    out = Mapping()
    out.loc, out.key_locs = loc, {}
    return out


def _sequence(loc: Location) -> Sequence:
    out = Sequence()
    out.loc, out.item_locs = loc, []
    return out


def _set(container: Mapping, key: str, value: Any, loc: Location) -> None:
    container[key] = value
    container.key_locs[key] = loc


def read_workbook(path: Path | str) -> tuple[Mapping, str]:
    """(evidence data, sha256 of the file). Raises KaoheError for a file that is not a usable workbook."""
    shown = str(path)
    raw = read_bytes(path)
    try:
        workbook = load_workbook(io.BytesIO(raw), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise KaoheError([Problem(Location(shown), f"无法打开工作簿：文件已损坏或不是 Excel 工作簿（.xlsx）（{exc}）",
                                  "请用 kaohe template 生成的填报表，填好后另存为 .xlsx")]) from None
    if FILL_SHEET not in workbook.sheetnames:
        raise KaoheError([Problem(Location(shown, sheet=FILL_SHEET),
                                  f"工作簿中没有“{FILL_SHEET}”表（现有：{'、'.join(workbook.sheetnames)}）",
                                  "请用 kaohe template 生成的填报表")])
    ws = workbook[FILL_SHEET]

    def where(row: int, column: int) -> Location:
        return Location(shown, row, column, sheet=FILL_SHEET, cell=f"{get_column_letter(column)}{row}")

    data = _mapping(Location(shown, sheet=FILL_SHEET))
    for key, name in (("unit", UNIT_CELL), ("ruleset", RULESET_CELL)):
        header = ws[name]
        _set(data, key, _scalar(header), where(header.row, header.column))
    values, targets, facts = (_mapping(where(HEADER_ROW, column)) for column in (1, TARGET, 1))
    parts: dict[str, list] = {}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        key = _scalar(ws.cell(row, 1))
        if key is None:
            continue
        key = str(key)
        value = _scalar(ws.cell(row, VALUE))
        if key.startswith(FACT_PREFIX):
            name = key[len(FACT_PREFIX):]
            if value is not None:
                fact = _events(workbook, ws.cell(row, 2).value, shown) if value in ("有", "无") else value
                _set(facts, name, [] if value == "无" else fact, where(row, VALUE))
            continue
        if PART_MARK in key:
            item_id, part = key.split(PART_MARK, 1)
            parts.setdefault(item_id, []).append((part, value, where(row, VALUE)))
            continue
        target = _scalar(ws.cell(row, TARGET))
        if target is not None:
            _set(targets, key, target, where(row, TARGET))
        files = _scalar(ws.cell(row, FILES))
        self_score = _scalar(ws.cell(row, SELF))
        note = _scalar(ws.cell(row, NOTE))
        entry = _mapping(where(row, VALUE))
        if isinstance(value, (Decimal, str)) and note is not None and _is_judged_row(ws, row):
            value = _judgement(value, note, where(row, VALUE), where(row, NOTE))
            note = None
        _set(entry, "value", value, where(row, VALUE))
        if files is not None:
            _set(entry, "files", [f.strip() for f in SPLIT_FILES.split(str(files)) if f.strip()], where(row, FILES))
        if self_score is not None:
            _set(entry, "self_score", self_score, where(row, SELF))
        if note is not None:
            _set(entry, "note", str(note), where(row, NOTE))
        _set(values, key, entry, where(row, VALUE))
    for item_id, rows in parts.items():
        given = [(part, value, loc) for part, value, loc in rows if value is not None]
        if not given:
            continue  # no part answered: the value is missing, not "none done"
        done = _sequence(given[0][2])
        for part, value, loc in given:
            if value not in ("是", "否"):
                raise KaoheError([Problem(loc.at(f"values › {item_id}"), f"应填 是/否，实际为“{value}”")])
            if value == "是":
                done.append(part)
                done.item_locs.append(loc)
        entry = values.get(item_id) or _mapping(given[0][2])
        _set(entry, "value", done, given[0][2])
        _set(values, item_id, entry, values.key_locs.get(item_id, given[0][2]))
    _set(data, "values", values, values.loc)
    if targets:
        _set(data, "targets", targets, targets.loc)
    if facts:
        _set(data, "facts", facts, facts.loc)
    return data, hashlib.sha256(raw).hexdigest()


def _is_judged_row(ws, row: int) -> bool:
    return str(ws.cell(row, 4).value or "").startswith("核查评分")


def _judgement(score, reason, score_loc: Location, reason_loc: Location) -> Mapping:
    out = _mapping(score_loc)
    _set(out, "score", score, score_loc)
    _set(out, "reason", str(reason), reason_loc)
    return out


def _events(workbook, fact_title: str, shown: str) -> Sequence:
    ws = workbook[EVENT_SHEET] if EVENT_SHEET in workbook.sheetnames else None
    found = _sequence(Location(shown, sheet=EVENT_SHEET))
    if ws is None:
        return found
    for row in range(2, ws.max_row + 1):
        if _scalar(ws.cell(row, 1)) != fact_title:
            continue
        loc = Location(shown, row, 1, sheet=EVENT_SHEET, cell=f"A{row}")
        event = _mapping(loc)
        for column, key in ((2, "kind"), (3, "date"), (4, "title")):
            value = _scalar(ws.cell(row, column))
            if value is not None:
                cell_loc = Location(shown, row, column, sheet=EVENT_SHEET, cell=f"{get_column_letter(column)}{row}")
                _set(event, key, value if key != "title" else str(value), cell_loc)
        files = _scalar(ws.cell(row, 5))
        if files is not None:
            _set(event, "files", [f.strip() for f in SPLIT_FILES.split(str(files)) if f.strip()],
                 Location(shown, row, 5, sheet=EVENT_SHEET, cell=f"E{row}"))
        found.append(event)
        found.item_locs.append(loc)
    return found


def _scalar(cell) -> Any:
    """A cell's value as evidence data: Decimal for numbers (a %-formatted 0.935 is 93.5), date, or trimmed text."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = Decimal(str(value))  # Excel stores binary doubles; str() gives back the digits shown
        if "%" in (cell.number_format or ""):
            number *= 100
        return number
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    return text or None
