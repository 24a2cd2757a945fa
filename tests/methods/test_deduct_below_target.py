import pytest

from tests.helpers import D, score_one

PROPORTIONAL = "method: deduct_below_target\ntarget_filed: true\ntarget: 92\nunit: '%'\nper: 1"
WHOLE = PROPORTIONAL + "\npartial: whole"
ROUND_UP = PROPORTIONAL + "\npartial: round_up"


def test_the_issue_example(tmp_path):
    result = score_one(tmp_path, PROPORTIONAL, "4", D("90.5"))
    assert result.score == D("2.5")
    assert result.reason == "目标≥92%，实际90.5%，低于目标1.5个百分点，每低1个百分点扣1分，得2.5分"


@pytest.mark.parametrize("item, value, score, reason", [
    (PROPORTIONAL, "92", "4", "目标≥92%，实际92%，达到目标，得4分"),
    (PROPORTIONAL, "87", "0", "目标≥92%，实际87%，低于目标5个百分点，每低1个百分点扣1分，应扣5分，扣完为止，得0分"),
    (WHOLE, "90.5", "3", "目标≥92%，实际90.5%，低于目标1.5个百分点，每低1个百分点扣1分（不足一步的部分不计），得3分"),
    (ROUND_UP, "90.5", "2", "目标≥92%，实际90.5%，低于目标1.5个百分点，每低1个百分点扣1分（不足一步按一步计），得2分"),
])
def test_partial_steps(tmp_path, item, value, score, reason):
    result = score_one(tmp_path, item, "4", D(value))
    assert (result.score, result.reason) == (D(score), reason)


def test_lower_is_better(tmp_path):
    item = "method: deduct_below_target\ndirection: at_most\ntarget: 2\nunit: 起\nper: 0.5\nrange: [0, null]"
    result = score_one(tmp_path, item, "2", D("3"))
    assert result.score == D("1.5")
    assert result.reason == "目标≤2起，实际3起，高于目标1起，每高1起扣0.5分，得1.5分"


def test_unit_filed_target_overrides_the_default(tmp_path):
    result = score_one(tmp_path, PROPORTIONAL, "4", D("93"), target=D("95"))
    assert result.score == D("2")
    assert result.reason.startswith("目标≥95%（本单位备案目标），实际93%，低于目标2个百分点")


def test_no_target_anywhere_leaves_the_item_unscored(tmp_path):
    result = score_one(tmp_path, "method: deduct_below_target\nunit: '%'\nper: 1", "4", D("93"))
    assert result.score is None
    assert result.reason == "细则未设默认目标，本单位也未备案目标，无法评分"
