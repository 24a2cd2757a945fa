"""Read one unit's evidence (YAML or JSON) and check every value against the ruleset.

Values are typed by the item's scoring method: yes/no, a declared level, a list
of declared parts, a count, a number (a rate in % must lie in 0–100), or an
inspector's judgement with its reason. A value left out or written as null is
not an error here: the item is reported as unscored, never scored as 0. The unit
name is required. Every problem is located: file:line:column, a workbook cell, or
at least the file when the data came without positions; its path names things as
the reader does (指标 一.2「……」 › 填报值, 事实「质量安全事件」第1起 › 日期), and a
workbook cell's problem says what the cell takes. Evidence filled for another
ruleset, or for a unit not on the roster, is refused with that one problem alone.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import KaoheError, Location, Problem, Problems, did_you_mean
from .fields import Fields, describe, full_stop_problem, half_width, number_text
from .linked import results_value
from .loading import location_of, parse_text, read_document
from .model import (
    NOT_APPLICABLE,
    Entry,
    Event,
    Evidence,
    FactSpec,
    Item,
    Judgement,
    Ruleset,
    ScoreAdjustment,
    format_points,
)
from .units import accepted, convert, doubtful_scale, split

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YES = ("是", "有", "已完成", "yes")
NOT_APPLICABLE_WORDS = ("不适用", "未选择")  # an item that does not apply, an optional task not chosen
NO = ("否", "无", "未完成", "no")
MAX_UNIT_NAME = 100  # characters
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # in a unit name, tabs and line breaks too: it names files


def load_evidence(path: Path | str, ruleset: Ruleset, rescoring: tuple[str, ...] = ()) -> Evidence:
    """Read and check one evidence file: YAML, JSON or a filled-in workbook. Raises KaoheError with every problem."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        data, digest, asks = _workbook(path, ruleset, rescoring)
        try:
            return evidence_from_data(data, ruleset, str(path), digest, rescoring, folder=Path(path).parent)
        except KaoheError as error:
            raise KaoheError([_asked(p, asks) for p in error.problems]) from None
    data, digest = read_document(path)
    return evidence_from_data(data, ruleset, str(path), digest, rescoring, folder=Path(path).parent)


def read_filled_workbook(path: Path | str, ruleset: Ruleset, rescoring: tuple[str, ...] = ()) -> tuple[Any, str]:
    """(evidence data, sha256 of the file) of a filled-in workbook, for `evidence_from_data`. Raises KaoheError with
    the cells that cannot be used, each named as the reader names it and with what the cell takes; or, for a
    workbook filled for another ruleset or a unit not on the roster, with that one problem alone."""
    data, digest, _ = _workbook(path, ruleset, rescoring)
    return data, digest


def _workbook(path: Path | str, ruleset: Ruleset, rescoring: tuple[str, ...]) -> tuple[Any, str, dict]:
    from .workbook import workbook_data  # openpyxl is only loaded when a workbook is given
    data, digest, problems, asks = workbook_data(path)
    if problems:  # a workbook filled for another ruleset or unit says only that; else every cell, named
        mismatch = _mismatch(data, ruleset, rescoring, str(path))
        raise KaoheError([mismatch] if mismatch else [_asked(_readable(p, ruleset), asks) for p in problems])
    return data, digest, asks


def _asked(problem: Problem, asks: dict[tuple[str, str], str]) -> Problem:
    """A problem at a workbook's fill-in cell, with what that cell takes as its hint when it has none."""
    ask = asks.get((problem.location.sheet, problem.location.cell))
    return replace(problem, hint=f"此格应填：{ask}") if ask and not problem.hint else problem


def evidence_from_text(text: str, ruleset: Ruleset, file: str = "<输入>", folder: Path | None = None) -> Evidence:
    """`folder`: where results files named in the text are read from (see evidence_from_data)."""
    return evidence_from_data(parse_text(text, file), ruleset, file, hashlib.sha256(text.encode()).hexdigest(),
                              folder=folder)


def evidence_from_data(data: Any, ruleset: Ruleset, file: str, digest: str,
                       rescoring: tuple[str, ...] = (), folder: Path | None = None) -> Evidence:
    """Check evidence against a ruleset. `rescoring` names other rulesets (last year's) whose evidence is accepted:
    values for items this ruleset no longer has are then set aside and listed, not refused. `folder`: where the
    results files that items taken from another assessment name are looked for; without it (an upload, a round's
    record) such a path is refused, so no one can make a server read its own files."""
    if not isinstance(data, dict):
        raise KaoheError([Problem(location_of(data, fallback=Location(file)),
                                  f"填报材料应为映射（unit、ruleset、values ……），实际为{describe(data)}")])
    if str(data.get("format", "")).startswith("kaohe."):  # results.json or another output of ours
        raise KaoheError([Problem(location_of(data, fallback=Location(file)),
                                  f"这是 kaohe 输出的结果文件（{data['format']}），不是填报材料",
                                  "评分结果请放在材料文件夹以外；填报材料见 kaohe template 生成的填报表或样例 YAML")])
    mismatch = _mismatch(data, ruleset, rescoring, file)
    if mismatch is not None:  # every other finding would follow from it: items, facts, targets of another ruleset
        raise KaoheError([mismatch])
    problems = Problems()
    f = Fields(data, "", problems, at=Location(file))
    unit = f.text("unit")
    if f.has("unit") and (data["unit"] is None or isinstance(data["unit"], str)):
        _check_unit(unit, f.where("unit"), ruleset, problems)
    ruleset_id = f.text("ruleset")
    leaves = {item.id: item for item in ruleset.leaves()}
    sections = {item.id for item in ruleset.all_items() if item.children}
    entries = {}
    ignored = []
    warnings: list[Problem] = []
    values = f.mapping("values") or {}
    for item_id, raw in values.items():
        where = location_of(values, item_id).at(f"values › {item_id}")
        if rescoring and item_id not in leaves:
            ignored.append(item_id)
        elif item_id in sections:
            problems.add(where, f'"{item_id}" 是分组指标，按其下级指标填报')
        elif item_id not in leaves:
            problems.add(where, f'细则中没有指标 "{item_id}"', did_you_mean(item_id, leaves))
        elif not leaves[item_id].takes_entry:
            problems.add(where, _not_filed(leaves[item_id], ruleset))
        else:
            entries[item_id] = _entry(leaves[item_id], raw, where, problems, warnings, folder, unit)
    targets, target_sources = {}, {}
    target_table = f.mapping("targets", None) or {}
    for item_id, raw in target_table.items():
        where = location_of(target_table, item_id).at(f"targets › {item_id}")
        item = leaves.get(item_id)
        if item is None and rescoring:
            continue
        if item is None:
            problems.add(where, f'细则中没有指标 "{item_id}"，无法备案目标', did_you_mean(item_id, leaves))
        elif item.target is None and not _takes_target(item):
            problems.add(where, f'指标 "{item_id}" 的评分方法 {item.method} 不使用目标值')
        elif not item.target_filed:
            fixed = f"（{format_points(item.target)}{item.unit}）" if item.target is not None else ""
            problems.add(where, f"指标 {item.id}「{item.title}」的目标由细则规定{fixed}，不接受单位备案",
                         "细则中标明 target_filed: true（目标备案）的指标才可备案目标；请删去此处填写的目标")
        else:
            if isinstance(raw, dict):  # {value, source}: a target the record filled in, saying where from
                t = Fields(raw, where.path, problems, at=where)
                raw = t.raw("value")
                source = t.text("source", "")
                t.done()
                if source:
                    target_sources[item_id] = source
            number = _number(item, raw, where, problems, "备案目标")
            if number is not None:
                targets[item_id] = number
    adjustments = _adjustments(f.mapping("adjustments", None) or {}, leaves, problems)
    facts = {}
    fact_table = f.mapping("facts", None) or {}
    specs = {spec.name: spec for spec in ruleset.facts}
    for name, raw in fact_table.items():
        where = location_of(fact_table, name).at(f"facts › {name}")
        if name not in specs and rescoring:
            continue
        if name not in specs:
            problems.add(where, f'细则中没有定义事实 "{name}"', did_you_mean(name, specs))
        elif raw is not None:
            facts[name] = _fact(specs[name], raw, where, problems)
    evidence = Evidence(unit=unit, ruleset_id=ruleset_id or ruleset.id, entries=entries, targets=targets, facts=facts,
                        sample=bool(f.boolean("sample", False)), self_total=f.decimal("self_total", None),
                        note=f.text("note", ""), file=file, digest=digest, ignored=tuple(ignored),
                        adjustments=adjustments, target_sources=target_sources,
                        history=_history(f, ruleset, problems), warnings=tuple(warnings))
    f.raw("year", None)
    f.done()
    if problems:  # a plain dict (a test case, a program's data) has no positions: the file at least
        raise KaoheError(_readable(p if p.location.file else replace(p, location=replace(p.location, file=file)),
                                   ruleset) for p in problems.items)
    if warnings:
        evidence = replace(evidence, warnings=tuple(_readable(w, ruleset) for w in warnings))
    return evidence


def _mismatch(data: Any, ruleset: Ruleset, rescoring: tuple[str, ...], file: str) -> Problem | None:
    """The one problem of evidence filled for another ruleset, or for a unit not on this ruleset's roster: told
    alone, since every item, fact and target it holds would otherwise be refused after it."""
    if not isinstance(data, dict):
        return None

    def at(key: str) -> Location:
        where = location_of(data, key, Location(file))
        return where if where.file else replace(where, file=file)

    filled = data.get("ruleset")
    filled = format_points(filled) if isinstance(filled, Decimal) and not isinstance(filled, bool) else filled
    if isinstance(filled, str) and filled.strip() and filled != ruleset.id and filled not in rescoring:
        return Problem(at("ruleset"), f"这份材料是按细则“{filled}”填报的，不是所用的细则“{ruleset.id}”",
                       f"请用细则 {filled} 评分；若应按细则 {ruleset.id} 考核，请用 kaohe template 按本细则重新生成"
                       "填报表，重新填报")
    unit = data.get("unit")
    if (ruleset.units and isinstance(unit, str) and unit.strip() and not CONTROL.search(unit)
            and len(unit) <= MAX_UNIT_NAME and unit not in ruleset.units):
        return Problem(at("unit"), f'单位 "{unit}" 不在细则 {ruleset.id} 的被考核单位名单中',
                       did_you_mean(unit, ruleset.units) or f"名单：{'、'.join(ruleset.units)}")
    return None


# How the keys inside evidence are named to its reader, by where they stand.
_TOP_KEYS = {"unit": "", "ruleset": "", "values": "填报值", "targets": "备案目标", "facts": "事实",
             "adjustments": "得分调整", "history": "历年等次", "sample": "样例", "self_total": "自评总分",
             "note": "备注", "year": "年度"}
_ENTRY_KEYS = {"value": "填报值", "files": "佐证材料", "self_score": "自评分", "note": "备注", "score": "评分",
               "reason": "理由", "inspector": "评定人", "results": "结果文件"}
_TARGET_KEYS = {"value": "目标值", "source": "来源"}
_ADJUSTMENT_KEYS = {"score": "调整后得分", "reason": "理由", "by": "调整人", "at": "调整时间"}
_EVENT_KEYS = {"kind": "类型", "date": "日期", "title": "事件名称", "files": "佐证材料"}
_EVENT = re.compile(r"(.+?)\[(\d+)\]")


def readable_path(path: str, ruleset: Ruleset) -> str:
    """A path inside evidence as its reader names things: "values › 一.2 › value" → "指标 一.2「产品质量监督抽查
    合格率」 › 填报值", "facts › incidents[1] › date" → "事实「质量安全事件」第1起 › 日期"; other paths as they are."""
    head, *rest = path.split(" › ")
    if head in ("values", "targets", "adjustments") and rest:
        item = ruleset.item(rest[0])
        named = f"指标 {rest[0]}「{item.title}」" if item is not None else f"指标 {rest[0]}"
        keys = rest[1:]
        if head == "values":
            if keys[:1] == ["value"] and keys[1:2] and keys[1] in ("score", "reason", "inspector", "results"):
                keys = keys[1:]  # a judged value's score and reason: 指标 … › 评分, not › 填报值 › 评分
            words = [_ENTRY_KEYS.get(key, key) for key in keys]
        elif head == "targets":
            words = ["备案目标", *(_TARGET_KEYS.get(key, key) for key in keys if key != "value")]
        else:
            words = ["得分调整", *(_ADJUSTMENT_KEYS.get(key, key) for key in keys)]
        return " › ".join([named, *words])
    if head == "facts" and rest:
        event = _EVENT.fullmatch(rest[0])
        name, number = event.groups() if event else (rest[0], "")
        title = next((spec.title for spec in ruleset.facts if spec.name == name), "")
        named = (f"事实「{title}」" if title else f"事实 {name}") + (f"第{number}起" if number else "")
        return " › ".join([named, *(_EVENT_KEYS.get(key, key) for key in rest[1:])])
    if head == "history" and rest:
        return " › ".join(["历年等次", rest[0] + ("年" if re.fullmatch(r"\d{4}", rest[0]) else ""), *rest[1:]])
    if not rest and head in _TOP_KEYS:
        return _TOP_KEYS[head]
    return path


def _readable(problem: Problem, ruleset: Ruleset) -> Problem:
    """The problem with its path as the reader names things (指标 一.2「……」 › 填报值)."""
    where = problem.location
    return replace(problem, location=where.at(readable_path(where.path, ruleset))) if where.path else problem


def _adjustments(table: dict, leaves: dict[str, Item], problems: Problems) -> dict[str, ScoreAdjustment]:
    """adjustments: {item: {score, reason, by, at}} — the office's changes to scores, each with its reason."""
    found = {}
    for item_id, raw in table.items():
        where = location_of(table, item_id).at(f"adjustments › {item_id}")
        item = leaves.get(item_id)
        if item is None:
            problems.add(where, f'细则中没有指标 "{item_id}"，无法调整其得分', did_you_mean(item_id, leaves))
            continue
        if not isinstance(raw, dict):
            problems.add(where, f"调整应为映射（score、reason、by、at），实际为{describe(raw)}")
            continue
        a = Fields(raw, where.path, problems, at=where)
        score = a.decimal("score")
        reason = a.text("reason")
        if not reason.strip():
            problems.add(a.where("reason"), f"调整 {item.id}「{item.title}」的得分必须写明理由",
                         "请在该单元格写明调整理由" if a.where("reason").cell else "请在 reason 中写明调整理由")
        low, high = ((-item.points if item.points else None, Decimal(0)) if item.penalty else (Decimal(0), item.cap))
        if score is not None and not ((low is None or low <= score) and score <= high):
            shown = f"{format_points(low)}–{format_points(high)}" if low is not None else "不大于0"
            problems.add(a.where("score"), f"调整后的得分 {format_points(score)} 超出 {item.id}「{item.title}」的"
                                           f"分值范围 {shown}")
        adjustment = ScoreAdjustment(score, reason, a.text("by", ""), a.text("at", ""))
        a.done()
        if score is not None:
            found[item_id] = adjustment
    return found


def _check_unit(unit: str, where: Location, ruleset: Ruleset, problems: Problems) -> None:
    """The unit names the score sheet and its file: required, printable, of a sane length, on the roster."""
    roster = f"名单：{'、'.join(ruleset.units)}" if ruleset.units else ""
    fill_in = "请填写被考核单位名称" + (f"（{roster}）" if roster else "")
    control = CONTROL.search(unit)
    if not unit:
        problems.add(where, "被考核单位名称是必填的，这里为空", fill_in)
    elif not unit.strip():
        problems.add(where, "被考核单位名称只有空白字符", fill_in)
    elif control:
        problems.add(where, f"被考核单位名称含有控制字符 U+{ord(control.group()):04X}",
                     "控制字符常由复制粘贴带入，请删除后重新填写")
    elif len(unit) > MAX_UNIT_NAME:
        problems.add(where, f"被考核单位名称过长（{len(unit)} 个字符，最多 {MAX_UNIT_NAME} 个）", roster or fill_in)
    elif ruleset.units and unit not in ruleset.units:
        problems.add(where, f'单位 "{unit}" 不在细则 {ruleset.id} 的被考核单位名单中',
                     did_you_mean(unit, ruleset.units) or roster)


def _history(f: Fields, ruleset: Ruleset, problems: Problems) -> dict[str, str]:
    """`history: {2013: D}`: the unit's final grades of earlier years, read by 连续两年…… rules."""
    table = f.mapping("history", None) or {}
    out = {}
    for year, grade in table.items():
        where = location_of(table, year).at(f"history › {year}")
        if not re.fullmatch(r"\d{4}", str(year)):
            problems.add(where, f"年度应为四位数字，如 2013，实际为 {year}")
        elif not isinstance(grade, str) or grade not in ruleset.grading.labels:
            problems.add(where, f"{year}年的等次应为 {'、'.join(ruleset.grading.labels)} 之一，实际为{describe(grade)}")
        else:
            out[str(year)] = grade
    return out


def _not_filed(item: Item, ruleset: Ruleset) -> str:
    """Why an item takes no value of its own in `values:`."""
    named = f"指标 {item.id}「{item.title}」"
    if item.events is not None:
        title = next((s.title for s in ruleset.facts if s.name == item.events.fact), item.events.fact)
        return (f"{named}按事实「{title}」中的事件计分，不另填报值；"
                f"请在事实「{title}」（facts: {item.events.fact}）中逐起填写事件")
    source = ruleset.item(item.value_of)
    read = f"{item.value_of}「{source.title}」" if source is not None else item.value_of
    return f"{named}读取 {read}{'' if source is not None else ' '}的填报值，不另填报；请只填 {item.value_of}"


def _takes_target(item: Item) -> bool:
    from .methods import needs_target
    return bool(item.method) and needs_target(item.method)


def _entry(item: Item, raw: Any, where: Location, problems: Problems, warnings: list | None = None,
           folder: Path | None = None, unit: str = "") -> Entry:
    # A mapping is the full entry (value, files, self_score, note), except that a judged item's
    # value is itself a mapping ({score, reason}), and so is a checklist's ({情形: 次数}): taken as the value
    # when no "value" key is given.
    itself = item.value_kind in ("judgement", "checklist", "ratio") or item.from_results is not None
    if isinstance(raw, dict) and ("value" in raw or not itself):
        f = Fields(raw, where.path, problems, at=where)
        value = f.raw("value")
        value_where = f.where("value")
        # a penalty row's own estimate is a deduction: 0 or below, down to its limit where it has one
        lowest = (-item.points if item.points else None) if item.penalty else Decimal(0)
        entry = dict(files=f.texts("files"), self_score=f.decimal("self_score", None, minimum=lowest),
                     note=f.text("note", ""))
        f.done()
        if entry["self_score"] is not None and entry["self_score"] > (0 if item.penalty else item.cap):
            problems.add(f.where("self_score"),
                         f"自评扣分应填0或负数（如 -2），实际为 {entry['self_score']}" if item.penalty else
                         f"自评得分 {entry['self_score']} 分超过本项分值 {format_points(item.cap)} 分",
                         "" if item.penalty else f"请填 0–{format_points(item.cap)} 分的自评得分")
    else:
        value, value_where, entry = raw, where, {}
    if item.from_results is not None and value is not None and not (item.may_not_apply
                                                                    and value in NOT_APPLICABLE_WORDS):
        typed, derived = results_value(item, value, value_where, folder, problems, unit)
        return Entry(item_id=item.id, value=typed, location=value_where, derived=derived, **entry)
    typed = None if value is None else _typed(item, value, value_where, problems, warnings)
    return Entry(item_id=item.id, value=typed, location=value_where, derived=_converted(item, value, typed), **entry)


def _converted(item: Item, value: Any, typed: Any) -> str:
    """填报8500万元，折合0.85亿元: said where a value written in another unit of the family was converted."""
    if not (isinstance(value, str) and isinstance(typed, Decimal) and item.unit):
        return ""
    parts = split(half_width(value).strip())
    if parts is None or parts[1] in ("", item.unit):
        return ""
    return f"填报{format_points(parts[0])}{parts[1]}，折合{format_points(typed)}{item.unit}"


def _typed(item: Item, value: Any, where: Location, problems: Problems, warnings: list | None = None) -> Any:
    if item.may_not_apply and value in NOT_APPLICABLE_WORDS:
        return NOT_APPLICABLE
    kind = item.value_kind
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if value in YES or value in NO:
            return value in YES
        problems.add(where, f"应填 是/否{'' if where.cell else '（true/false）'}，实际为{describe(value)}")
    elif kind == "level":
        names = item.params.names()
        if isinstance(value, Decimal) and format_points(value) in names:
            value = format_points(value)  # a level named "3" picked in Excel arrives as the number 3
        if isinstance(value, str) and value in names:
            return value
        shown = f"「{value}」" if isinstance(value, str) else describe(value)
        problems.add(where, f"填报的档次{shown}未在细则中声明，可选：{'、'.join(names)}",
                     did_you_mean(str(value), names))
    elif kind == "parts":
        names = item.params.names()
        listed = value if isinstance(value, list) else None
        if listed is None or not all(isinstance(v, str) for v in listed):
            problems.add(where, f"应填已完成部分的列表，可选：{'、'.join(names)}；实际为{describe(value)}")
            return None
        unknown = [v for v in listed if v not in names]
        for name in unknown:
            problems.add(where, f'"{name}" 不是本项的组成部分，可选：{"、".join(names)}', did_you_mean(name, names))
        if len(set(listed)) != len(listed):
            problems.add(where, "同一部分填报了不止一次")
        return None if unknown else tuple(listed)
    elif kind == "checklist":
        return _checklist(item, value, where, problems)
    elif kind == "ratio":
        return _ratio(item, value, where, problems)
    elif kind == "count":
        if isinstance(value, list):
            return len(value)  # a list of the missing elements or events counts itself
        counted = _count_text(item, value) if isinstance(value, str) else value
        if isinstance(counted, Decimal) and counted >= 0 and counted == counted.to_integral_value():
            return int(counted)
        if isinstance(value, str) and full_stop_problem(value):
            problems.add(where, full_stop_problem(value))
            return None
        problems.add(where, f"应填不小于0的整数（个数、次数），实际为{describe(value)}")
    elif kind == "number":
        return _number(item, value, where, problems, warnings=warnings)
    elif kind == "judgement":
        return _judgement(item, value, where, problems)
    return None


def _count_text(item: Item, text: str) -> Decimal | None:
    """A count typed as text: "12", "１２", or with what the item counts in ("１２家" where counted: 家);
    None for anything else."""
    parts = split(half_width(text).strip())
    counted = getattr(item.params, "counted", "")
    return parts[0] if parts is not None and parts[1] in {"", item.unit, counted} else None


def _ratio(item: Item, value: Any, where: Location, problems: Problems) -> tuple[int, int] | None:
    """Two counts: {满意: 812, 参评: 1000} or "812/1000"; the part never more than the whole, the whole above 0."""
    p = item.params
    named = f"{item.id}「{item.title}」"
    expected = f"应填 {{{p.numerator}: 整数, {p.denominator}: 整数}}，或写成“812/1000”"
    if isinstance(value, str) and half_width(value).count("/") == 1:
        texts = [half_width(t).strip() for t in half_width(value).split("/")]
        try:
            pair = [Decimal(t) for t in texts]
        except InvalidOperation:
            pair = None
    elif isinstance(value, dict) and set(value) == {p.numerator, p.denominator}:
        pair = [value[p.numerator], value[p.denominator]]
    else:
        pair = None
    if pair is None or not all(isinstance(n, Decimal) and not isinstance(n, bool) and n >= 0
                               and n == n.to_integral_value() for n in pair):
        problems.add(where, f"{named}{expected}；实际为{describe(value)}")
        return None
    part, whole = (int(n) for n in pair)
    if whole == 0:
        problems.add(where, f"{named}的{p.denominator}为0，无法计算{p.rate}")
        return None
    if part > whole:
        problems.add(where, f"{named}的{p.numerator}（{part}）多于{p.denominator}（{whole}）")
        return None
    return part, whole


def _checklist(item: Item, value: Any, where: Location, problems: Problems) -> tuple[tuple[str, int], ...] | None:
    """The situations found: a list of names (each once) or name → number of times; kept in the ruleset's order."""
    p = item.params
    names = p.names()
    shown = "、".join(names)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            problems.add(where, "同一情形填报了不止一次；按次计的情形请写成 {情形: 次数}")
            return None
        found = {name: 1 for name in value}
    elif isinstance(value, dict):
        found = {}
        for name, times in value.items():
            at = location_of(value, name, where).at(where.path)
            if not (isinstance(times, Decimal) and times >= 0 and times == times.to_integral_value()):
                if isinstance(times, bool) or times in YES or times in NO:  # 是/否 for a situation found once
                    times = Decimal(1 if times is True or times in YES else 0)
                else:
                    problems.add(at, f"{item.id}「{item.title}」情形「{name}」应填次数（不小于0的整数）或 是/否，"
                                     f"实际为{describe(times)}")
                    continue
            found[str(name)] = int(times)
    else:
        problems.add(where, f"{item.id}「{item.title}」应填存在的情形的列表，或 {{情形: 次数}}，可选：{shown}；"
                            f"实际为{describe(value)}")
        return None
    ok = True
    for name, times in found.items():
        entry = p.entry(name)
        if entry is None:
            problems.add(where, f'"{name}" 不是 {item.id}「{item.title}」列出的情形，可选：{shown}',
                         did_you_mean(name, names))
            ok = False
        elif times > 1 and not entry.per:
            problems.add(where, f"{item.id}「{item.title}」情形「{name}」不按次计，只能填 是/否（或 0、1），"
                                f"实际为 {times}")
            ok = False
    if not ok:
        return None
    return tuple((name, found[name]) for name in names if found.get(name, 0) > 0)


def _number(item: Item, value: Any, where: Location, problems: Problems, what: str = "填报值",
            warnings: list | None = None) -> Decimal | None:
    number = value
    named = f"{item.id}「{item.title}」"
    written = ""  # the unit the clerk wrote after the number, if any
    if isinstance(value, str):  # "93.5%" or "8500万元" as typed by a clerk, full-width ("９３．５％") too
        text = half_width(value).strip()
        if full_stop_problem(text):
            problems.add(where, f"{named}的{what}{full_stop_problem(value)}")
            return None
        parts = split(text)
        if parts is not None and parts[1] in ("", item.unit):
            number, written = parts
        else:
            number = _with_unit(item, text, where, problems, what)
            if number is _REFUSED:
                return None
            written = parts[1] if parts else ""
    if written == "" and item.unit_required and isinstance(number, Decimal) and not isinstance(number, bool):
        problems.add(where, f"{named}的{what} {format_points(number)} 没有写明单位：本项按{item.unit}计，"
                            f"可写{'、'.join(accepted(item.unit))}",
                     f"例如写成 “{format_points(number)}{item.unit}”，kaohe 会换算成{item.unit}")
        return None
    if isinstance(number, bool) or not isinstance(number, Decimal) or not number.is_finite():
        unit = f"（单位：{item.unit}）" if item.unit else ""
        problems.add(where, f"{what}应为数字{unit}，实际为{describe(value)}")
        return None
    doubt = doubtful_scale(number, item.unit) if not written else ""  # a unit written out is meant
    if doubt and warnings is not None:
        warnings.append(Problem(where, f"{named}：{doubt}", "请核对后再报送；确认无误可不理会", "warning"))
    low, high = item.value_range
    if (low is not None and number < low) or (high is not None and number > high):
        shown_low = format_points(low) if low is not None else "不限"
        shown_high = format_points(high) if high is not None else "不限"
        problems.add(where, f"{what} {format_points(number)}{item.unit} 超出允许范围 "
                            f"{shown_low}–{shown_high}{item.unit}")
        return None
    return number


_REFUSED = object()


def _with_unit(item: Item, text: str, where: Location, problems: Problems, what: str):
    """A number written with another unit of the item's family ("8500万元" in an 亿元 item), converted exactly;
    _REFUSED (reported) when the unit is of another kind; None when the text is not a number at all."""
    parts = split(text)
    if parts is None or not parts[1]:
        return None
    number, written = parts
    converted = convert(number, written, item.unit)
    if converted is None:
        units = accepted(item.unit)
        problems.add(where, f"{item.id}「{item.title}」的{what}写的单位「{written}」与本项的单位"
                            f"「{item.unit or '无'}」不同，无法换算",
                     f"可写{'、'.join(units)}" if units else "请只填数字")
        return _REFUSED
    return converted


def _judgement(item: Item, value: Any, where: Location, problems: Problems) -> Judgement | None:
    if not isinstance(value, dict):
        shown = format_points(value) if isinstance(value, Decimal) else "分数"
        problems.add(where, f"核查评分项应填分数和理由（score、reason），实际为{describe(value)}",
                     f"写成 {{score: {shown}, reason: 评分理由}}")
        return None
    f = Fields(value, where.path, problems, at=where)
    score = f.decimal("score")
    if score is not None and not Decimal(0) <= score <= item.points:
        problems.add(f.where("score"), f"核查评分 {score} 超出本项分值范围 0–{format_points(item.points)} 分")
        return None
    reason = f.text("reason").strip()
    inspector = f.text("inspector", "")
    f.done()
    if f.has("reason") and not reason:
        at = f.where("reason")
        problems.add(at, "核查评分必须写明理由",
                     "请在该单元格写明评分理由" if at.cell else "请在 reason 中写明评分理由")
    step = item.params.step
    if score is not None and step and (score / step) != (score / step).to_integral_value():
        problems.add(f.where("score"), f"核查评分 {score} 不是 {format_points(step)} 的整数倍")
        return None
    return Judgement(score, reason, inspector) if score is not None and reason else None


def _attribute(attribute, e: Fields, spec: FactSpec) -> Any:
    """One declared attribute of an event, typed: 是/否, a count, a number, one of the choices, or text."""
    raw = e.raw(attribute.name)
    what = f"{spec.title}的属性「{attribute.name}」"
    if attribute.type == "yes_no":
        if isinstance(raw, bool) or raw in YES or raw in NO:
            return raw if isinstance(raw, bool) else raw in YES
        e.problems.add(e.where(attribute.name), f"{what}应填 是/否，实际为{describe(raw)}")
    elif attribute.type in ("count", "number"):
        number = raw
        if isinstance(raw, str):
            try:
                number = Decimal(half_width(raw).strip())
            except InvalidOperation:
                number = None
        whole = attribute.type == "count"
        if (isinstance(number, Decimal) and not isinstance(number, bool) and number.is_finite()
                and (not whole or (number >= 0 and number == number.to_integral_value()))):
            return int(number) if whole else number
        e.problems.add(e.where(attribute.name),
                       f"{what}应填{'不小于0的整数' if whole else '数字'}，实际为{describe(raw)}")
    elif attribute.type == "choice":
        text = format_points(raw) if isinstance(raw, Decimal) and not isinstance(raw, bool) else raw
        if text in attribute.choices:
            return text
        e.problems.add(e.where(attribute.name),
                       f"{what}应为 {'、'.join(attribute.choices)} 之一，实际为{describe(raw)}",
                       did_you_mean(str(raw), attribute.choices))
    else:
        return str(raw)
    return None


def _fact(spec: FactSpec, raw: Any, where: Location, problems: Problems) -> Any:
    if spec.kind == "yes_no":
        if isinstance(raw, bool):
            return raw
        if raw in YES or raw in NO:
            return raw in YES
        problems.add(where, f"应填 是/否（true/false），实际为{describe(raw)}")
    elif spec.kind == "number":
        number = number_text(raw) if isinstance(raw, str) else raw  # "９" typed with a Chinese input method
        if isinstance(number, Decimal) and not isinstance(number, bool):
            return number
        problems.add(where, (isinstance(raw, str) and full_stop_problem(raw)) or f"应为数字，实际为{describe(raw)}")
    elif spec.kind == "count":
        number = number_text(raw) if isinstance(raw, str) else raw
        if isinstance(number, Decimal) and number >= 0 and number == number.to_integral_value():
            return int(number)
        problems.add(where, (isinstance(raw, str) and full_stop_problem(raw))
                     or f"应填不小于0的整数，实际为{describe(raw)}")
    elif spec.kind == "events":
        if not isinstance(raw, list):
            problems.add(where, f"应为事件列表（没有事件时写 []），实际为{describe(raw)}")
            return None
        events = []
        for index, entry in enumerate(raw):
            path = f"{where.path}[{index + 1}]"
            if not isinstance(entry, dict):
                problems.add(location_of(raw, index, where).at(path),
                             f"应为一起事件（kind、date、title、files），实际为{describe(entry)}")
                continue
            e = Fields(entry, path, problems, at=location_of(raw, index, where))
            kind = e.choice("kind", spec.kinds) if spec.kinds else e.text("kind")
            attributes = tuple((a.name, _attribute(a, e, spec)) for a in spec.attributes if e.has(a.name)
                               and e.data[a.name] is not None)
            events.append(Event(kind=kind, date=e.date("date", None), title=e.text("title", ""),
                                files=e.texts("files"), attributes=tuple(x for x in attributes if x[1] is not None)))
            for key in entry:
                if key not in e.read and spec.attributes and not did_you_mean(key, e.read):
                    e.read.add(key)
                    problems.add(e.where(key), f"{spec.title}的事件没有声明属性「{key}」",
                                 f"已声明的属性：{'、'.join(a.name for a in spec.attributes)}；"
                                 "事件本身的字段为 kind、date、title、files")
            e.done()
        return tuple(events)
    return None
