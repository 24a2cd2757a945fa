"""Outcome-rule triggers as integer comparisons on one flat fact per unit.

durable-rules compares numbers as binary doubles, so every value it sees is an
integer count of millionths, rounded in the direction that keeps each
comparison exact for thresholds with at most six decimals (checked at load).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .model import Evidence, FactSpec, ItemResult, OutcomeRule, Ruleset, format_points
from .selection import counted_events, listed

SCALE = Decimal(10) ** 6
_ROUNDING = {">=": ROUND_FLOOR, "<": ROUND_FLOOR, ">": ROUND_CEILING, "<=": ROUND_CEILING}


@dataclass(frozen=True)
class Comparison:
    field: str  # a key of the unit's fact
    op: str  # ">=", ">", "<=", "<", "=="
    threshold: int | bool


@dataclass(frozen=True)
class RuleCondition:
    """One outcome rule: fires when any of its comparisons holds."""

    rule: OutcomeRule
    comparisons: tuple[Comparison, ...]


def scaled(value: Decimal, op: str) -> int:
    return int((value * SCALE).to_integral_value(rounding=_ROUNDING[op]))


def conditions(ruleset: Ruleset) -> tuple[RuleCondition, ...]:
    out = []
    for index, rule in enumerate(ruleset.outcomes):
        t = rule.trigger
        if t.key_items:
            threshold = [(item_id, ruleset.item(item_id).points * t.min_share) for item_id in t.key_items]
            comparisons = tuple(Comparison(f"k{index}_{j}", "<", int(limit * SCALE))
                                for j, (_, limit) in enumerate(threshold))
        elif t.is_value is not None:
            comparisons = (Comparison(f"f{index}", "==", t.is_value),)
        else:
            op, limit = _comparison(t)
            comparisons = (Comparison(f"f{index}", op, int(limit * SCALE)),)
        out.append(RuleCondition(rule, comparisons))
    return tuple(out)


def _comparison(t) -> tuple[str, Decimal]:
    for op, value in ((">=", t.at_least), (">", t.above), ("<=", t.at_most), ("<", t.below)):
        if value is not None:
            return op, value
    return ">=", Decimal(1)  # events with no comparison: at least one counted event


def encode(conds: tuple[RuleCondition, ...], ruleset: Ruleset, evidence: Evidence,
           leaf_scores: dict[str, ItemResult]) -> tuple[dict, list[str]]:
    """The unit's fact for durable-rules, and the names of the facts it lacks."""
    fact: dict = {}
    missing: list[str] = []
    specs = {s.name: s for s in ruleset.facts}
    for cond in conds:
        t = cond.rule.trigger
        if t.key_items:
            for comparison, item_id in zip(cond.comparisons, t.key_items, strict=True):
                score = _item_score(item_id, ruleset, leaf_scores)
                if score is not None:
                    fact[comparison.field] = scaled(score, "<")
            continue
        value = evidence.facts.get(t.fact)
        field = cond.comparisons[0].field
        if value is None:
            if t.fact not in missing:
                missing.append(t.fact)
            continue
        spec: FactSpec = specs[t.fact]
        if spec.kind == "yes_no":
            fact[field] = value
        elif spec.kind == "events":
            fact[field] = scaled(Decimal(len(counted_events(value, t.any_kind, ruleset, t.where))),
                                 cond.comparisons[0].op)
        else:
            fact[field] = scaled(Decimal(value), cond.comparisons[0].op)
    return fact, missing


def _item_score(item_id: str, ruleset: Ruleset, leaf_scores: dict[str, ItemResult]) -> Decimal | None:
    item = ruleset.item(item_id)
    scores = [leaf_scores[leaf.id].score for leaf in item.walk() if leaf.is_leaf]
    return None if any(s is None for s in scores) else sum(scores, Decimal(0))


def explain(rule: OutcomeRule, ruleset: Ruleset, evidence: Evidence, leaf_scores: dict[str, ItemResult]) -> str:
    """What in the evidence made the rule fire, in words."""
    t = rule.trigger
    if t.key_items:
        short = []
        for item_id in t.key_items:
            score = _item_score(item_id, ruleset, leaf_scores)
            points = ruleset.item(item_id).points
            if score is not None and score < points * t.min_share:
                short.append(f"{item_id} 得{format_points(score)}分，低于{format_points(points)}分的"
                             f"{format_points(t.min_share * 100)}%")
        return "关键项未达最低得分：" + "；".join(short)
    spec = next(s for s in ruleset.facts if s.name == t.fact)
    value = evidence.facts[t.fact]
    if spec.kind == "events":
        events = counted_events(value, t.any_kind, ruleset, t.where)
        return f"{spec.title}：计入{len(events)}起（{listed(events)}）"
    if spec.kind == "yes_no":
        return f"{spec.title}：{'是' if value else '否'}"
    return f"{spec.title}：{format_points(Decimal(value))}"
