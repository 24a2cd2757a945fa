import pytest

from tests.helpers import D, score_one

ITEM = "method: all_or_nothing"


@pytest.mark.parametrize("value, score, reason", [
    (True, "1", "已做到，得满分1分"),
    (False, "0", "未做到，得0分"),
    ("是", "1", "已做到，得满分1分"),
    ("否", "0", "未做到，得0分"),
])
def test_all_or_nothing(tmp_path, value, score, reason):
    result = score_one(tmp_path, ITEM, "1", value)
    assert result.score == D(score)
    assert result.reason == reason
