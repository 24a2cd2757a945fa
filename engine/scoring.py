"""Score one unit's items: each leaf by its method, each section as the sum of its children.

Pure Python and Decimal; a leaf whose value (or target) is missing is left
unscored with a reason, never scored as 0.
"""
from __future__ import annotations

from decimal import Decimal

from .methods import METHODS, needs_cohort, needs_target
from .methods.common import ItemScore, ScoringContext
from .model import Evidence, Item, ItemResult, Ruleset, format_points

ZERO = Decimal(0)
MISSING_VALUE = "缺少填报值，无法评分"
MISSING_LAST_YEAR = "本项与本单位上年的值比较，缺少上年的值（填在 targets 中，或由上一轮次取得），无法评分"
_NO_CONTEXT = ScoringContext()


def score_leaf(item: Item, evidence: Evidence, place: tuple[int, int] | None = None) -> ItemResult:
    """Score one leaf. `place` is (rank, cohort size) for rank-based methods. An adjustment by the office
    replaces the score; the reason keeps what the rules gave and says who changed it, when and why."""
    result = _score_leaf(item, evidence, place)
    adjustment = evidence.adjustments.get(item.id) if evidence.adjustments else None
    if adjustment is None:
        return result
    computed = "未能评分" if result.score is None else f"{format_points(result.score)}分"
    who = "，".join(x for x in (adjustment.by, adjustment.at) if x)
    reason = (f"{result.reason}（计算得分{computed}）；调整为{format_points(adjustment.score)}分："
              f"{adjustment.reason}" + (f"（{who}）" if who else ""))
    return ItemResult(item, adjustment.score, reason, entry=result.entry, adjustment=adjustment,
                      computed=result.score)


def _score_leaf(item: Item, evidence: Evidence, place: tuple[int, int] | None) -> ItemResult:
    entry = evidence.entries.get(item.id)
    if entry is None or entry.value is None:
        return ItemResult(item, None, MISSING_VALUE, entry=entry)
    ctx = _NO_CONTEXT
    if needs_target(item.method):
        filed = evidence.targets.get(item.id)
        target = filed if filed is not None else item.target
        if target is None:
            missing = (MISSING_LAST_YEAR if item.last_year else "细则未设默认目标，本单位也未备案目标，无法评分")
            return ItemResult(item, None, missing, entry=entry)
        note = (evidence.target_sources.get(item.id) or ("本单位上年值" if item.last_year else "本单位备案目标")
                if filed is not None else "")
        ctx = ScoringContext(target=target, target_note=note)
    if needs_cohort(item.method):
        ctx = ScoringContext(rank=place[0], cohort=place[1])
    result: ItemScore = METHODS[item.method].score(item, entry.value, ctx)
    score, reason = result.score, result.reason
    if score > item.points or score < ZERO:
        clamped = min(max(score, ZERO), item.points)
        reason += f"；按本项分值范围0–{format_points(item.points)}分计为{format_points(clamped)}分"
        score = clamped
    return ItemResult(item, score, reason, entry=entry)


def assemble(item: Item, leaf_results: dict[str, ItemResult]) -> ItemResult:
    """A section's result from its children: the sum, capped at its points for a bonus section."""
    if item.is_leaf:
        return leaf_results[item.id]
    children = tuple(assemble(child, leaf_results) for child in item.children)
    scored = [c.score for c in children if c.score is not None]
    total = sum(scored, ZERO)
    unscored = len(children) - len(scored)
    reason = "下级指标得分之和" if not unscored else f"下级指标得分之和（其中{unscored}项未评分，未计入）"
    if item.bonus and total > item.points:
        reason = f"加分合计{format_points(total)}分，本项最多加{format_points(item.points)}分"
        total = item.points
    return ItemResult(item, total, reason, children)


def totals(ruleset: Ruleset, results: tuple[ItemResult, ...]) -> tuple[Decimal, Decimal, Decimal]:
    """(regular points, bonus points after the overall cap, total)."""
    regular = sum((r.score or ZERO for r in results if not r.item.bonus), ZERO)
    bonus = sum((r.score or ZERO for r in results if r.item.bonus), ZERO)
    bonus = min(bonus, ruleset.bonus_cap)
    return regular, bonus, regular + bonus
