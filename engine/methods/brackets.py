"""按数额分档：数额落在哪一档得哪一档的分。细则例：≥10万得5分；5–10万得2.5分；3–5万得1.25分；<3万不得分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, measure, pts

NAME = "brackets"
VALUE_KIND = "number"


@dataclass(frozen=True)
class Bracket:
    min: Decimal  # the amount at or above which this bracket applies
    points: Decimal


@dataclass(frozen=True)
class Params:
    brackets: tuple[Bracket, ...]  # highest first


def read_params(fields: Fields, points: Decimal) -> Params:
    brackets = []
    rows = fields.sequence("brackets")
    for index, row in enumerate(rows):
        row_fields = Fields(row, f"{fields.path} › brackets[{index + 1}]", fields.problems,
                            at=fields.element("brackets", index))
        low = row_fields.decimal("min")
        worth = row_fields.decimal("points", minimum=Decimal(0))
        row_fields.done()
        if worth is not None and worth > points:
            fields.problems.add(row_fields.where("points"), f"档次得分 {pts(worth)} 分超过本项分值 {pts(points)} 分")
        if low is not None and worth is not None:
            if brackets and low >= brackets[-1].min:
                fields.problems.add(row_fields.where("min"), "各档下限须从高到低排列且不重复")
            brackets.append(Bracket(low, worth))
    if not rows:
        fields.problems.add(fields.where("brackets") if fields.has("brackets") else fields.loc, "至少要声明一个档次")
    return Params(tuple(brackets))


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    brackets = item.params.brackets
    for index, bracket in enumerate(brackets):
        if value >= bracket.min:
            upper = f"不足{measure(brackets[index - 1].min, item.unit)}" if index else ""
            band = f"{measure(bracket.min, item.unit)}及以上{upper}"
            reason = f"实际{measure(value, item.unit)}，属「{band}」档，得{pts(bracket.points)}分"
            return ItemScore(bracket.points, reason)
    lowest = measure(brackets[-1].min, item.unit)
    return ItemScore(Decimal(0), f"实际{measure(value, item.unit)}，低于最低档{lowest}，得0分")
