"""Band edges under every rounding mode: the total is rounded first (if the ruleset says so), then banded."""
from dataclasses import replace
from pathlib import Path

import pytest

from kaohe.engine import load_ruleset
from kaohe.engine.grading import band_for, explain_band, rank_grades, round_total
from kaohe.engine.model import Grading, RankBand, Rounding
from tests.helpers import D

NATIONAL = load_ruleset(Path(__file__).parent.parent / "rulesets" / "national-2013").grading

EDGES = ["88.5", "89.5", "89.99", "90.0", "59.5", "60.0"]
CASES = {
    # rounding              88.5  89.5  89.99 90.0  59.5  60.0
    (None, "half_up"):     ("B", "B", "B", "A", "D", "C"),
    ("1", "half_up"):      ("B", "A", "A", "A", "C", "C"),
    ("1", "half_even"):    ("B", "A", "A", "A", "C", "C"),  # 88.5 → 88, 89.5 → 90, 59.5 → 60
    ("1", "down"):         ("B", "B", "B", "A", "D", "C"),
    ("1", "up"):           ("B", "A", "A", "A", "C", "C"),
    ("0.5", "half_up"):    ("B", "B", "A", "A", "D", "C"),  # 89.99 → 90.0
    ("0.5", "down"):       ("B", "B", "B", "A", "D", "C"),
    ("0.1", "half_up"):    ("B", "B", "A", "A", "D", "C"),
}


@pytest.mark.parametrize("step, mode", list(CASES))
def test_band_edges(step, mode):
    grading = replace(NATIONAL, rounding=Rounding(D(step) if step else None, mode))
    grades = tuple(band_for(round_total(D(total), grading.rounding), grading).label for total in EDGES)
    assert grades == CASES[(step, mode)]


@pytest.mark.parametrize("total, step, mode, rounded", [
    ("88.5", "1", "half_even", "88"), ("89.5", "1", "half_even", "90"), ("89.99", "0.1", "half_up", "90.0"),
    ("89.94", "0.1", "half_up", "89.9"), ("59.7", "0.5", "half_up", "59.5"), ("59.75", "0.5", "half_up", "60.0"),
    ("89.99", None, "half_up", "89.99"),
])
def test_rounding(total, step, mode, rounded):
    assert str(round_total(D(total), Rounding(D(step) if step else None, mode))) == rounded


def test_89_99_is_never_shown_as_90_without_rounding():
    band = band_for(D("89.99"), NATIONAL)
    assert explain_band(D("89.99"), D("89.99"), band, NATIONAL) == \
        "总分89.99分（不取舍），80-89分为B级（即80分及以上、低于90分），定为B"


def test_the_explanation_names_the_rounding_rule():
    grading = replace(NATIONAL, rounding=Rounding(D(1), "half_up"))
    band = band_for(D(90), grading)
    assert explain_band(D("89.5"), D(90), band, grading) == \
        "总分89.5分，总分按1分四舍五入后定级，计90分，90分及以上为A级（即90分及以上），定为A"


def test_exclusive_lower_edge():
    """“59分以上为合格”: 59 itself is not enough."""
    bands = (replace(NATIONAL.bands[2], label="合格", min=D(59), inclusive=False, text=""),
             replace(NATIONAL.bands[3], label="不合格"))
    grading = Grading(("合格", "不合格"), "score", bands, rounding=Rounding(None))
    assert band_for(D(59), grading).label == "不合格"
    assert band_for(D("59.1"), grading).label == "合格"


def test_grades_by_rank_ties_share_the_better_grade():
    grading = Grading(("优秀", "良好", "合格"), "rank", rank_bands=(
        RankBand("优秀", count=2), RankBand("良好", share=D("0.4")), RankBand("合格")))
    totals = [D(95), D(90), D(90), D(80), D(70), D(60)]  # 6 units: 2 优秀, then floor(0.4 × 6) = 2 良好
    grades = [label for label, _ in rank_grades(totals, grading)]
    assert grades == ["优秀", "优秀", "优秀", "良好", "合格", "合格"]
    assert rank_grades(totals, grading)[3][1] == "在6个单位中列第4名，第3至4名为良好，定为良好"
