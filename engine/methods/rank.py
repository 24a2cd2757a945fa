"""按名次得分：第1名得满分，每差一名扣分，扣完为止。细则例：第1名满分，相差一名扣0.2分。

The value is the unit's figure; places are taken within the batch scored
together, ties sharing the better place (1, 2, 2, 4).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, measure, pts

NAME = "rank"
VALUE_KIND = "number"
NEEDS_COHORT = True


@dataclass(frozen=True)
class Params:
    per: Decimal  # points lost per place below the first
    order: str = "higher_better"


def read_params(fields: Fields, points: Decimal) -> Params:
    per = fields.decimal("per", minimum=Decimal(0)) or Decimal(0)
    order = fields.choice("order", ("higher_better", "lower_better"), "higher_better") or "higher_better"
    return Params(per, order)


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    p = item.params
    behind = ctx.rank - 1
    lost = behind * p.per
    head = f"实际{measure(value, item.unit)}，在{ctx.cohort}个单位中列第{ctx.rank}名"
    if behind == 0:
        return ItemScore(item.points, f"{head}，得满分{pts(item.points)}分")
    head += f"，相差{behind}名，每名扣{pts(p.per)}分"
    if lost >= item.points:
        return ItemScore(Decimal(0), f"{head}，扣完为止，得0分")
    return ItemScore(item.points - lost, f"{head}，共扣{pts(lost)}分，得{pts(item.points - lost)}分")
