"""Issue 12, items 3 and 4 (evidence side): every message about a unit's evidence names the item by its id and title
(never by an internal path such as values › 一.2 › value), every workbook message carries 文件 › 表 › 单元格 and says
what to type there, and a ruleset mismatch (another ruleset's evidence, a unit not on the roster) is told as that one
problem, not as the cascade of items that do not exist. Real files throughout: sample YAML, workbooks made by
`kaohe template`."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, load_evidence, load_ruleset
from kaohe.engine.entrysheet import read_party_workbook

ROOTS = Path(__file__).parent.parent / "rulesets"
WENZHOU_DIR = ROOTS / "wenzhou-2014"
WENZHOU = load_ruleset(WENZHOU_DIR)
SAMPLE = (WENZHOU_DIR / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
REMAKE = "  提示：请用细则 hubei-2014 评分；若应按细则 wenzhou-2014 考核，请用 kaohe template 按本细则重新生成填报表，重新填报"


def invoke(*args) -> "CliRunner":
    return CliRunner().invoke(cli, [str(a) for a in args])


def problems(path: Path, ruleset=WENZHOU) -> list[str]:
    """The lines of kaohe's error for the evidence at `path`, with its folder left out."""
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(f"{path.parent}/", "").splitlines()


def evidence_yaml(folder: Path, old: str, new: str, name: str = "鹿城区.yaml") -> Path:
    assert old in SAMPLE, old
    path = folder / name
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def template(folder: Path, *options: str, name: str) -> Path:
    """A workbook made by `kaohe template` as a user makes it."""
    path = folder / name
    result = invoke("template", *options, "-o", path, "-q")
    assert result.exit_code == 0, result.output
    return path


def row_of(ws, key: str, column: int = 1, first: int = 6) -> int:
    return next(r[0].row for r in ws.iter_rows(min_row=first) if r[column - 1].value == key)


def fill(path: Path, sheet: str, cells: dict) -> Path:
    wb = load_workbook(path)
    for cell, value in cells.items():
        wb[sheet][cell] = value
    wb.save(path)
    return path


# --- A. YAML evidence: the item by id and title, the fact by its title and the event by its number -------------


def test_a_value_error_names_the_item_by_id_and_title(tmp_path):
    path = evidence_yaml(tmp_path, "  一.1:\n    value: 93.6", "  一.1:\n    value: 九十三")
    line = line_of(path, "value: 九十三")
    assert problems(path) == [
        f'鹿城区.yaml:{line}:12: 填报值应为数字（单位：%），实际为文字 "九十三"（指标 一.1「制造业产品质量合格率」 › 填报值）']


def test_a_judged_value_without_its_reason_names_the_item_and_says_what_to_write(tmp_path):
    path = evidence_yaml(tmp_path, "reason: 核查宣传活动记录和公益广告投放台账", 'reason: ""')
    line = line_of(path, 'reason: ""')
    assert problems(path) == [
        f"鹿城区.yaml:{line}:33: 核查评分必须写明理由（指标 二.14「质量宣传氛围」 › 理由）",
        "  提示：请在 reason 中写明评分理由"]


def test_an_event_date_error_names_the_fact_and_the_event(tmp_path):
    path = evidence_yaml(tmp_path, "incidents: []", "incidents:\n    - {kind: 一般, date: '2014年2月30日', title: 某厂事件}")
    line = line_of(path, "某厂事件")
    assert problems(path) == [
        f"鹿城区.yaml:{line}:24: 日期“2014年2月30日”不存在（2014 年 2 月没有 30 日）（事实「质量安全事件」第1起 › 日期）",
        "  提示：日期写作 2014-07-29、2014年7月29日 或 2014.7.29（年份在前）"]


def test_a_target_error_names_the_item(tmp_path):
    path = evidence_yaml(tmp_path, "  二.2: 10", "  二.2: 十")
    line = line_of(path, "二.2: 十")
    assert problems(path) == [
        f'鹿城区.yaml:{line}:8: 备案目标应为数字（单位：家），实际为文字 "十"'
        "（指标 二.2「淘汰落后产能和改造高能耗重污染企业」 › 备案目标）"]


def test_an_adjustment_and_a_history_error_name_what_they_are_about(tmp_path):
    path = evidence_yaml(tmp_path, "values:\n",
                         "history: {2013: E}\nadjustments:\n  一.3: {score: 9, reason: ''}\nvalues:\n")
    history, adjustment = line_of(path, "history:"), line_of(path, "一.3: {score: 9")
    assert problems(path) == [
        f'鹿城区.yaml:{history}:17: 2013年的等次应为 A、B、C、D 之一，实际为文字 "E"（历年等次 › 2013年）',
        f"鹿城区.yaml:{adjustment}:16: 调整后的得分 9 超出 一.3「规模以上企业主导产品采标率」的分值范围 0–4"
        "（指标 一.3「规模以上企业主导产品采标率」 › 得分调整 › 调整后得分）",
        f"鹿城区.yaml:{adjustment}:27: 调整 一.3「规模以上企业主导产品采标率」的得分必须写明理由"
        "（指标 一.3「规模以上企业主导产品采标率」 › 得分调整 › 理由）",
        "  提示：请在 reason 中写明调整理由"]


# --- B. workbooks: 文件 › 表 › 单元格, and what to type there --------------------------------------------------


@pytest.fixture()
def unit_judged(tmp_path):
    """wenzhou-2014 with 二.7 (judged) scored by the unit itself: its fill-in row takes the score, the reason in 备注."""
    (tmp_path / "unit-judged").mkdir()
    (tmp_path / "unit-judged" / "ruleset.yaml").write_text(
        f"extends: {WENZHOU_DIR}\nitem_changes:\n  override:\n    二.7: {{provider: unit}}\n", encoding="utf-8")
    return tmp_path / "unit-judged"


def test_a_judged_row_with_an_empty_note_points_at_the_note_cell(tmp_path, unit_judged):
    path = template(tmp_path, str(unit_judged), "--unit", "洞头县", name="洞头县.xlsx")
    row = row_of(load_workbook(path)["填报"], "二.7")
    fill(path, "填报", {f"F{row}": 3.5})  # a score, and 备注 (K) left empty
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, load_ruleset(unit_judged))
    [problem] = caught.value.problems
    assert (problem.location.file, problem.location.sheet, problem.location.cell) == (str(path), "填报", f"K{row}")
    assert str(problem).replace(f"{tmp_path}/", "").splitlines() == [
        f"洞头县.xlsx › 填报 › K{row}: 核查评分必须写明理由（指标 二.7「工程质量安全隐患排查和专项整治」 › 理由）",
        "  提示：请在该单元格写明评分理由"]


def test_a_judged_row_with_an_empty_reason_in_an_inspection_groups_workbook(tmp_path):
    path = template(tmp_path, str(WENZHOU_DIR), "--inspection", "第一组", "--unit", "鹿城区", name="第一组.xlsx")
    ws = load_workbook(path)["录入"]
    row = row_of(ws, "二.14", column=3, first=9)
    fill(path, "录入", {f"H{row}": 3.5})  # 得分 given, 评分理由 (I) left empty
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(path, WENZHOU)
    [problem] = caught.value.problems
    assert (problem.location.file, problem.location.sheet, problem.location.cell) == (str(path), "录入", f"I{row}")
    assert str(problem).replace(f"{tmp_path}/", "").splitlines() == [
        f"第一组.xlsx › 录入 › I{row}: 核查评分必须写明理由（鹿城区 › 二.14 质量宣传氛围）",
        "  提示：请在该单元格写明评分理由"]


def test_a_value_cell_of_the_wrong_type_says_what_the_cell_takes(tmp_path):
    path = template(tmp_path, str(WENZHOU_DIR), "--unit", "鹿城区", name="鹿城区.xlsx")
    ws = load_workbook(path)["填报"]
    rate, count, yes_no = row_of(ws, "一.1"), row_of(ws, "二.9"), row_of(ws, "二.12")
    fill(path, "填报", {f"F{rate}": "九十三", f"F{count}": "三次", f"F{yes_no}": "也许"})
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, WENZHOU)
    assert [(p.location.sheet, p.location.cell) for p in caught.value.problems] == [
        ("填报", f"F{rate}"), ("填报", f"F{count}"), ("填报", f"F{yes_no}")]
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines() == [
        f'鹿城区.xlsx › 填报 › F{rate}: 填报值应为数字（单位：%），实际为文字 "九十三"（指标 一.1「制造业产品质量合格率」 › 填报值）',
        "  提示：此格应填：数值（0–100）",
        f'鹿城区.xlsx › 填报 › F{count}: 应填不小于0的整数（个数、次数），实际为文字 "三次"（指标 二.9「产品质量惠民活动」 › 填报值）',
        "  提示：此格应填：个数（项），不小于0的整数",
        f'鹿城区.xlsx › 填报 › F{yes_no}: 应填 是/否，实际为文字 "也许"'
        "（指标 二.12「本级政府质量工作考核」 › 填报值）",
        "  提示：此格应填：是否做到（是/否）"]


def test_an_event_row_without_its_kind_is_refused_at_the_kind_cell(tmp_path):
    path = template(tmp_path, str(WENZHOU_DIR), "--unit", "鹿城区", name="鹿城区.xlsx")
    fact = row_of(load_workbook(path)["填报"], "事实：incidents")
    fill(path, "填报", {f"F{fact}": "有"})
    fill(path, "事件", {"A2": "质量安全事件", "C2": "2014-05-01", "D2": "某厂事件"})
    assert problems(path) == ["鹿城区.xlsx › 事件 › B2: 这一行“质量安全事件”事件没有填“类型”",
                              "  提示：请在该单元格从下拉列表选择事件的类型"]


# --- C. a ruleset mismatch is told as that one problem ----------------------------------------------------------


def test_yaml_of_another_ruleset_is_one_problem(tmp_path):
    path = evidence_yaml(tmp_path, "ruleset: wenzhou-2014", "ruleset: hubei-2014")
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, WENZHOU)
    [problem] = caught.value.problems
    assert (problem.location.file, problem.location.line) == (str(path), line_of(path, "ruleset: hubei-2014"))
    assert problems(path) == [
        f"鹿城区.yaml:{line_of(path, 'ruleset: hubei-2014')}:10: 这份材料是按细则“hubei-2014”填报的，不是所用的细则“wenzhou-2014”",
        REMAKE]


def test_a_workbook_of_another_ruleset_is_one_problem(tmp_path):
    path = template(tmp_path, str(ROOTS / "hubei-2014"), "--unit", "武汉市", name="武汉市.xlsx")
    fill(path, "填报", {"F6": 1e308})  # even beside a cell no evidence can hold: the ruleset is the problem
    assert problems(path) == ["武汉市.xlsx › 填报 › B3: 这份材料是按细则“hubei-2014”填报的，不是所用的细则“wenzhou-2014”",
                              REMAKE]


def test_a_unit_not_on_the_roster_is_one_problem_in_yaml(tmp_path):
    path = evidence_yaml(tmp_path, "unit: 鹿城区", "unit: 鹿城")
    assert problems(path) == ['鹿城区.yaml:2:7: 单位 "鹿城" 不在细则 wenzhou-2014 的被考核单位名单中',
                              '  提示：是否应为 "鹿城区"？']


def test_a_unit_not_on_the_roster_is_one_problem_in_a_workbook(tmp_path):
    path = template(tmp_path, str(WENZHOU_DIR), "--unit", "鹿城区", name="鹿城区.xlsx")
    fill(path, "填报", {"B2": "杭州市", "F6": "九十三"})
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, WENZHOU)
    [problem] = caught.value.problems
    assert (problem.location.sheet, problem.location.cell) == ("填报", "B2")
    assert str(problem).replace(f"{tmp_path}/", "").splitlines() == [
        '鹿城区.xlsx › 填报 › B2: 单位 "杭州市" 不在细则 wenzhou-2014 的被考核单位名单中',
        "  提示：名单：鹿城区、龙湾区、瓯海区、洞头县、瑞安市、乐清市、永嘉县、平阳县、苍南县、文成县、泰顺县"]


def test_both_mismatches_are_told_as_the_ruleset_one(tmp_path):
    path = evidence_yaml(tmp_path, "unit: 鹿城区\nruleset: wenzhou-2014", "unit: 武汉市\nruleset: hubei-2014")
    assert problems(path) == [
        "鹿城区.yaml:3:10: 这份材料是按细则“hubei-2014”填报的，不是所用的细则“wenzhou-2014”", REMAKE]


def test_kaohe_check_prints_the_one_problem(tmp_path):
    path = template(tmp_path, str(ROOTS / "hubei-2014"), "--unit", "武汉市", name="武汉市.xlsx")
    result = invoke("check", WENZHOU_DIR, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path} › 填报 › B3: 这份材料是按细则“hubei-2014”填报的，不是所用的细则“wenzhou-2014”", REMAKE, "共 1 个问题。"]


def test_kaohe_check_of_a_unit_not_on_the_roster_prints_the_one_problem(tmp_path):
    path = evidence_yaml(tmp_path, "unit: 鹿城区", "unit: 鹿城")
    result = invoke("check", WENZHOU_DIR, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f'{path}:2:7: 单位 "鹿城" 不在细则 wenzhou-2014 的被考核单位名单中',
                                          '  提示：是否应为 "鹿城区"？', "共 1 个问题。"]


def test_kaohe_score_of_a_folder_prints_one_problem_per_mismatched_file(tmp_path):
    folder = tmp_path / "材料"
    folder.mkdir()
    evidence_yaml(folder, "ruleset: wenzhou-2014", "ruleset: hubei-2014", name="a.yaml")
    evidence_yaml(folder, "unit: 鹿城区", "unit: 鹿城", name="b.yaml")
    (folder / "c.yaml").write_text(SAMPLE.replace("unit: 鹿城区", "unit: 龙湾区"), encoding="utf-8")  # a good one
    result = invoke("score", WENZHOU_DIR, folder)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{folder}/a.yaml:3:10: 这份材料是按细则“hubei-2014”填报的，不是所用的细则“wenzhou-2014”", REMAKE,
        f'{folder}/b.yaml:2:7: 单位 "鹿城" 不在细则 wenzhou-2014 的被考核单位名单中', '  提示：是否应为 "鹿城区"？',
        "共 2 个问题。"]
