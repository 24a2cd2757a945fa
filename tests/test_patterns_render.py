"""What shows and checks the ruleset-language patterns of issue 11: score sheets (★ key items, penalty sections as
deductions, items with their own cap), the JSON document, `kaohe lint`, `kaohe diff` / `kaohe impact` and
`kaohe check`. Each test scores an inline 细则, so the expected cells can be read off it."""
from decimal import Decimal

from openpyxl import load_workbook

from kaohe.engine import evaluate, evidence_from_data, load_ruleset
from kaohe.engine.diff import diff
from kaohe.engine.impact import impact, impact_report
from kaohe.engine.lint import lint_path
from kaohe.engine.render.check import check_document, check_text
from kaohe.engine.render.html import sheet_html
from kaohe.engine.render.json import result_document
from kaohe.engine.render.report import report_text
from kaohe.engine.render.summary import summary_text, unit_detail_text
from kaohe.engine.render.xlsx import sheet_xlsx
from kaohe.engine.selfcheck import self_check
from tests.helpers import one_item_ruleset, ruleset_text, write

C = "citation: {source: s, clause: 第二条, text: 条款}"

BODY = f"""\
bonus_cap: 5
facts:
  plan_missing: {{title: 未制定年度方案, kind: yes_no}}
  accidents:
    title: 生产安全事故
    kind: events
    kinds: [一般, 较大, 重大]
    attributes: {{deaths: count, responsible: yes_no}}
  awards: {{title: 获奖情况, kind: events, kinds: [国家级, 省级, 市级]}}
items:
  - id: 一
    title: 工作机制
    points: 60
    key: true
    {C}
    zero_if: {{fact: plan_missing, is: true, text: 未制定年度方案的，本项不得分}}
    children:
      - {{id: 一.1, title: 建立领导机制, points: 20, method: all_or_nothing, standard: 建立得20分。}}
      - id: 一.2
        title: 台账管理
        points: 30
        method: checklist
        standard: 未建立台账扣0.5分；台账不全扣0.2分；未按时报送每次扣0.3分。
        faults: {{未建立台账: 0.5, 台账不全: 0.2, 未按时报送: {{per: 0.3, counted: 次}}}}
      - {{id: 一.3, title: 标准制定, points: 10, max: 15, method: add_per, per: 2, counted: 项,
         standard: 每项2分，本项最高15分。}}
  - id: 二
    title: 安全
    points: 40
    {C}
    children:
      - id: 二.1
        title: 生产安全事故
        points: 40
        method: brackets
        direction: at_most
        events: {{fact: accidents, kinds: [较大, 重大], where: {{responsible: true}}}}
        brackets: [{{max: 0, points: 40}}, {{max: 1, points: 24}}]
        standard: 未发生得40分，发生1起得24分。
  - id: 三
    title: 加分
    points: 5
    bonus: true
    {C}
    children:
      - {{id: 三.1, title: 获奖, points: 5, method: awards, events: {{fact: awards}},
         levels: {{国家级: 3, 省级: 2, 市级: 1}}, standard: 国家级3分。}}
  - id: 四
    title: 扣分项
    penalty: true
    points: 10
    {C}
    children:
      - {{id: 四.1, title: 发生质量事故, method: deduct_per, per: 2, counted: 起, noun: 发生,
         events: {{fact: accidents}}, standard: 每起扣2分。}}
outcomes:
  - id: key
    title: 关键项不达标降级
    when: {{key_items: all, min_share: 0.6, scope: whole}}
    then: {{downgrade: 1}}
    {C}
"""

ACCIDENTS = [
    {"kind": "较大", "date": "2014-03-01", "title": "某厂爆炸", "responsible": True, "deaths": 2},
    {"kind": "一般", "date": "2014-05-01", "title": "某处坍塌", "responsible": False, "deaths": 0},
    {"kind": "一般", "date": "2014-06-01", "title": "某车间火灾", "responsible": False, "deaths": 0},
]
JIA = {"values": {"一.1": True, "一.2": {"未建立台账": 1, "未按时报送": 2}, "一.3": 8},
       "facts": {"plan_missing": False, "accidents": ACCIDENTS,
                 "awards": [{"kind": "国家级", "title": "智能工厂", "date": "2014-05-01"},
                            {"kind": "省级", "title": "智能工厂", "date": "2014-04-01"},
                            {"kind": "省级", "title": "质量标杆", "date": "2014-04-01"}]}}


def load(tmp_path, body=BODY, name="ruleset.yaml"):
    return load_ruleset(write(tmp_path, ruleset_text(body), name))


def decimals(value):
    """Numbers as the YAML loader gives them: Decimal, never int or float."""
    if isinstance(value, dict):
        return {k: decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decimals(v) for v in value]
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def evidence(ruleset, data, unit="甲县"):
    return evidence_from_data(decimals({"unit": unit, "ruleset": ruleset.id, **data}), ruleset, f"{unit}.yaml", "")


def score(ruleset, data, unit="甲县"):
    return evaluate(ruleset, [evidence(ruleset, data, unit)])[0]


def sheet_rows(ruleset, result, tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(sheet_xlsx(ruleset, result))
    ws = load_workbook(path)["评分表"]
    return ws, {row[0].value: row for row in ws.iter_rows(min_row=7) if row[0].value}


def test_sheet_shows_key_items_own_caps_and_deductions(tmp_path):
    ruleset = load(tmp_path)
    result = score(ruleset, JIA)
    assert (result.total, result.regular_total, result.bonus_total, result.penalty_total) == (
        Decimal("86.9"), Decimal("87.9"), 5, -6)
    ws, rows = sheet_rows(ruleset, result, tmp_path)
    cells = {key: [c.value for c in row[:6]] for key, row in rows.items()}
    assert cells["一"] == ["一", "★工作机制", None, 60, None, 63.9]
    assert cells["一.3"] == ["一.3", "标准制定", "每项2分，本项最高15分。", "10\n最高15", None, 15]
    assert cells["三"] == ["三", "加分", None, 5, None, 5]  # never 加分（加分项）
    assert cells["四"] == ["四", "扣分项", None, "最多扣10分", None, -6]
    assert cells["四.1"] == ["四.1", "发生质量事故", "每起扣2分。", "扣分项", None, -6]
    assert rows["四.1"][6].value == ("计入3起（2014-03-01 较大 某厂爆炸；2014-05-01 一般 某处坍塌；2014-06-01 一般 某车间火灾）；"
                                    "发生3起，每起扣2分，扣6分")
    assert rows["四.1"][5].style == "kh-deduct-center" and rows["四.1"][5].font.color.rgb.endswith("C00000")
    assert rows["一.1"][5].style == "kh-center"
    assert ws["A3"].value == "总分：86.9（基本分 87.9 + 加分 5 − 扣分项 6）　　等次：B"
    # 合计: 满分 under 分值 and the total under 得分, numbers; the grade and the make-up of the total beside them
    assert [c.value for c in rows["合计"][:7]] == ["合计", "等次 B", None, 100, None, 86.9,
                                                  "总分 86.9（基本分 87.9 + 加分 5 − 扣分项 6）"]
    assert [c.data_type for c in rows["合计"][3:6:2]] == ["n", "n"]


def test_html_sheet_says_the_same(tmp_path):
    ruleset = load(tmp_path)
    page = sheet_html(ruleset, score(ruleset, JIA))
    assert "<td>★工作机制</td>" in page
    assert '<td class="num">10\n最高15</td>' in page
    assert '<td class="num">最多扣10分</td>' in page
    assert '<td class="num">扣分项</td><td class="num"></td><td class="num deduct">-6</td>' in page
    assert "td.deduct { color: #c00000; }" in page
    assert "总分：86.9（基本分 87.9 + 加分 5 − 扣分项 6）　　等次：B" in page
    assert ('<td colspan="2">等次 B</td><td class="num">100</td><td class="num"></td><td class="num">86.9</td>'
            '<td colspan="3">总分 86.9（基本分 87.9 + 加分 5 − 扣分项 6）</td>') in page  # the 合计 row, as in the xlsx


def test_deductions_stop_the_total_at_zero(tmp_path):
    ruleset = load(tmp_path)
    many = [dict(ACCIDENTS[0], title=f"事故{n}") for n in range(6)]
    result = score(ruleset, {"values": {"一.1": True, "一.2": [], "一.3": 1},
                             "facts": {"plan_missing": True, "accidents": many, "awards": []}})
    assert result.total == 0 and result.penalty_total == -10
    ws, rows = sheet_rows(ruleset, result, tmp_path)
    assert ws["A3"].value.startswith("总分：0（基本分 0 + 加分 0 − 扣分项 10，扣完为止，总分最低为0分）")
    assert [c.value for c in rows["四.1"][3:6]] == ["扣分项", None, -12]  # the row itself has no limit
    assert [c.value for c in rows["四"][3:7]] == ["最多扣10分", None, -10, "扣分合计12分，本项最多扣10分"]


def test_a_ruleset_without_penalties_keeps_its_totals_line(tmp_path):
    ruleset = one_item_ruleset(tmp_path, "method: all_or_nothing\nstandard: 做到得分", "100")
    result = score(ruleset, {"values": {"X": True}})
    ws, rows = sheet_rows(ruleset, result, tmp_path)
    assert ws["A3"].value == "总分：100　　等次：A"
    assert [c.value for c in rows["合计"][:7]] == ["合计", "等次 A", None, 100, None, 100, None]
    page = sheet_html(ruleset, result)
    assert "deduct" not in page and "★" not in page


def test_json_carries_the_new_fields_only_where_used(tmp_path):
    ruleset = load(tmp_path)
    document = result_document(ruleset, score(ruleset, JIA))
    keys = list(document)
    assert keys[keys.index("bonus_total") + 1] == "penalty_total" and document["penalty_total"] == "-6"
    items = {row["id"]: row for row in document["items"]}
    assert list(items["一.3"])[:9] == ["id", "title", "parent", "level", "bonus", "key", "penalty", "max", "cap"]
    assert (items["一"]["key"], items["一.3"]["max"], items["一.3"]["cap"], items["一.1"]["cap"]) == (True, "10", "15",
                                                                                                  None)
    assert (items["四"]["penalty"], items["四.1"]["penalty"], items["四.1"]["score"]) == (True, True, "-6")

    plain = one_item_ruleset(tmp_path / "plain", "method: all_or_nothing\nstandard: 做到得分", "100")
    document = result_document(plain, score(plain, {"values": {"X": True}}))
    assert "penalty_total" not in document
    assert list(document["items"][0])[:7] == ["id", "title", "parent", "level", "bonus", "max", "score"]


def test_unit_detail_and_summary_texts(tmp_path):
    ruleset = load(tmp_path)
    result = score(ruleset, JIA)
    lines = unit_detail_text(ruleset, result).splitlines()
    assert lines[1] == "总分 86.9（基本分 87.9 + 加分 5 − 扣分项 6），等次 B"
    assert "一 ★工作机制  63.9/60" in lines
    assert "  一.3 标准制定  15/10（最高15）" in lines
    assert "四 扣分项  -6（最多扣10分）" in lines  # never 扣分项…（扣分项
    assert "  四.1 发生质量事故  -6（扣分项）" in lines
    missing = score(ruleset, {"values": JIA["values"], "facts": {"plan_missing": False, "awards": []}}, "乙县")
    assert "  乙县（乙县.yaml）：二.1、四.1 缺事实「生产安全事故」" in summary_text(ruleset, [missing]).splitlines()


def test_check_lists_a_missing_fact_once_with_who_reads_it(tmp_path):
    ruleset = load(tmp_path)
    check = self_check(ruleset, evidence(ruleset, {"values": JIA["values"], "facts": {"awards": []}}, "丙县"))
    assert check.missing_values == ()  # 二.1 and 四.1 count events: the fact is what is missing
    assert check.missing_facts == ("accidents", "plan_missing")
    assert check.lowering == ("accidents", "plan_missing")
    text = check_text(ruleset, check).splitlines()
    assert text[4:7] == [
        "缺少事实（没有也要写明，例如没有事件写“无”或 []）：",
        "  accidents（生产安全事故）：二.1 按此计分；四.1 按此扣分 —— 补报后得分可能降低",
        "  plan_missing（未制定年度方案）：一 的前提条件读取此项（成立则 一 不得分） —— 补报后得分可能降低",
    ]
    assert text[-1] == "还不能报送：缺少2项事实"
    document = check_document(ruleset, check)
    assert document["missing_fact_readers"] == {"accidents": ["二.1 按此计分", "四.1 按此扣分"],
                                                "plan_missing": ["一 的前提条件读取此项（成立则 一 不得分）"]}


def test_check_headroom_counts_own_caps_deductions_and_zeroed_sections(tmp_path):
    ruleset = load(tmp_path)
    check = self_check(ruleset, evidence(ruleset, JIA))
    assert [(h.item.item.id, h.points) for h in check.headroom] == [("二.1", 16), ("四.1", 6), ("一.2", Decimal("1.1"))]
    text = check_text(ruleset, check)
    assert ("  四.1 发生质量事故：还可增加6分（扣分项，现扣6分）—— 计入3起（2014-03-01 较大 某厂爆炸；"
            "2014-05-01 一般 某处坍塌；2014-06-01 一般 某车间火灾）；发生3起，每起扣2分，扣6分") in text.splitlines()

    values = {"一.1": True, "一.2": [], "一.3": 4}
    zeroed = evidence(ruleset, {"values": values, "facts": {"plan_missing": True, "accidents": [], "awards": []}},
                      "乙县")
    check = self_check(ruleset, zeroed)
    assert [(h.item.item.id, h.points) for h in check.headroom] == [("一", 60), ("三.1", 5)]
    lines = check_text(ruleset, check).splitlines()
    assert ("  一 工作机制：还可增加60分（现0/60）—— 本项不得分：未制定年度方案的，本项不得分（未制定年度方案：是）"
            in lines)
    assert lines[lines.index("升到C：总分达到80分，还差40分。") + 1] == (
        "（按已触发的“关键项不达标降级”计算；关键项得分达到要求后该规则不再触发，所需分数可能更少。）")

    capped = evidence(ruleset, {"values": dict(values, **{"一.1": False}),
                                "facts": {"plan_missing": False, "accidents": [], "awards": []}}, "丁县")
    lines = check_text(ruleset, self_check(ruleset, capped)).splitlines()
    assert "  一.3 标准制定：还可增加7分（现8/10，本项最高15分）—— 4项，每项加2分，得8分" in lines


LINT_BODY = f"""\
bonus_cap: 5
facts:
  plan_missing: {{title: 未制定年度方案, kind: yes_no}}
  accidents: {{title: 生产安全事故, kind: events, kinds: [一般, 较大]}}
items:
  - id: 一
    title: 工作
    points: 100
    key: true
    {C}
    zero_if: {{fact: plan_missing, is: true, text: 未制定方案的不得分}}
    children:
      - {{id: 一.1, title: 方案, points: 40, max: 50, method: all_or_nothing, standard: 有方案得40分,
         zero_if: [{{fact: plan_missing, is: true}}, {{item: 一.1, is: false, text: 未制定的不得分}}]}}
      - {{id: 一.2, title: 比率, points: 30, method: threshold, target: 90, unit: '%', range: [0, 100], standard: 达到得分,
         zero_if: {{item: 一.2, below: 0, text: 为负的不得分}}}}
      - {{id: 一.3, title: 事故, points: 30, method: brackets, direction: at_most, events: {{fact: accidents}},
         brackets: [{{max: 0, points: 30}}], standard: 未发生得30分}}
  - id: 二
    title: 加分
    points: 10
    bonus: true
    {C}
    children:
      - {{id: 二.1, title: 示范, points: 4, max: 8, method: add_per, per: 2, standard: 每项2分}}
      - id: 二.2
        title: 亮点
        points: 6
        method: checklist
        standard: 示范区加2分；经验推广加1分
        gains: {{示范区: 2, 经验推广: 1}}
  - id: 三
    title: 扣分项
    penalty: true
    points: 5
    {C}
    children:
      - {{id: 三.1, title: 瞒报, points: 8, method: deduct_per, per: 4, counted: 起, standard: 每起扣4分}}
outcomes:
  - id: key
    title: 关键项
    when: {{key_items: [二.1], min_share: 0.5}}
    then: {{downgrade: 1}}
    {C}
"""


def test_lint_finds_the_doubtful_uses(tmp_path):
    path = write(tmp_path, ruleset_text(LINT_BODY))
    found = [(f.severity, f.message, f.location.path) for f in lint_path(path)]
    assert found == [
        ("warning", "标为关键项（★），但读取关键项的结果规则都没有包括它：它只在评分表上显示★", "一「工作」"),
        ("warning", "本项最高分 50 分不起作用：评分方法 all_or_nothing 最多得 40 分，不超过本项分值 40 分", "一.1「方案」"),
        ("warning", "上级 一「工作」已有相同的前提条件：条件成立时整个 一 不得分，本项的前提条件（“未制定年度方案”为是）多余",
         "一.1「方案」 › zero_if[1]"),
        ("warning", "前提条件没有写原文（text）：评分表上只能按条件本身说明不得分的原因", "一.1「方案」 › zero_if[1]"),
        ("warning", "前提条件“未制定的不得分”读取本项自己的值：本项为“否”时按评分方法本来就不得分，这一条件多余",
         "一.1「方案」 › zero_if[2]"),
        ("warning", "前提条件“为负的不得分”永远不成立：一.2 的取值范围是 0～100%", "一.2「比率」 › zero_if"),
        ("warning", "加分项中的指标设了本项最高分 8 分：超出分值 4 分的部分计入总分，不受加分上限 5 分限制，请确认", "二.1「示范」"),
        ("warning", "所有加分情形都具备也只加 3 分，达不到本项分值 6 分", "二.2「亮点」"),
        ("warning", "本行最多扣 8 分，超过扣分项 三 合计最多扣的 5 分", "三.1「瞒报」"),
        ("warning", "结果规则“关键项”把 二.1「示范」作为关键项读取，但它没有标 key: true：评分表上不显示★", "key"),
    ]


def test_lint_counts_facts_read_by_items_and_preconditions(tmp_path):
    path = write(tmp_path, ruleset_text(BODY))
    assert [str(f) for f in lint_path(path)] == []
    unread = BODY.replace("facts:\n", "facts:\n  spare: {title: 备用, kind: yes_no}\n")
    path = write(tmp_path / "b", ruleset_text(unread))
    assert [f.message for f in lint_path(path)] == ["事实 spare 没有被任何指标、前提条件或结果规则读取"]


NEW_BODY = (BODY
            .replace("    key: true\n", "")
            .replace("max: 15,", "max: 20,")
            .replace("zero_if: {fact: plan_missing, is: true, text: 未制定年度方案的，本项不得分}",
                     "zero_if: {fact: accidents, any_kind: [重大], at_least: 1, text: 发生重大事故的，本项不得分}")
            .replace("where: {responsible: true}", "where: {responsible: true, deaths: {at_least: 2}}")
            .replace("attributes: {deaths: count, responsible: yes_no}",
                     "attributes: {deaths: count, responsible: yes_no, sector: [工业, 农业]}")
            .replace("faults: {未建立台账: 0.5,", "faults: {未建立台账: 1,")
            .replace("min_share: 0.6, scope: whole}", "min_share: 0.6, scope: whole}\n    ")
            .replace("key_items: all", "key_items: [二]"))


def test_diff_words_the_new_fields(tmp_path):
    old = load(tmp_path / "old")
    new = load(tmp_path / "new", NEW_BODY.replace("      - id: 二.1\n", "      - id: 二.1\n        key: true\n"))
    changes = [(c.section, c.kind, c.key, c.detail) for c in diff(old, new)]
    assert ("指标", "修改", "一", "取消关键项；删除前提条件：未制定年度方案的，本项不得分（“未制定年度方案”为是）；"
                              "新增前提条件：发生重大事故的，本项不得分（生产安全事故（重大）不少于1起）") in changes
    assert ("指标", "修改", "一.2", "清单情形 未建立台账 扣0.5分；台账不全 扣0.2分；未按时报送 每次扣0.3分 → "
                                "未建立台账 扣1分；台账不全 扣0.2分；未按时报送 每次扣0.3分") in changes
    assert ("指标", "修改", "一.3", "本项最高分 15 → 20") in changes
    assert ("指标", "修改", "二.1", "设为关键项；按事件计数 生产安全事故（较大、重大；responsible 为是） → "
                                "生产安全事故（较大、重大；responsible 为是，deaths 不少于2）") in changes
    # all: the items marked key in each ruleset (二.1 only in the new one, which names 二 instead)
    assert ("事实", "修改", "accidents", "新增事件属性 sector（工业/农业）") in changes
    assert ("结果规则", "修改", "key", "关键项 一（分组按合计） 低于其分值的 60%时降1级 → "
                                   "关键项 二（分组按合计） 低于其分值的 60%时降1级") in changes


def test_diff_words_penalties_shared_values_and_target_filing(tmp_path):
    before = f"""\
items:
  - id: 一
    title: 目标
    points: 100
    {C}
    children:
      - {{id: 一.1, title: 投入增幅, points: 50, method: threshold, target: 8, unit: '%', standard: 达到得分}}
      - {{id: 一.2, title: 投入水平, points: 50, method: threshold, target: 10, unit: '%', standard: 达到得分}}
"""
    after = (before.replace("target: 8, unit: '%',", "target: 8, target_filed: true, unit: '%',")
             .replace("target: 10, unit: '%',", "target: 10, value_of: 一.1, unit: '%',"))
    after += f"""\
  - id: 二
    title: 扣分项
    penalty: true
    {C}
    children:
      - {{id: 二.1, title: 迟报, method: deduct_per, per: 1, counted: 次, standard: 每次扣1分}}
"""
    old, new = load(tmp_path / "old", before), load(tmp_path / "new", after)
    changes = [(c.section, c.kind, c.key, c.detail) for c in diff(old, new)]
    assert changes == [
        ("指标", "新增", "二", "扣分项，分组，顶层"),
        ("指标", "新增", "二.1", "扣分项，deduct_per，在 二 下"),
        ("指标", "修改", "一.1", "目标备案 不允许 → 允许"),
        ("指标", "修改", "一.2", "填报值 本项填报 → 同 一.1 的填报值"),
    ]


def test_diff_words_count_tables(tmp_path):
    old = load(tmp_path / "old")
    edges = BODY.replace("brackets: [{max: 0, points: 40}, {max: 1, points: 24}]",
                         "brackets: [{max: 0, points: 40}, {max: 2, points: 24, inclusive: false}]")
    assert [c.detail for c in diff(old, load(tmp_path / "edges", edges))] == [
        "数额分档 ≤0起得40分；≤1起得24分 → ≤0起得40分；<2起得24分"]
    more = BODY.replace("        direction: at_most\n", "").replace(
        "brackets: [{max: 0, points: 40}, {max: 1, points: 24}]", "brackets: [{min: 2, points: 40}, {min: 1, points: 24}]")
    assert [c.detail for c in diff(old, load(tmp_path / "more", more))] == [
        "数额分档 ≤0起得40分；≤1起得24分 → ≥2起得40分；≥1起得24分；方向 越少越好（按上限分档） → 越多越好（按下限分档）"]


def test_diff_words_an_added_item_with_the_new_fields(tmp_path):
    new = load(tmp_path / "new")
    before = BODY.split("  - id: 四\n")[0] + BODY[BODY.index("outcomes:"):]
    old = load(tmp_path / "old", before)
    changes = [(c.kind, c.key, c.detail) for c in diff(old, new) if c.section == "指标"]
    assert changes == [
        ("新增", "四", "扣分项，最多扣10分，分组，顶层"),
        ("新增", "四.1", "扣分项，deduct_per，在 四 下；按事件计数 生产安全事故"),
    ]


def test_impact_names_new_deductions(tmp_path):
    old = load(tmp_path / "old", BODY.replace("    points: 10\n    " + C + "\n    children:\n      - {id: 四.1",
                                              "    points: 10\n    " + C + "\n    children:\n      - {id: 四.9"))
    new = load(tmp_path / "new")
    result = impact(old, new, [evidence(old, JIA)], [evidence(new, JIA)])
    text = report_text(impact_report(result))
    assert "旧细则的扣分项扣了 1 个单位的分，共 6 分；新细则的扣分项扣了 1 个单位的分，共 6 分。" in text
    drivers = [(d.item_id, d.delta, d.note) for d in result.units[0].drivers]
    assert drivers[0][:2] == ("四.1", -6) and drivers[0][2].startswith("新增扣分项：计入3起")
    assert drivers[1][:2] == ("四.9", 6)
