"""Score one unit's items: each leaf by its method, each section as the sum of its children.

Pure Python and Decimal; a leaf whose value (or target) is missing is left
unscored with a reason, never scored as 0.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .methods import METHODS, needs_cohort, needs_target
from .methods.common import ItemScore, ScoringContext
from .model import Evidence, Item, ItemResult, Ruleset, format_points
from .selection import condition_holds, item_value

ZERO = Decimal(0)
MISSING_VALUE = "缺少填报值，无法评分"
MISSING_LAST_YEAR = "本项与本单位上年的值比较，缺少上年的值（填在 targets 中，或由上一轮次取得），无法评分"
_NO_CONTEXT = ScoringContext()


def score_leaf(item: Item, evidence: Evidence, place: tuple[int, int] | None = None,
               ruleset: Ruleset | None = None) -> ItemResult:
    """Score one leaf. `place` is (rank, cohort size) for rank-based methods. An adjustment by the office
    replaces the score; the reason keeps what the rules gave and says who changed it, when and why.
    `ruleset` is needed by items that count events (the period, the facts)."""
    result = _score_leaf(item, evidence, place, ruleset)
    adjustment = evidence.adjustments.get(item.id) if evidence.adjustments else None
    if adjustment is None:
        return result
    computed = "未能评分" if result.score is None else f"{format_points(result.score)}分"
    who = "，".join(x for x in (adjustment.by, adjustment.at) if x)
    reason = (f"{result.reason}（计算得分{computed}）；调整为{format_points(adjustment.score)}分："
              f"{adjustment.reason}" + (f"（{who}）" if who else ""))
    return ItemResult(item, adjustment.score, reason, entry=result.entry, adjustment=adjustment,
                      computed=result.score)


def _score_leaf(item: Item, evidence: Evidence, place: tuple[int, int] | None,
                ruleset: Ruleset | None) -> ItemResult:
    entry = evidence.entries.get(item.value_of or item.id)
    if item.takes_entry:
        if entry is None or entry.value is None:
            return ItemResult(item, None, MISSING_VALUE, entry=entry)
        value, found = entry.value, ""
    else:
        value, found, missing = item_value(item, ruleset, evidence)
        if value is None:
            return ItemResult(item, None, missing, entry=entry)
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
    if item.penalty:
        return _deduction(item, value, found, ctx, entry)
    result: ItemScore = METHODS[item.method].score(item, value, ctx)
    score, reason = result.score, result.reason
    if found:
        reason = f"{found}；{reason}"
    if score > item.cap or score < ZERO:
        clamped = min(max(score, ZERO), item.cap)
        reason += f"；按本项分值范围0–{format_points(item.cap)}分计为{format_points(clamped)}分"
        score = clamped
    return ItemResult(item, score, reason, entry=entry)


def _deduction(item: Item, value, found: str, ctx: ScoringContext, entry) -> ItemResult:
    """A row of a penalty section: a negative score, within the row's limit where it has one."""
    result: ItemScore = METHODS[item.method].deduct(item, value, ctx)
    score, reason = result.score, (f"{found}；{result.reason}" if found else result.reason)
    if item.points and -score > item.points:
        reason += f"，本项最多扣{format_points(item.points)}分"
        score = -item.points
    return ItemResult(item, score, reason, entry=entry)


def preconditions(ruleset: Ruleset, evidence: Evidence) -> dict[str, tuple[bool | None, str]]:
    """Each item with `zero_if`: (True and the reason when a condition holds, None and why when it cannot be told,
    False otherwise). A condition that holds wins over one that cannot be told."""
    out = {}
    for item in ruleset.all_items():
        if not item.zero_if:
            continue
        verdict, why = False, ""
        for cond in item.zero_if:
            holds, detail = condition_holds(cond, ruleset, evidence)
            if holds:
                verdict, why = True, (f"{cond.text}（{detail}）" if cond.text else detail)
                break
            if holds is None and verdict is False:
                verdict, why = None, f"{detail}，无法判断本项是否不得分"
        out[item.id] = (verdict, why)
    return out


def apply_preconditions(ruleset: Ruleset, checks: dict[str, tuple[bool | None, str]],
                        leaf_results: dict[str, ItemResult]) -> None:
    """Zero every leaf whose own precondition, or a section's above it, holds; leave unscored a leaf whose
    precondition cannot be told. What the leaf's own rule gave is kept as `computed`."""
    if not checks:
        return

    def visit(item: Item, above: str) -> None:
        verdict, why = checks.get(item.id, (False, ""))
        zeroed = above
        if verdict and not above:
            zeroed = (f"本项不得分：{why}" if item.is_leaf
                      else f"所属 {item.id}「{item.title}」不得分：{why}")
        if item.children:
            for child in item.children:
                visit(child, zeroed)
            return
        result = leaf_results[item.id]
        if zeroed:
            computed = f"（按评分标准计为{format_points(result.score)}分）" if result.score is not None else ""
            leaf_results[item.id] = replace(result, score=ZERO, computed=result.score, reason=f"{zeroed}{computed}")
        elif verdict is None:
            leaf_results[item.id] = replace(result, score=None, computed=result.score, reason=why)

    for top in ruleset.items:
        visit(top, "")


def assemble(item: Item, leaf_results: dict[str, ItemResult],
             checks: dict[str, tuple[bool | None, str]] | None = None) -> ItemResult:
    """A section's result from its children: the sum, capped at its points for a bonus section, at its limit for
    a penalty section; 0 when its own precondition holds (its leaves are zeroed already)."""
    if item.is_leaf:
        return leaf_results[item.id]
    children = tuple(assemble(child, leaf_results, checks) for child in item.children)
    scored = [c.score for c in children if c.score is not None]
    total = sum(scored, ZERO)
    unscored = len(children) - len(scored)
    reason = "下级指标得分之和" if not unscored else f"下级指标得分之和（其中{unscored}项未评分，未计入）"
    verdict, why = (checks or {}).get(item.id, (False, ""))
    if verdict:
        reason = f"本项不得分：{why}"
    elif item.bonus and total > item.points:
        reason = f"加分合计{format_points(total)}分，本项最多加{format_points(item.points)}分"
        total = item.points
    elif item.penalty:
        reason = f"扣分合计{format_points(-total)}分" if not unscored else (
            f"扣分合计{format_points(-total)}分（其中{unscored}项未评分，未计入）")
        if item.points and -total > item.points:
            reason += f"，本项最多扣{format_points(item.points)}分"
            total = -item.points
    return ItemResult(item, total, reason, children)


def totals(ruleset: Ruleset, results: tuple[ItemResult, ...]) -> tuple[Decimal, Decimal, Decimal]:
    """(regular points, bonus points after the overall cap, total). The total takes the penalty sections'
    deductions (see `penalties`) and never falls below 0."""
    regular = sum((r.score or ZERO for r in results if not r.item.bonus and not r.item.penalty), ZERO)
    bonus = sum((r.score or ZERO for r in results if r.item.bonus), ZERO)
    bonus = min(bonus, ruleset.bonus_cap)
    return regular, bonus, max(regular + bonus + penalties(results), ZERO)


def penalties(results: tuple[ItemResult, ...]) -> Decimal:
    """The penalty sections' deductions together (≤ 0)."""
    return sum((r.score or ZERO for r in results if r.item.penalty), ZERO)
