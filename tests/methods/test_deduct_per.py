import pytest

from tests.helpers import D, score_one

MISSING = "method: deduct_per\nper: 0.1"
SHORTFALL = "method: deduct_per\nper: 1.25\nrequired: 4\ncounted: 次"


@pytest.mark.parametrize("missing, score, reason", [
    (D(0), "0.6", "缺0项，不扣分，得满分0.6分"),
    (D(1), "0.5", "缺1项，每项扣0.1分，共扣0.1分，得0.5分"),
    (D(3), "0.3", "缺3项，每项扣0.1分，共扣0.3分，得0.3分"),  # 0.1 × 3 = 0.3 exactly, not 0.30000000000000004
    (D(6), "0", "缺6项，每项扣0.1分，应扣0.6分，扣完为止，得0分"),  # exactly at the floor
    (D(7), "0", "缺7项，每项扣0.1分，应扣0.7分，扣完为止，得0分"),  # past the floor
    (["配套政策甲", "配套政策乙"], "0.4", "缺2项，每项扣0.1分，共扣0.2分，得0.4分"),  # a list counts itself
])
def test_deduct_per_missing_element(tmp_path, missing, score, reason):
    result = score_one(tmp_path, MISSING, "0.6", missing)
    assert (result.score, result.reason) == (D(score), reason)


def test_three_deductions_of_a_tenth_from_one_leave_exactly_seven_tenths(tmp_path):
    result = score_one(tmp_path, MISSING, "1", D(3))
    assert str(result.score) == "0.7"


@pytest.mark.parametrize("done, score, reason", [
    (D(4), "5", "要求4次，实际4次，少0次，不扣分，得满分5分"),
    (D(6), "5", "要求4次，实际6次，少0次，不扣分，得满分5分"),
    (D(2), "2.5", "要求4次，实际2次，少2次，每次扣1.25分，共扣2.5分，得2.5分"),
    (D(0), "0", "要求4次，实际0次，少4次，每次扣1.25分，应扣5分，扣完为止，得0分"),
])
def test_deduct_per_shortfall(tmp_path, done, score, reason):
    result = score_one(tmp_path, SHORTFALL, "5", done)
    assert (result.score, result.reason) == (D(score), reason)
