"""按项（次）加分，加到封顶为止。细则例：每获得一项国家级荣誉加1分，最多加5分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts

NAME = "add_per"
VALUE_KIND = "count"


@dataclass(frozen=True)
class Params:
    per: Decimal
    counted: str = "项"


def read_params(fields: Fields, points: Decimal) -> Params:
    per = fields.decimal("per", minimum=Decimal(0))
    if per == 0:
        fields.problems.add(fields.where("per"), "每项加分必须大于0")
    return Params(per or Decimal(0), fields.text("counted", "项"))


def score(item, value: int, ctx: ScoringContext) -> ItemScore:
    p = item.params
    gained = p.per * value
    if gained > item.cap:
        return ItemScore(item.cap, f"{value}{p.counted}，每{p.counted}加{pts(p.per)}分，"
                                   f"计{pts(gained)}分，最多{pts(item.cap)}分，得{pts(item.cap)}分")
    return ItemScore(gained, f"{value}{p.counted}，每{p.counted}加{pts(p.per)}分，得{pts(gained)}分")
