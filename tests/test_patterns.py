"""Issue 11's ruleset-language patterns, each pinned by scores computed by hand from the rule's own numbers.

Every expected score below is written as the arithmetic of the 细则 (points, per, levels …), never copied from
the engine's output. The mini 细则 in tests/fixtures/patterns/ uses all the patterns together; its cases are
hand-computed too (see the comments in its cases/samples.yaml) and are run here the way `kaohe test` runs them.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_data, load_evidence, load_ruleset
from kaohe.engine.cases import case_files, load_cases, run_case
from kaohe.engine.lint import lint_path
from tests.helpers import D, one_item_ruleset, ruleset_text, score_values, write

FIXTURE = Path(__file__).parent / "fixtures" / "patterns"
CITE = "citation: {source: s, clause: 第二条, text: 测试条款}"


# --- helpers ------------------------------------------------------------------------

def lines_with(text: str, needle: str) -> list[int]:
    """1-based numbers of the lines of `text` that contain `needle`."""
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def located(message: str, name: str, lines: list[int]) -> bool:
    """Whether the message points at file `name` on one of `lines` (file:line:column)."""
    return any(f"{name}:{line}:" in message for line in lines)


def load_problems(folder: Path, body: str, scale: str = "100") -> tuple[str, str]:
    """(the ruleset text, the load error's text with the folder stripped)."""
    text = ruleset_text(body, scale=scale)
    path = write(folder, text)
    with pytest.raises(KaoheError) as caught:
        load_ruleset(path)
    return text, str(caught.value).replace(str(folder) + "/", "")


def evidence_problems(folder: Path, ruleset, text: str, name: str = "甲县.yaml") -> str:
    path = write(folder, text, name)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(str(folder) + "/", "")


def load(folder: Path, body: str, scale: str = "100"):
    return load_ruleset(write(folder, ruleset_text(body, scale=scale)))


def run(ruleset, values=None, facts=None, targets=None, unit="甲县"):
    data = {"unit": unit, "ruleset": ruleset.id, "values": values or {}}
    if facts is not None:
        data["facts"] = facts
    if targets is not None:
        data["targets"] = targets
    return evaluate(ruleset, [evidence_from_data(data, ruleset, f"{unit}.yaml", "")])[0]


def by_id(result, item_id):
    return next(r for r in result.all_items() if r.item.id == item_id)


def judged(score) -> dict:
    return {"score": D(score), "reason": "核查"}


# --- 1. checklists: faults --------------------------------------------------------------

FAULTS = """\
method: checklist
faults:
  未建立台账: 0.5
  台账不全: 0.2
  未按时报送: {per: 0.3, counted: 次}
"""


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    return one_item_ruleset(tmp_path_factory.mktemp("faults"), FAULTS, "1")


@pytest.mark.parametrize("value, score, reason", [
    ([], D(1), "无扣分情形，得满分1分"),
    ({"未按时报送": D(0)}, D(1), "无扣分情形，得满分1分"),  # counted 0 times: none found
    # 1 − 0.5 − 0.2 = 0.3
    (["未建立台账", "台账不全"], D(1) - D("0.5") - D("0.2"),
     "未建立台账扣0.5分；台账不全扣0.2分；共扣0.7分，得0.3分"),
    # 1 − (0.5 + 2 × 0.3) = −0.1 → floored at 0
    ({"未建立台账": D(1), "未按时报送": D(2)}, D(0),
     "未建立台账扣0.5分；未按时报送2次，每次扣0.3分，扣0.6分；共扣1.1分，扣完为止，得0分"),
    # 1 − 0.2 − 1 × 0.3 = 0.5
    ({"台账不全": D(1), "未按时报送": D(1)}, D(1) - D("0.2") - D("0.3"),
     "台账不全扣0.2分；未按时报送1次，每次扣0.3分，扣0.3分；共扣0.5分，得0.5分"),
])
def test_faults(faults, value, score, reason):
    result = score_values(faults, [value])[0]
    assert (result.score, result.reason) == (score, reason)


def test_faults_that_use_up_the_points_exactly_give_0(faults):
    # 0.5 + 0.2 + 1 × 0.3 = 1 = points → 0; 0.5 + 0.2 + 3 × 0.3 = 1.6 > 1 → 0, never negative
    exact, above = score_values(faults, [{"未建立台账": D(1), "台账不全": D(1), "未按时报送": D(1)},
                                         {"未建立台账": D(1), "台账不全": D(1), "未按时报送": D(3)}])
    assert (exact.score, above.score) == (D(0), D(0))


def test_a_checklist_value_is_typed_in_document_order_whichever_form(faults):
    as_list, as_mapping = score_values(faults, [["台账不全", "未建立台账"], {"未按时报送": D(2), "未建立台账": D(1),
                                                                              "台账不全": D(0)}])
    assert as_list.entry.value == (("未建立台账", 1), ("台账不全", 1))
    assert as_mapping.entry.value == (("未建立台账", 1), ("未按时报送", 2))  # count 0 left out


# --- 1. checklists: gains ----------------------------------------------------------------

GAINS = """\
method: checklist
gains:
  获评示范区: 1
  创新案例: 0.5
  经验推广: {per: 0.5, counted: 次}
"""


@pytest.fixture(scope="module")
def gains(tmp_path_factory):
    return one_item_ruleset(tmp_path_factory.mktemp("gains"), GAINS, "2")


def test_gains_add_from_0(gains):
    none, some = score_values(gains, [[], ["获评示范区", "创新案例"]])
    assert (none.score, none.reason) == (D(0), "无加分情形，得0分")
    # 1 + 0.5 = 1.5 ≤ 2
    assert (some.score, some.reason) == (D(1) + D("0.5"), "获评示范区加1分；创新案例加0.5分；共加1.5分，得1.5分")


def test_gains_are_capped_at_the_points(gains):
    # 1 + 3 × 0.5 = 2.5 > 2 → 2
    capped, exact = score_values(gains, [{"获评示范区": D(1), "经验推广": D(3)},
                                         {"获评示范区": D(1), "创新案例": D(1), "经验推广": D(1)}])
    assert capped.score == D(2)
    assert capped.reason == "获评示范区加1分；经验推广3次，每次加0.5分，加1.5分；共加2.5分，最多加2分，得2分"
    # 1 + 0.5 + 0.5 = 2: exactly the points
    assert exact.score == D(2)
    assert exact.reason == "获评示范区加1分；创新案例加0.5分；经验推广1次，每次加0.5分，加0.5分；共加2分，得2分"


# --- 1. checklists: bad values ------------------------------------------------------------

CHECKLIST_EVIDENCE = """\
unit: 甲县
ruleset: t
values:
  X: {value}
"""


@pytest.mark.parametrize("value, message", [
    ("[未建立台帐]",  # 帐 for 账: not a declared fault
     '甲县.yaml:4:6: "未建立台帐" 不是 X「测试项」列出的情形，可选：未建立台账、台账不全、未按时报送（指标 X「测试项」）\n'
     '  提示：是否应为 "未建立台账"？'),
    ("{未建立台账: 2}",  # a fault without per is found or not: 0 or 1
     "甲县.yaml:4:6: X「测试项」情形「未建立台账」不按次计，只能填 是/否（或 0、1），实际为 2（指标 X「测试项」）"),
    ("{未按时报送: -1}",
     "甲县.yaml:4:14: X「测试项」情形「未按时报送」应填次数（不小于0的整数）或 是/否，实际为数字 -1（指标 X「测试项」）"),
])
def test_bad_checklist_values_name_the_item_and_the_place(tmp_path, faults, value, message):
    assert evidence_problems(tmp_path, faults, CHECKLIST_EVIDENCE.format(value=value)) == message


# --- 2. zero_if on a leaf and on a section -------------------------------------------------

ZERO_IF = f"""\
facts:
  plan_missing: {{title: 未制定年度方案, kind: yes_no}}
  incidents:
    title: 质量安全事件
    kind: events
    kinds: [一般, 重大]
    attributes: {{responsible: yes_no, deaths: count}}
items:
  - id: 一
    title: 工作机制
    points: 40
    {CITE}
    children:
      - id: 一.1
        title: 制定年度方案
        points: 10
        method: all_or_nothing
      - id: 一.2
        title: 监督抽查合格率
        points: 10
        method: deduct_below_target
        target: 95
        unit: "%"
        per: 1
        zero_if: {{item: 一.1, is: false, text: 未制定年度方案的，本项不得分}}
      - id: 一.3
        title: 质量投诉处理
        points: 20
        method: deduct_per
        per: 2
        counted: 件
        noun: 超期未办结
        zero_if:
          - {{fact: plan_missing, is: true, text: 未制定年度方案的，本项不得分}}
          - {{item: 一.2, below: 60, text: 合格率低于60%的，本项不得分}}
  - id: 二
    title: 质量安全
    points: 60
    {CITE}
    zero_if: {{fact: incidents, any_kind: [重大], where: {{responsible: true}}, at_least: 1,
              text: 发生负有责任的重大质量安全事件的，本部分不得分}}
    children:
      - {{id: 二.1, title: 安全监管, points: 30, method: all_or_nothing}}
      - {{id: 二.2, title: 隐患排查, points: 30, method: deduct_per, per: 5, counted: 处, noun: 未整改}}
"""


@pytest.fixture(scope="module")
def zero_if(tmp_path_factory):
    return load(tmp_path_factory.mktemp("zero_if"), ZERO_IF)


def zero_run(ruleset, plan=True, rate="96", overdue=1, plan_missing=False, incidents=(), hazards=1, **drop):
    values = {"一.1": plan, "一.2": D(rate), "一.3": D(overdue), "二.1": True, "二.2": D(hazards)}
    facts = {"plan_missing": plan_missing, "incidents": [dict(e) for e in incidents]}
    for key in drop.get("without", ()):
        values.pop(key, None)
        facts.pop(key, None)
    return run(ruleset, values, facts)


MAJOR = {"kind": "重大", "date": "2014-06-01", "title": "某厂爆燃", "responsible": True, "deaths": D(0)}


def test_nothing_zeroed(zero_if):
    result = zero_run(zero_if)
    # 一.1 10; 一.2 96 ≥ 95 → 10; 一.3 20 − 1 × 2 = 18; 二.1 30; 二.2 30 − 1 × 5 = 25
    assert [by_id(result, i).score for i in ("一", "一.2", "一.3", "二", "二.2")] == [
        D(10) + D(10) + D(20) - D(2), D(10), D(20) - D(2), D(30) + D(30) - D(5), D(30) - D(5)]
    assert not by_id(result, "一.3").reason.startswith("本项不得分")
    assert result.total == D(38) + D(55)


def test_a_leaf_zeroed_by_another_items_value(zero_if):
    result = zero_run(zero_if, plan=False, rate="93")
    item = by_id(result, "一.2")
    computed = D(10) - (D(95) - D(93)) * D(1)  # 8
    assert (item.score, item.computed) == (D(0), computed)
    assert item.reason == f"本项不得分：未制定年度方案的，本项不得分（一.1「制定年度方案」：否）（按评分标准计为{computed}分）"
    assert by_id(result, "一").score == D(0) + D(0) + D(18)  # 一.1 not done: 0; 一.2 zeroed; 一.3 18


def test_a_leaf_zeroed_by_a_fact(zero_if):
    result = zero_run(zero_if, plan_missing=True)
    item = by_id(result, "一.3")
    assert (item.score, item.computed) == (D(0), D(20) - D(2))
    # the spec's example says 计算为; scoring.py, which the spec names as the exact form, says 计为
    assert item.reason == "本项不得分：未制定年度方案的，本项不得分（未制定年度方案：是）（按评分标准计为18分）"


@pytest.mark.parametrize("rate, zeroed", [("60", False), ("59.9", True)])  # below 60: 60 itself is not below
def test_below_edge(zero_if, rate, zeroed):
    item = by_id(zero_run(zero_if, rate=rate), "一.3")
    assert item.score == (D(0) if zeroed else D(20) - D(2))
    assert item.reason.startswith("本项不得分：合格率低于60%的，本项不得分") == zeroed


def test_a_missing_fact_leaves_the_item_unscored_never_0(zero_if):
    result = zero_run(zero_if, without=["plan_missing"])
    item = by_id(result, "一.3")
    assert item.score is None
    assert item.reason == "缺少事实「未制定年度方案」，无法判断本项是否不得分"
    assert "一.3" in result.unscored
    assert not result.complete


def test_a_missing_item_value_leaves_the_dependent_item_unscored(zero_if):
    result = zero_run(zero_if, without=["一.1"])
    item = by_id(result, "一.2")
    assert item.score is None  # its own value (96) is there, but 一.1's is not
    assert item.reason.startswith("缺少一.1「制定年度方案」的填报值")
    assert item.reason.endswith("的填报值，无法判断本项是否不得分")
    assert result.unscored == ("一.1", "一.2")


def test_a_zeroed_section_and_its_children(zero_if):
    result = zero_run(zero_if, incidents=[MAJOR], hazards=1)
    section = by_id(result, "二")
    assert section.score == D(0)
    assert section.computed == D(30) + (D(30) - D(5))  # what the parts gave: 55
    why = "发生负有责任的重大质量安全事件的，本部分不得分（质量安全事件：计入1起（2014-06-01 重大 某厂爆燃））"
    assert section.reason == f"本项不得分：{why}"
    for child, computed in (("二.1", D(30)), ("二.2", D(30) - D(5))):
        item = by_id(result, child)
        assert (item.score, item.computed) == (D(0), computed)
        assert item.reason == f"所属 二「质量安全」不得分：{why}（按评分标准计为{computed}分）"
    assert result.total == D(10) + D(10) + D(18)  # 一 only


@pytest.mark.parametrize("event", [
    dict(MAJOR, responsible=False),  # not responsible
    dict(MAJOR, kind="一般"),  # not 重大
])
def test_a_section_not_zeroed_when_the_events_do_not_match(zero_if, event):
    assert by_id(zero_run(zero_if, incidents=[event]), "二").score == D(30) + D(30) - D(5)


def test_a_section_whose_condition_cannot_be_read_is_unscored(zero_if):
    result = zero_run(zero_if, without=["incidents"])
    assert by_id(result, "二").score is None
    assert not result.complete


# --- 3. none done → 0 ----------------------------------------------------------------------

NONE_DONE = """\
method: deduct_per
per: 0.5
required: 6
counted: 项
zero_if_none: true
"""


def test_none_done_gives_0(tmp_path):
    ruleset = one_item_ruleset(tmp_path, NONE_DONE, "4")
    none, one, all_done, more = score_values(ruleset, [D(0), D(1), D(6), D(7)])
    assert (none.score, none.reason) == (D(0), "要求6项，实际0项，均未开展，不得分")  # not 4 − 6 × 0.5 = 1
    assert one.score == D(4) - (6 - 1) * D("0.5")  # 1.5
    assert (all_done.score, more.score) == (D(4), D(4))


def test_without_zero_if_none_0_done_is_only_the_shortfall(tmp_path):
    ruleset = one_item_ruleset(tmp_path, NONE_DONE.replace("zero_if_none: true\n", ""), "4")
    assert score_values(ruleset, [D(0)])[0].score == D(4) - 6 * D("0.5")  # 1


def test_zero_if_none_needs_required(tmp_path):
    body = f"""\
items:
  - id: X
    title: 质量工作季度考核
    points: 4
    {CITE}
    method: deduct_per
    per: 0.5
    zero_if_none: true
"""
    text, message = load_problems(tmp_path, body, scale="4")
    assert message.startswith(f"ruleset.yaml:{lines_with(text, 'zero_if_none')[0]}:"), message
    assert message.split(": ", 1)[1] == ("zero_if_none（均未开展的不得分）须与 required 同用（X「质量工作季度考核」 › zero_if_none）\n"
                                         "  提示：写明要求的项数，例如 required: 6，填报实际完成的项数")


# --- 4. awards ------------------------------------------------------------------------------

AWARDS = f"""\
facts:
  awards: {{title: 获奖情况, kind: events, kinds: [国家级, 省级, 市级]}}
items:
  - id: X
    title: 质量奖励
    points: 4
    {CITE}
    method: awards
    events: {{fact: awards}}
    levels: {{国家级: 3, 省级: 2, 市级: 1}}
"""


@pytest.fixture(scope="module")
def awards(tmp_path_factory):
    return load(tmp_path_factory.mktemp("awards"), AWARDS, scale="4")


def award(level, title, date="2014-06-01"):
    return {"kind": level, "title": title, "date": date}


def award_score(ruleset, events):
    return by_id(run(ruleset, facts={"awards": events}), "X")


def test_awards_the_documents_example(awards):
    item = award_score(awards, [award("国家级", "智能工厂"), award("省级", "智能工厂"), award("省级", "质量标杆")])
    assert item.score == D(4)  # 智能工厂 once at 国家级 3 + 质量标杆 省级 2 = 5 > 4 → 4
    assert item.reason.endswith(
        "「智能工厂」获国家级、省级奖励，按最高一级国家级计3分；「质量标杆」省级计2分；合计5分，最多4分，得4分")


@pytest.mark.parametrize("events, reason", [
    ([award("市级", "智能工厂"), award("国家级", "智能工厂")],
     "「智能工厂」获国家级、市级奖励，按最高一级国家级计3分；合计3分，得3分"),
    ([award("国家级", "智能工厂"), award("市级", "质量标杆")], "「智能工厂」国家级计3分；「质量标杆」市级计1分；合计4分，得4分"),
    ([], "无计分的奖励，得0分"),
])
def test_awards_reasons(awards, events, reason):
    assert award_score(awards, events).reason == reason


@pytest.mark.parametrize("events, score", [
    ([award("市级", "智能工厂"), award("国家级", "智能工厂")], D(3)),  # same title: once, at the higher (3, not 3 + 1)
    ([award("省级", "智能工厂"), award("市级", "智能工厂")], D(2)),
    ([award("国家级", "智能工厂"), award("市级", "质量标杆")], D(3) + D(1)),  # two titles add up to the cap exactly
    ([award("省级", "智能工厂"), award("市级", "质量标杆")], D(2) + D(1)),
    ([award("国家级", "甲"), award("国家级", "乙")], D(4)),  # 3 + 3 = 6 → 4
    ([award("市级", "质量标杆")], D(1)),
    ([], D(0)),  # none: 0, scored
    ([award("国家级", "智能工厂", "2013-12-31")], D(0)),  # before the period: not counted
    ([award("国家级", "智能工厂", "2014-01-01")], D(3)),  # the first day counts
    ([award("国家级", "智能工厂", "2015-01-01")], D(0)),  # after the period (no events_until here)
])
def test_awards(awards, events, score):
    assert award_score(awards, events).score == score


def test_awards_without_the_fact_are_unscored(awards):
    result = run(awards, facts={})
    assert (by_id(result, "X").score, by_id(result, "X").reason) == (None, "缺少事实「获奖情况」，无法评分")
    assert "X" in result.unscored


def test_a_level_that_is_not_a_declared_kind(tmp_path):
    text, message = load_problems(tmp_path, AWARDS.replace("市级: 1}", "县级: 1}"), scale="4")
    # at the levels line, or at least at the item (the path names levels)
    assert located(message, "ruleset.yaml", lines_with(text, "县级: 1") + lines_with(text, "- id: X")), message
    assert message.split(": ", 1)[1] == ("指标 X「质量奖励」的层级「县级」不是事实「获奖情况」声明的事件类型（X › levels）\n"
                                         "  提示：已声明：国家级、省级、市级")


# --- 5 + 6. items that read events; count tables fewer-is-better --------------------------

ACCIDENTS = f"""\
facts:
  accidents:
    title: 生产安全事故
    kind: events
    kinds: [一般, 较大, 重大]
    attributes: {{deaths: count, responsible: yes_no, sector: [工业, 农业, 服务业]}}
items:
  - {{id: Y, title: 其他工作, points: 80, method: judged, {CITE}}}
  - id: X
    title: 较大以上生产安全事故
    points: 20
    {CITE}
    method: brackets
    unit: 起
    events: {{fact: accidents, kinds: [较大, 重大], where: {{responsible: true, deaths: {{at_least: 2}}}}}}
    direction: at_most
    brackets: [{{max: 0, points: 20}}, {{max: 1, points: 12}}]
outcomes:
  - id: veto
    title: 负有责任、死亡2人以上的较大以上事故一票否决
    when: {{fact: accidents, any_kind: [较大, 重大], where: {{responsible: true, deaths: {{at_least: 2}}}}}}
    then: {{force_grade: D}}
    citation: {{source: s, clause: 第九条, text: 发生负有责任、死亡2人以上的较大以上事故的，考核结果为D级。}}
"""

# A counts (deaths exactly 2: at_least is inclusive); B, C, D do not, each for one reason; E counts; F is out of period.
A = {"kind": "较大", "date": "2014-03-01", "title": "甲厂锅炉爆炸", "deaths": D(2), "responsible": True, "sector": "工业"}
B = {"kind": "较大", "date": "2014-04-01", "title": "乙厂电梯事故", "deaths": D(1), "responsible": True, "sector": "服务业"}
C = {"kind": "重大", "date": "2014-05-01", "title": "丙厂爆燃", "deaths": D(5), "responsible": False, "sector": "工业"}
DD = {"kind": "一般", "date": "2014-06-01", "title": "丁厂事故", "deaths": D(3), "responsible": True, "sector": "农业"}
E = {"kind": "重大", "date": "2014-07-01", "title": "戊厂坍塌", "deaths": D(3), "responsible": True, "sector": "工业"}
F = dict(A, date="2015-01-01", title="期后事故")


@pytest.fixture(scope="module")
def accidents(tmp_path_factory):
    return load(tmp_path_factory.mktemp("accidents"), ACCIDENTS)


def accident_run(ruleset, events):
    return run(ruleset, {"Y": judged(80)}, {"accidents": [dict(e) for e in events]})


@pytest.mark.parametrize("events, score", [
    ([], D(20)),
    ([B, C, DD], D(20)),  # none passes kind + responsible + deaths ≥ 2
    ([F], D(20)),  # outside the period
    ([A], D(12)),
    ([A, B, C, DD, F], D(12)),  # only A
    ([A, E], D(0)),  # 2 > the last bracket's max 1
])
def test_events_item_counts_only_the_matching_events(accidents, events, score):
    result = accident_run(accidents, events)
    assert by_id(result, "X").score == score
    assert result.total == D(80) + score


def test_events_item_reason_lists_the_counted_events(accidents):
    item = by_id(accident_run(accidents, [A, B, C, DD]), "X")
    assert item.reason == "计入1起（2014-03-01 较大 甲厂锅炉爆炸）；实际1起，属「不超过1起」档，得12分"


def test_events_item_above_the_last_bracket(accidents):
    item = by_id(accident_run(accidents, [A, E]), "X")
    assert item.reason == "计入2起（2014-03-01 较大 甲厂锅炉爆炸；2014-07-01 重大 戊厂坍塌）；实际2起，超过最高档1起，得0分"
    # the spec: 实际3起，超过最高档1起 — "1起" is the last bracket's max, not how far above it (3 − 1 = 2)
    third = dict(E, date="2014-08-01", title="己厂火灾")
    item = by_id(accident_run(accidents, [A, E, third]), "X")
    assert item.score == D(0)
    assert item.reason.endswith("；实际3起，超过最高档1起，得0分"), item.reason


def test_events_item_without_the_fact_is_unscored(accidents):
    result = run(accidents, {"Y": judged(80)}, {})
    assert by_id(result, "X").score is None
    assert "X" in result.unscored


@pytest.mark.parametrize("events, fired", [
    ([], []),
    ([B], []),  # deaths 1
    ([C], []),  # responsible false, though 5 deaths
    ([DD], []),  # 一般
    ([F], []),  # out of period
    ([A], ["veto"]),  # deaths exactly 2
    ([B, C, E], ["veto"]),
])
def test_where_in_an_outcome_rule(accidents, events, fired):
    result = accident_run(accidents, events)
    assert [f.rule.id for f in result.fired] == fired
    assert result.grade == ("D" if fired else result.band_grade)


def test_where_in_an_outcome_rule_names_only_the_matching_events(accidents):
    result = accident_run(accidents, [B, C, A])
    assert [f.detail for f in result.fired] == ["生产安全事故：计入1起（2014-03-01 较大 甲厂锅炉爆炸）"]


def test_where_on_a_choice_attribute(tmp_path):
    body = ACCIDENTS.split("items:")[0] + f"""\
items:
  - id: X
    title: 工业事故
    points: 10
    {CITE}
    method: deduct_per
    per: 2
    counted: 起
    noun: 发生
    events: {{fact: accidents, where: {{sector: 工业}}}}
"""
    ruleset = load(tmp_path, body, scale="10")
    result = run(ruleset, facts={"accidents": [A, B, DD, E]})
    assert by_id(result, "X").score == D(10) - 2 * D(2)  # A and E are 工业: 10 − 2 × 2 = 6


def test_a_value_for_an_events_item_is_an_error(tmp_path, accidents):
    text = "unit: 甲县\nruleset: t\nvalues:\n  Y: {score: 80, reason: 核查}\n  X: 1\nfacts:\n  accidents: []\n"
    assert evidence_problems(tmp_path, accidents, text) == (
        "甲县.yaml:5:6: 指标 X「较大以上生产安全事故」按事实「生产安全事故」中的事件计分，不另填报值；"
        "请在事实「生产安全事故」（facts: accidents）中逐起填写事件（指标 X「较大以上生产安全事故」）")


EVENT_EVIDENCE = """\
unit: 甲县
ruleset: t
values:
  Y: {{score: 80, reason: 核查}}
facts:
  accidents:
    - {{kind: 较大, date: 2014-03-01, title: 甲厂锅炉爆炸, {attributes}}}
"""


@pytest.mark.parametrize("attributes, message", [
    ("deaths: 2, responsible: true, injured: 3",  # not declared
     "甲县.yaml:7:90: 生产安全事故的事件没有声明属性「injured」（事实「生产安全事故」第1起 › injured）\n"
     "  提示：已声明的属性：deaths、responsible、sector；事件本身的字段为 kind、date、title、files"),
    ("deaths: 2, responsible: 也许",  # not 是/否
     '甲县.yaml:7:75: 生产安全事故的属性「responsible」应填 是/否，实际为文字 "也许"（事实「生产安全事故」第1起 › responsible）'),
    ("deaths: 2, responsible: true, sector: 建筑业",  # not one of the choices
     '甲县.yaml:7:89: 生产安全事故的属性「sector」应为 工业、农业、服务业 之一，实际为文字 "建筑业"'
     "（事实「生产安全事故」第1起 › sector）"),
    ("deaths: 1.5, responsible: true",  # a count is a whole number
     "甲县.yaml:7:59: 生产安全事故的属性「deaths」应填不小于0的整数，实际为数字 1.5（事实「生产安全事故」第1起 › deaths）"),
])
def test_bad_event_attributes(tmp_path, accidents, attributes, message):
    assert evidence_problems(tmp_path, accidents, EVENT_EVIDENCE.format(attributes=attributes)) == message


def test_where_with_an_undeclared_attribute(tmp_path):
    body = ACCIDENTS.replace("where: {responsible: true, deaths: {at_least: 2}}}\n    direction",
                             "where: {injured: {at_least: 1}}}\n    direction")
    assert body != ACCIDENTS
    text, message = load_problems(tmp_path, body)
    assert located(message, "ruleset.yaml", lines_with(text, "injured")), message
    assert message.split(": ", 1)[1] == ('指标 X「较大以上生产安全事故」：事实「生产安全事故」的事件没有声明属性 "injured"（X › events）\n'
                                         "  提示：已声明：deaths、responsible、sector")


# --- 6. count tables on filed values; exclusive edges ----------------------------------------

@pytest.mark.parametrize("value, score", [
    (0, D(20)), (1, D(12)),  # ≤ 1 inclusive: 1 is in the 12-point bracket
    (2, D(6)), (3, D(6)),  # ≤ 3 inclusive
    (4, D(0)),  # above the last
])
def test_at_most_count_table(tmp_path, value, score):
    ruleset = one_item_ruleset(tmp_path, """\
method: brackets
direction: at_most
unit: 起
range: [0, null]
brackets: [{max: 0, points: 20}, {max: 1, points: 12}, {max: 3, points: 6}]
""", "20")
    assert score_values(ruleset, [D(value)])[0].score == score


def test_at_most_reasons(tmp_path):
    ruleset = one_item_ruleset(tmp_path, """\
method: brackets
direction: at_most
unit: 起
range: [0, null]
brackets: [{max: 0, points: 20}, {max: 1, points: 12}]
""", "20")
    one, three = score_values(ruleset, [D(1), D(3)])
    assert (one.score, one.reason) == (D(12), "实际1起，属「不超过1起」档，得12分")
    assert (three.score, three.reason) == (D(0), "实际3起，超过最高档1起，得0分")


@pytest.mark.parametrize("value, score", [
    ("0", D(20)), ("0.5", D(20)), ("1", D(10)),  # max 1 exclusive: 1 itself falls to the next
    ("3", D(10)), ("3.5", D(0)),
])
def test_at_most_exclusive_edge(tmp_path, value, score):
    ruleset = one_item_ruleset(tmp_path, """\
method: brackets
direction: at_most
range: [0, null]
brackets: [{max: 1, points: 20, inclusive: false}, {max: 3, points: 10}]
""", "20")
    assert score_values(ruleset, [D(value)])[0].score == score


@pytest.mark.parametrize("value, score", [
    ("10.5", D(4)), ("10", D(3)),  # min 10 exclusive (10以上 not including 10)
    ("5", D(3)), ("4.9", D(0)),  # min 5 inclusive (the default)
])
def test_at_least_exclusive_edge(tmp_path, value, score):
    ruleset = one_item_ruleset(tmp_path, """\
method: brackets
range: [0, null]
brackets: [{min: 10, points: 4, inclusive: false}, {min: 5, points: 3}]
""", "4")
    assert score_values(ruleset, [D(value)])[0].score == score


# --- 7. an item above its points; one value read by two items --------------------------------

OWN_CAP = f"""\
bonus_cap: 5
items:
  - id: 一
    title: 质量工作
    points: 100
    {CITE}
    children:
      - {{id: 一.1, title: 综合评价, points: 90, method: judged}}
      - id: 一.2
        title: 质量建设投入增幅
        points: 10
        max: 15
        method: base_step
        target: 10
        base: 8
        step: 1
        up: 1
        down: 2
        unit: "%"
        range: [-100, null]
  - id: 三
    title: 加分项
    points: 5
    bonus: true
    {CITE}
    children:
      - id: 三.1
        title: 投入增幅加分
        points: 5
        value_of: 一.2
        method: brackets
        unit: "%"
        range: [-100, null]
        brackets: [{{min: 20, points: 5}}, {{min: 15, points: 2}}]
"""


@pytest.fixture(scope="module")
def own_cap(tmp_path_factory):
    return load(tmp_path_factory.mktemp("own_cap"), OWN_CAP)


@pytest.mark.parametrize("growth, own, bonus", [
    ("10", D(8), D(0)),  # at the baseline: 8
    ("7", D(8) - 3 * D(2), D(0)),  # 3 below: 8 − 6 = 2
    ("12", D(8) + 2 * D(1), D(0)),  # 10: exactly the points
    ("16", D(8) + 6 * D(1), D(2)),  # 14: above the points 10, within the own cap 15; 三.1 16 ≥ 15 → 2
    ("17", D(15), D(2)),  # 8 + 7 = 15: exactly the own cap
    ("25", D(15), D(5)),  # 8 + 15 = 23 → 15; 三.1 25 ≥ 20 → 5
])
def test_own_cap_and_value_of(own_cap, growth, own, bonus):
    result = run(own_cap, {"一.1": judged(90), "一.2": D(growth)})
    assert by_id(result, "一.2").score == own
    assert by_id(result, "三.1").score == bonus
    assert by_id(result, "一").score == D(90) + own  # sections sum as usual, above their points too
    # the part above 10 counts in the total and not against bonus_cap 5
    assert (result.regular_total, result.bonus_total, result.total) == (D(90) + own, bonus, D(90) + own + bonus)


def test_own_cap_reason_names_the_cap(own_cap):
    result = run(own_cap, {"一.1": judged(90), "一.2": D(25)})
    assert by_id(result, "一.2").reason == (
        "基准10%，实际25%，基准得8分，高于基准15个百分点，每好于基准1个百分点加1分（不足一步的部分不计），加15分，15分封顶，得15分")
    assert by_id(result, "三.1").reason == "读取 一.2 的填报值；实际25%，属「20%及以上」档，得5分"


def test_value_of_without_the_value_leaves_both_unscored(own_cap):
    result = run(own_cap, {"一.1": judged(90)})
    assert (by_id(result, "一.2").score, by_id(result, "三.1").score) == (None, None)
    assert by_id(result, "三.1").reason == "缺少 一.2 的填报值，无法评分"
    assert {"一.2", "三.1"} <= set(result.unscored)


def test_a_value_for_a_value_of_item_is_an_error(tmp_path, own_cap):
    text = "unit: 甲县\nruleset: t\nvalues:\n  一.1: {score: 90, reason: 核查}\n  一.2: 16\n  三.1: 16\n"
    assert evidence_problems(tmp_path, own_cap, text) == (
        "甲县.yaml:6:8: 指标 三.1「投入增幅加分」读取 一.2「质量建设投入增幅」的填报值，不另填报；请只填 一.2（指标 三.1「投入增幅加分」）")


def test_max_below_points_is_an_error(tmp_path):
    body = OWN_CAP.replace("max: 15", "max: 8")
    text, message = load_problems(tmp_path, body)
    assert message.startswith(f"ruleset.yaml:{lines_with(text, 'max: 8')[0]}:"), message
    assert message.split(": ", 1)[1] == ("指标 一.2「质量建设投入增幅」的最高分 8 分低于本项分值 10 分（一.2 › max）\n"
                                         "  提示：max 是本项可以超出分值时的上限（“本项最高15分”），应不低于 points")


# --- 8. a penalty section outside the 100 -----------------------------------------------------

PENALTY = f"""\
facts:
  accidents: {{title: 较大质量事故, kind: events, kinds: [较大]}}
items:
  - {{id: 一, title: 质量工作, points: 100, method: judged, {CITE}}}
  - id: 四
    title: 扣分项
    penalty: true
    points: 10
    {CITE}
    children:
      - {{id: 四.1, title: 发生较大质量事故, method: deduct_per, per: 2, counted: 起, events: {{fact: accidents}}}}
      - id: 四.2
        title: 数据报送失实
        points: 3
        method: checklist
        faults: {{迟报数据: 1, 虚报数据: 3}}
"""


@pytest.fixture(scope="module")
def penalty(tmp_path_factory):
    return load(tmp_path_factory.mktemp("penalty"), PENALTY)


def accident(n):
    return {"kind": "较大", "date": f"2014-{n:02d}-01", "title": f"第{n}起事故"}


def penalty_run(ruleset, work="92", accidents=0, faults=()):
    return run(ruleset, {"一": judged(work), "四.2": list(faults)},
               {"accidents": [accident(n) for n in range(1, accidents + 1)]})


def test_penalty_leaf_scores_are_negative(penalty):
    result = penalty_run(penalty, accidents=3)
    item = by_id(result, "四.1")
    assert item.score == -3 * D(2)  # −6
    assert "发生3起，每起扣2分，扣6分" in item.reason, item.reason
    assert by_id(result, "四").score == D(-6)
    # 92 − 6 = 86 → B
    assert (result.regular_total, result.penalty_total, result.total, result.grade) == (D(92), D(-6), D(86), "B")


def test_penalty_pushes_a_unit_below_a_band_edge(penalty):
    result = penalty_run(penalty, accidents=1, faults=["迟报数据"])
    # 92 (A) − 2 − 1 = 89 → B
    assert (by_id(result, "四.1").score, by_id(result, "四.2").score) == (D(-2), D(-1))
    assert (result.regular_total, result.penalty_total, result.total) == (D(92), D(-3), D(89))
    assert (result.band_grade, result.grade) == ("B", "B")


def test_no_penalty(penalty):
    result = penalty_run(penalty)
    assert (result.penalty_total, result.total, result.grade) == (D(0), D(92), "A")
    assert by_id(result, "四.1").score == D(0)
    assert by_id(result, "四.2").score == D(0)


def test_penalty_row_and_section_caps(penalty):
    row = penalty_run(penalty, faults=["迟报数据", "虚报数据"])
    assert by_id(row, "四.2").score == D(-3)  # 1 + 3 = 4, the row deducts at most its points 3
    assert by_id(row, "四.2").reason == "迟报数据扣1分；虚报数据扣3分；共扣4分，本项最多扣3分"
    both = penalty_run(penalty, accidents=5, faults=["迟报数据", "虚报数据"])
    assert by_id(both, "四.1").score == -5 * D(2)  # −10, no cap on this row
    # −10 − 3 = −13, the section deducts at most 10
    assert (by_id(both, "四").score, both.penalty_total, both.total) == (D(-10), D(-10), D(92) - D(10))
    assert by_id(both, "四").reason == "扣分合计13分，本项最多扣10分"


def test_the_total_never_goes_below_0(penalty):
    result = penalty_run(penalty, work="5", accidents=5, faults=["虚报数据"])
    # 5 − 10 = −5 → 0
    assert (result.penalty_total, result.total, result.grade) == (D(-10), D(0), "D")


def test_a_penalty_section_without_points_has_no_limit(tmp_path):
    body = PENALTY.replace("    penalty: true\n    points: 10\n", "    penalty: true\n")
    ruleset = load(tmp_path, body)
    result = penalty_run(ruleset, accidents=5, faults=["迟报数据", "虚报数据"])
    assert (result.penalty_total, result.total) == (D(-10) - D(3), D(92) - D(13))


def test_penalty_only_on_a_top_item(tmp_path):
    body = f"""\
items:
  - id: 一
    title: 质量工作
    points: 100
    {CITE}
    children:
      - {{id: 一.1, title: 日常工作, points: 100, method: judged}}
      - id: 一.2
        title: 工作失误扣分
        penalty: true
        children:
          - {{id: 一.2.1, title: 迟报, method: deduct_per, per: 1}}
"""
    text, message = load_problems(tmp_path, body)
    assert located(message, "ruleset.yaml", lines_with(text, "penalty: true") + lines_with(text, "- id: 一.2")), message
    assert "一.2" in message and "工作失误扣分" in message, message


@pytest.mark.parametrize("leaf, word", [
    ("{id: 四.3, title: 事故档次, method: brackets, brackets: [{min: 1, points: 2}]}", "brackets"),
    ("{id: 四.3, title: 加分清单, method: checklist, gains: {获奖: 1}}", "gains"),
])
def test_methods_a_penalty_section_refuses(tmp_path, leaf, word):
    body = PENALTY.replace("      - id: 四.2\n", f"      - {leaf}\n      - id: 四.2\n")
    text, message = load_problems(tmp_path, body)
    assert located(message, "ruleset.yaml", lines_with(text, "四.3")), message
    assert "四.3" in message and word in message, message
    assert ("事故档次" if word == "brackets" else "加分清单") in message, message


# --- 9. key items ---------------------------------------------------------------------------

KEY = f"""\
items:
  - id: 一
    title: 基础工作
    points: 40
    {CITE}
    children:
      - {{id: 一.1, title: 年度方案, points: 10, key: true, method: judged}}
      - {{id: 一.2, title: 工作台账, points: 30, method: judged}}
  - id: 二
    title: 质量安全
    points: 60
    {CITE}
    children:
      - {{id: 二.1, title: 监督抽查, points: 30, key: true, method: judged}}
      - {{id: 二.2, title: 隐患排查, points: 30, method: judged}}
outcomes:
  - id: key
    title: 关键项得分低于六成降一级
    when: {{key_items: all, min_share: 0.6}}
    then: {{downgrade: 1}}
    citation: {{source: s, clause: 第八条, text: 关键项得分低于该项分值60%的，降一级。}}
"""


def key_run(ruleset, plan="10", books="30", checks="30", hazards="30"):
    return run(ruleset, {"一.1": judged(plan), "一.2": judged(books), "二.1": judged(checks), "二.2": judged(hazards)})


def test_key_items_all_means_every_item_marked_key(tmp_path):
    ruleset = load(tmp_path, KEY)
    assert ruleset.item("一.1").key and not ruleset.item("一.2").key
    assert ruleset.outcomes[0].trigger.key_items == ("一.1", "二.1")


@pytest.mark.parametrize("plan, checks, fired", [
    ("6", "18", []),  # 10 × 0.6 = 6 and 30 × 0.6 = 18: exactly the share is enough
    ("5.5", "18", ["key"]),
    ("6", "17.5", ["key"]),
])
def test_key_items_all(tmp_path, plan, checks, fired):
    result = key_run(load(tmp_path, KEY), plan=plan, checks=checks)
    assert [f.rule.id for f in result.fired] == fired


def test_two_key_items_below_their_share_downgrade_once(tmp_path):
    result = key_run(load(tmp_path, KEY), plan="5.5", checks="17.5")
    # 5.5 + 30 + 17.5 + 30 = 83 → B; one rule, 降一级 → C (not B → C → D)
    assert (result.total, result.band_grade) == (D("5.5") + D(30) + D("17.5") + D(30), "B")
    assert [f.rule.id for f in result.fired] == ["key"]
    assert result.grade == "C"


def test_a_section_among_key_items_needs_a_scope(tmp_path):
    text, message = load_problems(tmp_path, KEY.replace("key_items: all", "key_items: [二]"))
    assert located(message, "ruleset.yaml", lines_with(text, "key_items")), message
    assert message.split(": ", 1)[1].replace("」 是", "」是") == (  # the space after 」 is not pinned
        "关键项二「质量安全」是分组指标：须写明按大项合计还是逐项判断（key › when › key_items）\n"
        "  提示：写 scope: whole（大项得分合计低于其分值的比例即触发）或 scope: each（其下任一末级指标低于即触发）")


@pytest.mark.parametrize("scope, fired", [
    ("whole", []),  # 二 = 10 + 30 = 40 ≥ 60 × 0.6 = 36
    ("each", ["key"]),  # 二.1 = 10 < 30 × 0.6 = 18
])
def test_a_section_among_key_items_by_scope(tmp_path, scope, fired):
    ruleset = load(tmp_path, KEY.replace("key_items: all", f"key_items: [二], scope: {scope}"))
    result = key_run(ruleset, checks="10", hazards="30")
    assert [f.rule.id for f in result.fired] == fired


# --- 10. unit-filed targets only where allowed ------------------------------------------------

TARGETS = f"""\
items:
  - id: 一
    title: 质量目标
    points: 100
    {CITE}
    children:
      - id: 一.1
        title: 淘汰落后产能企业数
        points: 40
        method: deduct_below_target
        per: 1
        unit: 家
        range: [0, null]
        target_filed: true
      - {{id: 一.2, title: 制造业产品质量合格率, points: 30, method: threshold, target: 92, unit: "%"}}
      - {{id: 一.3, title: 质量建设投入增幅, points: 30, method: threshold, unit: "%", last_year: true}}
"""


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    return load(tmp_path_factory.mktemp("targets"), TARGETS)


def test_filed_targets_where_allowed(targets):
    result = run(targets, {"一.1": D(8), "一.2": D(93), "一.3": D(6)}, targets={"一.1": D(10), "一.3": D(5)})
    # 一.1: filed 10, 8 done, 2 short × 1 → 40 − 2 = 38; 一.2: 93 ≥ 92 → 30; 一.3: 6 ≥ last year's 5 → 30
    assert [by_id(result, i).score for i in ("一.1", "一.2", "一.3")] == [D(40) - 2 * D(1), D(30), D(30)]
    assert result.total == D(98)


def test_a_filed_target_on_an_item_without_target_filed(tmp_path, targets):
    text = ("unit: 甲县\nruleset: t\ntargets:\n  一.1: 10\n  一.2: 90\n"
            "values:\n  一.1: 8\n  一.2: 93\n  一.3: 6\n")
    message = evidence_problems(tmp_path, targets, text)
    # 一.1 may take a filed target: only 一.2 is refused (the hint's wording is not pinned)
    assert message.splitlines()[0] == (
        "甲县.yaml:5:8: 指标 一.2「制造业产品质量合格率」的目标由细则规定（92%），不接受单位备案（指标 一.2「制造业产品质量合格率」 › 备案目标）")
    assert "target_filed" in message and len(message.splitlines()) == 2


# --- the mini 细则 in tests/fixtures/patterns ---------------------------------------------------

def test_the_fixture_cases_pass_as_kaohe_test_runs_them():
    ruleset = load_ruleset(FIXTURE)
    files = case_files(FIXTURE)
    assert files
    cases = [case for path in files for case in load_cases(path)]
    assert len(cases) >= 5
    failures = {case.name: run_case(ruleset, case).failures for case in cases}
    assert {name: f for name, f in failures.items() if f} == {}


def test_kaohe_test_on_the_fixture():
    result = CliRunner().invoke(cli, ["test", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_kaohe_lint_finds_no_errors_in_the_fixture():
    errors = [str(f) for f in lint_path(FIXTURE) if f.severity == "error"]
    assert errors == []
    result = CliRunner().invoke(cli, ["lint", str(FIXTURE)])
    assert result.exit_code == 0, result.output


def test_the_fixture_uses_every_pattern():
    ruleset = load_ruleset(FIXTURE)
    leaves = {item.id: item for item in ruleset.leaves()}
    assert {leaves["一.1"].method, leaves["三.2"].method, leaves["四.2"].method} == {"checklist"}
    assert leaves["一.2"].zero_if and ruleset.item("二").zero_if and leaves["二.2"].zero_if
    assert leaves["一.3"].max == Decimal(20) and leaves["一.3"].target_filed
    assert leaves["三.3"].value_of == "一.3"
    assert leaves["二.1"].events.fact == "accidents" and leaves["二.1"].events.where
    assert leaves["三.1"].method == "awards"
    assert ruleset.item("四").penalty
    assert ruleset.outcomes[1].trigger.key_items == ("一.1", "二.1")
