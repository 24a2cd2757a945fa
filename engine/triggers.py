"""Outcome-rule triggers as comparisons on one flat fact per unit, combined with and / or.

durable-rules compares numbers as binary doubles, so every value it sees is an
integer count of millionths, rounded in the direction that keeps each
comparison exact for thresholds with at most six decimals (checked at load).
Rules that read this year's grade run in a second phase, once the grade is settled.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .model import Evidence, FactSpec, ItemResult, OutcomeRule, Ruleset, Trigger, format_points
from .selection import counted_events, listed

SCALE = Decimal(10) ** 6
_ROUNDING = {">=": ROUND_FLOOR, "<": ROUND_FLOOR, ">": ROUND_CEILING, "<=": ROUND_CEILING}
GRADE_FIELD = "grade"  # this year's grade, in the phase-2 fact
LAST_GRADE_FIELD = "last_grade"  # last year's final grade, "" when not known


@dataclass(frozen=True)
class Comparison:
    field: str  # a key of the unit's fact
    op: str  # ">=", ">", "<=", "<", "=="
    threshold: int | bool | str


@dataclass(frozen=True)
class Group:
    """All (and) or any (or) of its parts."""

    op: str  # "all" or "any"
    parts: tuple["Comparison | Group", ...]


@dataclass(frozen=True)
class RuleCondition:
    """One outcome rule: fires when its condition tree holds; phase 2 rules read the settled grade."""

    rule: OutcomeRule
    node: Comparison | Group
    leaves: tuple[tuple[Trigger, Comparison | Group], ...]  # each simple trigger and the node it became
    phase: int = 1


def scaled(value: Decimal, op: str) -> int:
    return int((value * SCALE).to_integral_value(rounding=_ROUNDING[op]))


def conditions(ruleset: Ruleset) -> tuple[RuleCondition, ...]:
    out = []
    for index, rule in enumerate(ruleset.outcomes):
        leaves: list = []
        node = _node(rule.trigger, ruleset, f"r{index}", leaves)
        phase = 2 if any(t.grade for t, _ in leaves) else 1
        out.append(RuleCondition(rule, node, tuple(leaves), phase))
    return tuple(out)


def _node(t: Trigger, ruleset: Ruleset, name: str, leaves: list) -> Comparison | Group:
    if t.all or t.any:
        op, parts = ("all", t.all) if t.all else ("any", t.any)
        return Group(op, tuple(_node(part, ruleset, f"{name}_{j}", leaves) for j, part in enumerate(parts)))
    if t.key_items:
        node = Group("any", tuple(Comparison(f"{name}k{j}", "<", int(ruleset.item(item_id).points * t.min_share
                                                                       * SCALE))
                                  for j, item_id in enumerate(t.key_items)))
    elif t.grade:
        node = Group("any", tuple(Comparison(GRADE_FIELD, "==", label) for label in t.grade))
    elif t.last_year_grade:
        node = Group("any", tuple(Comparison(LAST_GRADE_FIELD, "==", label) for label in t.last_year_grade))
    elif t.is_value is not None:
        node = Comparison(name, "==", t.is_value)
    else:
        op, limit = _comparison(t)
        node = Comparison(name, op, int(limit * SCALE))
    leaves.append((t, node))
    return node


def _comparison(t) -> tuple[str, Decimal]:
    for op, value in ((">=", t.at_least), (">", t.above), ("<=", t.at_most), ("<", t.below)):
        if value is not None:
            return op, value
    return ">=", Decimal(1)  # events with no comparison: at least one counted event


def last_year(ruleset: Ruleset) -> str:
    return str(ruleset.period.start.year - 1)


def encode(conds: tuple[RuleCondition, ...], ruleset: Ruleset, evidence: Evidence,
           leaf_scores: dict[str, ItemResult]) -> tuple[dict, list[str]]:
    """The unit's fact for durable-rules, and the names of the facts it lacks."""
    fact: dict = {LAST_GRADE_FIELD: evidence.history.get(last_year(ruleset), "")}
    missing: list[str] = []
    specs = {s.name: s for s in ruleset.facts}
    for cond in conds:
        for t, node in cond.leaves:
            if t.key_items:
                for comparison, item_id in zip(node.parts, t.key_items, strict=True):
                    score = _item_score(item_id, ruleset, leaf_scores)
                    if score is not None:
                        fact[comparison.field] = scaled(score, "<")
                continue
            if t.grade or t.last_year_grade:
                continue
            value = evidence.facts.get(t.fact)
            if value is None:
                if t.fact not in missing:
                    missing.append(t.fact)
                continue
            spec: FactSpec = specs[t.fact]
            if spec.kind == "yes_no":
                fact[node.field] = value
            elif spec.kind == "events":
                fact[node.field] = scaled(Decimal(len(counted_events(value, t.any_kind, ruleset, t.where))), node.op)
            else:
                fact[node.field] = scaled(Decimal(value), node.op)
    return fact, missing


def holds(node: Comparison | Group, fact: dict) -> bool:
    """The same test durable-rules made, in Python: to tell which parts of a fired rule held, for its explanation."""
    if isinstance(node, Group):
        results = [holds(part, fact) for part in node.parts]
        return all(results) if node.op == "all" else any(results)
    if node.field not in fact:
        return False
    value = fact[node.field]
    return {"==": value == node.threshold, ">=": value >= node.threshold, ">": value > node.threshold,
            "<=": value <= node.threshold, "<": value < node.threshold}[node.op]


def _item_score(item_id: str, ruleset: Ruleset, leaf_scores: dict[str, ItemResult]) -> Decimal | None:
    item = ruleset.item(item_id)
    scores = [leaf_scores[leaf.id].score for leaf in item.walk() if leaf.is_leaf
              and not leaf_scores[leaf.id].not_applicable]
    return None if any(s is None for s in scores) else sum(scores, Decimal(0))


def explain(cond: RuleCondition, ruleset: Ruleset, evidence: Evidence, leaf_scores: dict[str, ItemResult],
            fact: dict) -> str:
    """What in the evidence made the rule fire, in words: each simple condition that held."""
    said = [_explain(t, ruleset, evidence, leaf_scores) for t, node in cond.leaves if holds(node, fact)]
    return "；".join(said)


def _explain(t: Trigger, ruleset: Ruleset, evidence: Evidence, leaf_scores: dict[str, ItemResult]) -> str:
    if t.key_items:
        short = []
        for item_id in t.key_items:
            score = _item_score(item_id, ruleset, leaf_scores)
            points = ruleset.item(item_id).points
            if score is not None and score < points * t.min_share:
                short.append(f"{item_id} 得{format_points(score)}分，低于{format_points(points)}分的"
                             f"{format_points(t.min_share * 100)}%")
        return "关键项未达最低得分：" + "；".join(short)
    if t.grade:
        return f"本年度等次为{'、'.join(t.grade)}"
    if t.last_year_grade:
        return f"{last_year(ruleset)}年度等次为{evidence.history.get(last_year(ruleset))}"
    spec = next(s for s in ruleset.facts if s.name == t.fact)
    value = evidence.facts[t.fact]
    if spec.kind == "events":
        events = counted_events(value, t.any_kind, ruleset, t.where)
        return f"{spec.title}：计入{len(events)}起（{listed(events)}）"
    if spec.kind == "yes_no":
        return f"{spec.title}：{'是' if value else '否'}"
    return f"{spec.title}：{format_points(Decimal(value))}"
