"""Outcome rules after the score: 一票否决, 降级, 封顶, 关键项最低得分 — each fired by evidence."""
import pytest

from kaohe.engine import evaluate, evidence_from_data, load_ruleset
from tests.helpers import D, ruleset_text, write

BODY = """\
period: {start: 2014-01-01, end: 2014-12-31, events_until: 2015-03-31}
facts:
  incidents: {title: 质量安全事件, kind: events, kinds: [区域性, 系统性, 一般]}
  late: {title: 迟报自评报告, kind: yes_no}
  complaints: {title: 投诉查实次数, kind: count}
items:
  - {id: 一, title: 质量目标, points: 60, method: judged, citation: {source: s, clause: 第四条, text: 质量目标}}
  - {id: 二, title: 质量措施, points: 40, method: judged, citation: {source: s, clause: 第四条, text: 质量措施}}
outcomes:
  - id: veto
    title: 区域性、系统性事件一票否决
    when: {fact: incidents, any_kind: [区域性, 系统性]}
    then: {force_grade: D}
    citation: {source: s, clause: 第五条, text: 发生区域性、系统性产品质量安全事件的，考核结果一律为D级。}
  - id: late
    title: 迟报自评报告降一级
    when: {fact: late, is: true}
    then: {downgrade: 1}
    citation: {source: s, clause: 第六条, text: 于每年7月15日前报送自评报告。}
  - id: complaints
    title: 投诉查实3次以上不得评为A级
    when: {fact: complaints, at_least: 3}
    then: {cap_grade: B}
    citation: {source: s, clause: 第七条, text: 投诉查实3次以上的，不得评为A级。}
  - id: key
    title: 质量目标得分不足六成降一级
    when: {key_items: [一], min_share: 0.6, scope: whole}
    then: {downgrade: 1}
    citation: {source: s, clause: 第八条, text: 质量目标得分低于该部分分值60%的，降一级。}
"""


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outcomes")
    text = ruleset_text(BODY).replace("period: {start: 2014-01-01, end: 2014-12-31}\n", "")
    return load_ruleset(write(folder, text))


def run(ruleset, goals="56", measures="39", incidents=(), late=False, complaints=0):
    data = {"unit": "甲县", "ruleset": "t",
            "values": {"一": {"score": D(goals), "reason": "核查"}, "二": {"score": D(measures), "reason": "核查"}},
            "facts": {"incidents": [dict(e) for e in incidents], "late": late, "complaints": D(complaints)}}
    return evaluate(ruleset, [evidence_from_data(data, ruleset, "甲县.yaml", "")])[0]


def fired(result):
    return [f.rule.id for f in result.fired]


def test_nothing_fires(ruleset):
    result = run(ruleset)
    assert (result.total, result.grade, fired(result)) == (D(95), "A", [])


def test_veto_forces_d_and_names_its_clause(ruleset):
    result = run(ruleset, incidents=[{"kind": "区域性", "date": "2014-05-01", "title": "某镇电线电缆区域性问题"}])
    assert (result.band_grade, result.grade, fired(result)) == ("A", "D", ["veto"])
    assert result.fired[0].detail == "质量安全事件：计入1起（2014-05-01 区域性 某镇电线电缆区域性问题）"
    assert result.grade_reason.endswith(
        "区域性、系统性事件一票否决（依据：测发〔2014〕1号《测试文件》第五条）：直接定为D")


def test_an_ordinary_incident_does_not_veto(ruleset):
    assert run(ruleset, incidents=[{"kind": "一般", "date": "2014-05-01"}]).grade == "A"


@pytest.mark.parametrize("date, grade", [
    ("2013-12-31", "A"),  # before the period
    ("2014-01-01", "D"),  # boundary: first day counts
    ("2015-03-31", "D"),  # after the year but before results are published: still counted
    ("2015-04-01", "A"),
])
def test_events_count_inside_the_period_or_before_publication(ruleset, date, grade):
    assert run(ruleset, incidents=[{"kind": "系统性", "date": date}]).grade == grade


def test_downgrade_one_level(ruleset):
    result = run(ruleset, late=True)
    assert (result.grade, fired(result)) == ("B", ["late"])
    assert "迟报自评报告降一级（依据：测发〔2014〕1号《测试文件》第六条）：降1级，A→B" in result.grade_reason


@pytest.mark.parametrize("complaints, grade", [(2, "A"), (3, "B"), (7, "B")])
def test_grade_cap(ruleset, complaints, grade):
    assert run(ruleset, complaints=complaints).grade == grade


def test_cap_does_not_raise_a_lower_grade(ruleset):
    result = run(ruleset, goals="45", measures="30", complaints=3)  # 75 → C, cap B leaves C
    assert (result.grade, fired(result)) == ("C", ["complaints"])


@pytest.mark.parametrize("goals, total, grade, rules", [
    ("35.5", "74.5", "D", ["key"]),  # below 60% of 60 points: band C, downgraded to D
    ("36", "75", "C", []),  # boundary: exactly 60% is enough
])
def test_key_item_minimum(ruleset, goals, total, grade, rules):
    result = run(ruleset, goals=goals, measures="39")
    assert (result.total, result.band_grade, result.grade, fired(result)) == (D(total), "C", grade, rules)


def test_key_item_detail(ruleset):
    result = run(ruleset, goals="30", measures="40")
    assert result.fired[0].detail == "关键项未达最低得分：一 得30分，低于60分的60%"


def test_downgrades_apply_before_caps_and_veto_overrides_all(ruleset):
    both = run(ruleset, late=True, complaints=3)  # A → B (late), cap B keeps B
    assert (both.grade, fired(both)) == ("B", ["late", "complaints"])
    everything = run(ruleset, late=True, complaints=3, incidents=[{"kind": "区域性", "date": "2014-02-01"}])
    assert everything.grade == "D"
    assert fired(everything) == ["veto", "late", "complaints"]


def test_a_missing_fact_is_reported_not_assumed(ruleset):
    data = {"unit": "甲县", "ruleset": "t",
            "values": {"一": {"score": D(56), "reason": "核查"}, "二": {"score": D(39), "reason": "核查"}},
            "facts": {"incidents": [], "complaints": D(0)}}
    result = evaluate(ruleset, [evidence_from_data(data, ruleset, "甲县.yaml", "")])[0]
    assert result.unscored == ("facts › late",)
    assert not result.complete


# REFERENCE.md's outcome example: events of some kinds counted against a number (any_kind with at_least).
REPEATED = """\
  - id: repeated
    title: 发生一般质量安全事件2起以上降一级
    when: {fact: incidents, any_kind: [一般], at_least: 2}
    then: {downgrade: 1}
    citation: {source: s, clause: 第九条, text: 发生一般质量安全事件2起以上的，降一级。}
"""


@pytest.fixture(scope="module")
def counting(tmp_path_factory):
    folder = tmp_path_factory.mktemp("counting")
    text = ruleset_text(BODY + REPEATED).replace("period: {start: 2014-01-01, end: 2014-12-31}\n", "")
    return load_ruleset(write(folder, text))


ORDINARY = {"kind": "一般", "title": "某企业产品抽检不合格", "date": "2014-05-01"}


@pytest.mark.parametrize(("incidents", "grade", "rules"), [
    ([ORDINARY], "A", []),  # one is not two
    ([ORDINARY, {**ORDINARY, "date": "2014-09-01"}], "B", ["repeated"]),  # 95 is A; two ordinary events: one down
    ([ORDINARY, {**ORDINARY, "date": "2015-06-01"}], "A", []),  # the second after the counted period
    ([ORDINARY, {**ORDINARY, "kind": "区域性"}], "D", ["veto"]),  # only 一般 events are counted by this rule
])
def test_events_of_some_kinds_counted_against_a_number(counting, incidents, grade, rules):
    result = run(counting, incidents=incidents)
    assert (result.total, result.grade, fired(result)) == (D(95), grade, rules)


def test_the_counted_events_are_named(counting):
    result = run(counting, incidents=[ORDINARY, {**ORDINARY, "date": "2014-09-01", "title": "某食品企业抽检不合格"}])
    assert result.fired[0].detail == ("质量安全事件：计入2起（2014-05-01 一般 某企业产品抽检不合格；"
                                      "2014-09-01 一般 某食品企业抽检不合格）")
