"""分项相加：每完成一部分得该部分的分。细则例：有十三五规划得0.5分，有年度方案得0.5分。"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts, read_named_points

NAME = "parts"
VALUE_KIND = "parts"


@dataclass(frozen=True)
class Params:
    parts: tuple[tuple[str, Decimal], ...]

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.parts)


def read_params(fields: Fields, points: Decimal) -> Params:
    parts = read_named_points(fields, "parts", "组成部分")
    total = sum((worth for _, worth in parts), Decimal(0))
    if parts and total != points:
        fields.problems.add(fields.where("parts"), f"各部分分值之和 {pts(total)} 分与本项分值 {pts(points)} 分不一致")
    return Params(parts)


def score(item, value: tuple[str, ...], ctx: ScoringContext) -> ItemScore:
    done = [(name, worth) for name, worth in item.params.parts if name in value]
    missing = [name for name, _ in item.params.parts if name not in value]
    total = sum((worth for _, worth in done), Decimal(0))
    done_text = "、".join(f"{name}（{pts(worth)}分）" for name, worth in done) or "无"
    reason = f"已完成：{done_text}"
    if missing:
        reason += f"；未完成：{'、'.join(missing)}"
    return ItemScore(total, f"{reason}；得{pts(total)}分")
