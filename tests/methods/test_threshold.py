import pytest

from tests.helpers import D, score_one

AT_LEAST = "method: threshold\ntarget_filed: true\ntarget: 92\nunit: '%'"
AT_MOST = "method: threshold\ndirection: at_most\ntarget: 0.42\nunit: 起/万台\nrange: [0, null]"


@pytest.mark.parametrize("value, target, score, reason", [
    (D("92"), None, "4", "目标≥92%，实际92%，达到目标，得4分"),  # boundary value meets the target
    (D("91.99"), None, "0", "目标≥92%，实际91.99%，未达到目标，得0分"),
    (D("93"), D("95"), "0", "目标≥95%（本单位备案目标），实际93%，未达到目标，得0分"),
])
def test_threshold_at_least(tmp_path, value, target, score, reason):
    result = score_one(tmp_path, AT_LEAST, "4", value, target)
    assert (result.score, result.reason) == (D(score), reason)


@pytest.mark.parametrize("value, score, reason", [
    (D("0.42"), "3", "目标≤0.42起/万台，实际0.42起/万台，达到目标，得3分"),
    (D("0.43"), "0", "目标≤0.42起/万台，实际0.43起/万台，未达到目标，得0分"),
])
def test_threshold_at_most(tmp_path, value, score, reason):
    result = score_one(tmp_path, AT_MOST, "3", value)
    assert (result.score, result.reason) == (D(score), reason)
