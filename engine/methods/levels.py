"""分档定分：按所处档次得分。细则例：纳入国民经济和社会发展规划得1分，纳入部门规划得0.5分，未纳入不得分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts

NAME = "levels"
VALUE_KIND = "level"


@dataclass(frozen=True)
class Params:
    levels: tuple[tuple[str, Decimal], ...]  # in the order the document lists them

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.levels)


def read_params(fields: Fields, points: Decimal) -> Params:
    table = fields.mapping("levels")
    levels = []
    if table is not None:
        level_fields = Fields(table, f"{fields.path} › levels", fields.problems)
        for name in table:
            worth = level_fields.decimal(name, minimum=Decimal(0))
            if worth is not None and worth > points:
                fields.problems.add(level_fields.where(name),
                                    f"档次「{name}」得 {worth} 分，超过本项分值 {points} 分")
            levels.append((name, worth if worth is not None else Decimal(0)))
        if not levels:
            fields.problems.add(fields.where("levels"), "至少要声明一个档次")
    return Params(tuple(levels))


def score(item, value: str, ctx: ScoringContext) -> ItemScore:
    worth = dict(item.params.levels)[value]
    return ItemScore(worth, f"所处档次「{value}」，得{pts(worth)}分")
