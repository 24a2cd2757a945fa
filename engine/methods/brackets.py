"""按数额分档：数额落在哪一档得哪一档的分。细则例：≥10万得5分；5–10万得2.5分；3–5万得1.25分；<3万不得分。

`direction: at_most` reads a table where fewer is better, by upper edges (`max`): 未发生得20分，发生1起得12分，
2起及以上不得分. Each edge includes its own number unless the bracket says `inclusive: false` (“以上”不含本数).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, measure, pts

NAME = "brackets"
VALUE_KIND = "number"
EDGE = {"at_least": "min", "at_most": "max"}


@dataclass(frozen=True)
class Bracket:
    min: Decimal  # the edge: the amount at or above which (at_most: at or below which) this bracket applies
    points: Decimal
    inclusive: bool = True


@dataclass(frozen=True)
class Params:
    brackets: tuple[Bracket, ...]  # best first
    direction: str = "at_least"

    def reaches(self, value: Decimal, bracket: Bracket) -> bool:
        if self.direction == "at_least":
            return value >= bracket.min if bracket.inclusive else value > bracket.min
        return value <= bracket.min if bracket.inclusive else value < bracket.min


def read_params(fields: Fields, points: Decimal) -> Params:
    direction = fields.choice("direction", EDGE, "at_least") or "at_least"
    edge = EDGE[direction]
    brackets = []
    rows = fields.sequence("brackets")
    for index, row in enumerate(rows):
        row_fields = Fields(row, f"{fields.path} › brackets[{index + 1}]", fields.problems,
                            at=fields.element("brackets", index))
        low = row_fields.decimal(edge)
        worth = row_fields.decimal("points", minimum=Decimal(0))
        inclusive = row_fields.boolean("inclusive", True)
        row_fields.done()
        if worth is not None and worth > points:
            fields.problems.add(row_fields.where("points"), f"档次得分 {pts(worth)} 分超过本项分值 {pts(points)} 分")
        if low is not None and worth is not None:
            if brackets and (low >= brackets[-1].min if direction == "at_least" else low <= brackets[-1].min):
                order = "从高到低" if direction == "at_least" else "从低到高"
                which = "下限" if edge == "min" else "上限"
                fields.problems.add(row_fields.where(edge), f"各档{which}须{order}排列且不重复")
            brackets.append(Bracket(low, worth, inclusive is not False))
    if not rows:
        fields.problems.add(fields.where("brackets") if fields.has("brackets") else fields.loc, "至少要声明一个档次")
    return Params(tuple(brackets), direction)


def _edge_text(bracket: Bracket, unit: str, direction: str) -> str:
    shown = measure(bracket.min, unit)
    if direction == "at_least":
        return f"{shown}及以上" if bracket.inclusive else f"{shown}以上"
    if bracket.min == 0 and bracket.inclusive:
        return shown  # 0起: 未发生
    return f"不超过{shown}" if bracket.inclusive else f"少于{shown}"


def score(item, value: Decimal, ctx: ScoringContext) -> ItemScore:
    p = item.params
    brackets = p.brackets
    for index, bracket in enumerate(brackets):
        if p.reaches(value, bracket):
            if p.direction == "at_least":
                upper = ""
                if index:
                    above = brackets[index - 1]
                    upper = f"{'不足' if above.inclusive else '不超过'}{measure(above.min, item.unit)}"
                band = f"{_edge_text(bracket, item.unit, p.direction)}{upper}"
            else:
                band = _edge_text(bracket, item.unit, p.direction)
            reason = f"实际{measure(value, item.unit)}，属「{band}」档，得{pts(bracket.points)}分"
            return ItemScore(bracket.points, reason)
    last = brackets[-1]
    if p.direction == "at_most":
        beyond = "超过最高档" if last.inclusive else "达到"  # the last edge itself is outside when not inclusive
        return ItemScore(Decimal(0), f"实际{measure(value, item.unit)}，{beyond}{measure(last.min, item.unit)}，得0分")
    lowest = measure(last.min, item.unit)
    return ItemScore(Decimal(0), f"实际{measure(value, item.unit)}，低于最低档{lowest}，得0分")
