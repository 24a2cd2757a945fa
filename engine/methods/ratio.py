"""按比率折算：满意率（得票率）× 本项分值。细则例：群众满意度测评得分=满意率×本项分值（10分）。

The value is the two counts, e.g. {满意: 812, 参评: 1000} (names from `numerator` and `denominator`) or the text
"812/1000". The score keeps two decimals, rounded half up, as the documents print it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..fields import Fields
from .common import ItemScore, ScoringContext, pts

NAME = "ratio"
VALUE_KIND = "ratio"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Params:
    numerator: str  # 满意人数
    denominator: str  # 参评人数
    rate: str = "比率"  # what the ratio is called: 满意率, 得票率
    counted: str = "人"


def read_params(fields: Fields, points: Decimal) -> Params:
    numerator, denominator = fields.text("numerator"), fields.text("denominator")
    if numerator and numerator == denominator:
        fields.problems.add(fields.where("denominator"), "分子和分母的名称不能相同")
    return Params(numerator, denominator, fields.text("rate", "比率"), fields.text("counted", "人"))


def score(item, value: tuple[int, int], ctx: ScoringContext) -> ItemScore:
    p = item.params
    part, whole = value
    rate = Decimal(part) / Decimal(whole)
    exact = rate * item.points
    got = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    percent = (rate * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    rounded = "（保留两位小数）" if got != exact else ""
    counts = f"{p.numerator}{part}{p.counted}，{p.denominator}{whole}{p.counted}"
    product = f"{p.rate}×本项分值{pts(item.points)}分={pts(got)}分{rounded}"
    return ItemScore(got, f"{counts}，{p.rate}{pts(percent)}%，{product}")
