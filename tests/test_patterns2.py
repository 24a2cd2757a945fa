"""Issue 11, PART 2 (spec sections 11–17): weights, ratio, values from another assessment's results, 不适用 with
按得分率折算, consequences and combined conditions, rank grading with exclusions and reserved grades, quotas, units of
measure, and the part above an item's points counted as bonus.

Every expected number below is written as the arithmetic of the 细则 (points, weights, counts …), never copied from
the engine's output. The mini 细则 in tests/fixtures/patterns2/ uses the patterns together; its cases are hand-computed
too (see the comments in its cases/samples.yaml) and are run here the way `kaohe test` runs them.
"""
from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_data, load_evidence, load_ruleset
from kaohe.engine.cases import case_files, load_cases, run_case
from kaohe.engine.lint import lint_path
from kaohe.engine.loading import read_document
from kaohe.engine.model import NOT_APPLICABLE
from kaohe.engine.render.json import dumps, results_document
from tests.helpers import D, one_item_ruleset, ruleset_text, score_values, write

FIXTURE = Path(__file__).parent / "fixtures" / "patterns2"
CITE = "citation: {source: s, clause: 第二条, text: 测试条款}"
RULE_CITE = "citation: {source: s, clause: 第九条, text: 测试条款}"
CITED = "（依据：测发〔2014〕1号《测试文件》第九条）"  # how a fired rule names its clause in the grade reason
CENT = Decimal("0.01")


# --- helpers ------------------------------------------------------------------------

def lines_with(text: str, needle: str) -> list[int]:
    """1-based numbers of the lines of `text` that contain `needle`."""
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def located(message: str, name: str, lines: list[int]) -> bool:
    """Whether the message points at file `name` on one of `lines` (file:line:column)."""
    return any(f"{name}:{line}:" in message for line in lines)


def load_problems(folder: Path, text: str) -> str:
    """The load error of a whole ruleset text, with the folder stripped."""
    path = write(folder, text)
    with pytest.raises(KaoheError) as caught:
        load_ruleset(path)
    return str(caught.value).replace(str(folder) + "/", "")


def evidence_problems(folder: Path, ruleset, text: str, name: str = "甲县.yaml") -> str:
    path = write(folder, text, name)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(str(folder) + "/", "")


def load(folder: Path, body: str, scale: str = "100"):
    return load_ruleset(write(folder, ruleset_text(body, scale=scale)))


def header(ruleset_id: str, units: list[str], grading: str, scale: str = "100") -> str:
    """A ruleset header with its own roster and grading (the shared one in tests/helpers.py has 5 units, 4 bands)."""
    return f"""\
id: {ruleset_id}
title: 测试细则
version: "1"
issuer: 测试考核办
level: 县
units: [{', '.join(units)}]
period: {{start: 2014-01-01, end: 2014-12-31}}
sources: [{{id: s, title: 测试文件, document_number: 测发〔2014〕1号}}]
scale: {scale}
grading:
{grading}"""


def unit_data(ruleset, unit, values=None, facts=None, history=None) -> dict:
    data = {"unit": unit, "ruleset": ruleset.id, "values": values or {}}
    if facts is not None:
        data["facts"] = facts
    if history is not None:
        data["history"] = history
    return data


def run(ruleset, values=None, facts=None, history=None, unit="甲县"):
    evidence = evidence_from_data(unit_data(ruleset, unit, values, facts, history), ruleset, f"{unit}.yaml", "")
    return evaluate(ruleset, [evidence])[0]


def run_batch(ruleset, table: dict[str, dict]):
    """Score units together: unit → {values, facts, history}; results by unit name."""
    batch = [evidence_from_data(unit_data(ruleset, unit, **parts), ruleset, f"{unit}.yaml", "")
             for unit, parts in table.items()]
    return {r.unit: r for r in evaluate(ruleset, batch)}


def by_id(result, item_id):
    return next(r for r in result.all_items() if r.item.id == item_id)


def judged(score) -> dict:
    return {"score": D(score), "reason": "核查"}


def cents(value: Decimal) -> Decimal:
    """Two decimals, half up: how the documents print a folded score or a ratio."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- 11. weights ----------------------------------------------------------------------

WEIGHTS = f"""\
items:
  - id: 一
    title: 日常考核
    points: 100
    weight: 0.3
    rescale: true
    {CITE}
    children:
      - {{id: 一.1, title: 港口工作, points: 50, method: judged, may_not_apply: true}}
      - {{id: 一.2, title: 日常工作, points: 50, method: judged}}
  - id: 二
    title: 年终考核
    points: 100
    weight: 0.7
    {CITE}
    children:
      - {{id: 二.1, title: 年终评估, points: 100, method: judged}}
"""


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return load(tmp_path_factory.mktemp("weights"), WEIGHTS)


def test_weighted_sections_keep_their_own_score(weights):
    result = run(weights, {"一.1": judged(40), "一.2": judged(48), "二.1": judged(75)})
    daily, annual = by_id(result, "一"), by_id(result, "二")
    assert (daily.score, annual.score) == (D(40) + D(48), D(75))  # 88 of 100, 75 of 100
    # 88 × 30% = 26.4; 75 × 70% = 52.5
    assert daily.reason == "下级指标得分之和；按权重30%计入总分26.4分"
    assert annual.reason == "下级指标得分之和；按权重70%计入总分52.5分"
    total = D(88) * D("0.3") + D(75) * D("0.7")  # 78.9
    assert (result.regular_total, result.bonus_total, result.total) == (total, D(0), total)
    assert result.grade == "C"
    assert result.grade_reason == "总分78.9分（不取舍），60分及以上、低于80分为C，定为C"


def test_weighted_total_with_decimals(weights):
    result = run(weights, {"一.1": judged("40"), "一.2": judged("47.5"), "二.1": judged("77.7")})
    # 87.5 × 0.3 = 26.25; 77.7 × 0.7 = 54.39; 26.25 + 54.39 = 80.64 → B
    assert by_id(result, "一").reason.endswith("；按权重30%计入总分26.25分")
    assert by_id(result, "二").reason.endswith("；按权重70%计入总分54.39分")
    assert (result.total, result.grade) == (D("87.5") * D("0.3") + D("77.7") * D("0.7"), "B")


def test_a_weighted_section_folded_by_its_own_rescale(weights):
    result = run(weights, {"一.1": "不适用", "一.2": judged(45), "二.1": judged(80)})
    # 一: 45 of the 50 points that apply → 45 ÷ 50 × 100 = 90; × 30% = 27. 二: 80 × 70% = 56. 27 + 56 = 83 → B
    assert by_id(result, "一").score == D(45) / D(50) * D(100)
    assert by_id(result, "一").reason == ("下级指标得分之和45分；不适用的指标50分不计，按得分率折算：45÷50×100=90分；"
                                        "按权重30%计入总分27分")
    assert (result.total, result.grade) == (D(90) * D("0.3") + D(80) * D("0.7"), "B")


def test_a_ruleset_level_fold_counts_not_applicable_points_by_their_weight(tmp_path):
    ruleset = load(tmp_path, "rescale: true\n" + WEIGHTS.replace("    rescale: true\n", ""))
    result = run(ruleset, {"一.1": "不适用", "一.2": judged(38), "二.1": judged(75)})
    # 一 = 38, not folded in the section; its 50 points not applicable weigh 50 × 30% = 15 of the scale.
    # 38 × 0.3 + 75 × 0.7 = 11.4 + 52.5 = 63.9 of 85 → 63.9 ÷ 85 × 100 = 75.176… → 75.18
    assert by_id(result, "一").reason == "下级指标得分之和；按权重30%计入总分11.4分"
    assert result.total == cents((D(38) * D("0.3") + D(75) * D("0.7")) / D(85) * D(100)) == D("75.18")
    assert result.grade_reason == ("适用指标得分63.9分；不适用的指标15分不计，按得分率折算：63.9÷85×100=75.18分（保留两位小数）；"
                                   "总分75.18分（不取舍），60分及以上、低于80分为C，定为C")


def test_the_scale_check_is_the_sum_of_points_times_weight(tmp_path):
    text = ruleset_text(WEIGHTS.replace("weight: 0.7", "weight: 0.6"))
    message = load_problems(tmp_path, text)
    # 100 × 0.3 + 100 × 0.6 = 90 ≠ 100
    assert located(message, "ruleset.yaml", lines_with(text, "scale: 100")), message
    assert message.split(": ", 1)[1] == (
        "顶层指标分值之和（按权重折算）为 90 分，与满分 100 分不一致（scale）\n"
        "  提示：各顶层指标（不含加分项、扣分项）的分值及写在何处：\n"
        f"    一「日常考核」 100分 × 权重 0.3  ruleset.yaml:{lines_with(text, 'id: 一')[0] + 2}\n"
        f"    二「年终考核」 100分 × 权重 0.6  ruleset.yaml:{lines_with(text, 'id: 二')[0] + 2}")


def test_weights_that_do_not_add_up_with_unequal_sections(tmp_path):
    text = ruleset_text(WEIGHTS.replace("    points: 100\n    weight: 0.7", "    points: 90\n    weight: 0.7")
                        .replace("points: 100, method: judged}", "points: 90, method: judged}"))
    message = load_problems(tmp_path, text)
    # 100 × 0.3 + 90 × 0.7 = 93 ≠ 100
    assert message.split(": ", 1)[1].splitlines()[0] == "顶层指标分值之和（按权重折算）为 93 分，与满分 100 分不一致（scale）"
    assert message.splitlines()[-1] == f"    二「年终考核」 90分 × 权重 0.7  ruleset.yaml:{lines_with(text, 'id: 二')[0] + 2}"


def test_a_weight_below_the_top_is_refused(tmp_path):
    text = ruleset_text(WEIGHTS.replace("{id: 一.2, title: 日常工作, points: 50, method: judged}",
                                        "{id: 一.2, title: 日常工作, points: 50, method: judged, weight: 0.5}"))
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "weight: 0.5")), message
    assert message.split(": ", 1)[1] == ("权重（weight）只能写在顶层指标上：按权重折算进满分（一.2「日常工作」 › weight）\n"
                                         "  提示：例如“日常考核占30%”：顶层指标 日常考核 写 weight: 0.3")


# --- 12. ratio --------------------------------------------------------------------------

RATIO = """\
method: ratio
numerator: 满意人数
denominator: 参评人数
rate: 满意率
"""


@pytest.fixture(scope="module")
def ratio(tmp_path_factory):
    return one_item_ruleset(tmp_path_factory.mktemp("ratio"), RATIO, "10")


def test_ratio_the_documents_example(ratio):
    mapping, text = score_values(ratio, [{"满意人数": D(812), "参评人数": D(1003)}, "812/1003"])
    # 10 × 812 ÷ 1003 = 8.0957… → 8.10; 812 ÷ 1003 = 80.957…% → 80.96%
    assert cents(D(10) * D(812) / D(1003)) == D("8.10")
    for result in (mapping, text):
        assert result.entry.value == (812, 1003)
        assert result.score == cents(D(10) * D(812) / D(1003))
        assert result.reason == "满意人数812人，参评人数1003人，满意率80.96%，满意率×本项分值10分=8.1分（保留两位小数）"


@pytest.mark.parametrize("value, score", [
    ("1/400", D("0.03")),  # 10 ÷ 400 = 0.025: half up → 0.03 (half even would give 0.02)
    ("1/16", D("0.63")),  # 0.625 → 0.63
    ("3/4", D("7.5")),  # exact
    ("1003/1003", D(10)),  # all satisfied: the full points
    ("0/5", D(0)),
    (" 812 / 1003 ", cents(D(10) * D(812) / D(1003))),  # spaces around the numbers
])
def test_ratio_scores_keep_two_decimals_half_up(ratio, value, score):
    assert score_values(ratio, [value])[0].score == score


def test_ratio_reason_says_whether_it_was_rounded(ratio):
    rounded, exact = score_values(ratio, ["1/16", "3/4"])
    assert rounded.reason == "满意人数1人，参评人数16人，满意率6.25%，满意率×本项分值10分=0.63分（保留两位小数）"
    assert exact.reason == "满意人数3人，参评人数4人，满意率75%，满意率×本项分值10分=7.5分"


def test_ratio_defaults(tmp_path):
    ruleset = one_item_ruleset(tmp_path, "method: ratio\nnumerator: 得票数\ndenominator: 总票数\n", "10")
    result = score_values(ruleset, [{"得票数": D(3), "总票数": D(4)}])[0]
    assert result.reason == "得票数3人，总票数4人，比率75%，比率×本项分值10分=7.5分"  # rate 比率, counted 人


RATIO_EVIDENCE = "unit: 甲县\nruleset: t\nvalues:\n  X: {value}\n"


@pytest.mark.parametrize("value, message", [
    ("{满意人数: 1004, 参评人数: 1003}", "甲县.yaml:4:6: X「测试项」的满意人数（1004）多于参评人数（1003）（指标 X「测试项」）"),
    ('"1004/1003"', "甲县.yaml:4:6: X「测试项」的满意人数（1004）多于参评人数（1003）（指标 X「测试项」）"),
    ("{满意人数: 0, 参评人数: 0}", "甲县.yaml:4:6: X「测试项」的参评人数为0，无法计算满意率（指标 X「测试项」）"),
    ('"5/0"', "甲县.yaml:4:6: X「测试项」的参评人数为0，无法计算满意率（指标 X「测试项」）"),
])
def test_impossible_ratios_are_refused_naming_the_item(tmp_path, ratio, value, message):
    assert evidence_problems(tmp_path, ratio, RATIO_EVIDENCE.format(value=value)) == message


@pytest.mark.parametrize("value, shown", [
    ("{满意人数: 812}", "映射"), ("{满意: 812, 参评: 1003}", "映射"), ('"812.5/1003"', '文字 "812.5/1003"'),
    ("0.81", "数字 0.81"), ('"-1/5"', '文字 "-1/5"'),
])
def test_ratio_values_of_the_wrong_shape(tmp_path, ratio, value, shown):
    message = evidence_problems(tmp_path, ratio, RATIO_EVIDENCE.format(value=value))
    assert message == f"甲县.yaml:4:6: X「测试项」应填 {{满意人数: 整数, 参评人数: 整数}}，或写成“812/1000”；实际为{shown}（指标 X「测试项」）"


# --- 13. values from another assessment's results ---------------------------------------

TOWNS = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇", "己镇"]
TOWNSHIP = header("township-2014", TOWNS, """\
  citation: {source: s, clause: 第五条, text: 90分及以上为A级。}
  bands: [{label: A, min: 90}, {label: B, min: 80}, {label: C, min: 60}, {label: D}]
""") + f"""\
items:
  - {{id: 一, title: 乡镇质量工作, points: 100, method: judged, {CITE}}}
"""
# 95 A, 92 A, 80 B, 70.5 C, 61 C, 55 D
TOWN_TOTALS = {"甲镇": "95", "乙镇": "92", "丙镇": "80", "丁镇": "70.5", "戊镇": "61", "己镇": "55"}

CITY = f"""\
items:
  - id: 一
    title: 乡镇考核平均分
    points: 10
    {CITE}
    method: brackets
    unit: 分
    from_results: {{ruleset: township-2014, take: average}}
    brackets: [{{min: 80, points: 10}}, {{min: 70, points: 7}}, {{min: 60, points: 4}}]
  - id: 二
    title: 乡镇考核优秀比例
    points: 10
    {CITE}
    method: brackets
    unit: "%"
    from_results: {{ruleset: township-2014, take: share, grade: A}}
    brackets: [{{min: 30, points: 10}}, {{min: 20, points: 6}}]
  - id: 三
    title: D级乡镇个数
    points: 10
    {CITE}
    method: brackets
    unit: 个
    direction: at_most
    from_results: {{ruleset: township-2014, take: count, grade: D}}
    brackets: [{{max: 0, points: 10}}, {{max: 1, points: 5}}]
"""


def township_results(folder: Path, totals: dict[str, str | None], ruleset_id: str = "township-2014") -> Path:
    """Score the townships (None: the town filed nothing) and write results.json as `kaohe score` writes it."""
    ruleset = load_ruleset(write(folder / "township", TOWNSHIP.replace("id: township-2014", f"id: {ruleset_id}")))
    batch = [evidence_from_data(unit_data(ruleset, town, {"一": judged(total)} if total is not None else {}),
                                ruleset, f"{town}.yaml", "") for town, total in totals.items()]
    path = folder / "乡镇考核" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(results_document(ruleset, evaluate(ruleset, batch)), compact=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return load(tmp_path_factory.mktemp("city"), CITY, scale="30")


CITY_EVIDENCE = """\
unit: 甲县
ruleset: t
values:
  一: {{results: {path}}}
"""


def test_values_from_a_township_results_file(tmp_path, city):
    results = township_results(tmp_path, TOWN_TOTALS)
    digest = hashlib.sha256(results.read_bytes()).hexdigest()[:12]
    path = write(tmp_path, "unit: 甲县\nruleset: t\nvalues:\n" + "".join(
        f"  {i}: {{results: 乡镇考核/results.json}}\n" for i in ("一", "二", "三")), "甲县.yaml")
    evidence = load_evidence(path, city)
    source = f"取自考核 township-2014 的评分结果（乡镇考核/results.json，摘要 {digest}）："
    average = cents((D(95) + D(92) + D(80) + D("70.5") + D(61) + D(55)) / 6)  # 453.5 ÷ 6 = 75.583… → 75.58
    share = cents(D(2) * 100 / 6)  # 甲镇, 乙镇 of 6: 33.333…% → 33.33
    assert (average, share) == (D("75.58"), D("33.33"))
    assert [evidence.entries[i].value for i in ("一", "二", "三")] == [average, share, D(1)]  # 己镇 is D
    assert evidence.entries["一"].derived == f"{source}6个单位平均总分75.58分"
    assert evidence.entries["二"].derived == f"{source}6个单位中A等2个，占33.33%"
    assert evidence.entries["三"].derived == f"{source}6个单位中D等1个"
    result = evaluate(city, [evidence])[0]
    # 75.58 ≥ 70 → 7; 33.33 ≥ 30 → 10; 1 D ≤ 1 → 5
    assert [by_id(result, i).score for i in ("一", "二", "三")] == [D(7), D(10), D(5)]
    assert result.total == D(7) + D(10) + D(5)
    for item_id in ("一", "二", "三"):
        assert by_id(result, item_id).reason.startswith(evidence.entries[item_id].derived + "；")
    assert by_id(result, "一").reason.endswith("实际75.58分，属「70分及以上不足80分」档，得7分")


@pytest.mark.parametrize("totals, share, count", [
    ({"甲镇": "90", "乙镇": "89.99"}, D(50), D(0)),  # 90 is A (inclusive), 89.99 is not
    ({"甲镇": "59.5", "乙镇": "40", "丙镇": "20"}, D(0), D(3)),
    ({"甲镇": "91", "乙镇": "92", "丙镇": "93"}, D(100), D(0)),
])
def test_share_and_count_follow_the_grades_in_the_file(tmp_path, city, totals, share, count):
    township_results(tmp_path, totals)
    path = write(tmp_path, "unit: 甲县\nruleset: t\nvalues:\n  二: {results: 乡镇考核/results.json}\n"
                           "  三: {results: 乡镇考核/results.json}\n", "甲县.yaml")
    evidence = load_evidence(path, city)
    assert (evidence.entries["二"].value, evidence.entries["三"].value) == (share, count)


def test_results_of_another_ruleset_are_refused(tmp_path, city):
    township_results(tmp_path, TOWN_TOTALS, ruleset_id="township-2013")
    message = evidence_problems(tmp_path, city, CITY_EVIDENCE.format(path="乡镇考核/results.json"))
    assert message == ("甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件 乡镇考核/results.json：是按细则 township-2013 评分的，"
                       "本项要求细则 township-2014 的结果（指标 一「乡镇考核平均分」）")


def test_results_with_an_incomplete_unit_are_refused(tmp_path, city):
    township_results(tmp_path, dict(TOWN_TOTALS, 丁镇=None))
    message = evidence_problems(tmp_path, city, CITY_EVIDENCE.format(path="乡镇考核/results.json"))
    assert message == ("甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件 乡镇考核/results.json 中有1个单位未能评分完整（丁镇），"
                       "不能据此计分（指标 一「乡镇考核平均分」）")


@pytest.mark.parametrize("path", ["../乡镇考核/results.json", "乡镇考核/../乡镇考核/results.json"])
def test_a_results_path_with_dot_dot_is_refused(tmp_path, city, path):
    township_results(tmp_path, TOWN_TOTALS)
    message = evidence_problems(tmp_path / "县", city, CITY_EVIDENCE.format(path=path))
    assert message == f"甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件路径须相对于本材料所在的文件夹，且不能含“..”：{path}（指标 一「乡镇考核平均分」）"


def test_an_absolute_results_path_is_refused(tmp_path, city):
    results = township_results(tmp_path, TOWN_TOTALS)
    message = evidence_problems(tmp_path, city, CITY_EVIDENCE.format(path=results))
    assert message.startswith("甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件路径须相对于本材料所在的文件夹"), message


def test_a_missing_results_file_is_refused(tmp_path, city):
    message = evidence_problems(tmp_path, city, CITY_EVIDENCE.format(path="乡镇考核/results.json"))
    assert message == "甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件 乡镇考核/results.json：文件不存在（指标 一「乡镇考核平均分」）"


def test_a_file_that_is_not_kaohe_results_is_refused(tmp_path, city):
    write(tmp_path, "unit: 甲镇\nruleset: township-2014\nvalues: {}\n", "乡镇考核/results.json")
    message = evidence_problems(tmp_path, city, CITY_EVIDENCE.format(path="乡镇考核/results.json"))
    assert message == ("甲县.yaml:4:6: 一「乡镇考核平均分」的结果文件 乡镇考核/results.json：不是 kaohe score 输出的评分结果"
                       "（format 应为 kaohe.result/1）（指标 一「乡镇考核平均分」）")


def test_a_number_where_the_results_file_belongs(tmp_path, city):
    message = evidence_problems(tmp_path, city, "unit: 甲县\nruleset: t\nvalues:\n  一: 75\n")
    assert message == ("甲县.yaml:4:6: 一「乡镇考核平均分」取自考核 township-2014 的评分结果，"
                       "应填结果文件（results.json）的路径，实际为数字 75（指标 一「乡镇考核平均分」）\n"
                       "  提示：例如 {results: 乡镇考核/results.json}，路径相对于本材料文件")


def test_from_results_share_needs_a_grade(tmp_path):
    text = ruleset_text(CITY.replace("take: share, grade: A", "take: share"), scale="30")
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "take: share")), message
    assert message.split(": ", 1)[1] == "take: share 须写明等次 grade，例如 grade: A（二「乡镇考核优秀比例」 › from_results）"


# --- 14. not applicable; rescale -----------------------------------------------------------

SECTION_RESCALE = f"""\
items:
  - id: 一
    title: 专项工作
    points: 60
    rescale: true
    {CITE}
    children:
      - {{id: 一.1, title: 港口质量监管, points: 15, method: judged, may_not_apply: true}}
      - {{id: 一.2, title: 矿山安全质量, points: 10, method: judged, may_not_apply: true}}
      - {{id: 一.3, title: 日常工作, points: 35, method: judged}}
  - id: 二
    title: 基础工作
    points: 40
    {CITE}
    children:
      - {{id: 二.1, title: 基础工作评价, points: 40, method: judged}}
"""


@pytest.fixture(scope="module")
def section_rescale(tmp_path_factory):
    return load(tmp_path_factory.mktemp("section_rescale"), SECTION_RESCALE)


def section_run(ruleset, port, mine, daily="30", basics="35"):
    return run(ruleset, {"一.1": port if isinstance(port, str) else judged(port),
                         "一.2": mine if isinstance(mine, str) else judged(mine),
                         "一.3": judged(daily), "二.1": judged(basics)})


def test_a_not_applicable_leaf(section_rescale):
    result = section_run(section_rescale, "不适用", 7)
    port = by_id(result, "一.1")
    assert (port.score, port.not_applicable, port.unapplied) == (None, True, D(15))
    assert port.reason == "本项不适用于本单位，不计分"
    assert port.entry.value == NOT_APPLICABLE
    assert result.unscored == () and result.complete  # neither scored nor missing


def test_not_chosen_reads_as_not_applicable(section_rescale):
    result = section_run(section_rescale, "未选择", 7)
    assert by_id(result, "一.1").not_applicable
    assert result.complete


@pytest.mark.parametrize("port, mine, daily, score, reason", [
    # 7 + 30 = 37 of the 45 that apply: 37 ÷ 45 × 60 = 49.333… → 49.33
    ("不适用", 7, "30", cents(D(37) / D(45) * D(60)),
     "下级指标得分之和37分；不适用的指标15分不计，按得分率折算：37÷45×60=49.33分（保留两位小数）"),
    # 12 + 30 = 42 of 50: 42 ÷ 50 × 60 = 50.4, exact
    (12, "不适用", "30", D(42) / D(50) * D(60),
     "下级指标得分之和42分；不适用的指标10分不计，按得分率折算：42÷50×60=50.4分"),
    # both: 30 of 35: 30 ÷ 35 × 60 = 51.428… → 51.43
    ("不适用", "不适用", "30", cents(D(30) / D(35) * D(60)),
     "下级指标得分之和30分；不适用的指标25分不计，按得分率折算：30÷35×60=51.43分（保留两位小数）"),
    # 一.3 = 34.3 of 35: 34.3 ÷ 35 × 60 = 58.8, exact
    ("不适用", "不适用", "34.3", D("34.3") / D(35) * D(60),
     "下级指标得分之和34.3分；不适用的指标25分不计，按得分率折算：34.3÷35×60=58.8分"),
])
def test_a_section_folds_its_not_applicable_leaves(section_rescale, port, mine, daily, score, reason):
    result = section_run(section_rescale, port, mine, daily)
    section = by_id(result, "一")
    assert (section.score, section.reason) == (score, reason)
    assert section.unapplied == D(0)  # folded here: nothing left for the top
    assert result.total == score + D(35)


def test_all_applicable_is_the_plain_sum(section_rescale):
    result = section_run(section_rescale, 12, 7)
    assert (by_id(result, "一").score, by_id(result, "一").reason) == (D(12) + D(7) + D(30), "下级指标得分之和")
    assert result.total == D(49) + D(35)


def test_the_section_level_example_of_the_spec(weights):
    result = run(weights, {"一.1": "不适用", "一.2": judged(45), "二.1": judged(80)})
    assert by_id(result, "一").score == D(90)  # 45 ÷ 50 × 100
    assert by_id(result, "一").reason.startswith("下级指标得分之和45分；不适用的指标50分不计，按得分率折算：45÷50×100=90分")


TOP_RESCALE = f"""\
rescale: true
items:
  - id: 一
    title: 专项工作
    points: 30
    {CITE}
    children:
      - {{id: 一.1, title: 港口质量监管, points: 15, method: judged, may_not_apply: true}}
      - {{id: 一.2, title: 日常工作, points: 15, method: judged}}
  - id: 二
    title: 海洋工作
    points: 10
    {CITE}
    children:
      - {{id: 二.1, title: 海洋渔业, points: 5, method: judged, may_not_apply: true}}
      - {{id: 二.2, title: 海岛保护, points: 5, method: judged, may_not_apply: true}}
  - id: 三
    title: 基础工作
    points: 60
    {CITE}
    children:
      - {{id: 三.1, title: 基础工作评价, points: 60, method: judged}}
"""


@pytest.fixture(scope="module")
def top_rescale(tmp_path_factory):
    return load(tmp_path_factory.mktemp("top_rescale"), TOP_RESCALE)


def top_run(ruleset, port, daily, fishing, islands, basics):
    def value(v):
        return v if v == "不适用" else judged(v)
    return run(ruleset, {"一.1": value(port), "一.2": value(daily), "二.1": value(fishing), "二.2": value(islands),
                         "三.1": value(basics)})


def test_the_ruleset_level_example_of_the_spec(top_rescale):
    result = top_run(top_rescale, "不适用", "10.5", 4, 3, 38)
    # applicable 85 (15 not): 10.5 + 4 + 3 + 38 = 55.5; 55.5 ÷ 85 × 100 = 65.294… → 65.29 → C
    raw = D("10.5") + D(4) + D(3) + D(38)
    assert raw == D("55.5")
    assert result.total == cents(raw / D(85) * D(100)) == D("65.29")
    assert result.grade == "C"
    assert result.grade_reason == (
        "适用指标得分55.5分；不适用的指标15分不计，按得分率折算：55.5÷85×100=65.29分（保留两位小数）；"
        "总分65.29分（不取舍），60分及以上、低于80分为C，定为C")
    assert by_id(result, "一").score == D("10.5")  # the section is not folded itself: the ruleset folds the total
    assert by_id(result, "一").reason == "下级指标得分之和"


def test_the_ruleset_level_fold_rounds_half_up(top_rescale):
    result = top_run(top_rescale, "不适用", "12.1", "不适用", 3, 55)
    # 20 not applicable (一.1 15, 二.1 5): 12.1 + 3 + 55 = 70.1 of 80 → 70.1 × 100 ÷ 80 = 87.625 → 87.63 (half up)
    assert D("70.1") / D(80) * D(100) == D("87.625")
    assert (result.total, result.grade) == (D("87.63"), "B")
    assert result.grade_reason.startswith(
        "适用指标得分70.1分；不适用的指标20分不计，按得分率折算：70.1÷80×100=87.63分（保留两位小数）；总分87.63分")


def test_a_section_whose_children_all_do_not_apply(top_rescale):
    result = top_run(top_rescale, 12, 13, "不适用", "不适用", 50)
    section = by_id(result, "二")
    assert (section.score, section.not_applicable) == (None, True)
    assert section.reason == "下级指标均不适用于本单位，本项不计分"
    # 12 + 13 + 50 = 75 of 90: 75 ÷ 90 × 100 = 83.333… → 83.33
    assert result.total == cents(D(75) / D(90) * D(100))
    assert result.grade_reason.startswith("适用指标得分75分；不适用的指标10分不计，按得分率折算：75÷90×100=83.33分（保留两位小数）")
    assert result.unscored == () and result.complete


def test_nothing_not_applicable_leaves_the_total_alone(top_rescale):
    result = top_run(top_rescale, 14, 13, 5, 4, 54)
    assert (result.total, result.grade) == (D(14) + D(13) + D(5) + D(4) + D(54), "A")  # 90
    assert result.grade_reason == "总分90分（不取舍），90分及以上为A级（即90分及以上），定为A"


def test_a_not_applicable_item_is_never_counted_as_missing(top_rescale):
    result = run(top_rescale, {"一.1": "不适用", "一.2": judged(10), "二.1": judged(4), "二.2": judged(3)})
    assert result.unscored == ("三.1",)  # only the item without a value


def test_a_rescale_section_whose_children_all_do_not_apply_needs_a_fold_above(tmp_path):
    """二 folds its own leaves, but when all of them do not apply there is nothing left in 二 to fold: unless a
    rescale above takes 二's 40 points out of the scale, a unit with every applicable point would be graded out of
    60. Either the ruleset is refused, or the 40 points leave the scale (60 of 60 → 100)."""
    body = SECTION_RESCALE.replace(
        "{id: 二.1, title: 基础工作评价, points: 40, method: judged}",
        "{id: 二.1, title: 海洋渔业, points: 20, method: judged, may_not_apply: true}\n"
        "      - {id: 二.2, title: 海岛保护, points: 20, method: judged, may_not_apply: true}").replace(
        "    title: 基础工作\n    points: 40\n", "    title: 海洋工作\n    points: 40\n    rescale: true\n")
    try:
        ruleset = load(tmp_path, body)
    except KaoheError:
        return  # refused: acceptable
    result = run(ruleset, {"一.1": judged(15), "一.2": judged(10), "一.3": judged(35), "二.1": "不适用", "二.2": "不适用"})
    assert result.total == D(100), result.grade_reason  # 60 of the 60 points that apply


def test_an_item_from_results_may_not_apply(tmp_path):
    body = "rescale: true\n" + CITY.replace("take: average}", "take: average}\n    may_not_apply: true")
    ruleset = load(tmp_path, body, scale="30")
    evidence = load_evidence(write(tmp_path, "unit: 甲县\nruleset: t\nvalues:\n  一: 不适用\n", "甲县.yaml"), ruleset)
    assert evidence.entries["一"].value == NOT_APPLICABLE


def test_may_not_apply_without_any_rescale_is_refused(tmp_path):
    text = ruleset_text(SECTION_RESCALE.replace("    rescale: true\n", ""))
    message = load_problems(tmp_path, text)
    first = message.splitlines()[0]
    assert located(first, "ruleset.yaml", lines_with(text, "一.1")), message
    assert first.split(": ", 1)[1] == "指标 一.1「港口质量监管」可以不适用（may_not_apply），但细则没有写明不适用时怎样折算（一.1）"
    assert "指标 一.2「矿山安全质量」可以不适用" in message  # each is named
    assert message.count("  提示：在其上级指标或细则顶层写 rescale: true（不适用的指标不计，按得分率折算）") == 2


def test_not_applicable_on_an_item_that_always_applies_is_refused(tmp_path, section_rescale):
    text = ("unit: 甲县\nruleset: t\nvalues:\n  一.1: 不适用\n  一.2: 不适用\n  一.3: 不适用\n"
            "  二.1: {score: 30, reason: 核查}\n")
    message = evidence_problems(tmp_path, section_rescale, text)
    assert message == ('甲县.yaml:6:8: 核查评分项应填分数和理由（score、reason），实际为文字 "不适用"（指标 一.3「日常工作」）\n'
                       "  提示：写成 {score: 分数, reason: 评分理由}")  # only 一.3: 一.1 and 一.2 may not apply


# --- 15. consequences and combined conditions ----------------------------------------------

OUTCOMES = f"""\
facts:
  late: {{title: 迟报数据, kind: yes_no}}
  complaints: {{title: 有效投诉, kind: count}}
  fraud: {{title: 弄虚作假, kind: yes_no}}
  incidents: {{title: 质量安全事故, kind: events, kinds: [一般, 较大]}}
items:
  - {{id: 一, title: 质量工作, points: 100, method: judged, {CITE}}}
outcomes:
  - id: a-talk
    title: 有效投诉10次以上的约谈
    when: {{fact: complaints, at_least: 10}}
    then: {{consequence: 约谈主要负责人}}
    {RULE_CITE}
  - id: b-down
    title: 迟报数据且有效投诉3次以上的降一级
    when: {{all: [{{fact: late, is: true}}, {{fact: complaints, at_least: 3}}]}}
    then: {{downgrade: 1, consequence: 通报批评}}
    {RULE_CITE}
  - id: c-cap
    title: 迟报数据且弄虚作假或投诉5次以上的最高为C
    when: {{all: [{{fact: late, is: true}}, {{any: [{{fact: fraud, is: true}}, {{fact: complaints, at_least: 5}}]}}]}}
    then: {{cap_grade: C}}
    {RULE_CITE}
  - id: d-exclude
    title: 发生较大事故或弄虚作假的不得评为A
    when: {{any: [{{fact: incidents, any_kind: [较大]}}, {{fact: fraud, is: true}}]}}
    then: {{exclude: A}}
    {RULE_CITE}
  - id: e-twice
    title: 连续两年被评为D级的约谈
    when: {{all: [{{grade: D}}, {{last_year_grade: D}}]}}
    then: {{consequence: 约谈并通报}}
    {RULE_CITE}
"""

BIG = {"kind": "较大", "date": "2014-05-01", "title": "某厂爆燃"}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return load(tmp_path_factory.mktemp("outcomes"), OUTCOMES)


def outcome_run(ruleset, total, late=False, complaints=0, fraud=False, incidents=(), history=None):
    facts = {"late": late, "complaints": D(complaints), "fraud": fraud, "incidents": [dict(e) for e in incidents]}
    return run(ruleset, {"一": judged(total)}, facts, history)


def test_a_consequence_without_a_grade_effect(outcomes):
    result = outcome_run(outcomes, 95, complaints=12)
    assert [f.rule.id for f in result.fired] == ["a-talk"]
    assert [f.rule.id for f in result.consequences] == ["a-talk"]
    assert result.fired[0].detail == "有效投诉：12"
    assert result.grade == "A"
    assert result.grade_reason == ("总分95分（不取舍），90分及以上为A级（即90分及以上），定为A；"
                                   f"有效投诉10次以上的约谈{CITED}：约谈主要负责人")


def test_a_consequence_beside_a_grade_effect(outcomes):
    result = outcome_run(outcomes, 95, late=True, complaints=3)
    assert [f.rule.id for f in result.fired] == ["b-down"]  # 3 < 10: no 约谈; no fraud, 3 < 5: no cap
    assert result.fired[0].detail == "迟报数据：是；有效投诉：3"
    assert [f.rule.consequence for f in result.consequences] == ["通报批评"]
    assert result.grade == "B"
    assert result.grade_reason.endswith(f"；迟报数据且有效投诉3次以上的降一级{CITED}：降1级，A→B"
                                        "；迟报数据且有效投诉3次以上的降一级：另通报批评"), result.grade_reason


@pytest.mark.parametrize("late, complaints", [(False, 3), (True, 2)])
def test_all_needs_every_part(outcomes, late, complaints):
    assert outcome_run(outcomes, 95, late=late, complaints=complaints).fired == ()


def test_exclude_on_score_grading_moves_the_grade_down(outcomes):
    result = outcome_run(outcomes, 95, incidents=[BIG])
    assert [f.rule.id for f in result.fired] == ["d-exclude"]
    assert result.consequences == ()  # an exclusion is not a consequence
    assert (result.band_grade, result.grade) == ("A", "B")
    assert result.grade_reason.endswith(f"；发生较大事故或弄虚作假的不得评为A{CITED}：不得评为A，A→B")


def test_exclude_leaves_a_lower_grade_alone(outcomes):
    result = outcome_run(outcomes, 85, fraud=True)
    assert result.grade == "B"
    assert result.grade_reason.endswith(f"；发生较大事故或弄虚作假的不得评为A{CITED}：不得评为A，现为B，不变")


def test_a_rule_of_several_alternatives_fires_once(outcomes):
    result = outcome_run(outcomes, 95, fraud=True, incidents=[BIG, dict(BIG, date="2014-06-01", title="某厂坍塌")])
    assert [f.rule.id for f in result.fired] == ["d-exclude"]
    assert result.fired[0].detail == ("质量安全事故：计入2起（2014-05-01 较大 某厂爆燃；2014-06-01 较大 某厂坍塌）；"
                                      "弄虚作假：是")
    assert result.grade == "B"  # once: A → B, not further
    assert result.grade_reason.count("A→B") == 1


def test_an_ordinary_incident_does_not_exclude(outcomes):
    result = outcome_run(outcomes, 95, incidents=[dict(BIG, kind="一般")])
    assert (result.fired, result.grade) == ((), "A")


@pytest.mark.parametrize("late, fraud, complaints, fired, grade", [
    # late and (fraud or ≥ 5): capped at C. 95 A → C
    (True, True, 0, ["c-cap", "d-exclude"], "C"),
    # late and ≥ 5, no fraud: 降一级 A → B, then 最高为C B → C
    (True, False, 5, ["b-down", "c-cap"], "C"),
    # not late: the nested any alone is not enough; fraud still excludes A
    (False, True, 6, ["d-exclude"], "B"),
    # late, 4 complaints and no fraud: the nested any fails; 降一级 only
    (True, False, 4, ["b-down"], "B"),
])
def test_nested_all_and_any(outcomes, late, fraud, complaints, fired, grade):
    result = outcome_run(outcomes, 95, late=late, complaints=complaints, fraud=fraud)
    assert [f.rule.id for f in result.fired] == fired
    assert result.grade == grade


def test_nested_detail_names_each_condition_that_held(outcomes):
    result = outcome_run(outcomes, 95, late=True, complaints=5)
    detail = {f.rule.id: f.detail for f in result.fired}
    assert detail["c-cap"] == "迟报数据：是；有效投诉：5"  # fraud did not hold: not named
    assert result.grade_reason.endswith(f"{CITED}：降1级，A→B；迟报数据且弄虚作假或投诉5次以上的最高为C{CITED}：最高为C，B→C"
                                        "；迟报数据且有效投诉3次以上的降一级：另通报批评"), result.grade_reason


@pytest.mark.parametrize("total, history, late, complaints, fired", [
    (50, {"2013": "D"}, False, 0, True),  # D this year and last
    (50, {"2013": "C"}, False, 0, False),
    (65, {"2013": "D"}, False, 0, False),  # C this year
    (50, None, False, 0, False),  # no history: last year unknown
    (50, {"2012": "D"}, False, 0, False),  # 2012 is not last year
    (65, {"2013": "D"}, True, 3, True),  # C 降一级 → D: the grade after the grade-changing rules
])
def test_twice_graded_d(outcomes, total, history, late, complaints, fired):
    result = outcome_run(outcomes, total, late=late, complaints=complaints, history=history)
    assert ("e-twice" in [f.rule.id for f in result.fired]) == fired
    assert ("e-twice" in [f.rule.id for f in result.consequences]) == fired


def test_twice_graded_d_reason_and_detail(outcomes):
    result = outcome_run(outcomes, 50, history={"2013": "D"})
    assert [f.rule.id for f in result.fired] == ["e-twice"]
    assert result.fired[0].detail == "本年度等次为D；2013年度等次为D"
    assert result.grade == "D"
    assert result.grade_reason == ("总分50分（不取舍），低于60分为D，定为D；"
                                   f"连续两年被评为D级的约谈{CITED}：约谈并通报")


def test_history_with_an_unknown_grade_is_refused(tmp_path, outcomes):
    text = ("unit: 甲县\nruleset: t\nhistory: {2013: E}\nvalues:\n  一: {score: 50, reason: 核查}\n"
            "facts: {late: false, complaints: 0, fraud: false, incidents: []}\n")
    message = evidence_problems(tmp_path, outcomes, text)
    assert message == '甲县.yaml:3:17: 2013年的等次应为 A、B、C、D 之一，实际为文字 "E"（历年等次 › 2013年）'


@pytest.mark.parametrize("then", ["{downgrade: 1}", "{exclude: A}", "{force_grade: D, consequence: 约谈}"])
def test_a_rule_reading_the_grade_may_not_change_it(tmp_path, then):
    text = ruleset_text(OUTCOMES.replace("then: {consequence: 约谈并通报}", f"then: {then}"))
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, f"then: {then}")), message
    assert message.split(": ", 1)[1] == ("条件读取本年度等次的规则不能再改变等次，只能记录后果（consequence）（e-twice › then）\n"
                                         "  提示：例如“连续两年被评为D级的，约谈主要负责人”：then: {consequence: 约谈主要负责人}")


def test_then_with_nothing_is_refused(tmp_path):
    text = ruleset_text(OUTCOMES.replace("then: {consequence: 约谈主要负责人}", "then: {}"))
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "then: {}")), message
    assert message.split(": ", 1)[1] == (
        "then 中须给出效果：force_grade、downgrade、cap_grade 之一，或 exclude（不得评为某等次）、"
        "consequence（约谈、通报批评等后果）（a-talk › then）\n  提示：例如 then: {force_grade: D}")


# --- 16. rank grading: exclusions, vacancies, reserved grades --------------------------------

RANKED_UNITS = ["甲县", "乙县", "丙县", "丁县", "戊县", "己县"]


def ranked_text(vacancy: str) -> str:
    return header("ranked", RANKED_UNITS, f"""\
  by: rank
  citation: {{source: s, clause: 第六条, text: 按得分排名确定等次。}}
  ranks:
    - {{label: 优秀, count: 2}}
    - {{label: 良好, share: 0.4}}
    - {{label: 合格}}
  reserved: [不合格]
  vacancy: {vacancy}
""") + f"""\
facts:
  fraud: {{title: 弄虚作假, kind: yes_no}}
  veto: {{title: 发生重大质量安全事故, kind: yes_no}}
items:
  - {{id: 一, title: 质量工作, points: 100, method: judged, {CITE}}}
outcomes:
  - id: no-excellent
    title: 弄虚作假的取消评优资格
    when: {{fact: fraud, is: true}}
    then: {{exclude: 优秀}}
    {RULE_CITE}
  - id: veto
    title: 发生重大质量安全事故的定为不合格
    when: {{fact: veto, is: true}}
    then: {{force_grade: 不合格}}
    {RULE_CITE}
"""


@pytest.fixture(scope="module", params=["pass_on", "stay_empty"])
def ranked(request, tmp_path_factory):
    return request.param, load_ruleset(write(tmp_path_factory.mktemp(request.param), ranked_text(request.param)))


def rank_run(ruleset, totals: dict[str, str], fraud=(), veto=()):
    return run_batch(ruleset, {unit: {"values": {"一": judged(total)},
                                      "facts": {"fraud": unit in fraud, "veto": unit in veto}}
                               for unit, total in totals.items()})


# 6 units: 优秀 the first 2 places, 良好 the next 40% of 6 = 2.4 → 2 (places 3–4), 合格 the rest.
TIED = {"甲县": "95", "乙县": "92", "丙县": "90", "丁县": "90", "戊县": "80", "己县": "70"}
UNTIED = {"甲县": "95", "乙县": "92", "丙县": "90", "丁县": "85", "戊县": "80", "己县": "70"}


def test_rank_grades_without_exclusions(ranked):
    _, ruleset = ranked
    results = rank_run(ruleset, TIED)
    # places 1, 2, 3, 3, 5, 6: 丙 and 丁 tie at 3, both within places 3–4
    assert {u: r.grade for u, r in results.items()} == {
        "甲县": "优秀", "乙县": "优秀", "丙县": "良好", "丁县": "良好", "戊县": "合格", "己县": "合格"}
    assert results["丙县"].grade_reason == "在6个单位中列第3名，第3至4名为良好，定为良好"
    assert "不合格" not in {r.grade for r in results.values()}  # reserved: no rank tier reaches it


def test_an_excluded_unit_pass_on_and_stay_empty(ranked):
    vacancy, ruleset = ranked
    results = rank_run(ruleset, UNTIED, fraud={"乙县"})
    grades = {u: r.grade for u, r in results.items()}
    if vacancy == "pass_on":
        # 乙's place 2 passes to the next eligible unit, 丙 (90): 优秀 甲 丙. 良好 takes places up to 4 in all: 2 are
        # taken, so 2 more: 乙 (92, may be 良好) and 丁 (85). 戊, 己 合格.
        assert grades == {"甲县": "优秀", "乙县": "良好", "丙县": "优秀", "丁县": "良好", "戊县": "合格", "己县": "合格"}
        assert results["乙县"].grade_reason.startswith(
            "在6个单位中列第2名，按名次应为优秀，但不得评为优秀，名额由其后的单位递补，定为良好")
        assert results["丙县"].grade_reason == "在6个单位中列第3名，前面有单位不得评为较高等次，名额依次递补，定为优秀"
    else:
        # 乙's place stays empty: 优秀 甲 only; 乙 goes to the next band it may be given, 良好; 丙 (3), 丁 (4) 良好
        assert grades == {"甲县": "优秀", "乙县": "良好", "丙县": "良好", "丁县": "良好", "戊县": "合格", "己县": "合格"}
        assert results["乙县"].grade_reason.startswith(
            "在6个单位中列第2名，按名次应为优秀，但不得评为优秀（名额空缺，不递补），定为良好")
        assert results["丙县"].grade_reason == "在6个单位中列第3名，第3至4名为良好，定为良好"
    assert [f.rule.id for f in results["乙县"].fired] == ["no-excellent"]


def test_an_excluded_unit_with_ties_behind_it(ranked):
    vacancy, ruleset = ranked
    results = rank_run(ruleset, TIED, fraud={"乙县"})
    grades = {u: r.grade for u, r in results.items()}
    if vacancy == "pass_on":
        # 优秀 among the eligible 甲 95, 丙 90, 丁 90, 戊 80, 己 70: places 1, 2, 2 → 甲, 丙, 丁 (tied units share the
        # better grade). 3 taken of the 4 places up to 良好: one more, 乙 (92). 戊, 己 合格.
        assert grades == {"甲县": "优秀", "乙县": "良好", "丙县": "优秀", "丁县": "优秀", "戊县": "合格", "己县": "合格"}
    else:
        # 甲 优秀 (1); 乙 (2) may not be 优秀 → 良好; 丙, 丁 (3, 3) 良好; 戊 (5), 己 (6) 合格
        assert grades == {"甲县": "优秀", "乙县": "良好", "丙县": "良好", "丁县": "良好", "戊县": "合格", "己县": "合格"}


def test_an_excluded_unit_already_below_the_band(ranked):
    _, ruleset = ranked
    results = rank_run(ruleset, UNTIED, fraud={"戊县"})
    # 戊 (5) is 合格 by place: the exclusion from 优秀 changes nothing for anyone
    assert {u: r.grade for u, r in results.items()} == {
        "甲县": "优秀", "乙县": "优秀", "丙县": "良好", "丁县": "良好", "戊县": "合格", "己县": "合格"}
    assert results["戊县"].grade_reason.endswith(f"弄虚作假的取消评优资格{CITED}：不得评为优秀，现为合格，不变")


def test_a_reserved_grade_is_reached_only_by_a_veto(ranked):
    _, ruleset = ranked
    results = rank_run(ruleset, UNTIED, veto={"己县"})
    assert results["己县"].band_grade == "合格"
    assert results["己县"].grade == "不合格"
    assert results["己县"].grade_reason.endswith(f"；发生重大质量安全事故的定为不合格{CITED}：直接定为不合格")
    assert [r.grade for u, r in results.items() if u != "己县"] == ["优秀", "优秀", "良好", "良好", "合格"]
    assert ruleset.grading.labels == ("优秀", "良好", "合格", "不合格")


def test_a_reserved_grade_is_not_a_rank_tier(ranked):
    _, ruleset = ranked
    results = rank_run(ruleset, {"甲县": "95", "乙县": "5", "丙县": "4", "丁县": "3", "戊县": "2", "己县": "1"})
    assert results["己县"].grade == "合格"  # the last place, 1 point: still 合格


# --- 16. score grading: quotas ----------------------------------------------------------------

TEN = ["甲县", "乙县", "丙县", "丁县", "戊县", "己县", "庚县", "辛县", "壬县", "癸县"]


def quota_text(quotas: str) -> str:
    return header("quota", TEN, f"""\
  citation: {{source: s, clause: 第五条, text: 90分及以上为A级。}}
  bands: [{{label: A, min: 90}}, {{label: B, min: 80}}, {{label: C, min: 60}}, {{label: D}}]
  quotas: {quotas}
""") + f"""\
items:
  - {{id: 一, title: 质量工作, points: 100, method: judged, {CITE}}}
"""


def quota_run(ruleset, totals: list[str]):
    return run_batch(ruleset, {unit: {"values": {"一": judged(total)}} for unit, total in zip(TEN, totals, strict=True)})


QUOTA_TOTALS = ["98", "95", "93", "93", "91", "88", "85", "82", "70", "50"]


def test_a_share_quota_moves_the_lowest_and_ties_at_the_cut_move_together(tmp_path):
    ruleset = load_ruleset(write(tmp_path, quota_text("[{label: A, share: 0.3, text: 优秀比例不超过30%}]")))
    results = quota_run(ruleset, QUOTA_TOTALS)
    # A by score: 98, 95, 93, 93, 91; at most 30% of 10 = 3. The 3rd and 4th (93, 93) tie at the cut: both move,
    # so A keeps 2 and never 4
    grades = [results[u].grade for u in TEN]
    assert grades == ["A", "A", "B", "B", "B", "B", "B", "B", "C", "D"]
    assert [results[u].band_grade for u in TEN][:5] == ["A"] * 5
    assert results["丙县"].grade_reason.endswith("；优秀比例不超过30%（本批10个单位，至多3个），总分93分未进入名额，A→B")
    assert results["戊县"].grade_reason.endswith("；优秀比例不超过30%（本批10个单位，至多3个），总分91分未进入名额，A→B")
    assert "名额" not in results["乙县"].grade_reason and "名额" not in results["己县"].grade_reason


def test_a_quota_not_exceeded_moves_nobody(tmp_path):
    ruleset = load_ruleset(write(tmp_path, quota_text("[{label: A, share: 0.3}]")))
    results = quota_run(ruleset, ["98", "95", "93", "89", "88", "85", "82", "81", "70", "50"])
    assert [results[u].grade for u in TEN] == ["A", "A", "A", "B", "B", "B", "B", "B", "C", "D"]


def test_a_moved_unit_meets_the_next_bands_quota(tmp_path):
    ruleset = load_ruleset(write(tmp_path, quota_text(
        "[{label: A, share: 0.3, text: 优秀比例不超过30%}, {label: B, count: 2, text: 良好不超过2个}]")))
    results = quota_run(ruleset, QUOTA_TOTALS)
    # A: 丙 93, 丁 93, 戊 91 move to B (as above). B then holds 93, 93, 91, 88, 85, 82: at most 2; the 3rd (91) and
    # below move to C: 戊 91 (moved twice), 己 88, 庚 85, 辛 82
    assert [results[u].grade for u in TEN] == ["A", "A", "B", "B", "C", "C", "C", "C", "C", "D"]
    assert results["己县"].grade_reason.endswith("；良好不超过2个（本批10个单位，至多2个），总分88分未进入名额，B→C")
    assert results["戊县"].grade_reason == (  # both moves are explained
        "总分91分（不取舍），90分及以上为A，定为A；优秀比例不超过30%（本批10个单位，至多3个），总分91分未进入名额，A→B；"
        "良好不超过2个（本批10个单位，至多2个），总分91分未进入名额，B→C")


def test_a_count_quota(tmp_path):
    ruleset = load_ruleset(write(tmp_path, quota_text("[{label: A, count: 1}]")))
    results = quota_run(ruleset, QUOTA_TOTALS)
    assert [results[u].grade for u in TEN][:6] == ["A", "B", "B", "B", "B", "B"]
    assert results["乙县"].grade_reason.endswith("；A不超过1个（本批10个单位，至多1个），总分95分未进入名额，A→B")


def test_a_quota_on_the_lowest_band_is_refused(tmp_path):
    text = quota_text("[{label: D, count: 1}]")
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "quotas:")), message
    assert message.split(": ", 1)[1] == "最低一档「D」不能限定名额：超出的单位无处可去（grading › quotas[1] › label）"


# --- 17. units of measure --------------------------------------------------------------------

def measured(unit: str, target: str = "1", low: str = "0") -> str:
    """A threshold item in `unit` (YAML lines for one_item_ruleset)."""
    return f'method: threshold\ntarget: {target}\nunit: "{unit}"\nrange: [{low}, null]\n'


BILLION = measured("亿元", "0.8")
PERCENT = measured("%", "2", "-100")


@pytest.mark.parametrize("unit, value, number", [
    ("亿元", "8500万元", D(8500) * 10**4 / 10**8),  # 0.85
    ("亿元", "8500 万元", D("0.85")),
    ("亿元", "0.85亿元", D("0.85")),
    ("亿元", "85000000元", D("0.85")),  # 85000000 ÷ 10^8
    ("亿元", "85000千元", D("0.85")),  # 85000 × 1000 ÷ 10^8
    ("亿元", D("0.85"), D("0.85")),  # a bare number: in the item's unit
    ("万元", "1.5亿元", D(15000)),  # 1.5 × 10^8 ÷ 10^4
    # items in the family's smallest unit, whose name ends the larger one's (万元 ends with 元)
    ("元", "8500万元", D(85000000)),
    ("人", "1.2万人", D(12000)),
    ("吨", "3万吨", D(30000)),
    ("平方米", "2万平方米", D(20000)),
    ("户", "0.3万户", D(3000)),
    ("万吨", "350000吨", D(35)),
    ("万平方米", "15000平方米", D("1.5")),
    ("%", "2个百分点", D(2)),
    ("%", "-1.5个百分点", D("-1.5")),
    ("%", "25‰", D("2.5")),  # 25 × 0.1
    ("%", "2.5%", D("2.5")),
])
def test_values_in_another_unit_of_the_family_are_converted(tmp_path, unit, value, number):
    result = score_values(one_item_ruleset(tmp_path, measured(unit, low="-100"), "10"), [value])[0]
    assert result.entry.value == number


def test_a_converted_value_is_scored(tmp_path):
    ruleset = one_item_ruleset(tmp_path, BILLION, "10")
    met, short = score_values(ruleset, ["8500万元", "7900万元"])
    assert (met.score, short.score) == (D(10), D(0))  # 0.85 ≥ 0.8; 0.79 < 0.8


UNIT_EVIDENCE = "unit: 甲县\nruleset: t\nvalues:\n  X: {value}\n"


def test_a_unit_of_another_family_is_refused_naming_both_units(tmp_path):
    ruleset = one_item_ruleset(tmp_path, BILLION, "10")
    message = evidence_problems(tmp_path, ruleset, UNIT_EVIDENCE.format(value="5万人"))
    assert message == ("甲县.yaml:4:6: X「测试项」的填报值写的单位「万人」与本项的单位「亿元」不同，无法换算（指标 X「测试项」）\n"
                       "  提示：可写元、千元、万元、亿元")


def test_percent_refuses_a_money_unit(tmp_path):
    ruleset = one_item_ruleset(tmp_path, PERCENT, "10")
    message = evidence_problems(tmp_path, ruleset, UNIT_EVIDENCE.format(value="3万元"))
    assert message == ("甲县.yaml:4:6: X「测试项」的填报值写的单位「万元」与本项的单位「%」不同，无法换算（指标 X「测试项」）\n"
                       "  提示：可写%、个百分点、‰")


@pytest.mark.parametrize("value", ["0.85", '"0.85"'])
def test_unit_required_refuses_a_bare_number(tmp_path, value):
    ruleset = one_item_ruleset(tmp_path, BILLION + "unit_required: true\n", "10")
    message = evidence_problems(tmp_path, ruleset, UNIT_EVIDENCE.format(value=value))
    assert message.startswith("甲县.yaml:4:6: X「测试项」的填报值 0.85 没有写明单位：本项按亿元计，可写元、千元、万元、亿元"), message


def test_unit_required_message(tmp_path):
    ruleset = one_item_ruleset(tmp_path, BILLION + "unit_required: true\n", "10")
    message = evidence_problems(tmp_path, ruleset, UNIT_EVIDENCE.format(value="0.85"))
    assert message == ("甲县.yaml:4:6: X「测试项」的填报值 0.85 没有写明单位：本项按亿元计，可写元、千元、万元、亿元（指标 X「测试项」）\n"
                       "  提示：例如写成 “0.85亿元”，kaohe 会换算成亿元")


def test_unit_required_accepts_a_value_with_its_unit(tmp_path):
    ruleset = one_item_ruleset(tmp_path, BILLION + "unit_required: true\n", "10")
    assert [r.entry.value for r in score_values(ruleset, ["8500万元", "0.85亿元"])] == [D("0.85"), D("0.85")]


def test_unit_required_on_a_unit_that_does_not_convert_is_refused(tmp_path):
    body = f"items:\n  - {{id: X, title: 测试项, points: 10, {CITE}, method: threshold, target: 3, unit: 家, " \
           "unit_required: true}\n"
    message = load_problems(tmp_path, ruleset_text(body, scale="10"))
    assert message.split(": ", 1)[1].startswith("单位「家」没有可换算的单位，不能要求填报时写明单位（X「测试项」 › unit_required）\n"
                                                "  提示：unit_required 用于元、千元、万元、亿元、%"), message


def warnings_of(folder: Path, item: str, value: str):
    ruleset = one_item_ruleset(folder, item, "10")
    return load_evidence(write(folder, UNIT_EVIDENCE.format(value=value), "甲县.yaml"), ruleset).warnings


def test_a_fraction_in_a_percent_item_is_warned(tmp_path):
    warnings = warnings_of(tmp_path, measured("%", "90"), "0.936")
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.severity == "warning"
    assert (warning.location.file, warning.location.line, warning.location.path) == (
        str(tmp_path / "甲县.yaml"), 4, "指标 X「测试项」")
    assert warning.message == "X「测试项」：填报值 0.936% 可能是小数形式的比率：若指 93.6%，应填 93.6"


def test_yuan_in_a_ten_thousand_yuan_item_is_warned(tmp_path):
    warnings = warnings_of(tmp_path, measured("万元", "500"), "5000000")
    assert len(warnings) == 1
    # 5000000 元 = 500 万元
    assert warnings[0].message == "X「测试项」：填报值 5000000万元 数额很大，可能是以元为单位填写的（5000000元=500万元）"


@pytest.mark.parametrize("unit, value", [
    ("%", "93.6"), ("%", "1"), ("%", "0"),  # 0 < x < 1 only
    ("万元", "500"), ("亿元", "3"),
    # 2000万元 (20 million yuan) is an ordinary county figure, not a sum likely written in yuan
    ("万元", "2000"),
])
def test_plausible_values_are_not_warned(tmp_path, unit, value):
    assert warnings_of(tmp_path, measured(unit), value) == ()


def test_kaohe_score_shows_the_warnings_on_stderr(tmp_path):
    one_item_ruleset(tmp_path, measured("%", "90"), "10")
    evidence = write(tmp_path / "材料", UNIT_EVIDENCE.format(value="0.936"), "甲县.yaml")
    result = CliRunner().invoke(cli, ["score", str(tmp_path), str(evidence)])
    assert result.exit_code == 0, result.output
    assert (f"提醒：{evidence}:4:6: X「测试项」：填报值 0.936% 可能是小数形式的比率：若指 93.6%，应填 93.6（指标 X「测试项」）\n"
            "  提示：请核对后再报送；确认无误可不理会\n") in result.stderr
    assert "提醒" not in result.stdout


def test_kaohe_check_shows_the_warnings(tmp_path):
    one_item_ruleset(tmp_path, measured("%", "90"), "10")
    evidence = write(tmp_path / "材料", UNIT_EVIDENCE.format(value="0.936"), "甲县.yaml")
    result = CliRunner().invoke(cli, ["check", str(tmp_path), str(evidence)])
    assert result.exit_code == 0, result.output
    assert (f"  提醒：{evidence}:4:6：X「测试项」：填报值 0.936% 可能是小数形式的比率：若指 93.6%，应填 93.6（指标 X「测试项」）；"
            "请核对后再报送；确认无误可不理会\n") in result.output, result.output


# --- excess: bonus ------------------------------------------------------------------------

EXCESS = f"""\
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
        excess: bonus
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
      - {{id: 三.1, title: 创新案例, points: 5, method: judged}}
"""


@pytest.fixture(scope="module")
def excess(tmp_path_factory):
    return load(tmp_path_factory.mktemp("excess"), EXCESS)


@pytest.mark.parametrize("growth, bonus_item, own, regular, bonus", [
    # 8 + (16 − 10) × 1 = 14: 4 above the points 10 counted with the bonus items; 3 + 4 = 7 → bonus_cap 5
    ("16", "3", D(14), D(90) + D(10), D(5)),
    ("16", "0", D(14), D(90) + D(10), D(4)),  # 0 + 4
    ("12", "3", D(10), D(90) + D(10), D(3)),  # 8 + 2 = 10: exactly the points, nothing above
    ("11", "3", D(9), D(90) + D(9), D(3)),
    ("25", "0", D(15), D(90) + D(10), D(5)),  # 8 + 15 = 23 → own cap 15: 5 above; 0 + 5 = 5
    ("25", "1", D(15), D(90) + D(10), D(5)),  # 1 + 5 = 6 → 5
])
def test_excess_counts_with_the_bonus_items(excess, growth, bonus_item, own, regular, bonus):
    result = run(excess, {"一.1": judged(90), "一.2": D(growth), "三.1": judged(bonus_item)})
    assert by_id(result, "一.2").score == own
    assert by_id(result, "一").score == D(90) + own  # the section sums its children as usual
    assert (result.regular_total, result.bonus_total, result.total) == (regular, bonus, regular + bonus)


def test_excess_reason(excess):
    result = run(excess, {"一.1": judged(90), "一.2": D(16), "三.1": judged(0)})
    assert by_id(result, "一.2").reason.endswith("，得14分；超出本项分值10分的4分计入加分，受加分上限约束")
    plain = run(excess, {"一.1": judged(90), "一.2": D(12), "三.1": judged(0)})
    assert "计入加分" not in by_id(plain, "一.2").reason


@pytest.mark.parametrize("change", [
    ("bonus_cap: 5\n", "bonus_cap: 0\n"),  # the cap written as 0
    ("bonus_cap: 5\n", ""),  # no cap written: the bonus sections' points (5) — allowed
])
def test_excess_needs_a_bonus_cap_above_0(tmp_path, change):
    text = ruleset_text(EXCESS.replace(*change))
    if change[1] == "":
        load_ruleset(write(tmp_path, text))  # bonus_cap defaults to the bonus sections' 5 points
        return
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "- id: 一.2")), message
    assert message.split(": ", 1)[1] == (
        "指标 一.2「质量建设投入增幅」超出分值的部分计入加分（excess: bonus），但本细则的加分上限为0（一.2 › excess）\n"
        "  提示：写明加分合计上限 bonus_cap，或去掉 excess: bonus（超出部分在本项内计）")


def test_excess_without_any_bonus_section_is_refused(tmp_path):
    body = EXCESS.replace("bonus_cap: 5\n", "").split("  - id: 三")[0].replace("points: 100\n", "points: 100\n", 1)
    message = load_problems(tmp_path, ruleset_text(body))
    assert message.split(": ", 1)[1].startswith(
        "指标 一.2「质量建设投入增幅」超出分值的部分计入加分（excess: bonus），但本细则的加分上限为0（一.2 › excess）"), message


def test_excess_bonus_needs_max(tmp_path):
    text = ruleset_text(EXCESS.replace("        max: 15\n", ""))
    message = load_problems(tmp_path, text)
    assert located(message, "ruleset.yaml", lines_with(text, "excess: bonus")), message
    assert message.split(": ", 1)[1] == "excess 只用于写了 max（本项最高分）的指标：超出分值的部分计入加分（一.2「质量建设投入增幅」 › excess）"


# --- the mini 细则 in tests/fixtures/patterns2 -------------------------------------------------

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


def township_documents() -> dict[str, str]:
    """The township results each county's evidence names, scored again from the township evidence in the fixture."""
    township = load_ruleset(FIXTURE / "township")
    out = {}
    for county in sorted(p for p in (FIXTURE / "township").iterdir() if p.is_dir()):
        batch = []
        for path in sorted(county.glob("*.yaml")):
            data, digest = read_document(path)
            batch.append(evidence_from_data(data, township, f"{county.name}/{path.name}", digest))
        out[county.name] = dumps(results_document(township, evaluate(township, batch)), compact=True)
    return out


def test_the_fixtures_township_results_are_what_kaohe_score_writes():
    documents = township_documents()
    assert len(documents) == 5
    for county, text in documents.items():
        assert (FIXTURE / "samples" / "乡镇考核" / county / "results.json").read_text(encoding="utf-8") == text, county


def test_the_fixture_uses_every_pattern():
    ruleset = load_ruleset(FIXTURE)
    items = {item.id: item for item in ruleset.all_items()}
    assert (items["一"].weight, items["二"].weight) == (D("0.3"), D("0.7"))
    assert items["一"].rescale and items["一.2"].may_not_apply
    assert items["一.3"].method == "ratio"
    assert items["二.1"].unit_required and items["二.1"].unit == "亿元"
    assert items["二.2"].from_results.take == "average" and items["二.3"].from_results.take == "share"
    assert items["二.4"].excess_is_bonus
    assert ruleset.grading.quotas
    triggers = {rule.id: rule.trigger for rule in ruleset.outcomes}
    assert triggers["late-complaints"].all and triggers["exclude-a"].any
    assert triggers["twice-d"].all[0].grade and triggers["twice-d"].all[1].last_year_grade
    assert {rule.id for rule in ruleset.outcomes if rule.consequence} >= {"late-complaints", "twice-d", "talk"}


FIXTURE_CITE = "（依据：某质强办〔2015〕5号《某市县（市、区）政府质量工作考核办法》{clause}）"


@pytest.fixture(scope="module")
def fixture_results():
    """The fixture's samples scored together, as `kaohe score` scores the folder."""
    ruleset = load_ruleset(FIXTURE)
    batch = [load_evidence(path, ruleset) for path in sorted((FIXTURE / "samples").glob("*.yaml"))]
    return {r.unit: r for r in evaluate(ruleset, batch)}


def test_the_fixtures_grade_reasons(fixture_results):
    reasons = {unit: r.grade_reason for unit, r in fixture_results.items()}
    exclude = "发生较大以上质量安全事故或考核材料弄虚作假的不得评为A级" + FIXTURE_CITE.format(clause="第十二条")
    assert reasons == {
        "东城区": "总分99.85分（不取舍），90分及以上为A级（即90分及以上），定为A",
        "西城区": "总分97.344分（不取舍），90分及以上为A级（即90分及以上），定为A；"
                  "A级单位不超过参评单位的20%（本批5个单位，至多1个），总分97.344分未进入名额，A→B",
        "南湖县": f"总分98.189分（不取舍），90分及以上为A级（即90分及以上），定为A；{exclude}：不得评为A，A→B",
        "北山县": "总分76.9分（不取舍），60分至80分以下为C级（即60分及以上、低于80分），定为C；"
                  "迟报、漏报质量数据且有效投诉3次以上的降一级" + FIXTURE_CITE.format(clause="第十一条") + "：降1级，C→D；"
                  "迟报、漏报质量数据且有效投诉3次以上的降一级：另通报批评；"
                  "连续两年被评为D级的约谈主要负责人" + FIXTURE_CITE.format(clause="第十四条") + "：约谈主要负责人",
        "青河县": f"总分27.7分（不取舍），60分以下为D级（即低于60分），定为D；{exclude}：不得评为A，现为D，不变；"
                  "发生重大质量安全事故的定为D级" + FIXTURE_CITE.format(clause="第十三条") + "：直接定为D；"
                  "有效投诉10次以上的约谈分管负责人" + FIXTURE_CITE.format(clause="第十五条") + "：约谈分管负责人",
    }


def test_the_fixtures_consequences_and_details(fixture_results):
    assert {u: [f.rule.consequence for f in r.consequences] for u, r in fixture_results.items()} == {
        "东城区": [], "西城区": [], "南湖县": [], "北山县": ["通报批评", "约谈主要负责人"], "青河县": ["约谈分管负责人"]}
    assert [f.detail for f in fixture_results["南湖县"].fired] == [
        "质量安全事故：计入1起（2015-07-12 较大 南湖某化工厂产品质量事故）；考核材料弄虚作假：是"]
    assert [f.detail for f in fixture_results["北山县"].fired] == [
        "迟报、漏报质量数据：是；经核实的有效投诉：4", "本年度等次为D；2014年度等次为D"]


def test_the_fixtures_item_reasons(fixture_results):
    east, west, south = fixture_results["东城区"], fixture_results["西城区"], fixture_results["南湖县"]
    digest = hashlib.sha256((FIXTURE / "samples" / "乡镇考核" / "东城区" / "results.json").read_bytes()).hexdigest()
    assert by_id(east, "二.2").reason == (f"取自考核 township-2015 的评分结果（乡镇考核/东城区/results.json，摘要 {digest[:12]}）："
                                         "3个单位平均总分90.67分；实际90.67分，属「85分及以上」档，得30分")
    assert by_id(east, "二.4").reason == ("基准95%，实际98%，基准得16分，高于基准3个百分点，每好于基准1个百分点加2分"
                                         "（不足一步的部分不计），加6分，得22分；超出本项分值20分的2分计入加分，受加分上限约束")
    # 102 × 0.7 = 71.4, of which 二.4's 2 points above its 20 (× 0.7 = 1.4) go to the bonus items: 70 to the total
    assert by_id(east, "二").reason == "下级指标得分之和；按权重70%计入总分70分"
    assert (east.regular_total, east.bonus_total) == (D("97.45"), D("2.4"))
    assert (west.regular_total, west.bonus_total) == (D("92.344"), D(5))
    assert by_id(west, "一.3").reason == "满意人数812人，参评人数1003人，满意率80.96%，满意率×本项分值50分=40.48分（保留两位小数）"
    assert by_id(west, "二.1").entry.value == D("1.05")
    assert by_id(south, "一").reason == ("下级指标得分之和72.5分；不适用的指标20分不计，按得分率折算：72.5÷80×100=90.63分"
                                        "（保留两位小数）；按权重30%计入总分27.189分")
    assert (by_id(south, "一.2").not_applicable, by_id(south, "一.2").reason) == (True, "本项不适用于本单位，不计分")


def test_kaohe_score_on_the_fixture():
    result = CliRunner().invoke(cli, ["score", str(FIXTURE), str(FIXTURE / "samples"), "--json"])
    assert result.exit_code == 0, result.output
    assert "提醒" not in result.stderr and "注意" not in result.stderr, result.stderr
    units = {u["unit"]: u for u in json.loads(result.stdout)["units"]}
    assert {u: (d["total"], d["grade"]) for u, d in units.items()} == {
        "东城区": ("99.85", "A"), "西城区": ("97.344", "B"), "南湖县": ("98.189", "B"), "北山县": ("76.9", "D"),
        "青河县": ("27.7", "D")}
    assert units["西城区"]["quota"] == {"label": "A", "text": "A级单位不超过参评单位的20%"}
    assert units["北山县"]["consequences"] == ["通报批评", "约谈主要负责人"]


def test_kaohe_score_writes_the_fixtures_sheets_with_their_consequences(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["score", str(FIXTURE), str(FIXTURE / "samples"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "后果：通报批评；约谈主要负责人" in (out / "北山县.html").read_text(encoding="utf-8")
    assert "后果：约谈分管负责人" in (out / "青河县.html").read_text(encoding="utf-8")
    assert (out / "北山县.xlsx").exists() and (out / "汇总.xlsx").exists()


# --- the unit's own result in another assessment, converted by bands -------------------------------------------

OWN_RESULT = """\
items:
  - id: 一
    title: 食品安全工作考核结果
    points: 5
    citation: {source: s, clause: 第二条, text: 食品安全工作考核A级得5分，B级得3分，C级得1分，D级不得分}
    method: levels
    from_results: {ruleset: food, take: grade}
    levels: {A: 5, B: 3, C: 1, D: 0}
  - id: 二
    title: 食品安全工作考核得分
    points: 5
    citation: {source: s, clause: 第三条, text: 食品安全工作考核得分90分以上得5分，60分以上得3分}
    method: brackets
    from_results: {ruleset: food, take: total}
    brackets: [{min: 90, points: 5}, {min: 60, points: 3}]
"""

FOOD = """\
items:
  - {id: 一, title: 食品安全, points: 100, citation: {source: s, clause: 第一条, text: 食品安全}, method: judged}
"""


def test_the_units_own_grade_and_total_in_another_assessment(tmp_path):
    food = load_ruleset(write(tmp_path / "food", ruleset_text(FOOD, ruleset_id="food")))
    scored = evaluate(food, [evidence_from_data({"unit": unit, "ruleset": "food", "values": {"一": judged(score)}},
                                                food, f"{unit}.yaml", "") for unit, score in (("甲县", 91), ("乙县", 72))])
    (tmp_path / "food.json").write_text(dumps(results_document(food, scored), compact=True), encoding="utf-8")
    city = load(tmp_path, OWN_RESULT, scale="10")
    # 91 ≥ 90: grade A (5 points), and the 90-and-above bracket (5); 72: grade C of the test bands (60–79, 1 point),
    # and the 60-and-above bracket (3)
    for unit, grade, grade_points, total, total_points in (("甲县", "A", D(5), 91, D(5)), ("乙县", "C", D(1), 72, D(3))):
        values = {"一": {"results": "food.json"}, "二": {"results": "food.json"}}
        data = {"unit": unit, "ruleset": city.id, "values": values}
        result = evaluate(city, [evidence_from_data(data, city, str(tmp_path / f"{unit}.yaml"), "", folder=tmp_path)])[0]
        assert (by_id(result, "一").score, by_id(result, "二").score) == (grade_points, total_points)
        assert f"本单位等次为{grade}；所处档次「{grade}」" in by_id(result, "一").reason
        assert f"本单位总分{total}分" in by_id(result, "二").reason
    data = {"unit": "丙县", "ruleset": city.id, "values": {"一": {"results": "food.json"}}}
    with pytest.raises(KaoheError) as missing:
        evidence_from_data(data, city, str(tmp_path / "丙县.yaml"), "", folder=tmp_path)
    assert "一「食品安全工作考核结果」的结果文件 food.json 中没有本单位（丙县）的结果" in str(missing.value)
