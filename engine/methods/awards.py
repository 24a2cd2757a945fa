"""同一成果只按最高一级计分：单位列出获得的奖励（层级、成果名称、日期），每项成果按其最高层级计一次，
不同成果相加，加到本项分值为止。细则例：获国家级奖励计3分，省级2分，市级1分；同一成果获得多个层级奖励的，
只按最高一级计分，本项最多4分。

The item reads its records from a fact of events (`events:`): an event's kind is the level, its title the
achievement's name.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts, read_named_points

NAME = "awards"
VALUE_KIND = "records"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Params:
    levels: tuple[tuple[str, Decimal], ...]  # level → points, best first as written

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.levels)


def read_params(fields: Fields, points: Decimal) -> Params:
    return Params(read_named_points(fields, "levels", "层级"))


def score(item, value, ctx: ScoringContext) -> ItemScore:
    worth = dict(item.params.levels)
    best: dict[str, list] = {}  # title → levels it got, in the order first seen
    for event in value:
        if event.kind in worth:
            best.setdefault(event.title, [])
            if event.kind not in best[event.title]:
                best[event.title].append(event.kind)
    if not best:
        return ItemScore(ZERO, "无计分的奖励，得0分")
    order = item.params.names()
    lines, total = [], ZERO
    for title, levels in best.items():
        levels = sorted(levels, key=lambda level: (-worth[level], order.index(level)))
        top = levels[0]
        total += worth[top]
        if len(levels) > 1:
            lines.append(f"「{title}」获{'、'.join(levels)}奖励，按最高一级{top}计{pts(worth[top])}分")
        else:
            lines.append(f"「{title}」{top}计{pts(worth[top])}分")
    if total > item.cap:
        return ItemScore(item.cap, "；".join(lines) + f"；合计{pts(total)}分，最多{pts(item.cap)}分，"
                                                      f"得{pts(item.cap)}分")
    return ItemScore(total, "；".join(lines) + f"；合计{pts(total)}分，得{pts(total)}分")
