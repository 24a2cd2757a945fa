"""Issue 11's patterns in the workbooks and forms people fill: a checklist is a heading row and a row per case;
items counted from events or reading another item's value are read-only rows nobody fills; the 事件 sheet has a
column per declared event attribute; the target cell is open only where the unit may file a target; penalty rows
show what they deduct. Each workbook is made by the template functions, filled with openpyxl, read back."""
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.engine import KaoheError, load_evidence, load_ruleset
from kaohe.engine.entrysheet import read_party_workbook
from kaohe.engine.render.entrysheet import lead_departments, party_items, write_party_workbook
from tests.helpers import fillin_rows, fillin_template, ruleset_text, validation_rules, write

CITE = "citation: {source: s, clause: 第二条, text: 测试条款}"
BODY = f"""\
facts:
  accidents:
    title: 生产安全事故
    kind: events
    kinds: [一般, 较大, 重大]
    attributes: {{deaths: count, responsible: yes_no, sector: [工业, 农业, 服务业], loss: number, 简述: text}}
items:
  - id: 一
    title: 工作机制
    points: 40
    {CITE}
    children:
      - id: 一.1
        title: 台账管理
        points: 1
        {CITE}
        method: checklist
        faults:
          未建立台账: 0.5
          台账不全: 0.2
          未按时报送: {{per: 0.3, counted: 次}}
      - id: 一.2
        title: 合格率
        points: 10
        max: 15
        {CITE}
        method: deduct_below_target
        per: 1
        target: 90
        target_filed: true
        unit: "%"
        range: [0, 100]
      - id: 一.3
        title: 安全事故
        points: 9
        {CITE}
        method: brackets
        events: {{fact: accidents, kinds: [较大, 重大], where: {{responsible: true, deaths: {{at_least: 2}}}}}}
        direction: at_most
        brackets: [{{max: 0, points: 9}}, {{max: 1, points: 5}}]
      - id: 一.4
        title: 抽检合格率
        points: 10
        {CITE}
        method: deduct_below_target
        per: 1
        target: 80
        unit: "%"
        range: [0, 100]
      - id: 一.5
        title: 合格率复核
        points: 10
        {CITE}
        method: deduct_below_target
        per: 1
        target: 95
        unit: "%"
        range: [0, 100]
        value_of: 一.2
  - id: 二
    title: 示范创建
    points: 60
    {CITE}
    children:
      - id: 二.1
        title: 创建成效
        points: 2
        {CITE}
        provider: inspection
        method: checklist
        gains:
          获评示范区: 1
          经验推广: {{per: 0.5, counted: 次}}
      - id: 二.2
        title: 部门通报
        points: 58
        {CITE}
        provider: department
        department: 市安监局
        method: deduct_per
        per: 1
        counted: 起
        events: {{fact: accidents}}
  - id: 三
    title: 扣分项
    penalty: true
    points: 10
    {CITE}
    children:
      - {{id: 三.1, title: 发生较大质量事故, method: deduct_per, per: 2, counted: 起, noun: 发生,
          events: {{fact: accidents, kinds: [较大]}}, {CITE}}}
      - id: 三.2
        title: 其他扣分情形
        points: 3
        {CITE}
        method: checklist
        faults:
          被通报批评: 1
          迟报: {{per: 0.5, counted: 次}}
"""


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    return load_ruleset(write(tmp_path_factory.mktemp("patterns"), ruleset_text(BODY)))


template = fillin_template
rows = fillin_rows


def validations(ws) -> dict[str, tuple]:
    """Cell range → (type, operator, formula1, formula2); a dropdown's formula names its options."""
    return {cell: (rule.type, rule.operator, first, rule.formula2) for cell, (rule, first) in validation_rules(ws).items()}


def problems(path, ruleset) -> list[str]:
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(f"{Path(path).parent}/", "").splitlines()


# --- checklists -----------------------------------------------------------------------------------------------


def test_a_checklist_is_a_heading_row_and_a_row_per_case(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    lines = [[ws.cell(row, column).value for column in (1, 2, 4)] for row in range(at["一.1"], at["一.2"])]
    assert lines == [
        ["一.1", "台账管理", "在下列扣分情形逐项填写：有此情形填“是”，没有填“否”；按次计分的填次数，没有填0"],
        ["一.1｜未建立台账", "　未建立台账（扣0.5分）", "是否存在（是/否）"],
        ["一.1｜台账不全", "　台账不全（扣0.2分）", "是否存在（是/否）"],
        ["一.1｜未按时报送", "　未按时报送（每次扣0.3分）", "次数（次），不小于0的整数"],
    ]
    rules = validations(ws)
    heading, case, counted = at["一.1"], at["一.1｜未建立台账"], at["一.1｜未按时报送"]
    assert rules[f"F{case}"] == ("list", None, ("是", "否"), None)
    assert rules[f"F{counted}"] == ("whole", "greaterThanOrEqual", "0", None)
    assert f"F{heading}" not in rules
    # the heading row takes 佐证材料, 自评得分 and 备注; the case rows only their answer
    assert [ws.cell(heading, c).protection.locked for c in (6, 9, 10, 11)] == [True, False, False, False]
    assert [ws.cell(case, c).protection.locked for c in (6, 9, 10, 11)] == [False, True, True, True]


def test_a_checklist_reads_back_as_case_and_times_found(ruleset, tmp_path):
    wb = template(ruleset)
    ws = wb["填报"]
    at = rows(ws)
    ws.cell(at["一.1｜未建立台账"], 6).value = "是"
    ws.cell(at["一.1｜台账不全"], 6).value = "否"
    ws.cell(at["一.1｜未按时报送"], 6).value = 2
    ws.cell(at["一.1"], 9).value = "台账检查记录.pdf"
    wb.save(tmp_path / "甲县.xlsx")
    entry = load_evidence(tmp_path / "甲县.xlsx", ruleset).entries["一.1"]
    assert (entry.value, entry.files) == ((("未建立台账", 1), ("未按时报送", 2)), ("台账检查记录.pdf",))
    assert entry.location.cell == f"F{at['一.1｜未建立台账']}"


def test_a_checklist_answered_none_found_is_not_missing(ruleset, tmp_path):
    wb = template(ruleset)
    ws = wb["填报"]
    at = rows(ws)
    for key, answer in (("一.1｜未建立台账", "否"), ("一.1｜台账不全", "否"), ("一.1｜未按时报送", 0)):
        ws.cell(at[key], 6).value = answer
    wb.save(tmp_path / "甲县.xlsx")
    assert load_evidence(tmp_path / "甲县.xlsx", ruleset).entries["一.1"].value == ()


def test_a_checklist_with_no_case_answered_is_missing(ruleset, tmp_path):
    wb = template(ruleset)
    wb.save(tmp_path / "甲县.xlsx")
    evidence = load_evidence(tmp_path / "甲县.xlsx", ruleset)
    assert evidence.entries["一.1"].value is None and evidence.entries["三.2"].value is None


def test_checklist_answers_of_the_wrong_kind_are_refused_at_their_cells(ruleset, tmp_path):
    wb = template(ruleset)
    ws = wb["填报"]
    at = rows(ws)
    yes_no, counted = at["一.1｜未建立台账"], at["一.1｜未按时报送"]
    ws.cell(yes_no, 6).value = 1  # typed past the dropdown
    ws.cell(counted, 6).value = "是"
    ws.cell(at["三.2｜迟报"], 6).value = 1.5
    wb.save(tmp_path / "甲县.xlsx")
    late = at["三.2｜迟报"]
    assert problems(tmp_path / "甲县.xlsx", ruleset) == [
        f"甲县.xlsx › 填报 › F{yes_no}: 应填 是/否，实际为数字 1（指标 一.1「台账管理」）",
        "  提示：有“未建立台账”的情形填“是”，没有填“否”",
        f"甲县.xlsx › 填报 › F{counted}: 应填不小于0的整数（次数），实际为文字 \"是\"（指标 一.1「台账管理」）",
        "  提示：填“未按时报送”发生的次数，没有发生填0",
        f"甲县.xlsx › 填报 › F{late}: 应填不小于0的整数（次数），实际为数字 1.5（指标 三.2「其他扣分情形」）",
        "  提示：填“迟报”发生的次数，没有发生填0",
    ]


# --- items that take no entry of their own ---------------------------------------------------------------------


def test_items_counted_from_events_or_reading_another_item_are_read_only_rows(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    shown = {key: (ws.cell(at[key], 4).value, ws.cell(at[key], 6).value) for key in ("一.3", "一.5", "三.1")}
    assert shown == {
        "一.3": ("无需单独填报：按“事件”表中的「生产安全事故」计数（较大、重大；responsible 为是，deaths 不少于2）",
                 "按“事件”表中的「生产安全事故」计数（较大、重大；responsible 为是，deaths 不少于2）"),
        "一.5": ("无需单独填报：同 一.2 的填报值", "同 一.2 的填报值"),
        "三.1": ("无需单独填报：按“事件”表中的「生产安全事故」计数（较大）", "按“事件”表中的「生产安全事故」计数（较大）"),
    }
    rules = validations(ws)
    for key in shown:
        row = at[key]
        assert [ws.cell(row, c).protection.locked for c in (6, 8, 9, 10, 11)] == [True] * 5
        assert ws.cell(row, 6).fill.fgColor.rgb == "00E7E6E6"
        assert not [where for where in rules if where in (f"F{row}", f"J{row}")]
    assert "二.2" in at  # a department's item counted from events: read-only too, and no department's to fill
    assert ws.cell(at["二.2"], 4).value == "无需单独填报：按“事件”表中的「生产安全事故」计数"
    assert ws["A4"].value == ("黄色格子为填报格；其余格子受保护；灰色行由考核组或牵头部门评定，本单位不填；"
                              "填报值栏写着“按‘事件’表……”或“同……的填报值”的灰色行无需单独填报。填写说明见“说明”表。")


def test_a_value_written_into_a_read_only_row_is_not_read(ruleset, tmp_path):
    wb = template(ruleset)
    ws = wb["填报"]
    at = rows(ws)
    ws.cell(at["一.2"], 6).value = 93.5
    for key in ("一.3", "一.5", "三.1"):  # protected cells written all the same
        ws.cell(at[key], 6).value = 1
        ws.cell(at[key], 10).value = 5
    wb.save(tmp_path / "甲县.xlsx")
    evidence = load_evidence(tmp_path / "甲县.xlsx", ruleset)
    assert evidence.entries["一.2"].value == Decimal("93.5")
    assert not {"一.3", "一.5", "三.1", "二.2"} & set(evidence.entries)


# --- event attributes -----------------------------------------------------------------------------------------


def test_the_event_sheet_has_a_column_per_declared_attribute(ruleset):
    ws = template(ruleset)["事件"]
    assert [c.value for c in ws[1]] == ["事实", "类型", "日期", "事件名称", "佐证材料",
                                        "deaths", "responsible", "sector", "loss", "简述"]
    rules = validations(ws)
    assert rules["F2:F51"] == ("whole", "greaterThanOrEqual", "0", None)
    assert rules["G2:G51"] == ("list", None, ("是", "否"), None)
    assert rules["H2:H51"] == ("list", None, ("工业", "农业", "服务业"), None)
    assert rules["I2:I51"][0] == "decimal"
    assert "J2:J51" not in rules and ws["J2"].number_format == "@"  # text: typed digits stay text
    assert ws["J51"].protection.locked is False


def fill_events(ws, events: list[tuple]) -> None:
    for row, event in enumerate(events, start=2):
        for column, value in enumerate(event, start=1):
            ws.cell(row, column).value = value


def test_event_attributes_read_back_into_each_event(ruleset, tmp_path):
    wb = template(ruleset)
    at = rows(wb["填报"])
    wb["填报"].cell(at["事实：accidents"], 6).value = "有"
    fill_events(wb["事件"], [("生产安全事故", "较大", "2014-03-01", "某厂爆炸", None, 2, "是", "工业", 1.5, "12号"),
                             ("生产安全事故", "一般", "2014-04-01", "小事故", None, 0, "否", None, None, None)])
    wb.save(tmp_path / "甲县.xlsx")
    first, second = load_evidence(tmp_path / "甲县.xlsx", ruleset).facts["accidents"]
    assert first.attributes == (("deaths", 2), ("responsible", True), ("sector", "工业"), ("loss", Decimal("1.5")),
                                ("简述", "12号"))
    assert second.attributes == (("deaths", 0), ("responsible", False))


def test_an_attribute_outside_its_choices_is_refused_at_its_cell(ruleset, tmp_path):
    wb = template(ruleset)
    at = rows(wb["填报"])
    wb["填报"].cell(at["事实：accidents"], 6).value = "有"
    fill_events(wb["事件"], [("生产安全事故", "较大", "2014-03-01", "某厂爆炸", None, 2.5, "是", "矿业")])
    wb.save(tmp_path / "甲县.xlsx")
    found = problems(tmp_path / "甲县.xlsx", ruleset)
    assert [line.split(": ")[0] for line in found if not line.startswith(" ")] == [
        "甲县.xlsx › 事件 › F2", "甲县.xlsx › 事件 › H2"]


def test_an_event_row_with_only_attributes_needs_its_fact(ruleset, tmp_path):
    wb = template(ruleset)
    fill_events(wb["事件"], [(None, None, None, None, None, 1)])
    wb.save(tmp_path / "甲县.xlsx")
    assert problems(tmp_path / "甲县.xlsx", ruleset)[0] == "甲县.xlsx › 事件 › A2: 这一行填了事件，但没有填“事实”列"


# --- targets and penalty rows ---------------------------------------------------------------------------------


def test_the_target_cell_is_open_only_where_the_unit_files_its_target(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    filed, fixed = at["一.2"], at["一.4"]
    assert (ws.cell(filed, 7).value, ws.cell(fixed, 7).value) == (90, 80)
    assert (ws.cell(filed, 8).protection.locked, ws.cell(filed, 8).fill.fgColor.rgb) == (False, "00FFF2CC")
    assert (ws.cell(fixed, 8).protection.locked, ws.cell(fixed, 8).fill.fgColor.rgb) == (True, "00E7E6E6")
    rules = validations(ws)
    assert rules[f"H{filed}"] == ("decimal", "between", "0", "100") and f"H{fixed}" not in rules


def test_a_filed_target_reads_back(ruleset, tmp_path):
    wb = template(ruleset)
    at = rows(wb["填报"])
    wb["填报"].cell(at["一.2"], 8).value = 95
    wb.save(tmp_path / "甲县.xlsx")
    assert load_evidence(tmp_path / "甲县.xlsx", ruleset).targets == {"一.2": Decimal(95)}


def test_penalty_rows_say_what_they_deduct_and_self_scores_are_deductions(ruleset):
    ws = template(ruleset)["填报"]
    at = rows(ws)
    assert (ws.cell(at["三.1"], 2).value, ws.cell(at["三.2"], 2).value) == \
        ("发生较大质量事故（扣分项）", "其他扣分情形（最多扣3分）")
    rules = validations(ws)
    assert rules[f"J{at['三.2']}"] == ("decimal", "between", "-3", "0")
    assert rules[f"J{at['一.2']}"] == ("decimal", "between", "0", "15")  # up to the item's own cap


def test_the_instructions_explain_the_patterns(ruleset):
    ws = template(ruleset)["说明"]
    lines = [ws.cell(row, 1).value for row in range(1, ws.max_row + 1)]
    assert lines[8] == ("7. “事件”表“佐证材料”之后各列是细则要求逐起填写的事件情况：deaths（个数，不小于0的整数）；"
                        "responsible（是/否）；sector（从“工业/农业/服务业”中选择）；loss（数值）；简述（文字）。"
                        "是/否和可选值从下拉列表选择，个数、数值只填数字。")
    assert lines[9].startswith("8. 扣分清单（或加分清单）项目在标题行下逐条填写")
    assert lines[10].startswith("9. 填报值栏写着“按‘事件’表中的……计数”的项目")
    assert lines[11].startswith("10. 标为“扣分项”或“最多扣N分”的项目在百分之外扣分")
    assert lines[12].startswith("11. 填好后用 kaohe check 自查")


# --- party workbooks ------------------------------------------------------------------------------------------


def test_a_party_never_fills_an_item_counted_from_events(ruleset):
    assert [item.id for item in party_items(ruleset, "inspection", "第一组")] == ["二.1"]
    assert party_items(ruleset, "department", "市安监局") == [] and lead_departments(ruleset) == ()


def party_workbook(ruleset, answers: dict[str, object], path: Path) -> Path:
    wb = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县", "乙县"])))
    ws = wb["录入"]
    for row in range(9, ws.max_row + 1):
        key = (ws.cell(row, 2).value, ws.cell(row, 3).value)
        if key in answers:
            ws.cell(row, 8).value = answers[key]
    wb.save(path)
    return path


def test_the_party_workbook_asks_a_checklist_case_by_case(ruleset):
    ws = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县"])))["录入"]
    assert [[ws.cell(row, column).value for column in (1, 3, 4, 6, 7)] for row in range(9, ws.max_row + 1)] == [
        [1, "二.1", "创建成效", "2", "在下列加分情形逐项填写：有此情形填“是”，没有填“否”；按次计分的填次数，没有填0"],
        [None, "二.1｜获评示范区", "　获评示范区（加1分）", None, "是否存在（是/否）"],
        [None, "二.1｜经验推广", "　经验推广（每次加0.5分）", None, "次数（次），不小于0的整数"],
    ]
    assert [ws.cell(8, column).value for column in (8, 9, 10)] == ["填报值", "备注", "录入人"]
    assert ws.cell(9, 8).protection.locked and not ws.cell(10, 8).protection.locked


def test_the_party_workbook_reads_a_checklist_back_per_unit(ruleset, tmp_path):
    path = party_workbook(ruleset, {("甲县", "二.1｜获评示范区"): "是", ("甲县", "二.1｜经验推广"): 3,
                                    ("乙县", "二.1｜获评示范区"): "否", ("乙县", "二.1｜经验推广"): 0}, tmp_path / "评定表.xlsx")
    sheet = read_party_workbook(path, ruleset)
    assert [(e.unit, e.item_id, e.data, e.location.cell) for e in sheet.entries] == [
        ("甲县", "二.1", {"value": {"获评示范区": Decimal(1), "经验推广": Decimal(3)}}, "H10"),
        ("乙县", "二.1", {"value": {"获评示范区": Decimal(0), "经验推广": Decimal(0)}}, "H13"),
    ]


def test_a_wrong_checklist_answer_in_the_party_workbook_names_unit_item_and_cell(ruleset, tmp_path):
    path = party_workbook(ruleset, {("甲县", "二.1｜获评示范区"): "有", ("甲县", "二.1｜经验推广"): 1},
                          tmp_path / "评定表.xlsx")
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(path, ruleset)
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines() == [
        "评定表.xlsx › 录入 › H10: 应填 是/否，实际为文字 \"有\"（甲县 › 二.1 创建成效）",
        "  提示：有“获评示范区”的情形填“是”，没有填“否”",
    ]


# --- the inspection group's web form --------------------------------------------------------------------------

WEB_CODE, WEB_GROUP, WEB_INSPECTOR = "pt", "第一组", "第一组组长"
WEB_PAGE = "/group/units/甲县/"


@pytest.fixture
def web_round(ruleset, tmp_path):
    """A round of this ruleset in a fresh SQLite database, 甲县 and 乙县 with 第一组, its leader a user."""
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
    with override_settings(PRIVATE_DIR=tmp_path / "private"):
        yield tmp_path
    close_connections()


def web_entries() -> list[tuple]:
    from kaohe.round import jsondata
    from kaohe.round.models import Entry
    return [(e.unit, e.item_id, jsondata.load(e.data)) for e in Entry.objects.order_by("id")]


def test_the_group_form_asks_each_checklist_case(web_round):
    from tests.test_web_party import form
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    text = page(browser.get(WEB_PAGE))
    assert "获评示范区（加1分）" in text and "经验推广（每次加0.5分）" in text
    assert 'name="value-0-1" value="" min="0" step="1"' in text and "部门通报" not in text
    assert form(browser, WEB_PAGE) == {"seen-0": "", "value-0-0": "", "value-0-1": "", "note-0": ""}


def test_a_checklist_entered_on_the_form_is_recorded_case_by_case(web_round):
    from tests.test_web_party import form
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    data = form(browser, WEB_PAGE) | {"value-0-0": "是", "value-0-1": "2"}
    response = browser.post(WEB_PAGE, data)
    assert response.status_code == 302
    assert web_entries() == [("甲县", "二.1", {"value": {"获评示范区": Decimal(1), "经验推广": Decimal(2)}})]
    text = page(browser.get(WEB_PAGE))
    assert "<strong>获评示范区；经验推广2次</strong>" in text
    assert '<select name="value-0-0"><option value="">（未填）</option><option selected>是</option>' in text
    assert form(browser, WEB_PAGE)["value-0-1"] == "2"


@pytest.mark.parametrize("answers, message", [
    ({"value-0-0": "是"}, "甲县 二.1 创建成效：请逐条填写，未填：经验推广"),
    ({"value-0-0": "是", "value-0-1": "1.5"}, "甲县 二.1 创建成效：「经验推广」的次数应为不小于0的整数，实际填了“1.5”"),
    ({"value-0-0": "有", "value-0-1": "1"}, "甲县 二.1 创建成效：「获评示范区」应选“是”或“否”，实际为“有”"),
])
def test_a_checklist_answered_in_part_or_wrongly_is_refused(web_round, answers, message):
    from tests.test_web_party import form
    from tests.web_helpers import client, page
    browser = client(WEB_INSPECTOR)
    response = browser.post(WEB_PAGE, form(browser, WEB_PAGE) | answers)
    assert response.status_code == 400 and message in page(response)
    assert web_entries() == []


def test_a_party_workbook_row_for_an_item_counted_from_events_is_refused(ruleset, tmp_path):
    wb = load_workbook(io.BytesIO(write_party_workbook(ruleset, "inspection", "第一组", ["甲县"])))
    ws = wb["录入"]
    ws["C9"], ws["H9"] = "二.2", 1  # a row edited to name the department's item counted from events
    wb.save(tmp_path / "评定表.xlsx")
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(tmp_path / "评定表.xlsx", ruleset)
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines()[:2] == [
        "评定表.xlsx › 录入 › C9: 指标 二.2「部门通报」按单位填报的「生产安全事故」事件计分，无需填报",
        "  提示：本表只能填考核组“第一组”评定的指标：二.1",
    ]
