"""kaohe lint: errors and warnings kept apart, each with its place."""
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine.lint import lint_path
from tests.helpers import ruleset_text, write

ROOT = Path(__file__).parent.parent / "rulesets"
C = "citation: {source: s, clause: 第二条, text: 条款}"

DOUBTFUL = f"""\
facts:
  late: {{title: 迟报, kind: yes_no}}
items:
  - {{id: 一, title: 分档, points: 20, method: levels, levels: {{好: 15, 差: 0}}, standard: 好得15分, {C}}}
  - {{id: 二, title: 数额, points: 20, method: brackets, brackets: [{{min: 10, points: 10}}], standard: 10万以上10分, {C}}}
  - {{id: 三, title: 次数, points: 20, method: deduct_per, per: 0.5, required: 4, standard: 每少一次扣0.5分, {C}}}
  - {{id: 四, title: 比率, points: 20, method: deduct_below_target, target: 95, unit: '%', per: 0.1, standard: 每低1个百分点扣0.1分, {C}}}
  - {{id: 五, title: 未写标准, points: 20, method: all_or_nothing, {C}}}
"""


def findings(tmp_path, body, rounding="none"):
    path = write(tmp_path, ruleset_text(body, rounding=rounding))
    return [(f.severity, str(f).replace(str(tmp_path) + "/", "")) for f in lint_path(path)]


def test_bundled_rulesets_have_no_errors():
    bundled = sorted(path.parent.name for path in ROOT.glob("*/ruleset.yaml"))
    assert {"national-2013", "wenzhou-2014", "hubei-2014", "hubei-2015"} <= set(bundled)
    for name in bundled:
        assert [f for f in lint_path(ROOT / name) if f.severity == "error"] == [], name


def test_doubtful_parameters_are_warnings(tmp_path):
    assert findings(tmp_path, DOUBTFUL) == [
        ("warning", "ruleset.yaml:19:9: 事实 late 没有被任何结果规则读取（facts › late）"),
        ("warning", "ruleset.yaml:21:5: 没有哪一档得满分 20 分，本项满分不可达（一「分档」）"),
        ("warning", "ruleset.yaml:22:5: 最高一档得 10 分，低于本项分值 20 分（二「数额」）"),
        ("warning", "ruleset.yaml:23:5: 最多少 4 项，最多扣 2 分，扣不到0分（本项 20 分）（三「次数」）"),
        ("warning", "ruleset.yaml:24:5: 即使填报值为 0，也只扣 9.5 分，扣不到0分（本项 20 分）（四「比率」）"),
        ("warning", "ruleset.yaml:25:5: 缺少评分标准原文（standard）（五「未写标准」）"),
    ]


def test_band_edges_against_rounding_and_the_scale(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 100, method: all_or_nothing, standard: 有, {C}}}\n"
    text = ruleset_text(body, rounding="{step: 1, mode: half_up}").replace(
        "- {label: A, min: 90, text: 90分及以上为A级}", "- {label: A, min: 120}").replace(
        "- {label: B, min: 80}", "- {label: B, min: 89.5}")
    path = write(tmp_path, text)
    assert [(f.severity, f.message) for f in lint_path(path)] == [
        ("error", "等次 A 的下限 120 分高于可能的最高分 100 分，无法达到"),
        ("warning", "等次 B 的下限 89.5 不是取舍单位 1 的整数倍：取舍后的总分落不到这条边界上，实际边界是下一个整数倍"),
    ]


def test_cli_separates_errors_and_warnings_and_exits_1_on_errors(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 90, method: all_or_nothing, {C}}}\n"
    write(tmp_path, ruleset_text(body))
    result = CliRunner().invoke(cli, ["lint", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "错误（1）：",
        f"  {tmp_path}/ruleset.yaml:9:8: 顶层指标分值之和为 90 分，与满分 100 分不一致（scale）",
        "    提示：各顶层指标（不含加分项、扣分项）的分值及写在何处：",
        f"      一「甲」 90分  {tmp_path}/ruleset.yaml:19",
        "警告（1）：",  # a ruleset that does not load is still linted, in the same run
        f"  {tmp_path}/ruleset.yaml:19:5: 缺少评分标准原文（standard）（一「甲」）",
        f"{tmp_path}：1 个错误，1 个警告。",
    ]


def test_cli_warnings_only_exit_0():
    result = CliRunner().invoke(cli, ["lint", str(ROOT / "hubei-2015")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].endswith("：0 个错误，3 个警告。")


PARENT = f"""\
items:
  - id: 一
    title: 质量目标
    points: 60
    {C}
    children:
      - {{id: 一.1, title: 合格率, points: 40, method: all_or_nothing, standard: 达标得满分}}
      - {{id: 一.2, title: 满意度, points: 20, method: all_or_nothing, standard: 达标得满分}}
  - {{id: 二, title: 质量措施, points: 40, method: judged, standard: 考核组评定, {C}}}
"""

# Three independent mistakes of three kinds: a change naming an item that does not exist (merging), a method
# misspelt (loading), a grade nobody can reach (lint); and a doubtful point (a warning).
DRAFT = """\
extends: parent/ruleset.yaml
version: "2"
item_changes:
  override:
    一.3: {points: 20}
    一.1: {method: all_or_nothng}
    一.2: {standard: null}
grading:
  citation: {source: s, clause: 第五条, text: 90分及以上为A级。}
  rounding: none
  bands: [{label: A, min: 190}, {label: B, min: 80}, {label: C, min: 60}, {label: D}]
"""


def test_lint_reports_every_independent_problem_in_one_run_sorted_by_file_and_line(tmp_path):
    write(tmp_path / "parent", ruleset_text(PARENT))
    write(tmp_path, DRAFT, "draft.yaml")
    result = CliRunner().invoke(cli, ["lint", str(tmp_path / "draft.yaml")])
    assert result.exit_code == 1
    assert result.stdout.replace(str(tmp_path) + "/", "").splitlines() == [
        "错误（3）：",
        '  draft.yaml:5:10: 要修改的指标 "一.3" 在上一版细则中不存在',
        '    提示：是否应为 "一.2"、"一.1"？',
        '  draft.yaml:6:19: 未知的评分方法 "all_or_nothng"（一.1「合格率」 › method）',
        '    提示：是否应为 "all_or_nothing"？ 评分方法说明见 rulesets/REFERENCE.md#评分方法',
        "  draft.yaml:11:27: 等次 A 的下限 190 分高于可能的最高分 100 分，无法达到（grading › A）",
        "警告（1）：",  # caused by the draft (it removed the standard): shown at the draft's line
        "  draft.yaml:7:21: 缺少评分标准原文（standard）（一.2「满意度」）",
        "    提示：所指内容继承自 parent/ruleset.yaml:25，由这里的修改引起",
        "draft.yaml：3 个错误，1 个警告。",
    ]
    # validate lists what loading refuses, all of it at once
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "draft.yaml")])
    assert result.exit_code == 1
    assert result.stderr.replace(str(tmp_path) + "/", "").splitlines() == [
        'draft.yaml:5:10: 要修改的指标 "一.3" 在上一版细则中不存在',
        '  提示：是否应为 "一.2"、"一.1"？',
        'draft.yaml:6:19: 未知的评分方法 "all_or_nothng"（一.1「合格率」 › method）',
        '  提示：是否应为 "all_or_nothing"？ 评分方法说明见 rulesets/REFERENCE.md#评分方法',
        "共 2 个问题。",
    ]
