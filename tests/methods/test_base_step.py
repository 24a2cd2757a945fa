import pytest

from tests.helpers import D, score_one

# 达到上年水平得2分，每增长（减少）2个百分点加（减）0.1分，4分封顶
ITEM = "method: base_step\ntarget: 50\nunit: '%'\nbase: 2\nstep: 2\nup: 0.1\ndown: 0.1"


@pytest.mark.parametrize("value, score, reason", [
    ("50", "2", "基准50%，实际50%，基准得2分，与基准持平，得2分"),
    ("54", "2.2", "基准50%，实际54%，基准得2分，高于基准4个百分点，每好于基准2个百分点加0.1分（不足一步的部分不计），加0.2分，得2.2分"),
    ("55", "2.2", "基准50%，实际55%，基准得2分，高于基准5个百分点，每好于基准2个百分点加0.1分（不足一步的部分不计），加0.2分，得2.2分"),
    ("46", "1.8", "基准50%，实际46%，基准得2分，低于基准4个百分点，每差于基准2个百分点减0.1分（不足一步的部分不计），减0.2分，得1.8分"),
    ("100", "4", "基准50%，实际100%，基准得2分，高于基准50个百分点，每好于基准2个百分点加0.1分（不足一步的部分不计），加2.5分，4分封顶，得4分"),
])
def test_base_step(tmp_path, value, score, reason):
    result = score_one(tmp_path, ITEM, "4", D(value))
    assert (result.score, result.reason) == (D(score), reason)


def test_floor_at_zero(tmp_path):
    item = "method: base_step\ntarget: 15\nunit: '%'\nbase: 15\nstep: 1\ndown: 7.5"
    result = score_one(tmp_path, item, "15", D("12"))  # 持平得15分，每下降1个百分点扣7.5分
    assert result.score == D(0)
    assert result.reason.endswith("减22.5分，减完为止，得0分")
