"""按项（次）扣分，扣完为止。细则例：六个方面配套政策，每缺一个扣0.1分；每少一次扣1.25分。

With `required`, the value is what was done and the shortfall is counted
(每少一次); without it, the value is the number of missing elements or events.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts

NAME = "deduct_per"
VALUE_KIND = "count"


@dataclass(frozen=True)
class Params:
    per: Decimal
    required: int | None = None
    counted: str = "项"  # what is counted: 项, 次, 个月 …
    noun: str = "缺"  # how the count is introduced: 缺, 超期未办结, 发生 …
    zero_if_none: bool = False  # 均未开展的不得分: nothing done scores 0 (with `required`)


def read_params(fields: Fields, points: Decimal) -> Params:
    per = fields.decimal("per", minimum=Decimal(0))
    if per == 0:
        fields.problems.add(fields.where("per"), "每项扣分必须大于0")
    required = fields.integer("required", None)
    zero_if_none = bool(fields.boolean("zero_if_none", False))
    if zero_if_none and required is None and fields.has("zero_if_none"):
        fields.problems.add(fields.where("zero_if_none"), "zero_if_none（均未开展的不得分）须与 required 同用",
                            "写明要求的项数，例如 required: 6，填报实际完成的项数")
    return Params(per or Decimal(0), required, fields.text("counted", "项"), fields.text("noun", "缺"), zero_if_none)


def score(item, value: int, ctx: ScoringContext) -> ItemScore:
    p = item.params
    if p.required is not None:
        short = max(p.required - value, 0)
        head = f"要求{p.required}{p.counted}，实际{value}{p.counted}，少{short}{p.counted}"
    else:
        short = value
        head = f"{p.noun}{short}{p.counted}"
    if p.zero_if_none and value == 0:
        return ItemScore(Decimal(0), f"要求{p.required}{p.counted}，实际0{p.counted}，均未开展，不得分")
    if short == 0:
        return ItemScore(item.points, f"{head}，不扣分，得满分{pts(item.points)}分")
    lost = p.per * short
    if lost >= item.points:
        return ItemScore(Decimal(0), f"{head}，每{p.counted}扣{pts(p.per)}分，应扣{pts(lost)}分，扣完为止，得0分")
    return ItemScore(item.points - lost,
                     f"{head}，每{p.counted}扣{pts(p.per)}分，共扣{pts(lost)}分，得{pts(item.points - lost)}分")


def deduct(item, value: int, ctx: ScoringContext) -> ItemScore:
    """In a penalty section (扣分项): the deduction itself, as a negative score."""
    p = item.params
    head = f"{p.noun}{value}{p.counted}"
    if value == 0:
        return ItemScore(Decimal(0), f"{head}，不扣分")
    return ItemScore(-p.per * value, f"{head}，每{p.counted}扣{pts(p.per)}分，扣{pts(p.per * value)}分")
