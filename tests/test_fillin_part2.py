"""Issue 11, part 2, in the workbooks and forms people fill: a ratio is a heading row and two whole-number rows; an
item that may not apply takes 不适用 (a dropdown option, a custom validation where the cell holds a number, the
heading row of a multi-row item, a checkbox on the web form); an item taken from another assessment's results takes
the path of its results.json; a number whose unit has a family may be typed with another unit of it ("8500万元"),
and the engine's warnings on a value (0.936 in a % item) are 提醒 lines on the unit's self-check page. Each
workbook is made by the template functions, filled with openpyxl, read back with load_evidence."""
import io
import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.engine import KaoheError, evaluate, load_evidence, load_ruleset
from kaohe.engine.entrysheet import read_party_workbook
from kaohe.engine.model import NOT_APPLICABLE
from kaohe.engine.render.entrysheet import party_items, write_party_workbook
from tests.helpers import fillin_rows, fillin_template, ruleset_text, validation_rules, write

CITE = "citation: {source: s, clause: 第二条, text: 测试条款}"
BODY = f"""\
rescale: true
items:
  - id: 一
    title: 单位填报
    points: 60
    {CITE}
    children:
      - {{id: 一.1, title: 群众满意度, points: 10, method: ratio, numerator: 满意人数, denominator: 参评人数,
          rate: 满意率}}
      - {{id: 一.2, title: 港口货物抽检合格率, points: 10, method: threshold, target: 90, unit: "%", range: [0, 100],
          may_not_apply: true}}
      - {{id: 一.3, title: 建立港口管理制度, points: 5, method: all_or_nothing, may_not_apply: true}}
      - id: 一.4
        title: 质量投入
        points: 10
        method: brackets
        unit: 亿元
        unit_required: true
        brackets: [{{min: 1, points: 10}}, {{min: 0.5, points: 6}}]
      - {{id: 一.5, title: 培训人次, points: 5, method: brackets, unit: 万人, brackets: [{{min: 1, points: 5}}]}}
      - id: 一.6
        title: 乡镇考核结果
        points: 5
        method: brackets
        from_results: {{ruleset: q, take: average}}
        brackets: [{{min: 80, points: 5}}, {{min: 60, points: 3}}]
      - id: 一.7
        title: 矿山整治
        points: 5
        method: checklist
        may_not_apply: true
        faults: {{未整治: 3, 迟报: {{per: 1, counted: 次}}}}
      - {{id: 一.8, title: 事故率, points: 5, method: brackets, unit: "‰", direction: at_most,
          brackets: [{{max: 1, points: 5}}]}}
      - {{id: 一.9, title: 港口检查, points: 5, method: add_per, per: 1, counted: 次, may_not_apply: true}}
  - id: 二
    title: 考核组评定
    points: 40
    provider: inspection
    {CITE}
    children:
      - {{id: 二.1, title: 企业满意度, points: 10, method: ratio, numerator: 满意户数, denominator: 参评户数,
          rate: 满意率, counted: 户, may_not_apply: true}}
      - {{id: 二.2, title: 港口核查, points: 10, method: judged, may_not_apply: true}}
      - {{id: 二.3, title: 开展港口专项检查, points: 10, method: all_or_nothing, may_not_apply: true}}
      - id: 二.4
        title: 核定投入
        points: 10
        method: brackets
        unit: 亿元
        unit_required: true
        brackets: [{{min: 1, points: 10}}]
"""
# results.json as kaohe score writes it for ruleset q, as far as an item taken from it reads it: 4 units scored
RESULTS = {"format": "kaohe.result/1", "ruleset": {"id": "q", "version": "1"},
           "units": [{"unit": unit, "total": total, "grade": grade, "complete": True}
                     for unit, total, grade in (("甲镇", "91.5", "A"), ("乙镇", "70", "B"), ("丙镇", "62.18", "B"),
                                                ("丁镇", "44", "C"))]}


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    return load_ruleset(write(tmp_path_factory.mktemp("part2"), ruleset_text(BODY)))


template = fillin_template
rows = fillin_rows


def validations(ws) -> dict[str, tuple]:
    """Cell → (type, formula1, error, prompt); a dropdown's formula1 is its options."""
    return {cell: (rule.type, first, rule.error, rule.prompt) for cell, (rule, first) in validation_rules(ws).items()}


def filled(ruleset, folder: Path, answers: dict[str, object], column: int = 6, formats: dict | None = None) -> Path:
    wb = template(ruleset)
    ws = wb["填报"]
    at = rows(ws)
    for key, value in answers.items():
        ws.cell(at[key], column).value = value
    for key, number_format in (formats or {}).items():
        ws.cell(at[key], column).number_format = number_format
    wb.save(folder / "甲县.xlsx")
    return folder / "甲县.xlsx"


def problems(path, ruleset) -> list[str]:
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(f"{Path(path).parent}/", "").splitlines()


# --- ratio ------------------------------------------------------------------------------------------------------


def test_a_ratio_is_a_heading_row_and_two_whole_number_rows(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    lines = [[ws.cell(row, column).value for column in (1, 2, 4, 5)] for row in range(at["一.1"], at["一.2"])]
    assert lines == [
        ["一.1", "群众满意度", "按满意率计分（满意率＝满意人数÷参评人数）：在下列两行分别填写，不小于0的整数", None],
        ["一.1｜满意人数", "　满意人数（人）", "分子：满意人数（人），不小于0的整数", "人"],
        ["一.1｜参评人数", "　参评人数（人）", "分母：参评人数（人），不小于0的整数", "人"],
    ]
    rules = validations(ws)
    heading, numerator, denominator = at["一.1"], at["一.1｜满意人数"], at["一.1｜参评人数"]
    assert rules[f"F{numerator}"][:3] == rules[f"F{denominator}"][:3] == ("whole", "0", "请填不小于0的整数")
    assert (rules[f"F{numerator}"][3], rules[f"F{denominator}"][3]) == (
        "分子：满意人数（人），不小于0的整数。填不小于0的整数。", "分母：参评人数（人），不小于0的整数。填不小于0的整数。")
    assert f"F{heading}" not in rules
    # the heading row takes 佐证材料, 自评得分 and 备注; the two rows only their counts
    assert [ws.cell(heading, c).protection.locked for c in (6, 9, 10, 11)] == [True, False, False, False]
    assert [ws.cell(numerator, c).protection.locked for c in (6, 9, 10, 11)] == [False, True, True, True]


def test_a_ratio_reads_back_as_its_two_counts_and_scores(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.1｜满意人数": 812, "一.1｜参评人数": 1003, "一.1": None})
    wb = load_workbook(path)
    wb["填报"].cell(rows(wb["填报"])["一.1"], 9).value = "测评报告.pdf"
    wb.save(path)
    evidence = load_evidence(path, ruleset)
    entry = evidence.entries["一.1"]
    at = rows(wb["填报"])
    assert (entry.value, entry.files, entry.location.cell) == ((812, 1003), ("测评报告.pdf",), f"F{at['一.1｜满意人数']}")
    result = next(r for r in evaluate(ruleset, [evidence])[0].all_items() if r.item.id == "一.1")
    assert (result.score, result.reason) == (Decimal("8.10"), "满意人数812人，参评人数1003人，满意率80.96%，"
                                                             "满意率×本项分值10分=8.1分（保留两位小数）")


def test_a_ratio_with_both_rows_blank_is_missing(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {})
    assert load_evidence(path, ruleset).entries["一.1"].value is None


def test_a_ratio_with_one_row_blank_is_refused_at_the_blank_cell(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.1｜满意人数": 812})
    blank = rows(load_workbook(path)["填报"])["一.1｜参评人数"]
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{blank}: 一.1「群众满意度」填了满意人数，没有填参评人数（指标 一.1「群众满意度」）",
        "  提示：请填参评人数（不小于0的整数，单位：人）；本项两行都留空视为未填报",
    ]


def test_ratio_counts_are_checked_at_the_cell_to_correct(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.1｜满意人数": 81.5, "一.1｜参评人数": 100})
    at = rows(load_workbook(path)["填报"])
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{at['一.1｜满意人数']}: 一.1「群众满意度」的满意人数应填不小于0的整数，实际为数字 81.5"
        "（指标 一.1「群众满意度」）",
        "  提示：请填满意人数（不小于0的整数，单位：人）",
    ]
    path = filled(ruleset, tmp_path, {"一.1｜满意人数": 0, "一.1｜参评人数": 0})
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{at['一.1｜参评人数']}: 一.1「群众满意度」的参评人数为0，无法计算满意率"
        "（指标 一.1「群众满意度」 › 填报值）",
        "  提示：此格应填：分母：参评人数（人），不小于0的整数"]
    path = filled(ruleset, tmp_path, {"一.1｜满意人数": 120, "一.1｜参评人数": 100})
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{at['一.1｜满意人数']}: 一.1「群众满意度」的满意人数（120）多于参评人数（100）"
        "（指标 一.1「群众满意度」 › 填报值）",
        "  提示：此格应填：分子：满意人数（人），不小于0的整数"]


# --- not applicable ---------------------------------------------------------------------------------------------


def test_an_item_that_may_not_apply_lets_the_clerk_choose_or_type_it(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    asks = {key: ws.cell(at[key], 4).value for key in ("一.2", "一.3", "一.7", "一.9")}
    assert asks == {
        "一.2": "数值（0–100）；不适用的填“不适用”",
        "一.3": "是否做到（是/否）；不适用的选“不适用”",
        "一.7": "在下列扣分情形逐项填写：有此情形填“是”，没有填“否”；按次计分的填次数，没有填0；本项不适用的，"
                "在本行填报值栏选“不适用”，下列各行留空",
        "一.9": "个数（次），不小于0的整数；不适用的填“不适用”",
    }
    rules = validations(ws)
    rate, count = at["一.2"], at["一.9"]
    # Excel's decimal and whole-number validations refuse any text: a formula lets 不适用 through, numbers in range
    assert rules[f"F{rate}"] == (
        "custom", f'OR(F{rate}="不适用",AND(ISNUMBER(F{rate}),F{rate}>=0,F{rate}<=100))',
        "请填 0 到 100 之间的数；本项不适用于本单位的，填“不适用”", "本项不适用于本单位的，填“不适用”（不计分，按得分率折算）。")
    assert rules[f"F{count}"][:2] == (
        "custom", f'OR(F{count}="不适用",AND(ISNUMBER(F{count}),F{count}>=0,F{count}=INT(F{count})))')
    assert rules[f"F{at['一.3']}"][:2] == ("list", ("是", "否", "不适用"))
    assert rules[f"F{at['一.7']}"][:2] == ("list", ("不适用",))  # a multi-row item: in its heading row
    assert ws.cell(at["一.7"], 6).protection.locked is False
    assert rules[f"F{at['一.7｜迟报']}"][:2] == ("whole", "0")  # the rows below are as they were


def test_not_applicable_reads_back_and_is_neither_scored_nor_missing(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.2": "不适用", "一.3": "不适用", "一.7": "不适用", "一.9": "不适用"})
    evidence = load_evidence(path, ruleset)
    at = rows(load_workbook(path)["填报"])
    assert {key: (evidence.entries[key].value, evidence.entries[key].location.cell)
            for key in ("一.2", "一.3", "一.7", "一.9")} == {
        key: (NOT_APPLICABLE, f"F{at[key]}") for key in ("一.2", "一.3", "一.7", "一.9")}
    result = evaluate(ruleset, [evidence])[0]
    assert {r.item.id: (r.score, r.reason, r.not_applicable) for r in result.all_items()
            if r.item.id in ("一.2", "一.7")} == {
        "一.2": (None, "本项不适用于本单位，不计分", True), "一.7": (None, "本项不适用于本单位，不计分", True)}
    assert not {"一.2", "一.3", "一.7", "一.9"} & set(result.unscored)


def test_not_applicable_beside_answers_below_is_refused_at_the_heading(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.7": "不适用", "一.7｜迟报": 2})
    at = rows(load_workbook(path)["填报"])
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{at['一.7']}: 本行选了“不适用”，下列各行（F{at['一.7｜迟报']}）却填了答案（指标 一.7「矿山整治」）",
        "  提示：本项不适用的，请清空下列各行；适用的，请删除本行的“不适用”",
    ]


# --- a value from another assessment's results -------------------------------------------------------------------


def test_an_item_from_results_takes_the_path_as_text(ruleset):
    ws = template(ruleset)["填报"]
    row = rows(ws)["一.6"]
    assert ws.cell(row, 4).value == ("填写下级考核结果文件 results.json 的路径（相对于本表所在的文件夹，如 下级考核/results.json），"
                                     "取考核 q 的平均总分")
    kind, first, _, prompt = validations(ws)[f"F{row}"]
    assert (kind, first) == (None, None) and prompt.startswith("填写 kaohe score 为考核 q 输出的 results.json 的路径")
    assert (ws.cell(row, 6).protection.locked, ws.cell(row, 6).number_format) == (False, "@")


def test_the_results_path_reads_back_and_the_value_is_taken_from_the_file(ruleset, tmp_path):
    (tmp_path / "乡镇考核").mkdir()
    (tmp_path / "乡镇考核" / "results.json").write_text(json.dumps(RESULTS, ensure_ascii=False), encoding="utf-8")
    path = filled(ruleset, tmp_path, {"一.6": "乡镇考核/results.json"})
    evidence = load_evidence(path, ruleset)
    entry = evidence.entries["一.6"]
    assert (entry.value, entry.location.cell) == (Decimal("66.92"), f"F{rows(load_workbook(path)['填报'])['一.6']}")
    assert entry.derived.startswith("取自考核 q 的评分结果（乡镇考核/results.json，摘要 ")
    assert entry.derived.endswith("）：4个单位平均总分66.92分")
    result = next(r for r in evaluate(ruleset, [evidence])[0].all_items() if r.item.id == "一.6")
    assert (result.score, result.reason.split("；")[1]) == (Decimal(3), "实际66.92，属「60及以上不足80」档，得3分")


def test_a_missing_results_file_is_refused_at_its_cell(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.6": "乡镇考核/results.json"})
    row = rows(load_workbook(path)["填报"])["一.6"]
    assert problems(path, ruleset)[0] == (f"甲县.xlsx › 填报 › F{row}: 一.6「乡镇考核结果」的结果文件 乡镇考核/results.json："
                                          "文件不存在（指标 一.6「乡镇考核结果」 › 填报值）")


# --- units of measure -------------------------------------------------------------------------------------------


def test_a_number_with_a_unit_family_may_be_typed_with_another_unit(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    required, relaxed, rate = at["一.4"], at["一.5"], at["一.8"]
    assert [ws.cell(row, 4).value for row in (required, relaxed, rate)] == [
        "数值（不限–不限），须写明单位（元/千元/万元/亿元），如 8500万元",
        "数值（不限–不限）；可带单位，如 3500人，按万人换算",
        "数值（不限–不限）；可带单位，如 0.5%，按‰换算",
    ]
    rules = validations(ws)
    assert rules[f"F{required}"] == ("custom", f"ISTEXT(F{required})", "本项须写明单位，如 8500万元（可用单位：元、千元、万元、亿元）",
                                     "本项须写明单位，如 8500万元，按亿元换算；可用单位：元、千元、万元、亿元。只填数字会被退回。")
    assert rules[f"F{relaxed}"] == ("custom", f"OR(ISTEXT(F{relaxed}),ISNUMBER(F{relaxed}))",
                                    "请填数字（按万人计），或带单位的数，如 3500人",
                                    "只填数字即按万人计；也可带单位，如 3500人，按万人换算（可用单位：人、万人）。")
    unit_cell = ws.parent["填报"].data_validations.dataValidation[0]  # the unit cell: a prompt of its own
    assert (str(unit_cell.sqref), unit_cell.promptTitle) == ("B2", "被考核单位")
    prompt_titles = {str(rule.sqref): rule.promptTitle for rule in ws.data_validations.dataValidation}
    assert (prompt_titles[f"F{required}"], prompt_titles[f"F{relaxed}"]) == ("计量单位：亿元", "计量单位：万人")


def test_a_value_with_a_unit_is_converted_and_a_bare_number_refused_where_the_unit_is_required(ruleset, tmp_path):
    path = filled(ruleset, tmp_path, {"一.4": "8500万元", "一.5": "3500人", "一.8": 0.005},
                  formats={"一.8": "0.0%"})  # 0.5% typed into a ‰ item: Excel keeps 0.005, shown as 0.5%
    entries = load_evidence(path, ruleset).entries
    assert (entries["一.4"].value, entries["一.5"].value, entries["一.8"].value) == \
        (Decimal("0.85"), Decimal("0.35"), Decimal("5"))
    path = filled(ruleset, tmp_path, {"一.4": 0.85, "一.5": "3500吨"})
    at = rows(load_workbook(path)["填报"])
    assert problems(path, ruleset) == [
        f"甲县.xlsx › 填报 › F{at['一.4']}: 一.4「质量投入」的填报值 0.85 没有写明单位：本项按亿元计，可写元、千元、万元、亿元"
        "（指标 一.4「质量投入」 › 填报值）",
        "  提示：例如写成 “0.85亿元”，kaohe 会换算成亿元",
        f"甲县.xlsx › 填报 › F{at['一.5']}: 一.5「培训人次」的填报值写的单位「吨」与本项的单位「万人」不同，无法换算"
        "（指标 一.5「培训人次」 › 填报值）",
        "  提示：可写人、万人",
    ]


def test_a_percent_item_keeps_excels_own_number_check(ruleset, tmp_path):
    ws = template(ruleset)["填报"]
    rules = validations(ws)
    # 一.2 is in %: a typed 93.5% is a number to Excel; only 不适用 is let through besides numbers in range
    assert "ISTEXT" not in rules[f"F{rows(ws)['一.2']}"][1]
    path = filled(ruleset, tmp_path, {"一.2": 0.936})
    evidence = load_evidence(path, ruleset)
    assert [(w.location.cell, w.message, w.severity) for w in evidence.warnings] == [
        (f"F{rows(ws)['一.2']}", "一.2「港口货物抽检合格率」：填报值 0.936% 可能是小数形式的比率：若指 93.6%，应填 93.6",
         "warning")]
    path = filled(ruleset, tmp_path, {"一.2": 0.936}, formats={"一.2": "0.0%"})
    assert load_evidence(path, ruleset).entries["一.2"].value == Decimal("93.6")


def test_the_instructions_explain_not_applicable_ratio_results_and_units(ruleset):
    ws = template(ruleset)["说明"]
    lines = [ws.cell(row, 1).value for row in range(1, ws.max_row + 1)]
    assert lines[3] == ("2. “填报值”按“填报内容”一栏的要求填写：是/否和档次从下拉列表选择；数值填数字（计量单位可以换算的项目"
                        "也可带单位，见下文），计量单位见“计量单位”栏（比率填 93.5 表示 93.5%）。")
    assert [line.split("。")[0] for line in lines[8:13]] == [
        "7. 扣分清单（或加分清单）项目在标题行下逐条填写：有此情形选“是”，没有选“否”；按次计分的填次数，没有填 0",
        "8. 填报内容栏提到“不适用”的项目，本单位没有这项工作（如没有港口、矿山）或未选择这项任务的，"
        "在填报值栏选或填“不适用”；分几行填写的项目，在标题行选“不适用”，下列各行留空",
        "9. 按比率计分的项目（如满意率）在标题行下的两行分别填写分子和分母（如满意人数、参评人数），都是不小于0的整数，"
        "分子不能多于分母；两行都留空视为未填报，只填一行的会被退回",
        "10. 取自下级考核结果的项目（填报内容栏写着“填写下级考核结果文件 results.json 的路径”），在填报值栏填写 kaohe score "
        "输出的下级考核结果文件 results.json 的路径，相对于本填报表所在的文件夹（如 乡镇考核/results.json，不能含“..”）；"
        "该文件须是同一细则下全部单位评分完整的结果，报送时连同本表一起提交",
        "11. 计量单位为亿元、万人、‰的项目，填报值可以只填数字（按“计量单位”栏的单位计），也可以带上同类单位，"
        "评分时自动换算：如在以亿元计的项目填“8500万元”",
    ]
    assert "一.4 须写明单位，只填数字会被退回" in lines[12]
    assert lines[13].startswith("12. 填好后用 kaohe check 自查")


# --- party workbooks --------------------------------------------------------------------------------------------


def party_workbook(ruleset, answers: dict[tuple[str, str], object], path: Path, column: int = 8) -> Path:
    wb = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县", "乙县"])))
    ws = wb["录入"]
    for row in range(9, ws.max_row + 1):
        key = (ws.cell(row, 2).value, ws.cell(row, 3).value)
        if key in answers:
            ws.cell(row, column).value = answers[key]
    wb.save(path)
    return path


def test_the_party_workbook_asks_a_ratio_row_by_row_and_takes_not_applicable(ruleset):
    ws = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县"])))["录入"]
    assert [[ws.cell(row, column).value for column in (1, 3, 4, 7)] for row in range(9, ws.max_row + 1)] == [
        [1, "二.1", "企业满意度", "按满意率计分（满意率＝满意户数÷参评户数）：在下列两行分别填写，不小于0的整数；本项不适用的，"
                                "在本行填报值栏选“不适用”，下列各行留空"],
        [None, "二.1｜满意户数", "　满意户数（户）", "分子：满意户数（户），不小于0的整数"],
        [None, "二.1｜参评户数", "　参评户数（户）", "分母：参评户数（户），不小于0的整数"],
        [2, "二.2", "港口核查", "核查评分（0–10分），理由写在评分理由栏；不适用的填“不适用”"],
        [3, "二.3", "开展港口专项检查", "是否做到（是/否）；不适用的选“不适用”"],
        [4, "二.4", "核定投入", "数值（不限–不限），须写明单位（元/千元/万元/亿元），如 8500万元，单位：亿元"],
    ]
    rules = validations(ws)
    assert rules["H9"][:2] == ("list", ("不适用",)) and rules["H10"][:2] == rules["H11"][:2] == ("whole", "0")
    assert rules["H12"][:2] == ("custom", 'OR(H12="不适用",AND(ISNUMBER(H12),H12>=0,H12<=10))')
    assert rules["H13"][:2] == ("list", ("是", "否", "不适用")) and rules["H14"][:2] == ("custom", "ISTEXT(H14)")
    assert "按比率计分的项目在其下两行分别填分子和分母（不小于0的整数）；本项不适用于该单位的，选或填“不适用”" in ws["A7"].value


def test_the_party_workbook_reads_ratio_not_applicable_and_units_back(ruleset, tmp_path):
    path = party_workbook(ruleset, {("甲县", "二.1｜满意户数"): 45, ("甲县", "二.1｜参评户数"): 50,
                                    ("甲县", "二.2"): "不适用", ("甲县", "二.3"): "不适用", ("甲县", "二.4"): "8500万元",
                                    ("乙县", "二.1"): "不适用"}, tmp_path / "评定表.xlsx")
    wb = load_workbook(path)
    wb["录入"]["I12"] = "该县没有港口"  # 评分理由 of a judged item that does not apply: kept as its note
    wb.save(path)
    sheet = read_party_workbook(path, ruleset)
    assert [(e.unit, e.item_id, e.data, e.location.cell) for e in sheet.entries] == [
        ("甲县", "二.1", {"value": {"满意户数": Decimal(45), "参评户数": Decimal(50)}}, "H10"),
        ("甲县", "二.2", {"value": "不适用", "note": "该县没有港口"}, "H12"),
        ("甲县", "二.3", {"value": "不适用"}, "H13"),
        ("甲县", "二.4", {"value": "0.85亿元"}, "H14"),  # with its unit: read again, a bare 0.85 would be refused
        ("乙县", "二.1", {"value": "不适用"}, "H15"),
    ]


def test_a_ratio_half_filled_in_the_party_workbook_names_unit_item_and_cell(ruleset, tmp_path):
    path = party_workbook(ruleset, {("乙县", "二.1｜参评户数"): 50, ("甲县", "二.1"): "不适用",
                                    ("甲县", "二.1｜满意户数"): 3}, tmp_path / "评定表.xlsx")
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(path, ruleset)
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines() == [
        "评定表.xlsx › 录入 › H9: 本行选了“不适用”，下列各行（H10）却填了答案（甲县 › 二.1 企业满意度）",
        "  提示：本项不适用的，请清空下列各行；适用的，请删除本行的“不适用”",
        "评定表.xlsx › 录入 › H16: 二.1「企业满意度」填了参评户数，没有填满意户数（乙县 › 二.1 企业满意度）",
        "  提示：请填满意户数（不小于0的整数，单位：户）；本项两行都留空视为未填报",
    ]


def test_no_party_fills_an_item_taken_from_results(tmp_path):
    body = BODY.replace("        from_results: {ruleset: q, take: average}",
                        "        provider: inspection\n        from_results: {ruleset: q, take: average}")
    with pytest.raises(KaoheError) as refused:  # the unit names its results file: no party can give such a value
        load_ruleset(write(tmp_path, ruleset_text(body)))
    assert "指标 一.6「乡镇考核结果」取自考核 q 的评分结果，由单位在材料中写明结果文件，不能由考核组评定" in str(refused.value)
    ruleset = load_ruleset(write(tmp_path, ruleset_text(BODY)))
    assert [item.id for item in party_items(ruleset, "inspection", "第一组")] == ["二.1", "二.2", "二.3", "二.4"]
    wb = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县"])))
    ws = wb["录入"]
    ws["C12"], ws["H12"] = "一.6", "乡镇考核/results.json"  # a row edited to name it
    wb.save(tmp_path / "评定表.xlsx")
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(tmp_path / "评定表.xlsx", ruleset)
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines()[:2] == [
        "评定表.xlsx › 录入 › C12: 指标 一.6「乡镇考核结果」取自考核 q 的评分结果文件（results.json），由单位在填报表中写明路径，"
        "不在评定表中填报",
        "  提示：本表只能填考核组“第一组”评定的指标：二.1、二.2、二.3、二.4",
    ]


# --- the inspection group's web form and the unit's self-check page ----------------------------------------------

WEB_CODE, WEB_GROUP, WEB_INSPECTOR, WEB_CLERK = "p2", "第一组", "第一组组长", "甲县填报员"
WEB_PAGE = "/group/units/甲县/"


@pytest.fixture
def web_round(ruleset, tmp_path):
    """A round of this ruleset in a fresh SQLite database, 甲县 and 乙县 with 第一组; its leader and 甲县's clerk."""
    from django.test import override_settings

    from tests.round_helpers import close_connections, open_db
    from tests.web_helpers import FUTURE, PASSWORD, django_test_environment
    close_connections()
    open_db(str(tmp_path / "r.sqlite3"), creating=True)
    django_test_environment()
    from kaohe.round import actions
    from kaohe.web.accounts import NewUser, create_user
    actions.new_round(Path(ruleset.file), WEB_CODE, "", "考核办", FUTURE, groups={"甲县": WEB_GROUP, "乙县": WEB_GROUP})
    create_user(NewUser(WEB_INSPECTOR, "inspection", WEB_CODE, group=WEB_GROUP), PASSWORD)
    create_user(NewUser(WEB_CLERK, "unit", WEB_CODE, unit="甲县"), PASSWORD)
    with override_settings(PRIVATE_DIR=tmp_path / "private"):
        yield tmp_path
    close_connections()


class _Form(HTMLParser):
    """What a browser sends: inputs (a checkbox only when checked), textareas, the selected option of each select."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.textarea = self.select = None
        self.option = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "checkbox"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "on")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
            self.fields[self.select] = ""
        elif tag == "option" and "selected" in attrs:
            self.option = True
            if "value" in attrs:
                self.fields[self.select], self.option = attrs["value"], False

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data
        elif self.option:
            self.fields[self.select], self.option = data, False


def form(browser, route: str = WEB_PAGE) -> dict[str, str]:
    from tests.web_helpers import page
    parser = _Form()
    parser.feed(page(browser.get(route)))
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def web_entries() -> list[tuple]:
    from kaohe.round import jsondata
    from kaohe.round.models import Entry
    return [(e.unit, e.item_id, jsondata.load(e.data)) for e in Entry.objects.order_by("id")]


def test_the_group_form_has_two_counts_for_a_ratio_and_not_applicable_for_each_kind(web_round):
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    text = page(browser.get(WEB_PAGE))
    assert ('<label class="part">满意户数 <input type="number" name="value-0-0" value="" min="0" step="1" '
            'inputmode="numeric" aria-label="甲县 二.1 满意户数"> 户</label>') in text
    assert "满意户数、参评户数：不小于0的整数（户）；不适用的勾选“不适用”" in text
    for index in (0, 1):  # the ratio and the judged score: a checkbox
        assert f'<input type="checkbox" name="na-{index}" value="1"> 不适用</label>' in text
    assert 'name="na-2"' not in text and "<option>不适用</option>" in text  # the yes/no: an option of its dropdown
    assert '<input type="text" name="value-3" value="" inputmode="decimal" aria-label="甲县 二.4"> 亿元' in text
    assert form(browser) == {"seen-0": "", "value-0-0": "", "value-0-1": "", "note-0": "",
                             "seen-1": "", "value-1": "", "reason-1": "",
                             "seen-2": "", "value-2": "", "note-2": "", "seen-3": "", "value-3": "", "note-3": ""}


def test_values_entered_on_the_form_are_recorded_as_the_engine_reads_them(web_round):
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    data = form(browser) | {"value-0-0": "45", "value-0-1": "50", "na-1": "1", "reason-1": "该县没有港口",
                            "value-2": "不适用", "value-3": "8500万元"}
    assert browser.post(WEB_PAGE, data).status_code == 302
    assert web_entries() == [
        ("甲县", "二.1", {"value": {"满意户数": Decimal(45), "参评户数": Decimal(50)}}),
        ("甲县", "二.2", {"value": "不适用", "note": "该县没有港口"}),
        ("甲县", "二.3", {"value": "不适用"}),
        ("甲县", "二.4", {"value": "0.85亿元"}),
    ]
    text = page(browser.get(WEB_PAGE))
    assert "<strong>满意户数45户，参评户数50户（满意率90%）</strong>" in text
    assert "<strong>不适用</strong>" in text and "<strong>0.85亿元</strong>" in text
    assert '<input type="checkbox" name="na-1" value="1" checked> 不适用</label>' in text
    again = form(browser)
    assert (again["value-0-0"], again["value-0-1"], again["na-1"], again["value-2"], again["value-3"]) == \
        ("45", "50", "1", "不适用", "0.85亿元")
    assert browser.post(WEB_PAGE, again).status_code == 302 and len(web_entries()) == 4  # nothing changed


@pytest.mark.parametrize("answers, message", [
    ({"value-0-0": "45"}, "甲县 二.1 企业满意度：填了满意户数，没有填参评户数"),
    ({"value-0-0": "45.5", "value-0-1": "50"}, "甲县 二.1 企业满意度：满意户数应为不小于0的整数，实际填了“45.5”"),
    ({"value-0-0": "60", "value-0-1": "50"}, "甲县 二.1 企业满意度：满意户数（60）多于参评户数（50）"),
    ({"value-0-0": "0", "value-0-1": "0"}, "甲县 二.1 企业满意度：参评户数为0，无法计算满意率"),
    ({"na-0": "1", "value-0-0": "45"}, "甲县 二.1 企业满意度：勾选了“不适用”，又填了填报值"),
    ({"na-1": "1", "value-1": "8", "reason-1": "理由"}, "甲县 二.2 港口核查：勾选了“不适用”，又填了得分"),
    ({"value-3": "0.85"}, "甲县 二.4 核定投入：填报值 0.85 没有写明单位：本项按亿元计，可写元、千元、万元、亿元，如 8500万元"),
    ({"value-3": "8500万人"}, "甲县 二.4 核定投入：填报值写的单位「万人」与本项的单位「亿元」不同，无法换算"),
])
def test_a_wrong_value_on_the_form_is_refused(web_round, answers, message):
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    response = browser.post(WEB_PAGE, form(browser) | answers)
    assert response.status_code == 400 and message in page(response)
    assert web_entries() == []


def test_the_self_check_page_shows_the_engines_warnings_as_reminders(web_round, ruleset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web_helpers import client, page
    path = filled(ruleset, web_round, {"一.2": 0.936, "一.4": "8500万元"})
    row = rows(load_workbook(path)["填报"])["一.2"]
    response = client(WEB_CLERK).post("/unit/check/", {"file": SimpleUploadedFile("甲县.xlsx", path.read_bytes())})
    text = page(response)
    assert response.status_code == 200 and "材料中的错误" not in text
    assert ("<h2>提醒（1处，请核对；确认无误可以报送）</h2>" in text and f"<td>填报 › F{row}</td>"
            "<td>一.2 港口货物抽检合格率</td><td>提醒：一.2「港口货物抽检合格率」：填报值 0.936% 可能是小数形式的比率："
            "若指 93.6%，应填 93.6<br><span class=\"hint\">请核对后再报送；确认无误可不理会</span></td>") in text


def test_an_uploaded_workbook_naming_a_results_file_is_a_problem_not_a_crash(web_round, ruleset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web_helpers import client, page
    path = filled(ruleset, web_round, {"一.6": "乡镇考核/results.json"})
    response = client(WEB_CLERK).post("/unit/check/", {"file": SimpleUploadedFile("甲县.xlsx", path.read_bytes())})
    text = page(response)
    assert response.status_code == 200 and "材料中的错误（1处）" in text
    # an upload has no folder beside it: the server never reads a file a workbook names
    assert ("一.6「乡镇考核结果」取自考核 q 的评分结果文件，只能在材料文件旁按路径读取（kaohe score、kaohe check）；"
            "网页报送和考核轮次中不读取文件") in text
    assert str(web_round) not in text  # the private folder never reaches the page


def test_a_recorded_value_is_corrected_to_not_applicable_only_with_a_reason(web_round):
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    assert browser.post(WEB_PAGE, form(browser) | {"value-1": "8", "reason-1": "检查记录齐全",
                                                   "value-2": "是"}).status_code == 302
    data = form(browser) | {"value-1": "", "na-1": "1", "value-2": "不适用"}
    response = browser.post(WEB_PAGE, data)
    assert response.status_code == 400
    assert "甲县 二.2 港口核查：更正已记录的得分（8分）须在评分理由中写明更正的理由" in page(response)
    assert "甲县 二.3 开展港口专项检查：已记录 是，更正须写明更正理由" in page(response)
    data |= {"reason-1": "核实该县没有港口", "correction-2": "该县没有港口"}
    assert browser.post(WEB_PAGE, data).status_code == 302
    assert web_entries()[2:] == [("甲县", "二.2", {"value": "不适用", "note": "核实该县没有港口"}),
                                 ("甲县", "二.3", {"value": "不适用", "note": "更正理由：该县没有港口"})]


def test_the_group_uploads_its_filled_workbook_and_the_values_are_recorded(web_round, ruleset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web_helpers import client
    browser = client(WEB_INSPECTOR)
    path = party_workbook(ruleset, {("甲县", "二.1｜满意户数"): 45, ("甲县", "二.1｜参评户数"): 50,
                                    ("甲县", "二.3"): "不适用", ("乙县", "二.4"): "8500万元"}, web_round / "评定表.xlsx")
    response = browser.post("/group/upload/", {"file": SimpleUploadedFile("评定表.xlsx", path.read_bytes())})
    assert response.status_code == 302
    assert web_entries() == [("甲县", "二.1", {"value": {"满意户数": Decimal(45), "参评户数": Decimal(50)}}),
                             ("甲县", "二.3", {"value": "不适用"}),
                             ("乙县", "二.4", {"value": "0.85亿元"})]
