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


def rank_grades(totals: list[Decimal], grading: Grading,
                excluded: list[set[str]] | None = None) -> list[tuple[str, str]]:
    """Grades by place in the cohort: each rank band takes the next `count` places or `share` of the cohort
    (rounded down); the last band takes the rest. Tied units share the better grade. A unit excluded from a band
    (取消评优资格) does not take its place there: the place passes to the next eligible unit (`vacancy: pass_on`)
    or stays empty (`stay_empty`), and the unit goes to the next band it may be given."""
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
    excluded = excluded or [set() for _ in totals]
    spots = places(totals)
    if any(excluded) and grading.rank_bands and grading.rank_bands[0].vacancy == "pass_on":
        assigned = _passed_on(totals, grading, limits, excluded)
    else:
        assigned = [_band_at(place, grading, limits) for place in spots]
    out = []
    for unit, (index, place) in enumerate(zip(assigned, spots, strict=True)):
        band = grading.rank_bands[index]
        last = index == len(grading.rank_bands) - 1
        previous = limits[index - 1] if index else 0
        span = f"第{limits[index]}名" if previous + 1 == limits[index] else f"第{previous + 1}至{limits[index]}名"
        rule = band.text or (f"其余为{band.label}" if last else f"{span}为{band.label}")
        reason = f"在{size}个单位中列第{place}名，{rule}，定为{band.label}"
        if excluded[unit] and grading.rank_bands[0].vacancy != "pass_on":
            while index < len(grading.rank_bands) - 1 and grading.rank_bands[index].label in excluded[unit]:
                index += 1
            if grading.rank_bands[index] is not band:
                reason = (f"在{size}个单位中列第{place}名，按名次应为{band.label}，但不得评为{band.label}"
                          f"（名额空缺，不递补），定为{grading.rank_bands[index].label}")
                band = grading.rank_bands[index]
        elif excluded[unit] and band.label != _band_at(place, grading, limits, label=True):
            due = _band_at(place, grading, limits, label=True)
            reason = (f"在{size}个单位中列第{place}名，按名次应为{due}，但不得评为{due}，名额由其后的单位递补，"
                      f"定为{band.label}")
        elif any(excluded) and grading.rank_bands[0].vacancy == "pass_on" and \
                band.label != _band_at(place, grading, limits, label=True):
            reason = (f"在{size}个单位中列第{place}名，前面有单位不得评为较高等次，名额依次递补，定为{band.label}")
        out.append((band.label, reason))
    return out


def _band_at(place: int, grading: Grading, limits: list[int], label: bool = False):
    for index, limit in enumerate(limits):
        if place <= limit or index == len(limits) - 1:
            return grading.rank_bands[index].label if label else index
    raise AssertionError("unreachable: the last band takes the rest")


def _passed_on(totals: list[Decimal], grading: Grading, limits: list[int], excluded: list[set[str]]) -> list[int]:
    """Band by band, the best-placed units that may be given the band take its places (ties share them), counted
    against the band's cumulative limit; a place an excluded unit would have taken passes on."""
    remaining = list(range(len(totals)))
    assigned: dict[int, int] = {}
    done = 0
    for index, band in enumerate(grading.rank_bands):
        last = index == len(grading.rank_bands) - 1
        candidates = [u for u in remaining if last or band.label not in excluded[u]]
        spots = places([totals[u] for u in candidates])
        taken = [u for u, place in zip(candidates, spots, strict=True) if last or done + place <= limits[index]]
        for unit in taken:
            assigned[unit] = index
        done += len(taken)
        remaining = [u for u in remaining if u not in assigned]
    return [assigned[u] for u in range(len(totals))]


def apply_quotas(grades: list[str], graded: list[Decimal], grading: Grading) -> list[tuple[str, str]]:
    """优秀比例不超过30%: where a band holds more units than its quota, the lowest totals beyond it move to the next
    band (units tied at the cut move together, so the quota is never exceeded). Returns (grade, note) per unit,
    note "" when the unit was not moved."""
    grades = list(grades)
    notes: list[list[str]] = [[] for _ in grades]
    size = len(grades)
    for quota in grading.quotas:  # in the order written; a moved unit may meet the next band's quota
        limit = quota.count if quota.count is not None else int(
            (quota.share * size).to_integral_value(rounding=ROUND_FLOOR))
        inside = sorted((u for u, g in enumerate(grades) if g == quota.label), key=lambda u: -graded[u])
        if len(inside) <= limit:
            continue
        edge = graded[inside[limit]]  # the best total that does not fit
        lower = grading.labels[grading.labels.index(quota.label) + 1]
        said = quota.text or (f"{quota.label}不超过{quota.count}个" if quota.count is not None
                              else f"{quota.label}比例不超过{format_points(quota.share * 100)}%")
        for unit in inside:
            if graded[unit] <= edge:
                grades[unit] = lower
                notes[unit].append(f"{said}（本批{size}个单位，至多{limit}个），总分{format_points(graded[unit])}分"
                                   f"未进入名额，{quota.label}→{lower}")
    return list(zip(grades, ["；".join(n) for n in notes], strict=True))
