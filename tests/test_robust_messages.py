"""Issue 8: no input crashes kaohe. Bad input gives exit 1 and a located Chinese message (file:line:column and
the item), never "<输入>" and never 内部错误; reports are written even when there is nothing to report."""
import re
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kaohe.cli.main import cli
from kaohe.engine import evaluate, load_evidence, load_ruleset
from kaohe.engine.render.html import sheet_html, summary_html
from kaohe.engine.render.report import Report, Table, report_html, report_xlsx
from kaohe.engine.render.xlsx import sheet_xlsx, summary_xlsx, writable

ROOT = Path(__file__).parent.parent / "rulesets"
SAMPLES = ROOT / "wenzhou-2014" / "samples"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "内部错误" not in result.output, result.output
    assert "<输入>" not in result.output, result.output
    return result


def copy_rulesets(tmp_path, *names):
    for name in names:
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def validate_edited(path, old, new):
    """Replace the one occurrence of `old` in a ruleset file by `new`, then validate its folder."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, run("validate", path.parent)


# --- diff and impact with nothing to report ------------------------------------------

def test_diff_of_a_ruleset_with_itself_writes_valid_reports(tmp_path):
    html, xlsx = tmp_path / "d.html", tmp_path / "d.xlsx"
    result = run("diff", ROOT / "wenzhou-2014", ROOT / "wenzhou-2014", "--html", html, "--xlsx", xlsx)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[3] == "两份细则没有差别。"
    assert "两份细则没有差别。" in html.read_text(encoding="utf-8")
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["概要"]
    assert [c.value for c in workbook["概要"]["A"]] == [
        "细则比较：wenzhou-2014 → wenzhou-2014", *result.stdout.splitlines()[1:4]]


def test_impact_of_a_ruleset_on_itself_with_one_unit(tmp_path):
    (tmp_path / "one").mkdir()
    shutil.copy(SAMPLES / "01-鹿城区.yaml", tmp_path / "one")
    html, xlsx = tmp_path / "i.html", tmp_path / "i.xlsx"
    result = run("impact", ROOT / "wenzhou-2014", ROOT / "wenzhou-2014", tmp_path / "one", "--html", html,
                 "--xlsx", xlsx)
    assert result.exit_code == 0
    assert "1 个单位，等次改变 0 个；总分上升 0 个，下降 0 个；缺少新细则所需填报值的 0 个。" in result.stdout
    assert "  鹿城区  91.5    A       91.5    A       0" in result.stdout
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames[-1] == "图表"
    assert [c.value for c in workbook["图表"]["A"]] == ["单位", "鹿城区"]
    assert "<td>鹿城区</td>" in html.read_text(encoding="utf-8")


def test_impact_with_no_evidence_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("impact", ROOT / "wenzhou-2014", ROOT / "wenzhou-2014", tmp_path / "empty", "--xlsx",
                 tmp_path / "i.xlsx")
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty'}: 文件夹中没有填报材料（.yaml、.yml、.json、.xlsx 文件）" in result.stderr
    assert not (tmp_path / "i.xlsx").exists()


def test_diff_of_an_events_rule_without_kinds(tmp_path):
    copy_rulesets(tmp_path, "national-2013")
    path = tmp_path / "national-2013" / "ruleset.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("any_kind: [区域性, 系统性]", "at_least: 2"),
                    encoding="utf-8")
    copy_rulesets(tmp_path / "any", "national-2013")
    path = tmp_path / "any" / "national-2013" / "ruleset.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(", any_kind: [区域性, 系统性]", ""), encoding="utf-8")
    result = run("diff", tmp_path / "national-2013", path.parent)
    assert result.exit_code == 0
    assert ("  修改  veto-regional-systemic  发生区域性、系统性产品质量安全事件，一票否决  "
            "“质量安全事件”≥2时直接定为D → 发生质量安全事件时直接定为D") in result.stdout


# --- test cases: every wrong type in a case file is located --------------------------

CASE = """\
- name: 鹿城区样例
  evidence: ../samples/01-鹿城区.yaml
  batch: ../samples
"""


@pytest.mark.parametrize("text, message", [
    ("  expect: {total: abc}\n", 't.yaml:4:19: 应为数字，实际为文字 "abc"（鹿城区样例 › expect › total）'),
    ("  expect: {total: null}\n", "t.yaml:4:19: 应为数字，实际为空值（鹿城区样例 › expect › total）"),
    ("  expect: {total: [1]}\n", "t.yaml:4:19: 应为数字，实际为列表（鹿城区样例 › expect › total）"),
    ("  expect: {total: true}\n", "t.yaml:4:19: 应为数字，实际为是/否值 true（鹿城区样例 › expect › total）"),
    ("  expect: 5\n", "t.yaml:4:11: 应为映射（键: 值），实际为数字 5（鹿城区样例 › expect）"),
    ("  expect: null\n", "t.yaml:4:11: 应为映射（键: 值），实际为空值（鹿城区样例 › expect）"),
    ("  expect: {items: [1]}\n", "t.yaml:4:19: 应为映射（键: 值），实际为列表（鹿城区样例 › expect › items）"),
    ("  expect: {items: {一.1: {x: 1}}}\n",
     "t.yaml:4:25: 指标 一.1 的期望得分应为数字（未能评分写 null），实际为映射（鹿城区样例 › expect › items › 一.1）"),
    ("  expect: {items: {一.1: abc}}\n",
     't.yaml:4:25: 指标 一.1 的期望得分应为数字（未能评分写 null），实际为文字 "abc"（鹿城区样例 › expect › items › 一.1）'),
    ("  expect: {grade: null}\n", "t.yaml:4:19: 应为文字，实际为空值（鹿城区样例 › expect › grade）"),
    ("  expect: {grade: [A]}\n", "t.yaml:4:19: 应为文字，实际为列表（鹿城区样例 › expect › grade）"),
    ("  expect: {unscored: 3}\n", "t.yaml:4:22: 应为文字列表，实际为数字 3（鹿城区样例 › expect › unscored）"),
    ("  expect: {fired: [{a: 1}]}\n", "t.yaml:4:20: 应为文字列表，第1项为映射（鹿城区样例 › expect › fired）"),
    ("  expect: {totl: 90}\n", 't.yaml:4:18: 未知的字段 "totl"（鹿城区样例 › expect › totl）\n  提示：是否应为 "total"？'),
    ("", 't.yaml:1:3: 缺少必填字段 "expect"（鹿城区样例）'),
])
def test_a_wrong_expectation_is_located(tmp_path, text, message):
    assert case_messages(tmp_path, CASE + text) == message


@pytest.mark.parametrize("text, message", [
    ("- name: a\n  expect: {total: 1}\n", 't.yaml:1:3: 缺少必填字段 "evidence"（a）'),
    ("- name: a\n  evidence: 3\n  expect: {total: 1}\n",
     "t.yaml:2:13: evidence 应为材料文件的路径（相对于用例文件）或直接写出的材料，实际为数字 3（a › evidence）"),
    ("- name: a\n  evidence: [x.yaml]\n  expect: {total: 1}\n",
     "t.yaml:2:13: evidence 应为材料文件的路径（相对于用例文件）或直接写出的材料，实际为列表（a › evidence）"),
    ("- name: a\n  evidence: null\n  expect: {total: 1}\n",
     "t.yaml:2:13: 应为材料文件的路径或直接写出的材料，实际为空值（a › evidence）"),
    ("- name: a\n  evidence: ../samples\n  expect: {total: 1}\n",
     "t.yaml:2:13: 材料应为一个文件，../samples 是文件夹（a › evidence）\n"
     "  提示：几个单位一同评分（名次项）时，把文件夹写在 batch 中"),
    ("- name: a\n  evidence: ../samples/01-鹿城区.yaml\n  batch: nothere\n  expect: {total: 1}\n",
     "t.yaml:3:10: batch 应为一同评分的材料所在的文件夹，nothere 不存在（{cases}/nothere）（a › batch）\n"
     "  提示：路径相对于用例文件所在的文件夹"),
    ("- name: a\n  evidence: ../samples/01-鹿城区.yaml\n  batch: ../samples/01-鹿城区.yaml\n  expect: {total: 1}\n",
     "t.yaml:3:10: batch 应为一同评分的材料所在的文件夹，../samples/01-鹿城区.yaml 是文件"
     "（{samples}/01-鹿城区.yaml）（a › batch）\n  提示：路径相对于用例文件所在的文件夹"),
    ("- name: a\n  evidence: {unit: 鹿城区, ruleset: wenzhou-2014, values: {一.1: abc}}\n  expect: {total: 1}\n",
     't.yaml:2:62: 填报值应为数字（单位：%），实际为文字 "abc"（a › evidence › 指标 一.1「制造业产品质量合格率」）'),
    ("- 3\n", "t.yaml:1:3: 应为映射（键: 值），实际为数字 3（第1个用例）"),
    ("- name: a\n  evidence: ../samples/01-鹿城区.yaml\n  expect: {}\n- abc\n",
     't.yaml:4:3: 应为映射（键: 值），实际为文字 "abc"（第2个用例）'),
    ("name: a\n", "t.yaml:1:1: 用例文件应为用例的列表（每项以 - name: 开头），实际为映射"),
])
def test_a_wrong_case_is_located(tmp_path, text, message):
    folder = tmp_path / "wenzhou-2014"
    expected = message.format(cases=folder / "cases", samples=folder / "samples")
    assert case_messages(tmp_path, text) == expected.replace(str(folder / "cases") + "/", "")


def case_messages(tmp_path, text: str) -> str:
    folder = copy_rulesets(tmp_path, "national-2013", "wenzhou-2014") / "wenzhou-2014"
    for old in (folder / "cases").glob("*.yaml"):
        old.unlink()
    (folder / "cases" / "t.yaml").write_text(text, encoding="utf-8")
    result = run("test", folder)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("共 ") and lines[-1].endswith(" 个问题。")
    return "\n".join(lines[:-1]).replace(str(folder / "cases") + "/", "")


def test_an_expected_grade_the_ruleset_does_not_have_fails_the_case(tmp_path):
    folder = copy_rulesets(tmp_path, "national-2013", "wenzhou-2014") / "wenzhou-2014"
    (folder / "cases" / "samples.yaml").write_text(CASE + "  expect: {total: 90, grade: 3}\n", encoding="utf-8")
    result = run("test", folder)
    assert result.exit_code == 1
    assert result.stdout == (f"✗ 鹿城区样例（{folder / 'cases' / 'samples.yaml'}:1）\n"
                             "    等次：期望 3，但细则中没有这个等次（有：A、B、C、D），实际 A\n"
                             "0 passed, 1 failed\n")


# --- rulesets: every message keeps its file:line:column ------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("then: {force_grade: D}", "then: {}",
     "ruleset.yaml:73:11: then 中须给出效果：force_grade、downgrade、cap_grade 之一，或 exclude（不得评为某等次）、"
     "consequence（约谈、通报批评等后果）（veto-regional-systemic › then）\n  提示：例如 then: {force_grade: D}"),
    ("then: {force_grade: D}", "then: {force_grade: null}",
     "ruleset.yaml:73:25: 应为文字，实际为空值（veto-regional-systemic › then › force_grade）"),
    ("then: {force_grade: D}", 'then: {force_grade: ""}',
     'ruleset.yaml:73:25: 等次 "" 未在 grading 中声明（veto-regional-systemic › then › force_grade）\n'
     "  提示：已声明：A、B、C、D"),
    ("then: {force_grade: D}", "then: {downgrade: null}",
     "ruleset.yaml:73:23: 应为数字，实际为空值（veto-regional-systemic › then › downgrade）"),
    ("when: {fact: incidents, any_kind: [区域性, 系统性]}", "when: {}",
     'ruleset.yaml:72:11: 缺少必填字段 "fact"（veto-regional-systemic › when）'),
    ("  - id: veto-regional-systemic", "  - 3\n  - id: veto-regional-systemic",
     "ruleset.yaml:70:5: 应为映射（键: 值），实际为数字 3（outcomes[1]）"),
    ("  - id: veto-regional-systemic", "  - abc\n  - id: veto-regional-systemic",
     'ruleset.yaml:70:5: 应为映射（键: 值），实际为文字 "abc"（outcomes[1]）'),
    ("  - id: gbf-2013-47", "  - x\n  - id: gbf-2013-47",
     'ruleset.yaml:21:5: 应为映射（键: 值），实际为文字 "x"（sources[1]）'),
    ("    - {label: A, min: 90", "    - 1\n    - {label: A, min: 90",
     "ruleset.yaml:36:7: 应为映射（键: 值），实际为数字 1（grading › bands[1]）"),
    ("  rounding: none", "  rounding: 3",
     "ruleset.yaml:34:13: 应为映射（step、mode）或 none，实际为数字 3（grading › rounding）"),
    ("period: {start: 2013-07-01, end: 2014-06-30}", "period: {}",
     'ruleset.yaml:14:9: 缺少必填字段 "end"（period）\nruleset.yaml:14:9: 缺少必填字段 "start"（period）'),
    ("scale: 100", "scale: null", "ruleset.yaml:27:8: 应为数字，实际为空值（scale）"),
    ("    points: 60", "    points: null", "ruleset.yaml:60:13: 应为数字，实际为空值（二「质量措施落实情况」 › points）"),
    ("items:\n  - id: 一", "items:\n  - 3\n  - id: 一",
     "ruleset.yaml:48:5: 应为映射（键: 值），实际为数字 3（items[1]）"),
    ("  incidents:", "  incidents: 3\n  xincidents:",
     "ruleset.yaml:42:14: 应为映射（键: 值），实际为数字 3（facts › incidents）"),
])
def test_ruleset_messages_keep_their_place(tmp_path, old, new, message):
    copy_rulesets(tmp_path, "national-2013")
    path, result = validate_edited(tmp_path / "national-2013" / "ruleset.yaml", old, new)
    assert result.exit_code == 1
    shown = [line for line in result.stderr.splitlines() if not re.fullmatch(r"共 \d+ 个问题。", line)]
    assert "\n".join(shown).replace(str(path.parent) + "/", "") == message


def test_a_list_item_that_is_not_a_mapping_is_located_in_an_extending_ruleset(tmp_path):
    copy_rulesets(tmp_path, "national-2013", "wenzhou-2014")
    path = tmp_path / "wenzhou-2014" / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      children:\n        - id: 一.1", "      children:\n        - 3\n        - id: 一.1"),
                    encoding="utf-8")
    result = run("validate", path.parent)
    assert result.exit_code == 1
    assert f"{path}:41:11: 应为映射（键: 值），实际为数字 3（一「质量目标完成情况」 › children[1]）" in result.stderr


# --- characters an xlsx file cannot hold ----------------------------------------------

def test_writable_shows_each_unwritable_character_as_its_code_point():
    assert writable("响铃\u0007、换页\x0c、代理\ud800、非字符\ufffe；制表\t换行\n回车\r照旧") == \
        "响铃U+0007、换页U+000C、代理U+D800、非字符U+FFFE；制表\t换行\n回车\r照旧"
    assert writable(Decimal("1.5")) == Decimal("1.5")


def test_a_report_with_control_characters_is_written(tmp_path):
    report = Report("标题\u0007", ("说明\x1b[31m",), (Table("表\u0001", ("列\u0002", "数"), (("值\u0003", Decimal(1)),)),),
                    "图\u0004", (("单位\u0005", Decimal("-1.5")),))
    (tmp_path / "r.xlsx").write_bytes(report_xlsx(report))
    workbook = load_workbook(tmp_path / "r.xlsx")
    first = workbook.worksheets[0]
    assert workbook.sheetnames == ["表U+0001", "图表"]
    assert [first.cell(row=r, column=1).value for r in (1, 2, 4, 5)] == ["标题U+0007", "说明U+001B[31m", "列U+0002",
                                                                          "值U+0003"]
    assert workbook["图表"]["A2"].value == "单位U+0005"
    html = report_html(report)
    assert "<h1>标题U+0007</h1>" in html and "\u0007" not in html


def test_score_sheets_and_summary_with_control_characters(tmp_path):
    ruleset = load_ruleset(ROOT / "wenzhou-2014")
    ruleset = replace(ruleset, title="细则\u0007", note="说明\ud800")
    evidence = replace(load_evidence(SAMPLES / "01-鹿城区.yaml", ruleset), note="备注\u0008")
    result = replace(evaluate(ruleset, [evidence])[0], unit="鹿城\u000b区")
    (tmp_path / "s.xlsx").write_bytes(sheet_xlsx(ruleset, result))
    (tmp_path / "h.xlsx").write_bytes(summary_xlsx(ruleset, [result]))
    sheet = load_workbook(tmp_path / "s.xlsx")["评分表"]
    assert sheet["A2"].value.startswith("被考核单位：鹿城U+000B区")
    assert load_workbook(tmp_path / "h.xlsx")["汇总"]["B4"].value == "鹿城U+000B区"
    for html in (sheet_html(ruleset, result), summary_html(ruleset, [result])):
        assert "U+000B" in html and "\u000b" not in html
        html.encode("utf-8")  # no lone surrogate left to fail the write


@pytest.mark.parametrize("old, new, message", [
    ("            - {min: 5, points: 6}", "            - {min: null, points: 6}",
     "ruleset.yaml:155:21: 应为数字，实际为空值（二.7「品牌培育」 › brackets[1] › min）"),
    ("            - {min: 5, points: 6}", "            - 1",
     "ruleset.yaml:155:15: 应为映射（键: 值），实际为数字 1（二.7「品牌培育」 › brackets[1]）"),
    ("levels: {试点通过验收: 4, 开展试点: 2, 未开展: 0}", "levels: {试点通过验收: 4, 开展试点: null, 未开展: 0}",
     "ruleset.yaml:141:37: 应为数字，实际为空值（二.6「服务业标准化试点」 › levels › 开展试点）"),
])
def test_method_parameters_written_null_or_not_a_mapping_are_located(tmp_path, old, new, message):
    """A bracket whose min is null used to be dropped silently, and scoring then crashed on an empty table."""
    copy_rulesets(tmp_path, "national-2013", "hubei-2014")
    path, result = validate_edited(tmp_path / "hubei-2014" / "ruleset.yaml", old, new)
    assert result.exit_code == 1
    assert result.stderr.replace(str(path.parent) + "/", "").splitlines()[0] == message
