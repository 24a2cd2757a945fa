"""The current state of a round, derived from its history: nothing here writes.

The latest accepted submission of each unit, the latest entry of each inspection group and department for
each unit's item, and every adjustment in order, composed into one evidence document per unit — the same
shape as a unit's YAML — which the engine then scores.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from kaohe.engine import PROVIDERS, Evidence, KaoheError, Location, Problem, Ruleset, evidence_from_data

from . import frozen, jsondata
from .frozen import FrozenFile
from .models import (
    Adjustment,
    AuditEntry,
    Deadline,
    Entry,
    GroupAssignment,
    Publication,
    Record,
    RosterUnit,
    Round,
    Submission,
)

_leaves: dict[str, dict] = {}


def leaf(ruleset: Ruleset, item_id: str):
    """A scored item by id, or None (Ruleset.item walks the whole tree; a batch asks thousands of times)."""
    if ruleset.digest not in _leaves:
        _leaves[ruleset.digest] = {item.id: item for item in ruleset.leaves()}
    return _leaves[ruleset.digest].get(item_id)


def find_round(code: str) -> Round:
    found = Round.objects.filter(code=code).first()
    if found is None:
        known = list(Round.objects.order_by("id").values_list("code", flat=True))
        hint = f"已有的轮次：{'、'.join(known)}" if known else "先用 kaohe round new 建立轮次"
        raise KaoheError([Problem(Location(f"轮次 {code}"), "没有这个考核轮次", hint)])
    return found


def ruleset_of(round_: Round) -> Ruleset:
    """The round's ruleset, from its frozen files (read from the database once per process)."""
    loaded = frozen.loaded(round_.ruleset_digest)
    if loaded is not None:
        return loaded
    files = tuple(FrozenFile(f.path, bytes(f.content)) for f in round_.ruleset_files.order_by("position"))
    return frozen.thaw(files, round_.ruleset_digest)


def upto_ids(model: type[Record], upto: int | None):
    """Rows of `model` written by audit entries up to `upto` (all rows when None)."""
    if upto is None:
        return None
    return AuditEntry.objects.filter(record=model.__name__, seq__lte=upto).values("record_id")


def _rows(model: type[Record], round_: Round, upto: int | None):
    rows = model.objects.filter(round=round_)
    ids = upto_ids(model, upto)
    return rows if ids is None else rows.filter(id__in=ids)


def deadline(round_: Round) -> dt.datetime | None:
    last = Deadline.objects.filter(round=round_).order_by("-id").first()
    return last.due if last else None


def groups(round_: Round) -> dict[str, str]:
    found = {}
    for unit, group in GroupAssignment.objects.filter(round=round_).order_by("id").values_list("unit", "group"):
        found[unit] = group
    return found


def roster(round_: Round) -> list[str]:
    return list(RosterUnit.objects.filter(round=round_).order_by("position").values_list("name", flat=True))


def latest_submissions(round_: Round, upto: int | None = None, accepted_only: bool = True) -> dict[str, Submission]:
    rows = _rows(Submission, round_, upto)
    if accepted_only:
        rows = rows.filter(accepted=True)
    latest: dict[str, Submission] = {}
    for row in rows.defer("content").order_by("id"):
        latest[row.unit] = row
    return latest


def latest_entries(round_: Round, upto: int | None = None) -> dict[tuple[str, str], Entry]:
    latest: dict[tuple[str, str], Entry] = {}
    for row in _rows(Entry, round_, upto).order_by("id"):
        latest[(row.unit, row.item_id)] = row
    return latest


def adjustments(round_: Round, upto: int | None = None) -> list[Adjustment]:
    return list(_rows(Adjustment, round_, upto).order_by("id"))


def publications(round_: Round) -> list[Publication]:
    return list(Publication.objects.filter(round=round_).order_by("number"))


@dataclass
class Composed:
    """One unit's evidence as the record gives it now: the data, and where each value came from."""

    unit: str
    data: dict
    origins: dict[str, str] = field(default_factory=dict)  # item id → 单位报送 / 考核组 … / 调整

    @cached_property
    def text(self) -> str:
        """Canonical JSON; read once composing is done."""
        return jsondata.dump(self.data)


def compose(round_: Round, units: list[str], upto: int | None = None) -> list[Composed]:
    """The evidence of each unit that has an accepted submission, in roster order."""
    submissions = latest_submissions(round_, upto)
    entries = latest_entries(round_, upto)
    changes = adjustments(round_, upto)
    composed = {}
    for unit in units:
        submission = submissions.get(unit)
        if submission is None:
            continue
        data = jsondata.load(submission.data)
        data.setdefault("values", {})
        origins = {item_id: f"单位报送（第{submission.version}版）" for item_id in data["values"]}
        composed[unit] = Composed(unit, data, origins)
    for (unit, item_id), entry in entries.items():
        if unit in composed:
            composed[unit].data["values"][item_id] = jsondata.load(entry.data)
            who = f"，录入人 {entry.entered_by}" if entry.entered_by else ""
            composed[unit].origins[item_id] = f"{PROVIDERS[entry.kind]} {entry.party}{who}"
    _last_year(round_, composed, upto)
    _history(round_, composed, upto)
    for change in changes:
        if change.unit not in composed:
            continue
        target = composed[change.unit]
        after = jsondata.load(change.after)
        if change.kind == "value":
            target.data["values"][change.item_id] = after
        else:
            target.data.setdefault("adjustments", {})[change.item_id] = after
        target.origins[change.item_id] = f"调整（{change.actor}，{shown(change.at)}）：{change.reason}"
    return [composed[u] for u in units if u in composed]


def previous_final(round_: Round, upto: int | None = None) -> Publication | None:
    """The previous round's final result, as published by `upto` (last-year values come from it)."""
    if round_.previous_id is None:
        return None
    finals = Publication.objects.filter(round_id=round_.previous_id, kind=Publication.FINAL)
    ids = upto_ids(Publication, upto)
    if ids is not None:
        finals = finals.filter(id__in=ids)
    return finals.select_related("run", "round").order_by("-number").first()


def last_year_targets(round_: Round, units: list[str], upto: int | None = None) -> dict[str, dict[str, dict]]:
    """unit → item → {value, source}: the targets of items compared with last year's level, taken from the unit's
    values in the previous round's final result (the unit does not enter them again)."""
    final = previous_final(round_, upto)
    if final is None:
        return {}
    compared = [item for item in ruleset_of(round_).leaves() if item.last_year]
    if not compared:
        return {}
    last = jsondata.load(final.run.evidence)
    source = f"上年值，取自轮次 {final.round.code} 第{final.number}号发布（最终结果）"
    found: dict[str, dict[str, dict]] = {}
    for unit in units:
        values = last.get(unit, {}).get("values", {})
        for item in compared:
            entry = values.get(item.last_year)
            value = entry.get("value") if isinstance(entry, dict) else entry
            if isinstance(value, Decimal):
                found.setdefault(unit, {})[item.id] = {"value": value, "source": source}
    return found


def _last_year(round_: Round, composed: dict[str, Composed], upto: int | None) -> None:
    for unit, targets in last_year_targets(round_, list(composed), upto).items():
        for item_id, target in targets.items():
            composed[unit].data.setdefault("targets", {})[item_id] = target
            composed[unit].origins[f"targets › {item_id}"] = target["source"]


def _history(round_: Round, composed: dict[str, Composed], upto: int | None) -> None:
    """Last year's final grade of each unit, from the previous round's final result, where an outcome rule reads it
    (连续两年被评为D级……): the unit does not report it itself."""
    ruleset = ruleset_of(round_)
    if not any(part.last_year_grade for rule in ruleset.outcomes for part in rule.trigger.parts()):
        return
    final = previous_final(round_, upto)
    if final is None:
        return
    grades = {u["unit"]: u["grade"] for u in jsondata.load(final.run.document)["units"]}
    year = str(ruleset.period.start.year - 1)
    source = f"上年等次，取自轮次 {final.round.code} 第{final.number}号发布（最终结果）"
    for unit, target in composed.items():
        if grades.get(unit) in ruleset.grading.labels:
            target.data["history"] = {year: grades[unit]}
            target.origins["history"] = source


def shown(at: dt.datetime | None) -> str:
    """A time as the office reads it: 2015-03-10 10:00, in the office's time zone."""
    from django.utils import timezone
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""


def evidence_of(round_: Round, ruleset: Ruleset, composed: Composed) -> Evidence:
    """The composed data, checked by the engine as any evidence is; its digest is that of its canonical text."""
    text = composed.text
    return evidence_from_data(jsondata.load(text), ruleset, f"轮次 {round_.code} › {composed.unit}",
                              hashlib.sha256(text.encode()).hexdigest())
