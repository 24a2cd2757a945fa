"""The order units are listed in a batch's summaries: by grade, then by score, as an office publishes its results.

A unit vetoed down to D is listed with the D units, not among the C units its score would place it with; its
名次 (rank by total) is still shown beside it. Under rank grading the grades follow the ranks, so the ranks order it.
"""
from __future__ import annotations

from ..model import Ruleset, UnitResult


def summary_order(ruleset: Ruleset, results: list[UnitResult]) -> list[UnitResult]:
    labels = ruleset.grading.labels
    if ruleset.grading.by == "rank":
        return sorted(results, key=lambda r: (r.rank, r.unit))
    return sorted(results, key=lambda r: (labels.index(r.grade) if r.grade in labels else len(labels), r.rank, r.unit))
