"""核查评分：由考核人员在0至本项分值内评定，并必须写明理由。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts

NAME = "judged"
VALUE_KIND = "judgement"


@dataclass(frozen=True)
class Params:
    step: Decimal | None = None  # scores must be a multiple of this (0.5, 0.1), if given


def read_params(fields: Fields, points: Decimal) -> Params:
    return Params(fields.decimal("step", None, minimum=Decimal(0)))


def score(item, value, ctx: ScoringContext) -> ItemScore:
    by = f"（{value.inspector}）" if value.inspector else ""
    return ItemScore(value.score, f"核查评定{pts(value.score)}分{by}：{value.reason}")
