import pytest

from tests.helpers import D, score_one

ITEM = "method: add_per\nper: 1\ncounted: 家"


@pytest.mark.parametrize("count, score, reason", [
    (D(0), "0", "0家，每家加1分，得0分"),
    (D(3), "3", "3家，每家加1分，得3分"),
    (D(5), "5", "5家，每家加1分，得5分"),  # boundary: exactly the cap
    (D(8), "5", "8家，每家加1分，计8分，最多5分，得5分"),
])
def test_add_per(tmp_path, count, score, reason):
    result = score_one(tmp_path, ITEM, "5", count)
    assert (result.score, result.reason) == (D(score), reason)
