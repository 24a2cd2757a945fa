"""What shows and checks the second pass of the ruleset language (issue 11, part 2): weighted sections, items that
do not apply (不适用, 按得分率折算), consequences and exclusions, grade quotas, values converted from another unit or
taken from another assessment's results — on the score sheets (xlsx, HTML, the portal's), the summaries, the JSON
document, `kaohe check`, `kaohe lint`, `kaohe diff` and `kaohe impact`. Each test scores an inline 细则."""
from decimal import Decimal

from django.template import Context, Engine
from openpyxl import load_workbook

from kaohe.engine import evaluate, evidence_from_data, load_ruleset
from kaohe.engine.diff import diff
from kaohe.engine.evidence import load_evidence
from kaohe.engine.impact import impact, impact_report
from kaohe.engine.lint import lint_path
from kaohe.engine.render.check import check_document, check_text
from kaohe.engine.render.html import sheet_html
from kaohe.engine.render.json import dumps, result_document, results_document
from kaohe.engine.render.report import report_text
from kaohe.engine.render.sheet import build_sheet
from kaohe.engine.render.summary import summary_text, unit_detail_text
from kaohe.engine.render.xlsx import sheet_xlsx, summary_rows
from kaohe.engine.selfcheck import self_check
from tests.helpers import one_item_ruleset, ruleset_text, write

C = "citation: {source: s, clause: 第二条, text: 条款}"
BASIS = "测发〔2014〕1号《测试文件》第二条"

BODY = f"""\
rescale: true
facts:
  late: {{title: 迟报, kind: yes_no}}
  complaints: {{title: 投诉次数, kind: count}}
items:
  - id: 一
    title: 日常考核
    points: 100
    weight: 0.3
    {C}
    children:
      - {{id: 一.1, title: 港口管理, points: 40, method: all_or_nothing, may_not_apply: true, standard: 建立得40分。}}
      - {{id: 一.2, title: 综合管理, points: 60, method: add_per, per: 10, counted: 项, standard: 每项10分。}}
  - id: 二
    title: 年终考核
    points: 100
    weight: 0.7
    {C}
    children:
      - {{id: 二.1, title: 质量投入, points: 50, method: brackets, unit: 亿元, unit_required: true,
         brackets: [{{min: 1, points: 50}}, {{min: 0.5, points: 30}}], standard: 1亿元以上得50分。}}
      - {{id: 二.2, title: 群众满意度, points: 50, method: ratio, numerator: 满意人数, denominator: 参评人数,
         rate: 满意率, standard: 满意率乘以分值。}}
outcomes:
  - id: bad
    title: 迟报且投诉3次以上的取消评优资格
    when: {{all: [{{fact: late, is: true}}, {{fact: complaints, at_least: 3}}]}}
    then: {{exclude: A, consequence: 通报批评}}
    {C}
  - id: twice
    title: 连续两年被评为D级的约谈
    when: {{all: [{{grade: D}}, {{last_year_grade: D}}]}}
    then: {{consequence: 约谈主要负责人}}
    {C}
"""
QUOTA = "  quotas: [{label: A, share: 0.4, text: 优秀比例不超过40%}]\n"

UNITS = {
    "甲县": {"values": {"一.1": True, "一.2": 6, "二.1": "1.2亿元", "二.2": "95/100"},
             "facts": {"late": False, "complaints": 0}},
    "乙县": {"values": {"一.1": "不适用", "一.2": 5, "二.1": "8000万元", "二.2": {"满意人数": 80, "参评人数": 100}},
             "facts": {"late": True, "complaints": 3}},
    "丙县": {"values": {"一.1": True, "一.2": 5, "二.1": "1.5亿元", "二.2": "96/100"},
             "facts": {"late": False, "complaints": 0}},
    "丁县": {"values": {"一.1": True, "一.2": 6, "二.1": "2亿元", "二.2": "90/100"},
             "facts": {"late": False, "complaints": 0}},
    "戊县": {"values": {"一.1": False, "一.2": 1, "二.1": "3000万元", "二.2": "30/100"},
             "facts": {"late": False, "complaints": 1}, "history": {2013: "D"}},
}


def text(body=BODY, quota=QUOTA, ruleset_id="t") -> str:
    return ruleset_text(body, ruleset_id=ruleset_id).replace("  bands:\n", quota + "  bands:\n", 1)


def load(tmp_path, body=BODY, quota=QUOTA, name="ruleset.yaml", ruleset_id="t"):
    return load_ruleset(write(tmp_path, text(body, quota, ruleset_id), name))


def decimals(value):
    """Numbers as the YAML loader gives them: Decimal, never int or float."""
    if isinstance(value, dict):
        return {k: decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decimals(v) for v in value]
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def evidence(ruleset, unit, data=None, file=None):
    data = UNITS[unit] if data is None else data
    return evidence_from_data(decimals({"unit": unit, "ruleset": ruleset.id, **data}), ruleset,
                              file or f"{unit}.yaml", "")


def batch(ruleset):
    results = evaluate(ruleset, [evidence(ruleset, unit) for unit in UNITS])
    return {r.unit: r for r in results}


def workbook(ruleset, result, tmp_path):
    path = tmp_path / f"{result.unit}.xlsx"
    path.write_bytes(sheet_xlsx(ruleset, result))
    ws = load_workbook(path)["评分表"]
    return ws, {row[0].value: row for row in ws.iter_rows(min_row=7) if row[0].value}


# --- score sheets -----------------------------------------------------------------


def test_a_weighted_sheet_with_a_not_applicable_item(tmp_path):
    ruleset = load(tmp_path)
    result = batch(ruleset)["乙县"]
    assert (result.total, result.grade, result.unscored) == (Decimal("72.73"), "C", ())
    sheet = build_sheet(ruleset, result)
    assert not sheet.provisional
    rows = {row.number: row for row in sheet.rows}
    assert (rows["一.1"].score, rows["一.1"].unscored, rows["一.1"].not_applicable) == ("不适用", False, True)
    assert rows["一"].max == "100\n权重30%" and rows["二"].max == "100\n权重70%"
    assert rows["一"].explanation == ("下级指标得分之和；按权重30%计入总分15分；"
                                      "其中不适用的指标40分不计，在总分中按得分率折算")
    assert rows["二"].explanation == "下级指标得分之和；按权重70%计入总分49分"  # nothing unapplied: no note
    assert rows["二.1"].explanation == ("填报8000万元，折合0.8亿元；实际0.8亿元，属「0.5亿元及以上不足1亿元」档，"
                                        "得30分")
    assert sheet.grade_rule.startswith("适用指标得分64分；不适用的指标12分不计，按得分率折算：64÷88×100=72.73分"
                                       "（保留两位小数）；总分72.73分（不取舍）")

    ws, cells = workbook(ruleset, result, tmp_path)
    assert [c.value for c in cells["一"][:6]] == ["一", "日常考核", None, "100\n权重30%", None, 50]
    assert [c.value for c in cells["一.1"][:6]] == ["一.1", "港口管理", "建立得40分。", 40, None, "不适用"]
    assert cells["一.1"][5].style == "kh-center"  # not the yellow of an unscored row
    assert ws["A3"].value == "总分：72.73　　等次：C　　后果：通报批评"

    page = sheet_html(ruleset, result)
    assert ('<tr class="">\n<td class="num">一.1</td><td>港口管理</td><td>建立得40分。</td><td class="num">40</td>'
            '<td class="num"></td><td class="num">不适用</td>') in page
    assert '<td class="num">100\n权重30%</td>' in page
    assert "暂定" not in page


def test_an_unanswered_may_not_apply_item_is_still_unscored(tmp_path):
    ruleset = load(tmp_path)
    data = {"values": {"一.2": 5, "二.1": "1亿元", "二.2": "1/2"}, "facts": {"late": False, "complaints": 0}}
    result = evaluate(ruleset, [evidence(ruleset, "甲县", data)])[0]
    sheet = build_sheet(ruleset, result)
    rows = {row.number: row for row in sheet.rows}
    assert (rows["一.1"].score, rows["一.1"].unscored, sheet.provisional) == ("未评分", True, True)
    assert sheet.result_line.endswith("等次：C（暂定：有1项未能评分）")


def test_outcome_lines_show_exclusions_and_consequences(tmp_path):
    ruleset = load(tmp_path)
    results = batch(ruleset)
    yi = build_sheet(ruleset, results["乙县"])
    assert [o.line for o in yi.outcomes] == [
        f"【不得评为A】迟报且投诉3次以上的取消评优资格。迟报：是；投诉次数：3。后果：通报批评。依据：{BASIS}：条款"]
    wu = build_sheet(ruleset, results["戊县"])
    assert [o.line for o in wu.outcomes] == [
        f"【后果】连续两年被评为D级的约谈。本年度等次为D；2013年度等次为D。后果：约谈主要负责人。依据：{BASIS}：条款"]
    assert wu.consequences == ("约谈主要负责人",)
    assert wu.grade_rule == f"总分13.5分（不取舍），低于60分为D，定为D；连续两年被评为D级的约谈（依据：{BASIS}）：约谈主要负责人"

    ws, _ = workbook(ruleset, results["戊县"], tmp_path)
    assert ws["A3"].value == "总分：13.5　　等次：D　　后果：约谈主要负责人"
    assert ws["A5"].value == wu.outcomes[0].line
    page = sheet_html(ruleset, results["戊县"])
    assert f'<div class="notice">{wu.outcomes[0].line}</div>' in page
    assert '<p class="meta total">总分：13.5　　等次：D　　后果：约谈主要负责人</p>' in page


def test_a_unit_moved_by_a_quota_says_so_beside_its_grade(tmp_path):
    ruleset = load(tmp_path)
    results = batch(ruleset)
    bing = results["丙县"]
    assert (bing.band_grade, bing.grade) == ("A", "B")
    sheet = build_sheet(ruleset, bing)
    assert sheet.result_line == "总分：95.6　　等次：B（原为A，优秀比例不超过40%）"
    assert sheet.grade_rule.endswith("优秀比例不超过40%（本批5个单位，至多2个），总分95.6分未进入名额，A→B")
    ws, _ = workbook(ruleset, bing, tmp_path)
    assert ws["A3"].value == "总分：95.6　　等次：B（原为A，优秀比例不超过40%）"
    assert build_sheet(ruleset, results["丁县"]).result_line == "总分：96.5　　等次：A"

    summary = summary_text(ruleset, list(results.values()))
    assert "3     丙县  95.6   95.6    B（原A）  名额限制（优秀比例不超过40%）" in summary
    assert ("  戊县：连续两年被评为D级的约谈（依据：测发〔2014〕1号《测试文件》第二条）— 本年度等次为D；2013年度等次为D；"
            "后果：约谈主要负责人") in summary


def test_the_summary_table_and_the_unit_detail(tmp_path):
    ruleset = load(tmp_path)
    results = batch(ruleset)
    header, rows = summary_rows(ruleset, list(results.values()))
    assert header[2:4] == ["一 日常考核（100，权重30%）", "二 年终考核（100，权重70%）"]
    by_unit = {row[1]: row for row in rows}
    assert by_unit["丙县"][2:7] == ["90", "98", "95.6", "95.6", "B（原A，名额限制）"]
    assert by_unit["乙县"][6:8] == ["C", "迟报且投诉3次以上的取消评优资格"]
    detail = unit_detail_text(ruleset, results["乙县"])
    assert "一 日常考核  50/100（权重30%，计入总分15分）\n  一.1 港口管理  不适用（本项40分）\n" in detail
    assert "\n结果规则：迟报且投诉3次以上的取消评优资格（依据：测发〔2014〕1号《测试文件》第二条）\n  迟报：是；投诉次数：3\n" \
           "  后果：通报批评\n" in detail


def test_a_section_wholly_not_applicable_shows_so_in_the_summary(tmp_path):
    body = BODY.replace("      - {id: 一.2, title: 综合管理, points: 60, method: add_per,",
                        "      - {id: 一.2, title: 综合管理, points: 60, may_not_apply: true, method: add_per,")
    ruleset = load(tmp_path, body)
    data = {"values": {"一.1": "不适用", "一.2": "不适用", "二.1": "1亿元", "二.2": "1/2"},
            "facts": {"late": False, "complaints": 0}}
    result = evaluate(ruleset, [evidence(ruleset, "甲县", data)])[0]
    assert result.total == 75  # 75 of the 70 points that apply, brought back to 100
    _, rows = summary_rows(ruleset, [result])
    assert rows[0][2:4] == ["不适用", "75"]
    rows = {row.number: row for row in build_sheet(ruleset, result).rows}
    assert (rows["一"].score, rows["一"].unscored, rows["一"].explanation) == ("不适用", False,
                                                                              "下级指标均不适用于本单位，本项不计分")


def test_the_portal_sheet_shows_consequences_quota_and_not_applicable(tmp_path):
    ruleset = load(tmp_path)
    results = batch(ruleset)
    template = Engine(dirs=["web/templates"]).get_template("web/sheet.html")

    def page(unit):
        return template.render(Context({"sheet": build_sheet(ruleset, results[unit]), "meta": "", "digest": "",
                                        "adjust_unit": ""}))

    yi = page("乙县")
    assert '<tr><th>后果</th><td colspan="3" id="sheet-consequences">通报批评</td></tr>' in yi
    assert ('<p class="outcome">不得评为A：迟报且投诉3次以上的取消评优资格 — 迟报：是；投诉次数：3；后果：通报批评'
            f'（依据：{BASIS}：条款）</p>') in yi
    assert "<td>一.1</td><td>港口管理</td><td class=\"text\">建立得40分。</td><td>40</td>\n<td></td><td>不适用</td>" in yi
    assert '<tr class="">\n<td>一.1</td>' in yi  # not marked unscored
    assert "<td>100<br>权重30%</td>" in yi
    assert '<td id="sheet-grade">B（原为A，优秀比例不超过40%）</td>' in page("丙县")
    assert "sheet-consequences" not in page("甲县")


# --- JSON -----------------------------------------------------------------------------


def test_json_carries_weights_not_applicable_consequences_and_quota(tmp_path):
    ruleset = load(tmp_path)
    results = batch(ruleset)
    document = result_document(ruleset, results["乙县"])
    keys = list(document)
    assert keys[keys.index("grade") + 1] == "quota" and document["quota"] is None
    assert keys[keys.index("outcomes") + 1] == "consequences" and document["consequences"] == ["通报批评"]
    assert document["outcomes"][0]["exclude"] == ["A"] and document["outcomes"][0]["effect"] is None
    items = {row["id"]: row for row in document["items"]}
    assert list(items["一"])[:8] == ["id", "title", "parent", "level", "bonus", "max", "weight", "not_applicable"]
    assert (items["一"]["weight"], items["一.1"]["weight"], items["一.1"]["not_applicable"], items["一.1"]["score"],
            items["一.2"]["not_applicable"]) == ("0.3", None, True, None, False)
    assert "derived" not in items["二.1"]  # no item of this ruleset reads another assessment's results
    assert result_document(ruleset, results["丙县"])["quota"] == {"label": "A", "text": "优秀比例不超过40%"}

    plain = one_item_ruleset(tmp_path / "plain", "method: all_or_nothing\nstandard: 做到得分", "100")
    document = result_document(plain, evaluate(plain, [evidence(plain, "甲县", {"values": {"X": True}})])[0])
    assert not {"quota", "consequences"} & set(document)
    assert "warnings" not in document["evidence"]
    assert list(document["items"][0])[:7] == ["id", "title", "parent", "level", "bonus", "max", "score"]


def test_a_value_from_another_assessment_is_shown_with_its_source(tmp_path):
    county = load(tmp_path / "county", ruleset_id="county")
    townships = list(batch(county).values())
    (tmp_path / "city" / "甲市").mkdir(parents=True)
    (tmp_path / "city" / "甲市" / "results.json").write_text(dumps(results_document(county, townships), compact=True),
                                                           encoding="utf-8")
    body = f"""\
items:
  - {{id: 一, title: 乡镇考核结果, points: 60, method: brackets, {C}, standard: 平均80分以上得60分。,
     from_results: {{ruleset: county, take: average}}, brackets: [{{min: 80, points: 60}}, {{min: 60, points: 40}}]}}
  - {{id: 二, title: 优秀乡镇比例, points: 40, method: brackets, unit: "%", {C}, standard: 40%以上得40分。,
     from_results: {{ruleset: county, take: share, grade: A}}, brackets: [{{min: 40, points: 40}}, {{min: 0, points: 0}}]}}
"""
    city = load_ruleset(write(tmp_path / "city", ruleset_text(body, ruleset_id="city")))
    path = write(tmp_path / "city", "unit: 甲县\nruleset: city\nvalues:\n  一: {results: 甲市/results.json}\n"
                                    "  二: {results: 甲市/results.json}\n", "甲县.yaml")
    result = evaluate(city, [load_evidence(path, city)])[0]
    rows = {row.number: row for row in build_sheet(city, result).rows}
    assert rows["一"].score == "40"
    assert rows["一"].explanation.startswith("取自考核 county 的评分结果（甲市/results.json，摘要 ")
    assert "5个单位平均总分75.32分" in rows["一"].explanation
    items = {row["id"]: row for row in result_document(city, result)["items"]}
    assert items["一"]["derived"] == rows["一"].explanation.split("；")[0]
    assert items["二"]["derived"].endswith("：5个单位中A等2个，占40%")


# --- kaohe check ----------------------------------------------------------------------


def test_check_does_not_count_not_applicable_as_missing(tmp_path):
    ruleset = load(tmp_path)
    check = self_check(ruleset, evidence(ruleset, "乙县"))
    assert check.ready and not check.missing_values
    assert [x.item.id for x in check.not_applicable] == ["一.1"]
    shown = check_text(ruleset, check)
    assert "填报为不适用（1项，共40分，不计分，按得分率折算；请确认确实不适用）：\n  一.1 港口管理：40分\n" in shown
    assert ("  二.1 质量投入：还可增加20分（现30/50；折算后总分最多增加约15.91分）—— 填报8000万元，折合0.8亿元；"
            "实际0.8亿元，属「0.5亿元及以上不足1亿元」档，得30分") in shown
    assert (f"已触发：迟报且投诉3次以上的取消评优资格（依据：{BASIS}）— 迟报：是；投诉次数：3；后果：通报批评"
            in shown)
    assert shown.endswith("\n可以报送\n")
    document = check_document(ruleset, check)
    assert (document["not_applicable"], document["missing_values"], document["quota"]) == (["一.1"], [], None)
    assert document["headroom"][0] == {"id": "二.1", "points": "20", "on_total": "15.91"}
    assert document["result"]["consequences"] == ["通报批评"]


def test_check_of_one_unit_does_not_apply_a_quota_of_the_batch(tmp_path):
    ruleset = load(tmp_path)
    check = self_check(ruleset, evidence(ruleset, "丙县"))
    assert check.result.grade == "A"  # alone, 40% of one unit would be none
    shown = check_text(ruleset, check)
    assert ("注意：A有名额限制（优秀比例不超过40%），须与其他单位的总分比较后确定；自查时未按名额调整，"
            "未进入名额的为B。") in shown
    assert check_document(ruleset, check)["quota"] == {"label": "A", "text": "优秀比例不超过40%"}
    rising = self_check(ruleset, evidence(ruleset, "乙县", dict(UNITS["乙县"], facts={"late": False,
                                                                                     "complaints": 0})))
    assert "升到B：总分达到80分，还差7.27分。\n" in check_text(ruleset, rising)


def test_check_says_last_years_grade_cannot_be_judged_without_history(tmp_path):
    ruleset = load(tmp_path)
    data = dict(UNITS["戊县"])
    del data["history"]
    check = self_check(ruleset, evidence(ruleset, "戊县", data))
    assert check.unjudged == ("结果规则“连续两年被评为D级的约谈”读取本单位2013年度的等次，材料中没有（history），"
                              "无法判断，按未触发计",)
    assert f"说明：{check.unjudged[0]}。\n" in check_text(ruleset, check)
    assert check_document(ruleset, check)["unjudged"] == list(check.unjudged)
    assert check.ready and not check.result.fired
    # a unit whose grade this year is not D: the rule cannot fire whatever last year was, so nothing is said
    assert self_check(ruleset, evidence(ruleset, "甲县")).unjudged == ()
    # with the history given it fires, and the consequence is listed
    shown = check_text(ruleset, self_check(ruleset, evidence(ruleset, "戊县")))
    assert "说明：" not in shown
    assert "— 本年度等次为D；2013年度等次为D；后果：约谈主要负责人\n" in shown


def test_check_prints_value_warnings_with_their_place(tmp_path):
    ruleset = one_item_ruleset(tmp_path, """\
        method: brackets
        unit: "%"
        standard: 90%以上得10分。
        brackets: [{min: 90, points: 10}, {min: 0, points: 0}]""", "10")
    path = write(tmp_path, 'unit: 甲县\nruleset: t\nvalues:\n  X: 0.936\n', "甲县.yaml")
    check = self_check(ruleset, load_evidence(path, ruleset))
    shown = check_text(ruleset, check)
    assert (f"请核对以下填报值（1项提醒，不影响报送）：\n  提醒：{path}:4:6：X「测试项」：填报值 0.936% 可能是小数形式的比率："
            "若指 93.6%，应填 93.6（指标 X「测试项」）；请核对后再报送；确认无误可不理会\n") in shown
    assert shown.endswith("\n可以报送\n")
    document = check_document(ruleset, check)
    assert document["result"]["evidence"]["warnings"] == [{
        "location": f"{path}:4:6", "path": "指标 X「测试项」",
        "message": "X「测试项」：填报值 0.936% 可能是小数形式的比率：若指 93.6%，应填 93.6",
        "hint": "请核对后再报送；确认无误可不理会"}]
    assert "not_applicable" not in document and "unjudged" not in document and "quota" not in document


# --- kaohe lint -----------------------------------------------------------------------


def lint_messages(tmp_path, body=BODY, quota=QUOTA, header_changes=()):
    content = text(body, quota)
    for old, new in header_changes:
        content = content.replace(old, new, 1)
    return [f.message for f in lint_path(write(tmp_path, content))]


def test_lint_of_the_example_finds_where_not_applicable_items_fold(tmp_path):
    assert lint_messages(tmp_path) == [
        "一.1 可以不适用，折算（rescale）写在细则顶层，本项「日常考核」自身不折算：不适用时本项按适用指标得分之和计，"
        "在总分中按得分率折算；若文件要求在本项内折算，在本项写 rescale: true（两种写法总分不同）"]
    folded_here = BODY.replace("    weight: 0.3\n", "    weight: 0.3\n    rescale: true\n")
    assert lint_messages(tmp_path, folded_here) == []


def test_lint_weights_that_do_not_add_up(tmp_path):
    body = BODY.replace("weight: 0.7", "weight: 0.6")
    messages = lint_messages(tmp_path, body, header_changes=[("scale: 100", "scale: 90")])
    assert "各顶层指标的权重合计为 90%（一 30%、二 60%），不是100%：请核对文件中的比例" in messages
    partial = BODY.replace("    weight: 0.7\n", "").replace("points: 100\n    weight: 0.3", "points: 100\n    weight: 0.3")
    messages = lint_messages(tmp_path, partial, header_changes=[("scale: 100", "scale: 130")])
    assert ("只有部分顶层指标设了权重：二「年终考核」 没有权重，按分值全额计入总分；若文件给各部分都规定了比例，"
            "请都写上 weight") in messages


def test_lint_quotas_that_limit_nothing_or_leave_no_place(tmp_path):
    def quota_messages(quota):
        return [m for m in lint_messages(tmp_path, quota=quota) if "名额" in m]

    assert quota_messages("  quotas: [{label: A, share: 1}]\n") == [
        "等次 A 的名额（比例不超过100%）不少于被考核单位数（名单 5 个）：不起限制作用"]
    assert quota_messages("  quotas: [{label: A, count: 5, text: 优秀不超过5个}]\n") == [
        "等次 A 的名额（优秀不超过5个）不少于被考核单位数（名单 5 个）：不起限制作用"]
    assert quota_messages("  quotas: [{label: A, share: 0.1}]\n") == [
        "等次 A 的名额（比例不超过10%）按名单 5 个单位计为0个：没有单位能评为A"]
    assert quota_messages("  quotas: [{label: B, share: 0.4}, {label: A, count: 1}]\n") == [
        "名额按书写顺序处理：B 的名额写在 A 之前，A 超出名额降为B的单位不再受 B 的名额限制；请把较高等次的名额写在前面"]
    assert quota_messages("  quotas: [{label: A, count: 1}, {label: B, share: 0.4}]\n") == []


def test_lint_a_quota_on_a_band_no_total_reaches(tmp_path):
    messages = lint_messages(tmp_path, quota="  quotas: [{label: A, count: 1}]\n",
                             header_changes=[("{label: A, min: 90,", "{label: A, min: 120,")])
    assert "等次 A 的名额（至多1个）所限的等次下限 120 分高于可能的最高分 100 分：没有单位能达到，名额不起作用" in messages


def test_lint_outcome_rules_that_can_never_fire_or_do_nothing(tmp_path):
    body = BODY + f"""\
  - id: never
    title: 自相矛盾
    when: {{all: [{{fact: complaints, at_least: 5}}, {{fact: complaints, below: 3}}]}}
    then: {{consequence: 约谈}}
    {C}
  - id: both
    title: 等次矛盾
    when: {{all: [{{grade: A}}, {{grade: D}}]}}
    then: {{consequence: 约谈}}
    {C}
  - id: yes_no
    title: 是否矛盾
    when: {{all: [{{fact: late, is: true}}, {{any: [{{fact: complaints, at_least: 1}}, {{fact: late, is: true}}]}},
                 {{fact: late, is: false}}]}}
    then: {{exclude: [C, D]}}
    {C}
"""
    messages = lint_messages(tmp_path, body)
    assert "结果规则“自相矛盾”永远不会触发：“投诉次数”≥5；“投诉次数”<3，不可能同时成立" in messages
    assert "结果规则“等次矛盾”永远不会触发：本年度等次为A；本年度等次为D，不可能同时成立" in messages
    assert "结果规则“是否矛盾”永远不会触发：事实 late 既要为“是”又要为“否”" in messages
    assert "结果规则“是否矛盾”不得评为D，但D已是最低等次，无处可降：这一条不起作用" in messages
    assert not any("迟报且投诉" in m or "没有被任何" in m for m in messages)  # facts read inside all: count


def test_lint_excess_as_bonus_when_the_bonus_items_fill_the_cap(tmp_path):
    body = f"""\
bonus_cap: 5
items:
  - id: 一
    title: 工作
    points: 100
    {C}
    children:
      - {{id: 一.1, title: 标准制定, points: 100, max: 110, excess: bonus, method: add_per, per: 20, counted: 项,
         standard: 每项20分。}}
  - id: 二
    title: 加分
    points: 5
    bonus: true
    {C}
    children:
      - {{id: 二.1, title: 获奖, points: 5, method: all_or_nothing, standard: 获奖加5分。}}
"""
    assert lint_messages(tmp_path, body, quota="") == [
        "超出分值的部分计入加分（excess: bonus），而加分项合计最多 5 分，已可达加分上限 5 分：加分项得满时，"
        "本项超出的部分不再计入总分"]


RANKED = f"""\
facts:
  fraud: {{title: 弄虚作假, kind: yes_no}}
items:
  - {{id: 一, title: 工作, points: 100, method: all_or_nothing, {C}, standard: 做到得分。}}
outcomes:
  - id: fraud
    title: 弄虚作假的不得评为优秀
    when: {{fact: fraud, is: true}}
    then: {{exclude: 优秀}}
    {C}
"""
RANKS = """\
grading:
  citation: {source: s, clause: 第五条, text: 按名次。}
  by: rank
  ranks: [{label: 优秀, count: 1}, {label: 良好, share: 0.4}, {label: 合格}]
  reserved: [不合格]
"""


def ranked(tmp_path, ranks=RANKS, body=RANKED, name="ruleset.yaml"):
    content = ruleset_text(body)
    start, end = content.index("grading:"), content.index("    - {label: D}\n") + len("    - {label: D}\n")
    return write(tmp_path, content[:start] + ranks + content[end:], name)


def test_lint_a_reserved_grade_no_rule_gives(tmp_path):
    assert [f.message for f in lint_path(ranked(tmp_path))] == [
        "等次 不合格 只能由结果规则给出（reserved），但没有结果规则直接定为不合格（force_grade）：没有单位会评为不合格"]


# --- kaohe diff -----------------------------------------------------------------------


def test_diff_words_the_second_pass_of_the_language(tmp_path):
    before = BODY.replace("    weight: 0.3\n", "").replace("    weight: 0.7\n", "").replace("rescale: true\n", "")
    before = before.replace(", may_not_apply: true", "").replace(", unit_required: true", "")
    before = before.replace("rate: 满意率, ", "")
    before = before[:before.index("outcomes:")] + f"""\
outcomes:
  - id: bad
    title: 迟报且投诉3次以上的取消评优资格
    when: {{fact: late, is: true}}
    then: {{downgrade: 1}}
    {C}
"""
    old = load_ruleset(write(tmp_path, ruleset_text(before, scale="200"), "old.yaml"))
    new = load(tmp_path, BODY.replace("    weight: 0.3\n", "    weight: 0.3\n    rescale: true\n"), name="new.yaml")
    changes = {(c.section, c.key): (c.kind, c.detail) for c in diff(old, new)}
    assert changes[("指标", "一")] == ("修改", "权重 无 → 30%；不适用的指标改为在本项内按得分率折算")
    assert changes[("指标", "二")] == ("修改", "权重 无 → 70%")
    assert changes[("指标", "一.1")] == ("修改", "改为可以不适用（单位可填“不适用”，按得分率折算）")
    assert changes[("指标", "二.1")] == ("修改", "改为须写明计量单位")
    assert changes[("指标", "二.2")] == ("修改", "比率名称 比率 → 满意率")
    assert changes[("基本信息", "rescale")] == ("修改", "改为在总分中按得分率折算")
    assert changes[("等级", "名额 A")] == ("新增", "名额限制：优秀比例不超过40%（A 至多40%）")
    assert changes[("结果规则", "bad")] == ("修改", "“迟报”为是时降1级 → “迟报”为是且“投诉次数”≥3时不得评为A，另通报批评")
    assert changes[("结果规则", "twice")] == (
        "新增", f"本年度等次为D且上年度等次为D时约谈主要负责人；依据：{BASIS}")
    back = {(c.section, c.key): (c.kind, c.detail) for c in diff(new, old)}
    assert back[("指标", "一")] == ("修改", "权重 30% → 无；不再在本项内按得分率折算")
    assert back[("等级", "名额 A")] == ("删除", "取消名额限制：优秀比例不超过40%（A 至多40%）")
    assert back[("基本信息", "rescale")] == ("修改", "不再在总分中按得分率折算")


def test_diff_words_values_from_results_excess_and_nested_conditions(tmp_path):
    body = f"""\
bonus_cap: 5
facts:
  late: {{title: 迟报, kind: yes_no}}
  complaints: {{title: 投诉次数, kind: count}}
items:
  - id: 一
    title: 工作
    points: 100
    {C}
    children:
      - {{id: 一.1, title: 乡镇考核, points: 60, method: brackets, standard: 平均80分以上得60分。,
         brackets: [{{min: 80, points: 60}}, {{min: 60, points: 40}}]}}
      - {{id: 一.2, title: 标准制定, points: 40, max: 50, method: add_per, per: 10, counted: 项, standard: 每项10分。}}
  - id: 二
    title: 加分
    points: 5
    bonus: true
    {C}
    children:
      - {{id: 二.1, title: 获奖, points: 5, method: all_or_nothing, standard: 获奖加5分。}}
outcomes:
  - id: r
    title: 迟报
    when: {{fact: late, is: true}}
    then: {{cap_grade: B}}
    {C}
"""
    old = load_ruleset(write(tmp_path, ruleset_text(body), "old.yaml"))
    changed = body.replace("standard: 平均80分以上得60分。,", "standard: 平均80分以上得60分。, "
                                                           "from_results: {ruleset: township, take: average},")
    changed = changed.replace("max: 50, method", "max: 50, excess: bonus, method")
    changed = changed.replace("when: {fact: late, is: true}",
                              "when: {any: [{fact: late, is: true}, {all: [{fact: complaints, at_least: 3}, "
                              "{last_year_grade: [C, D]}]}]}")
    new = load_ruleset(write(tmp_path, ruleset_text(changed), "new.yaml"))
    changes = {(c.section, c.key): (c.kind, c.detail) for c in diff(old, new)}
    assert changes[("指标", "一.1")] == ("修改", "填报值 本项填报 → 取自考核 township 的平均总分")
    assert changes[("指标", "一.2")] == ("修改", "超出分值的部分改为计入加分（受加分上限约束）")
    assert changes[("结果规则", "r")] == (
        "修改", "“迟报”为是时最高为B → “迟报”为是或（“投诉次数”≥3且上年度等次为C、D）时最高为B")


def test_diff_words_rank_tiers_reserved_grades_and_vacancies(tmp_path):
    old = load_ruleset(ranked(tmp_path, name="old.yaml"))
    changed = RANKS.replace("{label: 良好, share: 0.4}", "{label: 良好, share: 0.5}").replace(
        "  reserved: [不合格]\n", "  reserved: [不合格, 较差]\n  vacancy: stay_empty\n")
    new = load_ruleset(ranked(tmp_path, changed, name="new.yaml"))
    changes = {(c.section, c.key): (c.kind, c.detail) for c in diff(old, new)}
    assert changes[("等级", "良好")] == ("修改", "名额 40% → 50%")
    assert changes[("等级", "reserved")] == ("修改", "不合格 → 不合格、较差")
    assert changes[("等级", "vacancy")] == ("修改", "由其后的单位递补 → 空缺，不递补")


# --- kaohe impact ---------------------------------------------------------------------


def test_impact_says_what_weights_folding_and_quotas_did(tmp_path):
    before = BODY.replace("    weight: 0.3\n", "").replace("    weight: 0.7\n", "")
    old = load_ruleset(write(tmp_path, text(before, "").replace("scale: 100", "scale: 200"), "old.yaml"))
    new = load(tmp_path, name="new.yaml")
    units = list(UNITS)
    result = impact(old, new, [evidence(old, u) for u in units], [evidence(new, u) for u in units])
    report = report_text(impact_report(result))
    assert "旧细则没有名额限制；新细则的名额限制（优秀比例不超过40%）使 1 个单位降为下一等次。" in report
    assert ("  丙县  188     A       95.6    B       -92.4   一 权重无→30%（计入总分90→27）；二 权重无→70%（计入总分98→68.6）；"
            "名额限制（优秀比例不超过40%）A→B\n") in report
    assert "  乙县  150     B       72.73   C       -77.27  一 权重无→30%（计入总分50→15）；二 权重无→70%（计入总分70→49）\n" \
        in report


def test_lint_names_the_section_that_folds_when_it_is_not_the_parent(tmp_path):
    body = f"""\
items:
  - id: 一
    title: 工作
    points: 100
    rescale: true
    {C}
    children:
      - id: 一.1
        title: 港口
        points: 60
        children:
          - {{id: 一.1.1, title: 码头, points: 60, method: all_or_nothing, may_not_apply: true, standard: 做到得分。}}
      - {{id: 一.2, title: 其他, points: 40, method: all_or_nothing, standard: 做到得分。}}
"""
    assert lint_messages(tmp_path, body, quota="") == [
        "一.1.1 可以不适用，折算（rescale）写在上级 一「工作」，本项「港口」自身不折算：不适用时本项按适用指标得分之和计，"
        "在一「工作」的得分中按得分率折算；若文件要求在本项内折算，在本项写 rescale: true（两种写法总分不同）"]


def test_impact_says_where_the_folding_moved(tmp_path):
    in_section = BODY.replace("rescale: true\n", "", 1).replace("    weight: 0.3\n", "    weight: 0.3\n    rescale: true\n")
    old = load(tmp_path, in_section, name="old.yaml")
    new = load(tmp_path, name="new.yaml")
    result = impact(old, new, [evidence(old, "乙县")], [evidence(new, "乙县")])
    (unit,) = result.units
    assert (unit.old.total, unit.new.total) == (Decimal("73.999"), Decimal("72.73"))  # 83.33 × 30% + 49
    assert "  乙县  73.999  C       72.73   C       -1.269  新细则在总分中按得分率折算不适用的指标\n" in report_text(
        impact_report(result))
