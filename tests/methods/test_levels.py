import pytest

from tests.helpers import D, score_one

ITEM = "method: levels\nlevels: {纳入国民经济和社会发展规划: 1, 纳入部门规划: 0.5, 未纳入: 0}"


@pytest.mark.parametrize("value, score, reason", [
    ("纳入国民经济和社会发展规划", "1", "所处档次「纳入国民经济和社会发展规划」，得1分"),
    ("纳入部门规划", "0.5", "所处档次「纳入部门规划」，得0.5分"),
    ("未纳入", "0", "所处档次「未纳入」，得0分"),
])
def test_levels(tmp_path, value, score, reason):
    result = score_one(tmp_path, ITEM, "1", value)
    assert (result.score, result.reason) == (D(score), reason)
