from tests.helpers import D, one_item_ruleset, score_values

# 第1名满分，相差一名扣0.2分
ITEM = "method: rank\nper: 0.2\nunit: 项\nrange: [0, null]"


def test_places_in_the_cohort_with_ties(tmp_path):
    ruleset = one_item_ruleset(tmp_path, ITEM, "1")
    results = score_values(ruleset, [D(8), D(5), D(8), D(1), D(0)])
    assert [r.score for r in results] == [D(1), D("0.6"), D(1), D("0.4"), D("0.2")]
    assert results[0].reason == "实际8项，在5个单位中列第1名，得满分1分"
    assert results[1].reason == "实际5项，在5个单位中列第3名，相差2名，每名扣0.2分，共扣0.4分，得0.6分"


def test_lower_is_better_and_the_floor(tmp_path):
    ruleset = one_item_ruleset(tmp_path, ITEM.replace("per: 0.2", "per: 0.5\norder: lower_better"), "1")
    results = score_values(ruleset, [D(3), D(1), D(2), D(9), D(4)])
    assert [r.score for r in results] == [D(0), D(1), D("0.5"), D(0), D(0)]
    assert results[3].reason == "实际9项，在5个单位中列第5名，相差4名，每名扣0.5分，扣完为止，得0分"


def test_a_unit_without_a_value_is_left_out_of_the_ranking(tmp_path):
    ruleset = one_item_ruleset(tmp_path, ITEM, "1")
    results = score_values(ruleset, [D(8), None, D(5)])
    assert results[1].score is None
    # three of the roster's five units: the places among them are provisional, and the reason says so
    assert results[2].reason == ("实际5项，在2个单位中列第2名，相差1名，每名扣0.2分，共扣0.2分，得0.8分"
                                 "（暂定：名单中还有2个单位未参评，名次可能变化）")
