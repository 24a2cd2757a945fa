"""What a draft would do: the same evidence scored under the old and the new ruleset, unit by unit."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from .errors import KaoheError
from .evaluate import evaluate
from .evidence import load_evidence
from .model import Ruleset, UnitResult
from .model import format_points as pts
from .render.sheet import quota_moved, quota_text
from .scoring import rescale_note, weight


@dataclass(frozen=True)
class ItemDelta:
    item_id: str
    title: str
    old: Decimal | None  # None: not in that ruleset, or not scored
    new: Decimal | None
    note: str

    @property
    def delta(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))


@dataclass(frozen=True)
class UnitImpact:
    unit: str
    old: UnitResult
    new: UnitResult
    drivers: tuple[ItemDelta, ...]  # leaves whose score changed, biggest change first
    lacking: tuple[str, ...]  # values or facts the new rules need that the evidence does not have
    ignored: tuple[str, ...]  # values the new rules no longer read

    @property
    def delta(self) -> Decimal:
        return self.new.total - self.old.total


@dataclass(frozen=True)
class Impact:
    old: Ruleset
    new: Ruleset
    units: tuple[UnitImpact, ...]  # sorted by change: largest fall first, then largest rise

    def matrix(self) -> dict[tuple[str, str], int]:
        return dict(Counter((u.old.grade, u.new.grade) for u in self.units))


def load_pairs(old: Ruleset, new: Ruleset, paths: list[Path]):
    """Each evidence file read under both rulesets; the new one accepts last year's evidence as it is."""
    before, after, problems = [], [], []
    for path in paths:
        try:
            before.append(load_evidence(path, old))
            after.append(load_evidence(path, new, rescoring=(old.id,)))
        except KaoheError as error:
            problems.extend(error.problems)
    if problems:
        raise KaoheError(problems)
    return before, after


def impact(old: Ruleset, new: Ruleset, before, after) -> Impact:
    """Last year's evidence under both rulesets. The new rules are applied with the old assessment period,
    so last year's events still count: the comparison is of the rules, not of the calendar."""
    old_results, new_results = evaluate(old, before), evaluate(replace(new, period=old.period), after)
    units = []
    for a, b, evidence in zip(old_results, new_results, after, strict=True):
        old_leaves = {r.item.id: r for r in a.all_items() if r.item.is_leaf}
        new_leaves = {r.item.id: r for r in b.all_items() if r.item.is_leaf}
        drivers = []
        for item_id in list(old_leaves) + [k for k in new_leaves if k not in old_leaves]:
            x, y = old_leaves.get(item_id), new_leaves.get(item_id)
            old_score, new_score = (x.score if x else None), (y.score if y else None)
            if (old_score or Decimal(0)) == (new_score or Decimal(0)):
                continue  # no effect on the total (e.g. a removed item that scored 0)
            note = ("新增指标" if not y.item.penalty else f"新增扣分项：{y.reason}") if x is None else \
                "已删除的指标" if y is None else y.reason
            drivers.append(ItemDelta(item_id, (y or x).item.title, old_score, new_score, note))
        drivers.sort(key=lambda d: (-abs(d.delta), d.item_id))
        units.append(UnitImpact(a.unit, a, b, tuple(drivers), b.unscored, evidence.ignored))
    units.sort(key=lambda u: (u.delta, u.unit))
    return Impact(old, new, tuple(units))


def impact_report(result: Impact):
    from .render.report import Report, Table
    labels = list(dict.fromkeys(result.old.grading.labels + result.new.grading.labels))
    matrix = result.matrix()
    changed = [u for u in result.units if u.old.grade != u.new.grade]
    lead = (f"旧：{result.old.title}（{result.old.id}，版本 {result.old.version}）",
            f"新：{result.new.title}（{result.new.id}，版本 {result.new.version}）",
            "同一批材料按新旧细则各评一次；新细则沿用旧细则的考核期计入事件。",
            f"{len(result.units)} 个单位，等次改变 {len(changed)} 个；"
            f"总分上升 {sum(1 for u in result.units if u.delta > 0)} 个，"
            f"下降 {sum(1 for u in result.units if u.delta < 0)} 个；"
            f"缺少新细则所需填报值的 {sum(1 for u in result.units if u.lacking)} 个。") + _penalty_lead(result) \
        + _quota_lead(result)
    grid = Table("等次变化（行：旧，列：新）", ("旧＼新", *labels),
                 tuple((old, *[matrix.get((old, new), 0) for new in labels]) for old in labels),
                 numbers=frozenset(range(1, len(labels) + 1)))
    totals = Table("各单位总分（按变化排列）", ("单位", "旧总分", "旧等次", "新总分", "新等次", "变化", "主要原因"),
                   tuple((u.unit, u.old.total, u.old.grade, u.new.total, u.new.grade,
                          ("+" if u.delta > 0 else "") + pts(u.delta),
                          _reasons(u, result))
                         for u in result.units), numbers=frozenset({1, 3, 5}))
    drivers = Table("造成变化的指标", ("单位", "指标", "名称", "旧得分", "新得分", "变化", "说明"),
                    tuple((u.unit, d.item_id, d.title, _or_dash(d.old), _or_dash(d.new), _signed(d.delta), d.note)
                          for u in result.units for d in u.drivers), numbers=frozenset({3, 4, 5}))
    lacking = Table("缺少新细则所需填报值的单位", ("单位", "缺少", "新细则不再使用的填报值"),
                    tuple((u.unit, "、".join(u.lacking), "、".join(u.ignored)) for u in result.units if u.lacking))
    chart = tuple((u.unit, u.delta) for u in result.units)
    return Report(f"影响分析：{result.old.id} → {result.new.id}", lead, (grid, totals, drivers, lacking),
                  "总分变化", chart, wide=frozenset({6}))


def _penalty_lead(result: Impact) -> tuple[str, ...]:
    """One line on the penalty sections (扣分项), where either ruleset has them."""
    if not any(i.penalty for r in (result.old, result.new) for i in r.items):
        return ()
    parts = []
    for name, ruleset, side in (("旧", result.old, "old"), ("新", result.new, "new")):
        if not any(i.penalty for i in ruleset.items):
            parts.append(f"{name}细则没有扣分项")
            continue
        hit = [getattr(u, side) for u in result.units if getattr(u, side).penalty_total < 0]
        lost = -sum((r.penalty_total for r in hit), Decimal(0))
        parts.append(f"{name}细则的扣分项扣了 {len(hit)} 个单位的分，共 {pts(lost)} 分")
    return ("；".join(parts) + "。",)


def _quota_lead(result: Impact) -> tuple[str, ...]:
    """One line on grade quotas (优秀比例不超过30%), where either ruleset has them."""
    if not (result.old.grading.quotas or result.new.grading.quotas):
        return ()
    parts = []
    for name, ruleset, side in (("旧", result.old, "old"), ("新", result.new, "new")):
        if not ruleset.grading.quotas:
            parts.append(f"{name}细则没有名额限制")
            continue
        moved = sum(1 for u in result.units if quota_moved(ruleset, getattr(u, side)) is not None)
        limits = "、".join(quota_text(q) for q in ruleset.grading.quotas)
        parts.append(f"{name}细则的名额限制（{limits}）使 {moved} 个单位降为下一等次")
    return ("；".join(parts) + "。",)


def _reasons(unit: UnitImpact, result: Impact | None = None) -> str:
    """The three biggest item changes and any outcome rule that fires under one ruleset only; where the rulesets
    use them, changed weights, 按得分率折算 and grade quotas."""
    old_rules, new_rules = {f.rule.id for f in unit.old.fired}, {f.rule.id for f in unit.new.fired}
    parts = [f"{d.item_id} {_signed(d.delta)}" for d in unit.drivers[:3]]
    if result is not None:
        parts += _weights(unit, result)
        parts += _folding(unit, result)
    parts += [f"新触发：{f.rule.title}" for f in unit.new.fired if f.rule.id not in old_rules]
    parts += [f"不再触发：{f.rule.title}" for f in unit.old.fired if f.rule.id not in new_rules]
    if result is not None:
        parts += _quotas(unit, result)
    return "；".join(parts)


def _weights(unit: UnitImpact, result: Impact) -> list[str]:
    """Top-level sections whose weight changed, with what they bring to the total: 一 权重无→30%（计入总分48→14.4）."""
    before = {r.item.id: r for r in unit.old.items}
    out = []
    for after in unit.new.items:
        old = before.get(after.item.id)
        if old is None or old.item.weight == after.item.weight or after.item.bonus or after.item.penalty:
            continue
        shown = [f"{pts(w * 100)}%" if w is not None else "无" for w in (old.item.weight, after.item.weight)]
        brought = [(r.score or Decimal(0)) * weight(r.item) for r in (old, after)]
        out.append(f"{after.item.id} 权重{shown[0]}→{shown[1]}（计入总分{pts(brought[0])}→{pts(brought[1])}）")
    return out


def _folding(unit: UnitImpact, result: Impact) -> list[str]:
    """按得分率折算 of the total under one ruleset only (the other folds within a section, if at all)."""
    folded = [bool(rescale_note(ruleset, r.items)) for ruleset, r in ((result.old, unit.old), (result.new, unit.new))]
    if folded[1] and not folded[0]:
        return ["新细则在总分中按得分率折算不适用的指标"]
    if folded[0] and not folded[1]:
        return ["新细则不再在总分中按得分率折算"]
    return []


def _quotas(unit: UnitImpact, result: Impact) -> list[str]:
    """A grade quota that moves the unit under one ruleset only: 名额限制（优秀比例不超过30%）A→B."""
    moved = [quota_moved(ruleset, r) for ruleset, r in ((result.old, unit.old), (result.new, unit.new))]
    if moved[1] is not None and (moved[0] is None or moved[0].label != moved[1].label):
        labels = result.new.grading.labels
        lower = labels[labels.index(moved[1].label) + 1]
        return [f"名额限制（{quota_text(moved[1])}）{moved[1].label}→{lower}"]
    if moved[0] is not None and moved[1] is None:
        return [f"不再受名额限制（{quota_text(moved[0])}）"]
    return []


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + pts(value)


def _or_dash(value: Decimal | None) -> str:
    return "—" if value is None else pts(value)


def impact_document(result: Impact) -> dict:
    return {
        "format": "kaohe.impact/1",
        "old": {"id": result.old.id, "version": result.old.version, "digest": result.old.digest},
        "new": {"id": result.new.id, "version": result.new.version, "digest": result.new.digest},
        "matrix": [{"old": a, "new": b, "units": n} for (a, b), n in sorted(result.matrix().items())],
        "units": [{
            "unit": u.unit, "old_total": pts(u.old.total), "old_grade": u.old.grade, "new_total": pts(u.new.total),
            "new_grade": u.new.grade, "delta": pts(u.delta), "lacking": list(u.lacking), "ignored": list(u.ignored),
            "drivers": [{"id": d.item_id, "old": None if d.old is None else pts(d.old),
                         "new": None if d.new is None else pts(d.new), "delta": pts(d.delta)} for d in u.drivers],
            "new_outcomes": [f.rule.id for f in u.new.fired],
        } for u in result.units],
    }
