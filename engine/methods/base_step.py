"""基准分加减：达到基准得基准分，每增长（减少）一步加（减）分，封顶为本项分值。

细则例：达到上年水平得2分，每增长（减少）2个百分点加（减）0.1分，4分封顶。
The baseline is the item's target: the ruleset default or the unit's filed one
(a unit files its own last-year level in 目标备案).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import PARTIAL_STEPS, ItemScore, ScoringContext, count_steps, gap_unit, measure, pts

NAME = "base_step"
VALUE_KIND = "number"
NEEDS_TARGET = True


@dataclass(frozen=True)
class Params:
    base: Decimal  # points at the baseline
    step: Decimal
    up: Decimal  # points added per step better than the baseline
    down: Decimal  # points taken per step worse than the baseline
    partial: str = "whole"
    direction: str = "at_least"  # at_least: higher is better


def read_params(fields: Fields, points: Decimal) -> Params:
    base = fields.decimal("base", minimum=Decimal(0)) or Decimal(0)
    if base > points:
        fields.problems.add(fields.where("base"), f"基准分 {pts(base)} 分超过本项分值（封顶）{pts(points)} 分")
    step = fields.decimal("step", Decimal(1), minimum=Decimal(0)) or Decimal(1)
    up = fields.decimal("up", Decimal(0), minimum=Decimal(0)) or Decimal(0)
    down = fields.decimal("down", Decimal(0), minimum=Decimal(0)) or Decimal(0)
    partial = fields.choice("partial", PARTIAL_STEPS, "whole") or "whole"
    direction = fields.choice("direction", ("at_least", "at_most"), "at_least") or "at_least"
    return Params(base, step, up, down, partial, direction)


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    p = item.params
    baseline = f"基准{measure(ctx.target, item.unit)}"
    if ctx.target_note:
        baseline += f"（{ctx.target_note}）"
    head = f"{baseline}，实际{measure(value, item.unit)}，基准得{pts(p.base)}分"
    better = value - ctx.target if p.direction == "at_least" else ctx.target - value
    if better == 0:
        return ItemScore(p.base, f"{head}，与基准持平，得{pts(p.base)}分")
    steps = count_steps(abs(better), p.step, p.partial)
    unit = gap_unit(item.unit)
    rule_note = f"（{PARTIAL_STEPS[p.partial]}）" if p.partial != "proportional" else ""
    if better > 0:
        change = steps * p.up
        raw = p.base + change
        text = (f"{head}，{'高于' if p.direction == 'at_least' else '低于'}基准{pts(abs(better))}{unit}，"
                f"每好于基准{pts(p.step)}{unit}加{pts(p.up)}分{rule_note}，加{pts(change)}分")
        if raw > item.cap:
            return ItemScore(item.cap, f"{text}，{pts(item.cap)}分封顶，得{pts(item.cap)}分")
        return ItemScore(raw, f"{text}，得{pts(raw)}分")
    change = steps * p.down
    raw = p.base - change
    text = (f"{head}，{'低于' if p.direction == 'at_least' else '高于'}基准{pts(abs(better))}{unit}，"
            f"每差于基准{pts(p.step)}{unit}减{pts(p.down)}分{rule_note}，减{pts(change)}分")
    if raw < 0:
        return ItemScore(Decimal(0), f"{text}，减完为止，得0分")
    return ItemScore(raw, f"{text}，得{pts(raw)}分")
