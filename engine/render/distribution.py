"""What the summary charts show: each unit's total coloured by its grade, or, for a batch too large for one bar per
unit, how many units fall in each 5-point range of totals. Shared by the xlsx and the HTML summary."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ..grading import band_for
from ..model import Ruleset, UnitResult, format_points

GRADE_COLORS = ("2e7d32", "1565c0", "f9a825", "c62828", "6a1b9a", "455a64")  # by the order of the grades
LARGE_BATCH = 60  # units; above this one bar per unit no longer fits a page, a distribution does
BIN = Decimal(5)  # points per range of the distribution


@dataclass(frozen=True)
class Bin:
    label: str  # 85–90分
    low: Decimal
    count: int
    grade: str  # the grade band the range starts in ("" under rank grading, which has no score bands)


def grade_colors(ruleset: Ruleset) -> dict[str, str]:
    return dict(zip(ruleset.grading.labels, GRADE_COLORS, strict=False))


def is_large(results: list[UnitResult]) -> bool:
    return len(results) > LARGE_BATCH


def bins(ruleset: Ruleset, results: list[UnitResult]) -> list[Bin]:
    """Counts of totals in ranges of 5 points, from the lowest range any unit is in to the highest; empty ranges
    between them stay (a gap is information)."""
    if not results:
        return []
    low = BIN * math.floor(min(r.total for r in results) / BIN)
    high = BIN * math.floor(max(r.total for r in results) / BIN)
    out = []
    start = low
    while start <= high:
        count = sum(1 for r in results if start <= r.total < start + BIN)
        grade = band_for(start, ruleset.grading).label if ruleset.grading.bands else ""
        out.append(Bin(f"{format_points(start)}–{format_points(start + BIN)}分", start, count, grade))
        start += BIN
    return out
