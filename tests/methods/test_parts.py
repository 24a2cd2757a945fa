import pytest

from tests.helpers import D, score_one

ITEM = "method: parts\nparts: {十三五规划: 0.5, 年度方案: 0.5}"


@pytest.mark.parametrize("value, score, reason", [
    (["十三五规划", "年度方案"], "1", "已完成：十三五规划（0.5分）、年度方案（0.5分）；得1分"),
    (["年度方案"], "0.5", "已完成：年度方案（0.5分）；未完成：十三五规划；得0.5分"),
    ([], "0", "已完成：无；未完成：十三五规划、年度方案；得0分"),
])
def test_parts(tmp_path, value, score, reason):
    result = score_one(tmp_path, ITEM, "1", value)
    assert (result.score, result.reason) == (D(score), reason)
