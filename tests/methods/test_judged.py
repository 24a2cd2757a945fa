from tests.helpers import D, score_one

ITEM = "method: judged\nstep: 0.5"


def test_judged_score_with_reason(tmp_path):
    result = score_one(tmp_path, ITEM, "5", {"score": D("3.5"), "reason": "台账不全", "inspector": "第二组"})
    assert result.score == D("3.5")
    assert result.reason == "核查评定3.5分（第二组）：台账不全"
