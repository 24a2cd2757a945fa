"""Every kind of bad input gets its exact message, with file:line:column and the item path."""
from pathlib import Path

import pytest

from kaohe.engine import KaoheError, evaluate, load_evidence, load_ruleset
from tests.helpers import ruleset_text, write

ROOT = Path(__file__).parent.parent
WENZHOU = load_ruleset(ROOT / "rulesets" / "wenzhou-2014")
SAMPLE = (ROOT / "rulesets" / "wenzhou-2014" / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
CITE = "citation: {source: s, clause: 第二条, text: 条款}"


def problems(call, folder: Path) -> str:
    with pytest.raises(KaoheError) as caught:
        call()
    return str(caught.value).replace(str(folder) + "/", "")


def ruleset_problems(folder: Path, body: str) -> str:
    path = write(folder, ruleset_text(body))
    return problems(lambda: load_ruleset(path), folder)


def evidence_problems(folder: Path, old: str, new: str) -> str:
    assert old in SAMPLE
    path = write(folder, SAMPLE.replace(old, new), "鹿城区.yaml")
    return problems(lambda: load_evidence(path, WENZHOU), folder)


# --- files and YAML ---------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("id: x\nitems:\n  - id: a\n   title: b\n",
     "bad.yaml:4:4: YAML/JSON 格式错误：缩进不一致：此行的缩进与同一层级的上一行不同\n"
     "  提示：与第 3 行开始的部分有关；检查缩进、冒号后的空格、括号与引号是否成对"),
    ("id: x\n\ttitle: a\n", "bad.yaml:2:1: YAML/JSON 格式错误：不能用 Tab 缩进，请改用空格\n"
                            "  提示：检查缩进、冒号后的空格、括号与引号是否成对"),
    ("id: x\ntitle: a\ntitle: b\n", "bad.yaml:3:1: 重复的键 \"title\"（第一次出现在第 2 行）\n"
                                    "  提示：同一层级中每个键只能出现一次；PyYAML 默认会静默保留最后一个，这里拒绝。"),
    ("- a\n- b\n", "bad.yaml:1:1: 细则文件的顶层应为映射（键: 值）"),
    ("", "bad.yaml:1:1: 文件是空的"),
])
def test_malformed_files(tmp_path, text, message):
    path = write(tmp_path, text, "bad.yaml")
    assert problems(lambda: load_ruleset(path), tmp_path) == message


def test_not_utf8(tmp_path):
    (tmp_path / "gbk.yaml").write_bytes("id: 测试\n".encode("gbk"))
    assert problems(lambda: load_ruleset(tmp_path / "gbk.yaml"), tmp_path) == \
        "gbk.yaml: 文件不是 UTF-8 编码（第 4 字节）\n  提示：请以 UTF-8 编码保存"


def test_missing_file(tmp_path):
    assert problems(lambda: load_ruleset(tmp_path / "nope.yaml"), tmp_path) == "nope.yaml: 文件不存在"


# --- rulesets ---------------------------------------------------------------------

def test_unknown_scoring_method_suggests_the_close_name(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 100, method: deduct_per_mising, per: 0.1, {CITE}}}\n"
    assert ruleset_problems(tmp_path, body) == (
        'ruleset.yaml:19:44: 未知的评分方法 "deduct_per_mising"（一「甲」 › method）\n'
        '  提示：是否应为 "deduct_per"？ 评分方法说明见 rulesets/REFERENCE.md#评分方法')


def test_points_that_do_not_add_up(tmp_path):
    body = (f"items:\n  - id: 一\n    title: 甲\n    points: 100\n    {CITE}\n    children:\n"
            "      - {id: 一.1, title: 乙, points: 60, method: all_or_nothing}\n"
            "      - {id: 一.2, title: 丙, points: 30, method: all_or_nothing}\n")
    assert ruleset_problems(tmp_path, body) == (
        "ruleset.yaml:19:5: 下级指标分值之和为 90 分，与本项分值 100 分不一致（一「甲」）\n"
        "  提示：本项分值写在 ruleset.yaml:21；各下级指标的分值及写在何处：\n"
        "    一.1「乙」 60分  ruleset.yaml:24\n"
        "    一.2「丙」 30分  ruleset.yaml:25")


def test_top_level_points_must_make_the_scale(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 90, method: all_or_nothing, {CITE}}}\n"
    assert ruleset_problems(tmp_path, body) == (
        "ruleset.yaml:9:8: 顶层指标分值之和为 90 分，与满分 100 分不一致（scale）\n"
        "  提示：各顶层指标（不含加分项、扣分项）的分值及写在何处：\n"
        "    一「甲」 90分  ruleset.yaml:19")


def test_citation_of_an_undeclared_source(tmp_path):
    body = "items:\n  - {id: 一, title: 甲, points: 100, method: all_or_nothing, citation: {source: plan, clause: 一, text: 条款}}\n"
    assert ruleset_problems(tmp_path, body) == \
        'ruleset.yaml:19:79: 依据引用了未声明的来源 "plan"（一「甲」 › citation › source）\n  提示：已声明的来源：s'


def test_an_item_without_citation(tmp_path):
    body = "items:\n  - {id: 一, title: 甲, points: 100, method: all_or_nothing}\n"
    assert ruleset_problems(tmp_path, body) == (
        'ruleset.yaml:19:5: 缺少依据 "citation"（source、clause、text）（一「甲」）\n'
        "  提示：每个指标、档次和结果规则都要注明出自哪份文件的哪一条")


def test_misspelt_field(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 100, method: all_or_nothing, standrad: 全有或全无, {CITE}}}\n"
    assert ruleset_problems(tmp_path, body) == \
        'ruleset.yaml:19:70: 未知的字段 "standrad"（一「甲」 › standrad）\n  提示：是否应为 "standard"？'


def test_level_worth_more_than_its_item(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 100, method: levels, levels: {{高: 120, 低: 0}}, {CITE}}}\n"
    assert ruleset_problems(tmp_path, body) == "ruleset.yaml:19:64: 档次「高」得 120 分，超过本项分值 100 分（一「甲」 › levels › 高）"


def test_points_of_the_wrong_type(tmp_path):
    body = f"items:\n  - {{id: 一, title: 甲, points: 十, method: all_or_nothing, {CITE}}}\n"
    assert ruleset_problems(tmp_path, body) == 'ruleset.yaml:19:31: 应为数字，实际为文字 "十"（一「甲」 › points）'


def test_outcome_rule_problems_are_all_reported_in_file_order(tmp_path):
    body = (f"items:\n  - {{id: 一, title: 甲, points: 100, method: all_or_nothing, {CITE}}}\n"
            "outcomes:\n  - id: v\n    title: 否决\n    when: {fact: incident, any_kind: [区域性]}\n"
            f"    then: {{force_grade: E}}\n    {CITE}\n")
    assert ruleset_problems(tmp_path, body) == (
        'ruleset.yaml:23:18: 结果规则读取的事实 "incident" 未在 facts 中定义（v › when › fact）\n'
        'ruleset.yaml:24:25: 等次 "E" 未在 grading 中声明（v › then › force_grade）\n  提示：已声明：A、B、C、D')


# --- evidence ---------------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("  一.1:\n    value: 93.6", "  一.1:\n    value: 130",
     "鹿城区.yaml:11:12: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」 › 填报值）"),
    ("  一.1:\n    value: 93.6", "  一.1:\n    value: 九十",
     '鹿城区.yaml:11:12: 填报值应为数字（单位：%），实际为文字 "九十"（指标 一.1「制造业产品质量合格率」 › 填报值）'),
    ("  二.3: 开展试点并有企业通过认证", "  二.3: 开展了试点",
     "鹿城区.yaml:31:8: 填报的档次「开展了试点」未在细则中声明，可选：开展试点并有企业通过认证、开展试点、未开展（指标 二.3「“浙江制造”品牌培育试点」）\n"
     '  提示：是否应为 "开展试点"？'),
    ("  三.2: 0", "  三.2: 0\n  一.12: 5",
     '鹿城区.yaml:55:9: 细则中没有指标 "一.12"（指标 一.12）\n  提示：是否应为 "一.2"、"一.1"、"二.12"？'),
    ("  二.9: 0", "  二.9: 三项",
     '鹿城区.yaml:40:8: 应填不小于0的整数（个数、次数），实际为文字 "三项"（指标 二.9「产品质量惠民活动」）'),
    ("  三.2: 0", "  三.2: 0\n  二: 5", '鹿城区.yaml:55:6: "二" 是分组指标，按其下级指标填报（指标 二「质量措施落实情况」）'),
    ("unit: 鹿城区", "unit: 鹿城",
     '鹿城区.yaml:2:7: 单位 "鹿城" 不在细则 wenzhou-2014 的被考核单位名单中\n  提示：是否应为 "鹿城区"？'),
    ("ruleset: wenzhou-2014", "ruleset: wenzhou-2015",
     '鹿城区.yaml:3:10: 这份材料是按细则“wenzhou-2015”填报的，不是所用的细则“wenzhou-2014”\n'
     "  提示：请用细则 wenzhou-2015 评分；若应按细则 wenzhou-2014 考核，请用 kaohe template 按本细则重新生成填报表，重新填报"),
    ("reason: 核查宣传活动记录和公益广告投放台账", 'reason: ""',
     "鹿城区.yaml:50:33: 核查评分必须写明理由（指标 二.14「质量宣传氛围」 › 理由）\n  提示：请在 reason 中写明评分理由"),
    ("  二.14:\n    value: {score: 3.5", "  二.14:\n    value: {score: 7",
     "鹿城区.yaml:50:20: 核查评分 7 超出本项分值范围 0–5 分（指标 二.14「质量宣传氛围」 › 评分）"),
    ("  二.14:\n    value: {score: 3.5", "  二.14:\n    value: {score: 3.2",
     "鹿城区.yaml:50:20: 核查评分 3.2 不是 0.5 的整数倍（指标 二.14「质量宣传氛围」 › 评分）"),
    ("incidents: []", "incidents: [{kind: 重大, date: 2014-01-02}]",
     '鹿城区.yaml:56:22: 不允许的取值 "重大"，可选：区域性、系统性、负有直接监管责任的重特大、一般（事实「质量安全事件」第1起 › 类型）'),
    ("files: [鹿城区/产品质量监督抽查统计表.xlsx]", "file: [鹿城区/产品质量监督抽查统计表.xlsx]",
     '鹿城区.yaml:12:11: 未知的字段 "file"（指标 一.1「制造业产品质量合格率」 › file）\n  提示：是否应为 "files"？'),
    ("  三.2: 0", "  三.2: 0\n  三.1: 2",
     '鹿城区.yaml:55:3: 重复的键 "三.1"（第一次出现在第 53 行）\n'
     "  提示：同一层级中每个键只能出现一次；PyYAML 默认会静默保留最后一个，这里拒绝。"),
    ("  二.2: 10", "  二.2: 十", '鹿城区.yaml:7:8: 备案目标应为数字（单位：家），实际为文字 "十"（指标 二.2「淘汰落后产能和改造高能耗重污染企业」 › 备案目标）'),
])
def test_bad_evidence(tmp_path, old, new, message):
    assert evidence_problems(tmp_path, old, new) == message


def test_every_problem_at_once_in_line_order(tmp_path):
    text = SAMPLE.replace("  二.9: 0", "  二.9: 三项").replace("  一.1:\n    value: 93.6", "  一.1:\n    value: 130")
    path = write(tmp_path, text, "鹿城区.yaml")
    assert problems(lambda: load_evidence(path, WENZHOU), tmp_path).splitlines() == [
        "鹿城区.yaml:11:12: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」 › 填报值）",
        '鹿城区.yaml:40:8: 应填不小于0的整数（个数、次数），实际为文字 "三项"（指标 二.9「产品质量惠民活动」）',
    ]


def test_json_evidence_errors_name_the_line(tmp_path):
    path = write(tmp_path, '{\n  "unit": "鹿城区",\n  "ruleset": "wenzhou-2014",\n  "values": {"一.1": 130}\n}\n',
                 "鹿城区.json")
    assert problems(lambda: load_evidence(path, WENZHOU), tmp_path) == \
        "鹿城区.json:4:21: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」）"


def test_a_missing_value_is_unscored_never_zero(tmp_path):
    path = write(tmp_path, SAMPLE.replace("  一.9: 66", "  一.9: null"), "鹿城区.yaml")
    result = evaluate(WENZHOU, [load_evidence(path, WENZHOU)])[0]
    item = next(r for r in result.all_items() if r.item.id == "一.9")
    assert (item.score, item.reason) == (None, "缺少填报值，无法评分")
    assert result.unscored == ("一.9",)
    assert not result.complete


def test_a_left_out_value_is_unscored_too(tmp_path):
    path = write(tmp_path, SAMPLE.replace("  一.9: 66\n", ""), "鹿城区.yaml")
    assert evaluate(WENZHOU, [load_evidence(path, WENZHOU)])[0].unscored == ("一.9",)
