"""达标得分：达到目标得满分，未达到不得分。细则例：制造业产品质量合格率达到92%以上。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ZERO, ItemScore, ScoringContext, measure, pts, target_text

NAME = "threshold"
VALUE_KIND = "number"
NEEDS_TARGET = True


@dataclass(frozen=True)
class Params:
    direction: str = "at_least"  # at_least: higher is better; at_most: lower is better


def read_params(fields: Fields, points: Decimal) -> Params:
    return Params(fields.choice("direction", ("at_least", "at_most"), "at_least") or "at_least")


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    direction = item.params.direction
    met = value >= ctx.target if direction == "at_least" else value <= ctx.target
    head = f"{target_text(item.unit, ctx.target, direction, ctx.target_note)}，实际{measure(value, item.unit)}"
    if met:
        return ItemScore(item.points, f"{head}，达到目标，得{pts(item.points)}分")
    return ItemScore(ZERO, f"{head}，未达到目标，得0分")
