"""未达目标按差距扣分，扣完为止。细则例：目标≥92%，每低1个百分点扣1分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import (
    PARTIAL_STEPS,
    ZERO,
    ItemScore,
    ScoringContext,
    count_steps,
    gap_unit,
    measure,
    pts,
    signed_gap,
    target_text,
)

NAME = "deduct_below_target"
VALUE_KIND = "number"
NEEDS_TARGET = True


@dataclass(frozen=True)
class Params:
    per: Decimal  # points lost per step
    step: Decimal = Decimal(1)
    partial: str = "proportional"
    direction: str = "at_least"


def read_params(fields: Fields, points: Decimal) -> Params:
    per = fields.decimal("per", minimum=Decimal(0)) or Decimal(0)
    step = fields.decimal("step", Decimal(1), minimum=Decimal(0)) or Decimal(1)
    partial = fields.choice("partial", PARTIAL_STEPS, "proportional") or "proportional"
    direction = fields.choice("direction", ("at_least", "at_most"), "at_least") or "at_least"
    return Params(per, step, partial, direction)


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    p = item.params
    head = f"{target_text(item.unit, ctx.target, p.direction, ctx.target_note)}，实际{measure(value, item.unit)}"
    gap = signed_gap(value, ctx.target, p.direction)
    if gap <= 0:
        return ItemScore(item.points, f"{head}，达到目标，得{pts(item.points)}分")
    word = "低于" if p.direction == "at_least" else "高于"
    verb = "低" if p.direction == "at_least" else "高"
    steps = count_steps(gap, p.step, p.partial)
    lost = steps * p.per
    rule = f"每{verb}{pts(p.step)}{gap_unit(item.unit)}扣{pts(p.per)}分"
    if p.partial != "proportional":
        rule += f"（{PARTIAL_STEPS[p.partial]}）"
    head = f"{head}，{word}目标{pts(gap)}{gap_unit(item.unit)}，{rule}"
    if lost >= item.points:
        return ItemScore(ZERO, f"{head}，应扣{pts(lost)}分，扣完为止，得0分")
    return ItemScore(item.points - lost, f"{head}，得{pts(item.points - lost)}分")
