"""The changes between two publications of a round: per unit, total, grade and rank before → after; every item
whose score changed, with the records written between the two that caused it (adjustments and the appeal
decisions behind them, inspection and department entries, re-submissions).

Read from the two frozen result documents and their composed evidence, never re-scored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from kaohe.engine import Ruleset
from kaohe.engine.methods import needs_cohort

from . import jsondata
from .history import (
    AdjustmentNote,
    AppealNote,
    adjustment_notes,
    decisions_between,
    entry_notes,
    sequence_of,
    shown,
    submission_notes,
    value_text,
)
from .models import Publication, Round

KINDS = {Publication.NOTICE: "公示", Publication.FINAL: "最终结果"}
ABSENT = "—"


@dataclass(frozen=True)
class Edition:
    """One of the two publications compared."""

    number: int
    kind: str  # 公示 / 最终结果
    at: str
    digest: str

    @property
    def label(self) -> str:
        return f"第{self.number}号{self.kind}"


def edition(publication: Publication) -> Edition:
    return Edition(publication.number, KINDS[publication.kind], shown(publication.at), publication.run.digest)


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    title: str
    before: str  # score, 未评分, or — when the unit was not in that publication
    after: str
    reason: str  # the item's reason in the later publication
    causes: tuple[str, ...]


@dataclass(frozen=True)
class UnitChange:
    unit: str
    total: tuple[str, str]
    grade: tuple[str, str]
    rank: tuple[str, str]
    grade_reason: str  # in the later publication
    causes: tuple[str, ...]  # what changed for the unit as a whole: re-submissions, outcome rules
    items: tuple[ItemChange, ...]

    @property
    def rank_cause(self) -> str:
        if self.rank[0] != self.rank[1] and self.total[0] == self.total[1]:
            return "本单位总分未变，名次因其他单位的总分变化而变"
        return ""


@dataclass(frozen=True)
class Changes:
    title: str  # the round's title
    code: str
    before: Edition
    after: Edition
    units: tuple[UnitChange, ...]  # roster order, only units with a change
    unchanged: int  # units with no change at all
    ruleset: str  # id, version
    ruleset_digest: str


def _score(item: dict | None) -> str:
    if item is None:
        return ABSENT
    if item["score"] is None:
        return "不适用" if item.get("not_applicable") else "未评分"
    return item["score"]


def _unit_text(unit: dict | None, key: str) -> str:
    if unit is None:
        return ABSENT
    value = unit[key]
    if key == "grade" and not unit["complete"]:
        return f"{value}（暂定）"
    return str(value)


def _adjustment_cause(note: AdjustmentNote, decided: dict[int, AppealNote]) -> str:
    if note.appeal is not None and note.appeal in decided:
        appeal = decided[note.appeal]
        return (f"第{appeal.number}号申诉（{appeal.at} 提出：{appeal.reason}）{appeal.decision}："
                f"{appeal.decision_reason}（{appeal.decided_by}，{appeal.decided_at}）；{note.change}")
    return f"调整（{note.by}，{note.at}）：{note.change}；理由：{note.reason}"


def compare(round_: Round, ruleset: Ruleset, first: Publication, second: Publication, roster: list[str]) -> Changes:
    """What changed from `first` to `second` (either order in time; causes are the records between them)."""
    seq_first, seq_second = sequence_of(first), sequence_of(second)
    low, high = sorted((seq_first, seq_second))
    documents = [{u["unit"]: u for u in json.loads(p.run.document)["units"]} for p in (first, second)]
    evidence = [jsondata.load(p.run.evidence) for p in (first, second)]
    decided = decisions_between(round_, ruleset, 0, high)
    adjustments = adjustment_notes(round_, ruleset, high, after=low)
    entries = entry_notes(round_, ruleset, low, high)
    submissions = submission_notes(round_, low, high)
    units, unchanged = [], 0
    for name in roster:
        old, new = documents[0].get(name), documents[1].get(name)
        if old is None and new is None:
            continue
        old_items = {i["id"]: i for i in old["items"]} if old else {}
        new_items = {i["id"]: i for i in new["items"]} if new else {}
        old_values = evidence[0].get(name, {}).get("values", {})
        new_values = evidence[1].get(name, {}).get("values", {})
        resubmitted = [s for s in submissions if s.unit == name]
        items = []
        for item_id in [*new_items, *(i for i in old_items if i not in new_items)]:
            before, after = old_items.get(item_id), new_items.get(item_id)
            if _score(before) == _score(after) or _is_section(before, after):
                continue
            causes = [_adjustment_cause(n, decided) for n in adjustments if (n.unit, n.item_id) == (name, item_id)]
            causes += [e.text for e in entries if (e.unit, e.item_id) == (name, item_id)]
            causes = causes or [_value_cause(ruleset.item(item_id), old_values.get(item_id),
                                             new_values.get(item_id), resubmitted)]
            items.append(ItemChange(item_id, (after or before)["title"], _score(before), _score(after),
                                    after["reason"] if after else "（不在后一次发布中）", tuple(causes)))
        outcomes = _outcome_causes(old, new)
        change = UnitChange(name, (_unit_text(old, "total"), _unit_text(new, "total")),
                            (_unit_text(old, "grade"), _unit_text(new, "grade")),
                            (_unit_text(old, "rank"), _unit_text(new, "rank")), new["grade_reason"] if new else "",
                            tuple([s.text for s in resubmitted] + outcomes), tuple(items))
        if items or outcomes or any(a != b for a, b in (change.total, change.grade, change.rank)):
            units.append(change)
        else:
            unchanged += 1
    return Changes(round_.title, round_.code, edition(first), edition(second), tuple(units), unchanged,
                   f"{ruleset.id} 版本 {ruleset.version}", ruleset.digest)


def _value_cause(item, old, new, resubmitted) -> str:
    """Why an item no record touched changed: the unit's own value, or the others' (a rank-based item)."""
    measure = item.unit if item is not None else ""
    if jsondata.dump(old) != jsondata.dump(new):
        change = f"填报值 {value_text(old, measure)} → {value_text(new, measure)}"
        return f"{resubmitted[-1].text}：{change}" if resubmitted else change
    if item is not None and needs_cohort(item.method):
        return "本单位填报值未变；按名次计分，随其他单位的变化而变"
    return "本单位填报值未变"


def _is_section(*items: dict | None) -> bool:
    """Sections are sums of their items: their change is told by the items and the total."""
    return any(i is not None and i["method"] is None for i in items)


def _outcome_causes(old: dict | None, new: dict | None) -> list[str]:
    if old is None or new is None:
        return ["不在前一次发布中" if old is None else "不在后一次发布中"]
    before = {o["id"]: o for o in old["outcomes"]}
    after = {o["id"]: o for o in new["outcomes"]}
    causes = [f"新触发结果规则：{o['title']}（{o['detail']}）" for key, o in after.items() if key not in before]
    causes += [f"不再触发结果规则：{o['title']}" for key, o in before.items() if key not in after]
    return causes
