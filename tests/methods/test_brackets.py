import pytest

from tests.helpers import D, score_one

ITEM = """method: brackets
unit: 万元
range: [0, null]
brackets: [{min: 10, points: 5}, {min: 5, points: 2.5}, {min: 3, points: 1.25}]"""


@pytest.mark.parametrize("amount, score, reason", [
    ("12", "5", "实际12万元，属「10万元及以上」档，得5分"),
    ("10", "5", "实际10万元，属「10万元及以上」档，得5分"),  # boundary amount is in the upper bracket
    ("9.99", "2.5", "实际9.99万元，属「5万元及以上不足10万元」档，得2.5分"),
    ("3", "1.25", "实际3万元，属「3万元及以上不足5万元」档，得1.25分"),
    ("2.5", "0", "实际2.5万元，低于最低档3万元，得0分"),
])
def test_brackets(tmp_path, amount, score, reason):
    result = score_one(tmp_path, ITEM, "5", D(amount))
    assert (result.score, result.reason) == (D(score), reason)
