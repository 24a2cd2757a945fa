"""Score one unit's items: each leaf by its method, each section as the sum of its children.

Pure Python and Decimal; a leaf whose value (or target) is missing is left
unscored with a reason, never scored as 0.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from .methods import METHODS, needs_cohort, needs_target
from .methods.common import ItemScore, ScoringContext
from .model import NOT_APPLICABLE, Evidence, Item, ItemResult, Ruleset, format_points
from .selection import condition_holds, item_value

ZERO = Decimal(0)
MISSING_VALUE = "缺少填报值，无法评分"
MISSING_LAST_YEAR = "本项与本单位上年的值比较，缺少上年的值（填在 targets 中，或由上一轮次取得），无法评分"
_NO_CONTEXT = ScoringContext()
NOT_APPLICABLE_REASON = "本项不适用于本单位，不计分"
_NO_CHECK = (False, "")
CENT = Decimal("0.01")


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
    if item.events is None and not item.value_of:  # the item's own entry (Item.takes_entry, inlined: hot path)
        if entry is None or entry.value is None:
            return ItemResult(item, None, MISSING_VALUE, entry=entry)
        value, found = entry.value, entry.derived
        if value is NOT_APPLICABLE:
            return ItemResult(item, None, NOT_APPLICABLE_REASON, entry=entry, not_applicable=True,
                              unapplied=item.points)
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
    cap = item.points if item.max is None else item.max
    if score > cap or score < ZERO:
        clamped = min(max(score, ZERO), cap)
        reason += f"；按本项分值范围0–{format_points(cap)}分计为{format_points(clamped)}分"
        score = clamped
    if item.excess_is_bonus and score > item.points:
        reason += (f"；超出本项分值{format_points(item.points)}分的{format_points(score - item.points)}分"
                   "计入加分，受加分上限约束")
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
    for item in ruleset.conditioned:
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

    def visit(item: Item, above: str, unsure: str) -> None:
        verdict, why = checks.get(item.id, (False, ""))
        zeroed = above
        if verdict and not above:
            zeroed = (f"本项不得分：{why}" if item.is_leaf
                      else f"所属 {item.id}「{item.title}」不得分：{why}")
        if verdict is None and not unsure:
            unsure = why if item.is_leaf else f"所属 {item.id}「{item.title}」：{why}"
        if item.children:
            for child in item.children:
                visit(child, zeroed, unsure)
            return
        result = leaf_results[item.id]
        if zeroed:
            computed = f"（按评分标准计为{format_points(result.score)}分）" if result.score is not None else ""
            leaf_results[item.id] = replace(result, score=ZERO, computed=result.score, reason=f"{zeroed}{computed}",
                                            not_applicable=False, unapplied=ZERO)
        elif unsure:
            leaf_results[item.id] = replace(result, score=None, computed=result.score, reason=unsure,
                                            not_applicable=False, unapplied=ZERO)

    for top in ruleset.items:
        visit(top, "", "")


def assemble(item: Item, leaf_results: dict[str, ItemResult],
             checks: dict[str, tuple[bool | None, str]] | None = None) -> ItemResult:
    """A section's result from its children: the sum, capped at its points for a bonus section, at its limit for
    a penalty section; 0 when its own precondition holds (its leaves are zeroed already)."""
    if item.is_leaf:
        return leaf_results[item.id]
    children = tuple(assemble(child, leaf_results, checks) for child in item.children)
    total, unscored, unapplied = ZERO, 0, ZERO
    for c in children:  # one pass: this runs for every section of every unit
        if c.score is not None:
            total += c.score
        elif not c.not_applicable:
            unscored += 1
        if c.unapplied:
            unapplied += c.unapplied
    reason = "下级指标得分之和" if not unscored else f"下级指标得分之和（其中{unscored}项未评分，未计入）"
    verdict, why = checks.get(item.id, _NO_CHECK) if checks else _NO_CHECK
    if verdict is None:
        return ItemResult(item, None, why, children)
    if unapplied and unapplied >= item.points and not verdict:
        return ItemResult(item, None, "下级指标均不适用于本单位，本项不计分", children, not_applicable=True,
                          unapplied=item.points)
    if verdict:
        reason = f"本项不得分：{why}"
        computed = sum((c.score if c.computed is None else c.computed for c in children
                        if (c.score if c.computed is None else c.computed) is not None), ZERO)
        return ItemResult(item, ZERO, reason, children, computed=computed)
    elif item.rescale and unapplied:
        total, reason = rescaled(total, item.points - unapplied, item.points, unapplied, reason)
        unapplied = ZERO
    elif item.bonus and total > item.points:
        reason = f"加分合计{format_points(total)}分，本项最多加{format_points(item.points)}分"
        total = item.points
    elif item.penalty:
        reason = f"扣分合计{format_points(-total)}分" if not unscored else (
            f"扣分合计{format_points(-total)}分（其中{unscored}项未评分，未计入）")
        if item.points and -total > item.points:
            reason += f"，本项最多扣{format_points(item.points)}分"
            total = -item.points
    return ItemResult(item, total, reason, children, unapplied=unapplied)


def rescaled(total: Decimal, applicable: Decimal, scale: Decimal, unapplied: Decimal,
             reason: str = "") -> tuple[Decimal, str]:
    """按得分率折算: the score over the points that apply, brought back to the full scale (two decimals, half up)."""
    exact = total * scale / applicable
    value = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    shown = f"{format_points(value)}分" + ("（保留两位小数）" if value != exact else "")
    text = (f"{reason}{format_points(total)}分；不适用的指标{format_points(unapplied)}分不计，"
            f"按得分率折算：{format_points(total)}÷{format_points(applicable)}×{format_points(scale)}={shown}")
    return value, text


def totals(ruleset: Ruleset, results: tuple[ItemResult, ...]) -> tuple[Decimal, Decimal, Decimal]:
    """(regular points, bonus points after the overall cap, total). Top-level sections count by their weight where
    they have one; with `rescale`, not-applicable points fold out of the scale. The total takes the penalty
    sections' deductions (see `penalties`) and never falls below 0."""
    regular_results = [r for r in results if not r.item.bonus and not r.item.penalty]
    # taken out before any folding: it is bonus, not a share of the scale
    moved = excess_as_bonus(regular_results) if ruleset.moves_excess_to_bonus else ZERO
    regular = sum(((r.score or ZERO) * weight(r.item) for r in regular_results), ZERO) - moved
    unapplied = sum((r.unapplied * weight(r.item) for r in regular_results), ZERO)
    if ruleset.rescale and unapplied:
        regular = rescaled(regular, ruleset.scale - unapplied, ruleset.scale, unapplied)[0]
    bonus = sum((r.score or ZERO for r in results if r.item.bonus), ZERO) + moved
    bonus = min(bonus, ruleset.bonus_cap)
    return regular, bonus, max(regular + bonus + penalties(results), ZERO)


def excess_as_bonus(results) -> Decimal:
    """The part above their points of items whose ruleset counts it with the bonus items (excess: bonus)."""
    moved = ZERO
    for top in results:
        for r in top.walk():
            if r.item.excess_is_bonus and r.score is not None and r.score > r.item.points:
                moved += (r.score - r.item.points) * weight(top.item)
    return moved


def weight(item: Item) -> Decimal:
    return item.weight if item.weight is not None else Decimal(1)


def weighted_reason(result: ItemResult) -> ItemResult:
    """A top-level section with a weight says what it brings to the total: 按权重30%计入总分25.5分."""
    if result.item.weight is None or result.score is None:
        return result
    share = format_points(result.item.weight * 100)
    brought = format_points(result.score * result.item.weight - excess_as_bonus([result]))
    return replace(result, reason=f"{result.reason}；按权重{share}%计入总分{brought}分")


def rescale_note(ruleset: Ruleset, results: tuple[ItemResult, ...]) -> str:
    """For the grade reason: how the total was folded when items did not apply (按得分率折算)."""
    regular_results = [r for r in results if not r.item.bonus and not r.item.penalty]
    unapplied = sum((r.unapplied * weight(r.item) for r in regular_results), ZERO)
    if not (ruleset.rescale and unapplied):
        return ""
    raw = sum(((r.score or ZERO) * weight(r.item) for r in regular_results), ZERO) - excess_as_bonus(regular_results)
    return rescaled(raw, ruleset.scale - unapplied, ruleset.scale, unapplied, "适用指标得分")[1]


def penalties(results: tuple[ItemResult, ...]) -> Decimal:
    """The penalty sections' deductions together (≤ 0)."""
    return sum((r.score or ZERO for r in results if r.item.penalty), ZERO)
