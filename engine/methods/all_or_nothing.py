"""全有或全无：做到得满分，未做到得0分。细则例：制定年度工作方案得1分，未制定不得分。"""
from __future__ import annotations

from dataclasses import dataclass

from ..fields import Fields
from .common import ZERO, ItemScore, ScoringContext, pts

NAME = "all_or_nothing"
VALUE_KIND = "yes_no"


@dataclass(frozen=True)
class Params:
    pass


def read_params(fields: Fields, points) -> Params:
    return Params()


def score(item, value: bool, ctx: ScoringContext) -> ItemScore:
    if value:
        return ItemScore(item.points, f"已做到，得满分{pts(item.points)}分")
    return ItemScore(ZERO, "未做到，得0分")
