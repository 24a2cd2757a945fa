"""分档定分：按所处档次得分。细则例：纳入国民经济和社会发展规划得1分，纳入部门规划得0.5分，未纳入不得分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from ..loading import location_of
from .common import ItemScore, ScoringContext, pts, read_named_points

NAME = "levels"
VALUE_KIND = "level"


@dataclass(frozen=True)
class Params:
    levels: tuple[tuple[str, Decimal], ...]  # in the order the document lists them

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.levels)


def read_params(fields: Fields, points: Decimal) -> Params:
    levels = read_named_points(fields, "levels", "档次")
    for name, worth in levels:
        if worth > points:
            fields.problems.add(location_of(fields.data["levels"], name).at(f"{fields.path} › levels › {name}"),
                                f"档次「{name}」得 {pts(worth)} 分，超过本项分值 {pts(points)} 分")
    return Params(levels)


def score(item, value: str, ctx: ScoringContext) -> ItemScore:
    worth = dict(item.params.levels)[value]
    return ItemScore(worth, f"所处档次「{value}」，得{pts(worth)}分")
