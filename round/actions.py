"""What the parties of a round do, one function per action. Each checks everything first and then writes its
rows and their audit entries in one transaction, so a refused action writes nothing (a rejected submission is
itself recorded, with its errors: that is what happened).
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, OperationalError
from django.db.models import Max

from kaohe.engine import PROVIDERS, KaoheError, Location, Problem, Ruleset, evaluate, format_points, load_ruleset
from kaohe.engine.errors import did_you_mean
from kaohe.engine.evidence import WORKBOOK_SUFFIXES, evidence_from_data
from kaohe.engine.loading import parse_text, read_bytes
from kaohe.engine.methods import needs_target
from kaohe.engine.render.json import dumps, results_document
from kaohe.engine.render.summary import owed_text

from . import attachments as attached
from . import audit, jsondata
from .frozen import freeze
from .models import (
    Adjustment,
    Appeal,
    AppealFile,
    AuditEntry,
    Deadline,
    Decision,
    Entry,
    GroupAssignment,
    Publication,
    RosterUnit,
    Round,
    RulesetFile,
    ScoringRun,
    Submission,
    canonical,
)
from .state import (
    compose,
    deadline,
    evidence_of,
    find_round,
    groups,
    latest_entries,
    leaf,
    previous_final,
    publications,
    roster,
    ruleset_of,
    shown,
)

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
KINDS = {Publication.NOTICE: "公示", Publication.FINAL: "最终结果"}
UNCHECKED = object()  # adjust(expect=…) not given: None is a value the clerk can have seen ("nothing yet")


@contextmanager
def collector_paused():
    """A province's evidence and results are millions of acyclic objects: the cyclic garbage collector would walk
    them again and again while they are built (a third of the time of a 3,000-unit publication)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def refuse(where: str, message: str, hint: str = "") -> KaoheError:
    return KaoheError([Problem(Location(where), message, hint)])


class Conflict(KaoheError):
    """Someone else changed the same thing first."""


def _write(action):
    """Run `action` in one transaction holding the write lock; a lost race is a conflict, not a traceback."""
    try:
        with audit.writing():
            return action()
    except IntegrityError:
        raise Conflict([Problem(Location("数据库"), "另一位用户同时修改了这一轮次的记录，本次操作没有写入",
                                "请查看 kaohe round status 后重新执行")]) from None
    except OperationalError as error:  # SQLite: another writer held the lock past the timeout
        raise Conflict([Problem(Location("数据库"), "数据库正忙（另一位用户的操作还没有完成），本次操作没有写入",
                                f"请稍后重新执行（数据库的原话：{' '.join(str(error).split())}）")]) from None


def _still_open(round_: Round, where: str, doing: str) -> None:
    """Once the final result is out the round is closed: what is recorded after it would never be published.
    Called under the write lock, so a publication at the same moment cannot slip between."""
    if Publication.objects.filter(round=round_, kind=Publication.FINAL).exists():
        raise refuse(where, f"本轮次已公布最终结果，不能再{doing}", "如需更正，应另行发文，并在新的轮次中记录")


def _required_reason(reason: str, where: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise refuse(where, f"{what}必须写明理由", "用 --reason 写明理由，如 实地核查发现台账不全")
    return reason


# --- the round itself --------------------------------------------------------------------------------------


def new_round(ruleset_path: Path, code: str, title: str, actor: str, due: dt.datetime | None = None,
              previous: str = "", groups: dict[str, str] | None = None) -> Round:
    ruleset = load_ruleset(ruleset_path)
    files = freeze(ruleset_path)
    where = f"轮次 {code}"
    if not code or any(c.isspace() for c in code) or len(code) > 100:
        raise refuse(where, "轮次代号应为不含空白的短名称（如 wenzhou-2014）")
    if Round.objects.filter(code=code).exists():
        raise refuse(where, "已有同名的考核轮次", "换一个代号，或用 kaohe round status 查看已有轮次")
    previous_round = find_round(previous) if previous else None
    if not ruleset.units:
        raise refuse(str(ruleset_path), "细则没有列出被考核单位（units），无法建立轮次的名单")
    groups = groups or {}
    for unit in groups:
        if unit not in ruleset.units:
            raise refuse(where, f'考核组分工中的单位 "{unit}" 不在名单中', did_you_mean(unit, ruleset.units))
    at = audit.now()

    def write():
        round_ = Round(code=code, title=title or ruleset.title, ruleset_id=ruleset.id,
                       ruleset_version=ruleset.version, ruleset_digest=ruleset.digest, previous=previous_round,
                       at=at, actor=actor)
        round_.save()
        audit.append("new", f"建立考核轮次 {code}（{ruleset.id} 版本 {ruleset.version}）", actor=actor, at=at,
                     round_code=code, record=round_, after={"ruleset": ruleset.id, "version": ruleset.version,
                                                            "digest": ruleset.digest, "previous": previous})
        for position, frozen in enumerate(files):
            row = RulesetFile(round=round_, position=position, path=frozen.path, content=frozen.content,
                              digest=frozen.digest, at=at, actor=actor)
            row.save()
            audit.append("ruleset_file", f"保存细则文件 {frozen.path}", actor=actor, at=at, round_code=code,
                         record=row, after={"path": frozen.path, "digest": frozen.digest})
        for position, unit in enumerate(ruleset.units):
            row = RosterUnit(round=round_, position=position, name=unit, at=at, actor=actor)
            row.save()
            audit.append("roster", f"名单：{unit}", actor=actor, at=at, round_code=code, record=row,
                         after={"unit": unit})
        if due is not None:
            _deadline(round_, due, "建立轮次时设定", actor, at)
        for unit, group in groups.items():
            _assign(round_, unit, group, actor, at)
        return round_
    return _write(write)


def _deadline(round_: Round, due: dt.datetime, reason: str, actor: str, at: dt.datetime) -> Deadline:
    before = deadline(round_)
    row = Deadline(round=round_, due=due, reason=reason, at=at, actor=actor)
    row.save()
    audit.append("deadline", f"报送截止时间设为 {shown(due)}", actor=actor, at=at, round_code=round_.code,
                 record=row, before=shown(before) if before else None, after=shown(due))
    return row


def set_deadline(code: str, due: dt.datetime, reason: str, actor: str) -> Deadline:
    round_ = find_round(code)
    reason = _required_reason(reason, f"轮次 {code}", "更改报送截止时间")
    return _write(lambda: _deadline(round_, due, reason, actor, audit.now()))


def _assign(round_: Round, unit: str, group: str, actor: str, at: dt.datetime) -> GroupAssignment:
    row = GroupAssignment(round=round_, unit=unit, group=group, at=at, actor=actor)
    row.save()
    audit.append("assign", f"{unit} 由 {group} 考核", actor=actor, at=at, round_code=round_.code, record=row,
                 after={"unit": unit, "group": group})
    return row


def assign(code: str, group: str, units: list[str], actor: str) -> list[GroupAssignment]:
    round_ = find_round(code)
    for unit in units:
        _on_roster(round_, unit)
    if not group.strip():
        raise refuse(f"轮次 {code}", "考核组名称不能为空")
    at = audit.now()
    return _write(lambda: [_assign(round_, unit, group.strip(), actor, at) for unit in units])


def _on_roster(round_: Round, unit: str) -> None:
    """Refuse a unit not on the round's roster, naming the closest one (the roster is read only to say so)."""
    if RosterUnit.objects.filter(round=round_, name=unit).exists():
        return
    names = roster(round_)
    raise refuse(f"轮次 {round_.code}", f'单位 "{unit}" 不在本轮次的名单中',
                 did_you_mean(unit, names) or f"名单：{'、'.join(names)}")


# --- submissions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionOutcome:
    submission: Submission
    problems: tuple[str, ...]
    dropped: tuple[str, ...]  # items the unit filled although others give them: not counted


def _read_submission(path: Path, ruleset: Ruleset) -> tuple[bytes, object]:
    """The file's bytes exactly as sent, and its data as the engine reads it (KaoheError when unreadable)."""
    raw = read_bytes(path, MAX_SUBMISSION_BYTES)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from kaohe.engine.evidence import read_filled_workbook
        data, digest = read_filled_workbook(path, ruleset)
        if digest != hashlib.sha256(raw).hexdigest():
            raise refuse(str(path), "文件在读取过程中被改动", "请等文件保存完毕后重新报送")
        return raw, data
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from kaohe.engine.loading import read_document
        data, _ = read_document(path)  # its own messages: UTF-16, .xls, binary …
        return raw, data
    plain = jsondata.load_plain(text) if path.suffix.lower() == ".json" else None
    return raw, plain if plain is not None else parse_text(text, str(path))


@dataclass(frozen=True)
class _Checked:
    """One file, read and checked, ready to be recorded."""

    path: Path
    raw: bytes
    unit: str
    problems: tuple[str, ...]
    dropped: tuple[str, ...]
    data: str  # canonical JSON of the unit's own part, when accepted
    incomplete: dict


def _check_submission(round_: Round, ruleset: Ruleset, path: Path, unit: str, names: set[str],
                      last_year_known: bool) -> _Checked:
    raw, data = _read_submission(path, ruleset)  # unreadable: nothing recorded, the file never arrived
    problems: list[str] = []
    dropped: list[str] = []
    named = data.get("unit") if isinstance(data, dict) else None
    unit = unit or (named if isinstance(named, str) else "")
    if not unit:
        raise refuse(str(path), "材料中没有填写被考核单位（unit），无法记为哪个单位的报送", "请填写单位名称后重新报送")
    if unit not in names:
        _on_roster(round_, unit)
    if isinstance(named, str) and named and named != unit:
        problems.append(f'{path}: 材料填写的单位是 "{named}"，不是 "{unit}"')
    own, incomplete = "", {}
    if not problems:
        dropped = drop_others(data, ruleset)
        try:
            evidence = evidence_from_data(data, ruleset, str(path), hashlib.sha256(raw).hexdigest())
        except KaoheError as error:
            problems.extend(str(p) for p in _located(error, path, raw, ruleset))
        else:
            own = jsondata.dump(data)
            incomplete = _incomplete(ruleset, evidence, last_year_known)
    return _Checked(path, raw, unit, tuple(problems), tuple(dropped), own, incomplete)


def submit_many(code: str, paths: list[Path], actor: str, unit: str = "") -> list[SubmissionOutcome]:
    """Record one version of each file's unit, accepted or rejected with its errors. A file that cannot be read
    at all (missing, damaged, not evidence) records nothing, for any of the files."""
    round_ = find_round(code)
    ruleset = ruleset_of(round_)
    names = set(roster(round_))
    last_year_known = previous_final(round_) is not None
    with collector_paused():
        checked = [_check_submission(round_, ruleset, Path(path), unit, names, last_year_known) for path in paths]
    at = audit.now()
    due = deadline(round_)
    late = due is not None and at > due

    def write():
        _still_open(round_, f"轮次 {code}", "报送")
        units = {c.unit for c in checked}
        versions = dict(Submission.objects.filter(round=round_, unit__in=units).values("unit")
                        .annotate(last=Max("version")).values_list("unit", "last"))
        rows = []
        for c in checked:
            version = versions.get(c.unit, 0) + 1
            versions[c.unit] = version
            accepted = not c.problems
            row = Submission(round=round_, unit=c.unit, version=version, file_name=c.path.name, content=c.raw,
                             digest=hashlib.sha256(c.raw).hexdigest(), accepted=accepted, late=late,
                             problems=canonical(list(c.problems)), data=c.data, incomplete=canonical(c.incomplete),
                             at=at, actor=actor)
            row.save()
            state = "通过校验" if accepted else f"未通过校验（{len(c.problems)}个问题）"
            audit.append("submit", f"{c.unit} 报送第{version}版 {c.path.name}：{state}{'，逾期' if late else ''}",
                         actor=actor, at=at, round_code=code, record=row,
                         after={"unit": c.unit, "version": version, "digest": row.digest, "accepted": accepted,
                                "late": late})
            rows.append(row)
        return rows
    rows = _write(write)
    return [SubmissionOutcome(row, c.problems, c.dropped) for row, c in zip(rows, checked, strict=True)]


def submit(code: str, path: Path, actor: str, unit: str = "") -> SubmissionOutcome:
    """Record one version of a unit's evidence, accepted or rejected with its errors."""
    return submit_many(code, [path], actor, unit)[0]


def _located(error: KaoheError, path: Path, raw: bytes, ruleset: Ruleset) -> list:
    """The problems of a quickly read JSON file, read again by the engine's loader so each has its line."""
    if all(p.location.line or p.location.cell for p in error.problems):
        return error.problems
    try:
        data = parse_text(raw.decode("utf-8-sig"), str(path))
        drop_others(data, ruleset)
        evidence_from_data(data, ruleset, str(path), "")
    except (KaoheError, UnicodeDecodeError) as located:
        return located.problems if isinstance(located, KaoheError) else error.problems
    return error.problems


def drop_others(data, ruleset: Ruleset) -> list[str]:
    """Values the unit filled for items others give: set aside, named, never counted."""
    dropped = []
    values = data.get("values") if isinstance(data, dict) else None
    if isinstance(values, dict):
        for item_id in list(values):
            item = leaf(ruleset, item_id)
            if item is not None and item.provider != "unit":
                dropped.append(f"{item_id} {item.title}（{_provider_text(item)}，单位填写的值不计入）")
                del values[item_id]
    return dropped


def _provider_text(item) -> str:
    return "由考核组评定" if item.provider == "inspection" else f"由牵头部门评定（{item.department}）"


def _incomplete(ruleset: Ruleset, evidence, last_year_known: bool) -> dict:
    """What the unit itself still owes — values (or the target a value is compared with), facts and 佐证材料 —
    read from the evidence alone: the others' items are not its to give, and nothing needs scoring. Last year's
    values come from the previous round's final result when there is one."""
    values, materials = [], []
    for item in ruleset.leaves():
        if item.provider != "unit" or not item.takes_entry:  # counted from events, or another item's value
            continue
        entry = evidence.entries.get(item.id)
        no_target = (needs_target(item.method) and item.target is None and item.id not in evidence.targets
                     and not (item.last_year and last_year_known))
        if entry is None or entry.value is None or no_target:
            values.append(item.id)
        elif item.materials and not entry.files:
            materials.append(item.id)
    facts = [spec.name for spec in ruleset.facts if spec.name not in evidence.facts]
    return {"values": values, "facts": facts, "materials": materials}


# --- inspection groups and departments ---------------------------------------------------------------------


def _check_party_value(round_: Round, ruleset: Ruleset, unit: str, item_id: str, data, where: str) -> None:
    """Validate one value as the engine would, in the context of the unit's evidence."""
    evidence_from_data({"unit": unit, "ruleset": ruleset.id, "values": {item_id: data}}, ruleset, where, "")


def _item(ruleset: Ruleset, item_id: str, where: str):
    item = leaf(ruleset, item_id)
    if item is None:
        leaves = [i.id for i in ruleset.leaves()]
        raise refuse(where, f'细则中没有可评分的指标 "{item_id}"', did_you_mean(item_id, leaves))
    return item


@dataclass(frozen=True)
class PartyValue:
    """One value an inspection group or a department gives for one unit's item (data: one `values:` entry)."""

    unit: str
    item_id: str
    data: object
    entered_by: str = ""
    expected: str | None = None  # the entry (its id, "" for none) the form showed: someone else's since is a conflict


def _check_party(round_: Round, ruleset: Ruleset, kind: str, party: str, values: list[PartyValue]) -> None:
    """Every value is the party's to give, for a unit on the roster, and valid as the engine reads it."""
    names = set(roster(round_))
    assigned = groups(round_)
    by_unit: dict[str, dict] = {}
    for v in values:
        where = f"轮次 {round_.code} › {v.unit} › {v.item_id}"
        if v.unit not in names:
            _on_roster(round_, v.unit)
        item = _item(ruleset, v.item_id, where)
        if item.provider != kind:
            raise refuse(where, f"指标 {item.id} {item.title} {_provider_text(item)}，不由{PROVIDERS[kind]}评定")
        if kind == "department" and party not in item.departments:
            raise refuse(where, f"指标 {item.id} {item.title} 的牵头部门是 {item.department}，不是 {party}")
        if kind == "inspection" and assigned.get(v.unit, party) != party:
            raise refuse(where, f"{v.unit} 由 {assigned[v.unit]} 考核，不是 {party}",
                         "考核组只为分给自己的单位评分；分工有变时先用 kaohe round assign 改分工")
        by_unit.setdefault(v.unit, {})[v.item_id] = v.data
    for unit, entries in by_unit.items():
        evidence_from_data({"unit": unit, "ruleset": ruleset.id, "values": entries}, ruleset,
                           f"轮次 {round_.code} › {party} › {unit}", "")


def enter_values(code: str, party: str, kind: str, values: list[PartyValue], actor: str, source: str = "命令行",
                 source_digest: str = "") -> list[Entry]:
    """Values from one inspection group or department: all of them recorded, or (any one wrong) none."""
    round_ = find_round(code)
    ruleset = ruleset_of(round_)
    if not party.strip():
        raise refuse(f"轮次 {code}", f"请写明评定的{PROVIDERS[kind]}", "用 --group 或 --department 写明名称")
    with collector_paused():
        _check_party(round_, ruleset, kind, party, values)
    at = audit.now()

    def write():
        _still_open(round_, f"轮次 {code}", "录入评分")
        latest = latest_entries(round_)
        for v in values:
            current = latest.get((v.unit, v.item_id))
            if v.expected is not None and v.expected != (str(current.pk) if current else ""):
                item = leaf(ruleset, v.item_id)
                raise Conflict([Problem(Location(f"轮次 {code} › {v.unit} › {v.item_id}"),
                                        f"冲突：{v.unit}的“{item.id} {item.title}”在您打开本页后已有"
                                        f"{(current.entered_by or current.actor) if current else '他人'}录入的新值；"
                                        "本次没有记录任何内容",
                                        "请刷新页面，核对后重新提交")])
        rows = Entry.objects.bulk_create([
            Entry(round=round_, unit=v.unit, item_id=v.item_id, kind=kind, party=party, data=jsondata.dump(v.data),
                  entered_by=v.entered_by or actor, source=source, source_digest=source_digest, at=at, actor=actor)
            for v in values], batch_size=500)
        entries = []
        for v, row in zip(values, rows, strict=True):
            item = leaf(ruleset, v.item_id)
            before = latest.get((v.unit, item.id))
            latest[(v.unit, item.id)] = row
            entries.append(audit.chained(
                "enter", f"{PROVIDERS[kind]} {party} 评定 {v.unit} {item.id} {item.title}", actor=actor, at=at,
                round_code=code, record=row, before=jsondata.load(before.data) if before else None, after=v.data))
        AuditEntry.objects.bulk_create(entries, batch_size=500)
        return rows
    return _write(write)


def judge(code: str, unit: str, item_id: str, value, reason: str, party: str, actor: str) -> Entry:
    """One value from an inspection group (a judged score and its reason) or a department, from the command line."""
    round_ = find_round(code)
    ruleset = ruleset_of(round_)
    where = f"轮次 {code} › {unit} › {item_id}"
    _on_roster(round_, unit)
    item = _item(ruleset, item_id, where)
    kind = item.provider
    if kind == "unit":
        raise refuse(where, f"指标 {item.id} {item.title} 由单位自己填报，不由考核组或牵头部门评定",
                     "单位的值用 kaohe round submit 报送；办公室更正用 kaohe round adjust")
    if not item.takes_entry:
        source = f"按事实 {item.events.fact} 中的事件计分" if item.events else f"读取 {item.value_of} 的值"
        raise refuse(where, f"指标 {item.id} {item.title} {source}，不单独评定")
    if item.method == "judged":
        reason = _required_reason(reason, where, f"考核组为 {item.id} {item.title} 评分")
        data = {"value": {"score": value, "reason": reason, "inspector": party}}
    else:
        data = {"value": value}
        if reason:
            data["note"] = reason
    return enter_values(code, party, kind, [PartyValue(unit, item.id, data)], actor)[0]


def enter(code: str, path: Path, actor: str) -> list[Entry]:
    """A department's or an inspection group's filled workbook: every value in it, or nothing."""
    from kaohe.engine.entrysheet import read_party_workbook
    round_ = find_round(code)
    sheet = read_party_workbook(path, ruleset_of(round_))
    raw = read_bytes(path, MAX_SUBMISSION_BYTES)
    values = [PartyValue(e.unit, e.item_id, e.data, e.entered_by) for e in sheet.entries]
    return enter_values(code, sheet.party, sheet.kind, values, actor, Path(path).name, hashlib.sha256(raw).hexdigest())


# --- adjustments and appeals ------------------------------------------------------------------------------


def adjust(code: str, unit: str, item_id: str, reason: str, actor: str, value=None, score: Decimal | None = None,
           expect=UNCHECKED, appeal: Appeal | None = None) -> Adjustment:
    """The office changes a value, or an item's score, with a reason. `expect`: the value (or adjusted score) the
    clerk saw, None when there was none; if it is no longer so, the change is a conflict."""
    round_ = find_round(code)
    ruleset = ruleset_of(round_)
    where = f"轮次 {code} › {unit} › {item_id}"
    _on_roster(round_, unit)
    item = _item(ruleset, item_id, where)
    reason = _required_reason(reason, where, "调整")
    if (value is None) == (score is None):
        raise refuse(where, "调整应给出新的填报值（--value）或新的得分（--score），二者选一")
    at = audit.now()

    def write():
        _still_open(round_, where, "调整")
        composed = compose(round_, [unit])
        if not composed:
            raise refuse(where, f"{unit} 还没有通过校验的报送，无可调整", "先报送材料，或按缺报处理")
        data = composed[0].data
        if value is not None:
            kind = "value"
            before = data.get("values", {}).get(item_id)
            old = before.get("value") if isinstance(before, dict) else before
            after = dict(before) if isinstance(before, dict) else {}
            after["value"] = value
        else:
            kind = "score"
            if not (Decimal(0) <= score <= item.points):
                raise refuse(where, f"调整后的得分 {format_points(score)} 超出本项分值范围"
                             f" 0–{format_points(item.points)}")
            before = data.get("adjustments", {}).get(item_id)
            old = before.get("score") if before else None
            after = {"score": score, "reason": reason, "by": actor, "at": shown(at)}
        if expect is not UNCHECKED and jsondata.dump(old) != jsondata.dump(expect):
            def said(value) -> str:
                return "“无”" if value is None else jsondata.dump(value)
            what = "值" if kind == "value" else "调整后得分"
            raise Conflict([Problem(Location(where), f"冲突：{item_id} {item.title} 的当前{what}已是 {said(old)}，"
                                    f"不是您看到的 {said(expect)}；本次调整没有写入",
                                    "请用 kaohe round status / log 查看是谁改的，再决定是否重新调整")])
        if kind == "value":
            _check_party_value(round_, ruleset, unit, item_id, after, where)
        row = Adjustment(round=round_, unit=unit, item_id=item_id, kind=kind,
                         before=jsondata.dump(before), after=jsondata.dump(after), reason=reason, appeal=appeal,
                         at=at, actor=actor)
        row.save()
        what = "填报值" if kind == "value" else "得分"
        audit.append("adjust", f"调整 {unit} {item_id} {item.title} 的{what}：{reason}", actor=actor, at=at,
                     round_code=code, record=row, before=jsondata.load(row.before), after=jsondata.load(row.after))
        return row
    return _write(write)


def appeal(code: str, unit: str, items: list[str], reason: str, actor: str,
           files: Sequence[attached.Attachment] = ()) -> Appeal:
    """A unit's appeal against the 公示 on some of its items, within the window, with its attachments."""
    round_ = find_round(code)
    ruleset = ruleset_of(round_)
    where = f"轮次 {code} › {unit}"
    _on_roster(round_, unit)
    reason = _required_reason(reason, where, "申诉")
    if not items:
        raise refuse(where, "申诉应写明对哪些指标有异议", "用 --item 写指标编号，可写多个")
    for item_id in items:
        _item(ruleset, item_id, where)
    files = list(files)
    attached.check(files, where)
    notices = [p for p in publications(round_) if p.kind == Publication.NOTICE]
    if not notices:
        raise refuse(where, "本轮次还没有公示，不能申诉", "公示后在申诉期内提出")
    notice = notices[-1]
    at = audit.now()
    if any(p.kind == Publication.FINAL for p in publications(round_)):
        raise refuse(where, "本轮次已公布最终结果，不再受理申诉")
    if notice.appeal_until is not None and at > notice.appeal_until:
        raise refuse(where, f"申诉期已于 {shown(notice.appeal_until)} 结束，不能再申诉",
                     "公示期内未提出的申诉不予受理")

    def write():
        number = Appeal.objects.filter(round=round_).count() + 1
        row = Appeal(round=round_, number=number, unit=unit, items=canonical(items), reason=reason,
                     publication=notice, at=at, actor=actor)
        row.save()
        audit.append("appeal", f"{unit} 提出第{number}号申诉（{'、'.join(items)}）：{reason}", actor=actor, at=at,
                     round_code=code, record=row, after={"unit": unit, "items": items, "reason": reason})
        for position, file in enumerate(files, start=1):
            kept = AppealFile(appeal=row, position=position, name=file.name, content=file.content,
                              digest=file.digest, at=at, actor=actor)
            kept.save()
            audit.append("attach", f"{unit} 第{number}号申诉附件{position}：{file.name}", actor=actor, at=at,
                         round_code=code, record=kept,
                         after={"name": file.name, "digest": file.digest, "bytes": len(file.content)})
        return row
    return _write(write)


def decide(code: str, number: int, upheld: bool, reason: str, actor: str, item_id: str = "", value=None,
           score: Decimal | None = None) -> Decision:
    """Decide an appeal; an upheld appeal changes the value or score of one of its items, as an adjustment."""
    round_ = find_round(code)
    where = f"轮次 {code} › 第{number}号申诉"
    found = Appeal.objects.filter(round=round_, number=number).first()
    if found is None:
        known = list(Appeal.objects.filter(round=round_).values_list("number", flat=True))
        raise refuse(where, "没有这个申诉",
                     f"本轮次的申诉编号：{'、'.join(map(str, known))}" if known else "本轮次还没有申诉")
    if Decision.objects.filter(appeal=found).exists():
        raise refuse(where, "这个申诉已经作出决定", "决定不可更改；如需更正，用 kaohe round adjust 并写明理由")
    reason = _required_reason(reason, where, "申诉决定")
    items = jsondata.load(found.items)
    if upheld:
        if value is None and score is None:
            raise refuse(where, "维持申诉时应给出更正后的填报值（--value）或得分（--score）")
        item_id = item_id or (items[0] if len(items) == 1 else "")
        if item_id not in items:
            raise refuse(where, f"请用 --item 指明更正哪一项（申诉的指标：{'、'.join(items)}）")
    elif value is not None or score is not None:
        raise refuse(where, "驳回申诉时不更改数值；要更正请维持申诉（--uphold）")
    at = audit.now()

    def write():
        row = Decision(appeal=found, upheld=upheld, reason=reason, at=at, actor=actor)
        row.save()
        audit.append("decide", f"第{number}号申诉（{found.unit}）{'维持' if upheld else '驳回'}：{reason}",
                     actor=actor, at=at, round_code=code, record=row, after={"upheld": upheld, "reason": reason})
        if upheld:
            adjust(code, found.unit, item_id, f"第{number}号申诉维持：{reason}", actor, value=value, score=score,
                   appeal=found)
        return row
    return _write(write)


# --- scoring and publication ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scoring:
    """A scoring computed in memory, not yet written."""

    units: int
    missing: tuple[str, ...]
    evidence: str  # canonical JSON: unit → composed evidence data
    document: str  # the result document
    incomplete: int = 0  # units with unscored items (a provisional scoring only)

    @property
    def provisional(self) -> bool:
        return bool(self.missing or self.incomplete)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.document.encode()).hexdigest()


def compute(round_: Round, provisional: bool, upto: int | None = None) -> Scoring:
    """Score the round from its record."""
    with collector_paused():
        return _compute(round_, provisional, upto)


def _compute(round_: Round, provisional: bool, upto: int | None) -> Scoring:
    ruleset = ruleset_of(round_)
    names = roster(round_)
    composed = compose(round_, names, upto)
    present = {c.unit for c in composed}
    missing = tuple(u for u in names if u not in present)
    if missing and not provisional:
        raise refuse(f"轮次 {round_.code}", f"还有 {len(missing)} 个单位没有通过校验的报送：{'、'.join(missing)}",
                     "等这些单位报送后再评分；或加 --provisional 得到暂定结果（名次类指标和按名次定级为暂定）")
    if not composed:
        raise refuse(f"轮次 {round_.code}", "还没有任何单位通过校验的报送，无法评分")
    results = evaluate(ruleset, [evidence_of(round_, ruleset, c) for c in composed])
    unscored = [r for r in results if r.unscored]
    if unscored and not provisional:
        listed = "；".join(f"{r.unit}：{owed_text(ruleset, r.unscored)}" for r in unscored[:10])
        more = f"……等 {len(unscored)} 个单位" if len(unscored) > 10 else ""
        raise refuse(f"轮次 {round_.code}", f"还有 {len(unscored)} 个单位有未评分的指标（{listed}{more}）",
                     "等考核组、牵头部门评分、单位补报后再评分；kaohe round status 列出谁还欠什么；"
                     "或加 --provisional 得到暂定结果")
    document = dumps(results_document(ruleset, results), compact=True)
    evidence = "{" + ",".join(f"{jsondata.dump(c.unit)}:{c.text}" for c in composed) + "}"
    return Scoring(len(composed), missing, evidence, document, len(unscored))


def _write_run(round_: Round, scoring: Scoring, actor: str, at: dt.datetime) -> ScoringRun:
    number = ScoringRun.objects.filter(round=round_).count() + 1
    row = ScoringRun(round=round_, number=number, provisional=scoring.provisional, evidence=scoring.evidence,
                     document=scoring.document, digest=scoring.digest, at=at, actor=actor)
    row.save()
    gaps = ([f"缺{len(scoring.missing)}个单位"] if scoring.missing else []) + (
        [f"{scoring.incomplete}个单位有未评分的指标"] if scoring.incomplete else [])
    provisional = f"，暂定：{'，'.join(gaps)}" if gaps else ""
    audit.append("score", f"第{number}次评分（{scoring.units}个单位{provisional}）", actor=actor, at=at,
                 round_code=round_.code, record=row, after={"digest": row.digest, "units": scoring.units})
    return row


def score(code: str, actor: str, provisional: bool = False) -> ScoringRun:
    """Score the round as it stands now and record the run."""
    round_ = find_round(code)
    scoring = compute(round_, provisional)
    at = audit.now()
    return _write(lambda: _write_run(round_, scoring, actor, at))


def publish(code: str, kind: str, actor: str, appeal_until: dt.datetime | None = None, note: str = "") -> Publication:
    """Score the round as it stands and publish the result: the 公示, or the final result."""
    round_ = find_round(code)
    where = f"轮次 {code}"
    earlier = publications(round_)
    if kind not in KINDS:
        raise refuse(where, f"发布的类别应为 {'、'.join(KINDS.values())}")
    if any(p.kind == Publication.FINAL for p in earlier):
        raise refuse(where, "本轮次已公布最终结果，不能再发布", "如需更正，应另行发文，并在新的轮次中记录")
    if kind == Publication.NOTICE and appeal_until is None:
        raise refuse(where, "公示应写明申诉截止时间", "用 --appeal-until 写明，如 2015-03-20")
    if kind == Publication.FINAL:
        pending = Appeal.objects.filter(round=round_, decision__isnull=True)
        if pending.exists():
            numbers = "、".join(f"第{a.number}号（{a.unit}）" for a in pending.order_by("number"))
            raise refuse(where, f"还有未决定的申诉：{numbers}", "先用 kaohe round decide 作出决定")
        if not any(p.kind == Publication.NOTICE for p in earlier):
            raise refuse(where, "还没有公示，不能公布最终结果", "先发布公示")
    scoring = compute(round_, provisional=False)
    if earlier and earlier[-1].kind == kind and earlier[-1].run.digest == scoring.digest:
        raise refuse(where, f"与上一次{KINDS[kind]}（第{earlier[-1].number}号）相比没有任何变化，不再重复发布")
    at = audit.now()

    def write():
        run = _write_run(round_, scoring, actor, at)
        number = len(earlier) + 1
        row = Publication(round=round_, number=number, kind=kind, run=run, appeal_until=appeal_until, note=note,
                          at=at, actor=actor)
        row.save()
        audit.append("publish", f"发布第{number}号：{KINDS[kind]}（评分结果摘要 {run.digest[:12]}）", actor=actor,
                     at=at, round_code=code, record=row,
                     after={"kind": kind, "run": run.number, "digest": run.digest,
                            "appeal_until": shown(appeal_until) if appeal_until else None})
        return row
    return _write(write)
