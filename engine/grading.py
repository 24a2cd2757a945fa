"""From a total to a grade: explicit rounding, band edges and inclusiveness, or rank in the cohort."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from .model import Band, Grading, Rounding, format_points
from .ranking import places

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def round_total(total: Decimal, rounding: Rounding) -> Decimal:
    """Round to a multiple of `step` (1, 0.5, 0.1 …) in the ruleset's mode; no step, no rounding."""
    if rounding.step is None:
        return total
    multiples = (total / rounding.step).quantize(Decimal(1), rounding=_MODES[rounding.mode])
    return multiples * rounding.step


def band_for(total: Decimal, grading: Grading) -> Band:
    """The first band, best first, whose lower edge the (rounded) total reaches."""
    for band in grading.bands:
        if band.contains(total):
            return band
    return grading.bands[-1]  # unreachable for a checked ruleset: the lowest band has no lower edge


def explain_band(total: Decimal, graded: Decimal, band: Band, grading: Grading) -> str:
    """总分89.5分，80-89分为B级（即80分及以上、低于90分），定为B."""
    shown = f"总分{format_points(total)}分"
    if grading.rounding.step is not None:
        shown += f"，{grading.rounding.describe()}，计{format_points(graded)}分"
    else:
        shown += "（不取舍）"
    edges = band_edges(band, grading)
    rule = f"{band.text}（即{edges}）" if band.text else f"{edges}为{band.label}"
    return f"{shown}，{rule}，定为{band.label}"


def band_edges(band: Band, grading: Grading) -> str:
    """A band's edges in plain words: 80分及以上、低于90分."""
    index = grading.bands.index(band)
    upper = grading.bands[index - 1] if index else None
    parts = []
    if band.min is not None:
        parts.append(f"{format_points(band.min)}分{'及以上' if band.inclusive else '以上'}")
    if upper is not None:
        parts.append(f"{'低于' if upper.inclusive else '不高于'}{format_points(upper.min)}分")
    return "、".join(parts) or "所有分数"


def rank_grades(totals: list[Decimal], grading: Grading) -> list[tuple[str, str]]:
    """Grades by place in the cohort: each rank band takes the next `count` places or `share` of the cohort
    (rounded down); the last band takes the rest. Tied units share the better grade."""
    size = len(totals)
    limits, reached = [], 0
    for band in grading.rank_bands:
        if band.count is not None:
            reached += band.count
        elif band.share is not None:
            reached += int((band.share * size).to_integral_value(rounding=ROUND_FLOOR))
        else:
            reached = size
        limits.append(reached)
    out = []
    for place in places(totals):
        previous = 0
        for band, limit in zip(grading.rank_bands, limits, strict=True):
            if place <= limit or band is grading.rank_bands[-1]:
                last = band is grading.rank_bands[-1]
                rule = band.text or (f"其余为{band.label}" if last else f"第{previous + 1}至{limit}名为{band.label}")
                out.append((band.label, f"在{size}个单位中列第{place}名，{rule}，定为{band.label}"))
                break
            previous = limit
    return out
