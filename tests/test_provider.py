"""Who provides each value: `provider:` in the ruleset, the unit's workbook, the self-check, the party workbooks."""
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.engine import PROVIDERS, KaoheError, evidence_from_data, load_evidence, load_ruleset, read_party_workbook
from kaohe.engine.diff import diff
from kaohe.engine.loading import read_document
from kaohe.engine.render.entrysheet import write_party_workbook
from tests.helpers import D, ruleset_text, write
from tests.test_fillin import fill, fill_party

ROOTS = Path(__file__).parent.parent / "rulesets"
WENZHOU = load_ruleset(ROOTS / "wenzhou-2014")

ITEMS = """\
items:
  - id: 一
    title: 质量目标
    points: 60
    citation: {source: s, clause: 第四条, text: 质量目标}
    provider: department
    department: 市环保局、市住建委
    children:
      - {id: 一.1, title: 地表水水质, points: 20, method: all_or_nothing}
      - {id: 一.2, title: 工程质量, points: 20, method: judged, department: 市住建委}
      - {id: 一.3, title: 质量工作方案, points: 20, method: all_or_nothing, provider: unit}
  - id: 二
    title: 质量措施
    points: 40
    citation: {source: s, clause: 第四条, text: 质量措施}
    children:
      - {id: 二.1, title: 宣传氛围, points: 20, method: judged}
      - {id: 二.2, title: 品牌培育, points: 20, method: all_or_nothing, department: 市质监局}
"""


def problems(folder: Path, body: str) -> list[str]:
    with pytest.raises(KaoheError) as caught:
        load_ruleset(write(folder, ruleset_text(body)))
    return str(caught.value).replace(f"{folder}/", "").splitlines()


# --- 1. provider in the ruleset language ------------------------------------------------------------------


def test_providers_are_named_in_chinese():
    assert PROVIDERS == {"unit": "单位", "inspection": "考核组", "department": "牵头部门"}


def test_defaults_and_what_a_section_passes_down(tmp_path):
    ruleset = load_ruleset(write(tmp_path, ruleset_text(ITEMS)))
    assert [(i.id, i.provider, i.department) for i in ruleset.leaves()] == [
        ("一.1", "department", "市环保局、市住建委"),  # the section's provider and department
        ("一.2", "department", "市住建委"),  # judged, yet the section says who: its lead department
        ("一.3", "unit", "市环保局、市住建委"),  # says otherwise
        ("二.1", "inspection", ""),  # judged: the inspection group, by default
        ("二.2", "unit", "市质监局"),  # a department alone does not make it the department's
    ]
    assert [(i.provider_label, i.departments) for i in ruleset.leaves()][:2] == [
        ("牵头部门（市环保局、市住建委）", ("市环保局", "市住建委")), ("牵头部门（市住建委）", ("市住建委",))]


def test_departments_split_on_every_separator_but_not_inside_brackets():
    from kaohe.engine.model import Item
    def departments(text): return Item("x", "x", D(1), None, department=text).departments  # noqa: E704
    assert departments("市住建委、市交通运输局，市水利局,市环保局; 市质监局；市财政局") == (
        "市住建委", "市交通运输局", "市水利局", "市环保局", "市质监局", "市财政局")
    assert departments("各县（市、区）政府") == ("各县（市、区）政府",)
    assert departments("") == ()


def test_a_department_provider_needs_a_department(tmp_path):
    body = ITEMS.replace("    department: 市环保局、市住建委\n", "")
    assert problems(tmp_path, body) == [
        'ruleset.yaml:25:9: 指标 一.1「地表水水质」由牵头部门评定（provider: department），'
        '但本项和上级指标都没有写明考核牵头部门 "department"（一.1）',
        "  提示：在本项或其上级指标写明 department，例如 department: 市环保局",
    ]
    body = ITEMS.replace("method: all_or_nothing, department: 市质监局", "method: all_or_nothing, provider: department")
    assert problems(tmp_path, body)[0] == (
        'ruleset.yaml:35:78: 指标 二.2「品牌培育」由牵头部门评定（provider: department），'
        '但本项和上级指标都没有写明考核牵头部门 "department"（二.2 › provider）')


def test_an_unknown_provider_gets_a_close_name(tmp_path):
    assert problems(tmp_path, ITEMS.replace("provider: unit", "provider: unti")) == [
        'ruleset.yaml:28:80: 不允许的取值 "unti"，可选：unit、inspection、department（一.3「质量工作方案」 › provider）',
        '  提示：是否应为 "unit"？',
    ]


def test_the_bundled_rulesets_name_who_provides_what():
    assert {i.id: i.provider for i in WENZHOU.leaves() if i.provider != "unit"} == {
        "一.10": "department", "一.11": "department", "二.7": "inspection", "二.14": "inspection", "二.15": "inspection"}
    for name in ("hubei-2014", "hubei-2015"):
        ruleset = load_ruleset(ROOTS / name)
        assert {i.id: i.provider for i in ruleset.leaves() if i.provider != "unit"} == {
            "二.2": "inspection", "二.5": "inspection", "二.9": "department", "二.13": "inspection"}


def test_extends_carries_provider_and_diff_shows_it(tmp_path):
    write(tmp_path / "parent", ruleset_text(ITEMS, ruleset_id="p"))
    child = load_ruleset(write(tmp_path, """\
        extends: parent/ruleset.yaml
        version: "2"
        item_changes:
          override:
            一.1: {provider: unit}
            一.3: {provider: null}
            二.1: {provider: department, department: 市委宣传部}
        """, "child.yaml"))
    assert [(i.id, i.provider, i.department) for i in child.leaves()] == [
        ("一.1", "unit", "市环保局、市住建委"), ("一.2", "department", "市住建委"),
        ("一.3", "department", "市环保局、市住建委"),  # its own provider removed: the section's again
        ("二.1", "department", "市委宣传部"), ("二.2", "unit", "市质监局")]
    parent = load_ruleset(tmp_path / "parent")
    assert [(c.kind, c.key, c.detail) for c in diff(parent, child) if c.section == "指标"] == [
        ("修改", "一.1", "填报方 牵头部门（市环保局、市住建委） → 单位"),
        ("修改", "一.3", "填报方 单位 → 牵头部门（市环保局、市住建委）"),
        ("修改", "二.1", "填报方 考核组 → 牵头部门（市委宣传部）"),
    ]


# --- 2. the unit's workbook: its own items to fill, the others' read-only ---------------------------------


def fillin(ruleset=WENZHOU, unit="鹿城区"):
    from kaohe.engine.render.fillin import fillin_xlsx
    return load_workbook(io.BytesIO(fillin_xlsx(ruleset, unit)))


def test_the_unit_workbook_shows_the_others_items_read_only():
    ws = fillin()["填报"]
    rows = {ws.cell(row, 1).value: row for row in range(6, ws.max_row + 1)}
    assert [(key, ws.cell(row, 4).value, ws.cell(row, 6).value) for key, row in rows.items()
            if ws.cell(row, 6).value] == [
        ("一.10", "本单位不填：由牵头部门评定（市质监局）", "由牵头部门评定（市质监局）"),
        ("一.11", "本单位不填：由牵头部门评定（市质监局）", "由牵头部门评定（市质监局）"),
        ("二.7", "本单位不填：由考核组评定", "由考核组评定"),
        ("二.14", "本单位不填：由考核组评定", "由考核组评定"),
        ("二.15", "本单位不填：由考核组评定", "由考核组评定"),
    ]
    judged, led = rows["二.7"], rows["一.10"]
    # 填报值, 本单位备案目标, 佐证材料, 自评得分, 备注: all locked on a judged row, and on the department's row,
    # whose target the ruleset fixes (0.42): only an item marked target_filed takes the unit's own target
    assert [ws.cell(judged, column).protection.locked for column in (6, 8, 9, 10, 11)] == [True] * 5
    assert [ws.cell(led, column).protection.locked for column in (6, 8, 9, 10, 11)] == [True] * 5
    assert ws.cell(judged, 6).fill.fgColor.rgb == "00E7E6E6"
    assert not [rule for rule in ws.data_validations.dataValidation if f"F{judged}" in str(rule.sqref)]
    assert ws["A4"].value == "黄色格子为填报格；其余格子受保护；灰色行由考核组或牵头部门评定，本单位不填。填写说明见“说明”表。"


def test_reading_the_unit_workbook_back_ignores_the_others_rows(tmp_path):
    wb = fillin()
    ws = wb["填报"]
    rows = {ws.cell(row, 1).value: row for row in range(6, ws.max_row + 1)}
    ws.cell(rows["一.1"], 6).value = 93.6
    ws.cell(rows["二.7"], 6).value = 4  # a protected cell written all the same: still not the unit's value
    ws.cell(rows["二.7"], 11).value = "自评满分"
    ws.cell(rows["一.10"], 6).value = 0.1
    wb.save(tmp_path / "鹿城区.xlsx")
    evidence = load_evidence(tmp_path / "鹿城区.xlsx", WENZHOU)
    assert [key for key in evidence.entries if WENZHOU.item(key).provider != "unit"] == []
    assert (evidence.entries["一.1"].value, evidence.targets) == (D("93.6"), {})
    ws.cell(rows["一.10"], 8).value = 0.3  # a target written into the locked cell all the same: refused, not used
    wb.save(tmp_path / "鹿城区.xlsx")
    with pytest.raises(KaoheError) as refused:
        load_evidence(tmp_path / "鹿城区.xlsx", WENZHOU)
    assert str(refused.value) == (f"{tmp_path / '鹿城区.xlsx'} › 填报 › H{rows['一.10']}: 指标 一.10「特种设备万台事故率」"
                                  "的目标由细则规定（0.42起/万台），不接受单位备案（指标 一.10「特种设备万台事故率」 › 备案目标）\n"
                                  "  提示：细则中标明 target_filed: true（目标备案）的指标才可备案目标；请删去此处填写的目标")


# --- 3. kaohe check: the others' items are pending, and a verdict ------------------------------------------


def without_others(sample: str, folder: Path) -> Path:
    """A bundled sample as the unit itself submits it: the inspection group's and the department's values left out."""
    others = {item.id for item in WENZHOU.leaves() if item.provider != "unit"}
    kept, dropping = [], False
    for line in (ROOTS / "wenzhou-2014" / "samples" / sample).read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("  ") and not line.startswith("    "):  # a key under values (or targets, facts)
            dropping = line.strip().split(":")[0] in others
        if not dropping:
            kept.append(line)
    path = folder / sample
    path.write_text("".join(kept), encoding="utf-8")
    return path


def check(path: Path, *options: str):
    from click.testing import CliRunner

    from kaohe.cli.main import cli
    return CliRunner().invoke(cli, ["check", str(ROOTS / "wenzhou-2014"), str(path), *options])


PENDING = [
    "待考核组评定（3项，共14分，不需本单位填报）：",
    "  二.7 工程质量安全隐患排查和专项整治：4分",
    "  二.14 质量宣传氛围：5分",
    "  二.15 全国质量强市示范城市创建：5分",
    "待牵头部门评定（2项，共5分，不需本单位填报）：",
    "  一.10 特种设备万台事故率：3分（市质监局）",
    "  一.11 特种设备万台死亡率：2分（市质监局）",
]


def test_check_lists_the_others_items_as_pending_and_says_the_unit_can_submit(tmp_path):
    result = check(without_others("01-鹿城区.yaml", tmp_path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "暂定总分 76，暂定等次 C（5项待评定，尚未计入）"  # alone, the rank item 二.5 counts as 1st of 1
    start = lines.index("✓ 没有缺少的填报值和佐证材料。")
    assert lines[start + 1:start + 9] == PENDING + ["待评定的项目现按0分计入暂定总分，评定后总分只会增加，最多增加19分（最高95分）。"]
    assert "缺少填报值" not in result.stdout
    assert lines[-2:] == ["", "可以报送"]


def test_check_says_why_the_unit_cannot_submit_yet(tmp_path):
    result = check(without_others("09-苍南县.yaml", tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1] == "暂定总分 66.5，暂定等次 C（有未能评分的项目，现按0分计，补填后总分只会增加，最多增加4分）"
    start = lines.index("缺少填报值（1项，评分时列为“未能评分”，不会按0分计）：")
    assert lines[start:start + 12] == [
        "缺少填报值（1项，评分时列为“未能评分”，不会按0分计）：",
        "  一.6 服务质量满意度：缺少填报值，无法评分",
        "缺少佐证材料（1项）：",
        "  一.2 主要农产品质量安全监测合格率：需提交 农产品质量安全例行监测报告",
    ] + PENDING + ["待评定的项目现按0分计入暂定总分，评定后总分只会增加，最多增加19分（最高85.5分）。"]
    assert lines[-1] == "还不能报送：缺少1项填报值、1项佐证材料"


def test_check_verdict_in_json(tmp_path):
    document = json.loads(check(without_others("09-苍南县.yaml", tmp_path), "--json").stdout)
    assert (document["ready"], document["missing_values"]) == (False, ["一.6"])
    assert document["verdict"] == {
        "ready": False, "text": "还不能报送：缺少1项填报值、1项佐证材料", "pending_points": "19",
        "pending": [
            {"id": "一.10", "title": "特种设备万台事故率", "provider": "department", "department": "市质监局", "points": "3"},
            {"id": "一.11", "title": "特种设备万台死亡率", "provider": "department", "department": "市质监局", "points": "2"},
            {"id": "二.7", "title": "工程质量安全隐患排查和专项整治", "provider": "inspection", "department": "", "points": "4"},
            {"id": "二.14", "title": "质量宣传氛围", "provider": "inspection", "department": "", "points": "5"},
            {"id": "二.15", "title": "全国质量强市示范城市创建", "provider": "inspection", "department": "", "points": "5"},
        ]}
    ready = json.loads(check(without_others("01-鹿城区.yaml", tmp_path), "--json").stdout)["verdict"]
    assert (ready["ready"], ready["text"], len(ready["pending"])) == (True, "可以报送", 5)


def test_check_of_the_unit_workbook(tmp_path):
    """The unit's own workbook, filled from its sample: the others' items pending, nothing of its own missing."""
    path = fill(read_document(ROOTS / "wenzhou-2014" / "samples" / "01-鹿城区.yaml")[0], tmp_path / "鹿城区.xlsx")
    result = check(path)
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "可以报送")
    assert PENDING[0] in result.stdout.splitlines()


def test_a_given_value_of_another_party_is_scored_not_pending():
    from kaohe.engine.selfcheck import self_check
    report = self_check(WENZHOU, load_evidence(ROOTS / "wenzhou-2014" / "samples" / "09-苍南县.yaml", WENZHOU))
    assert (report.pending, [x.item.id for x in report.missing_values], report.verdict()) == (
        (), ["一.6"], "还不能报送：缺少1项填报值、1项佐证材料")


# --- 4. the party workbooks ------------------------------------------------------------------------------------

SAMPLE_VALUES = {unit: read_document(ROOTS / "wenzhou-2014" / "samples" / name)[0]["values"]
                 for unit, name in (("鹿城区", "01-鹿城区.yaml"), ("龙湾区", "02-龙湾区.yaml"))}


def party_file(tmp_path, kind, party, units=("鹿城区", "龙湾区"), ruleset=WENZHOU, values=None, entered_by="王五"):
    workbook = write_party_workbook(ruleset, kind, party, list(units))
    return fill_party(workbook, SAMPLE_VALUES if values is None else values, tmp_path / f"{party}.xlsx", entered_by)


def refused(path, ruleset=WENZHOU) -> list[str]:
    with pytest.raises(KaoheError) as caught:
        read_party_workbook(path, ruleset)
    return str(caught.value).replace(f"{Path(path).parent}/", "").splitlines()


def edited(path: Path, cells: dict) -> Path:
    wb = load_workbook(path)
    for name, value in cells.items():
        wb["录入"][name] = value
    wb.save(path)
    return path


def test_the_department_workbook(tmp_path):
    ws = load_workbook(io.BytesIO(write_party_workbook(WENZHOU, "department", "市质监局", ["龙湾区", "鹿城区"])))["录入"]
    assert [ws[f"{c}{r}"].value for c, r in (("A", 2), ("C", 2), ("C", 3), ("C", 4), ("C", 5), ("C", 6))] == [
        "牵头部门", "市质监局", "wenzhou-2014", "2014.1", WENZHOU.digest[:12], "鹿城区、龙湾区"]  # roster order
    assert [c.value for c in ws[8]] == ["序号", "单位", "指标编号", "考核项目", "评分标准", "分值", "填报要求", "填报值",
                                        "备注", "录入人"]
    assert [[c.value for c in row][:8] for row in ws.iter_rows(min_row=9)] == [  # item by item: one data table each
        [1, "鹿城区", "一.10", "特种设备万台事故率", "特种设备事故率控制在0.42起/万台以下；超过不得分。", "3",
         "数值（0–不限），单位：起/万台", None],
        [2, "龙湾区", "一.10", "特种设备万台事故率", "特种设备事故率控制在0.42起/万台以下；超过不得分。", "3",
         "数值（0–不限），单位：起/万台", None],
        [3, "鹿城区", "一.11", "特种设备万台死亡率", "特种设备死亡率控制在0.42人/万台以下；超过不得分。", "2",
         "数值（0–不限），单位：人/万台", None],
        [4, "龙湾区", "一.11", "特种设备万台死亡率", "特种设备死亡率控制在0.42人/万台以下；超过不得分。", "2",
         "数值（0–不限），单位：人/万台", None],
    ]
    assert [ws.cell(9, column).protection.locked for column in range(1, 11)] == [True] * 7 + [False] * 3
    rules = {str(rule.sqref): rule for rule in ws.data_validations.dataValidation}
    assert (rules["H9"].type, rules["H9"].operator, rules["H9"].formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert ws.parent.security.lockStructure and ws.protection.sheet
    assert ws.print_title_rows == "$8:$8" and ws.page_setup.orientation == "landscape"


def test_the_department_workbook_round_trip(tmp_path):
    sheet = read_party_workbook(party_file(tmp_path, "department", "市质监局", entered_by="赵六"), WENZHOU)
    assert (sheet.kind, sheet.party, sheet.ruleset_id) == ("department", "市质监局", "wenzhou-2014")
    assert [(e.unit, e.item_id, e.data, e.entered_by, str(e.location)) for e in sheet.entries] == [
        ("鹿城区", "一.10", {"value": D("0.31")}, "赵六", f"{tmp_path}/市质监局.xlsx › 录入 › H9"),
        ("龙湾区", "一.10", {"value": D("0.4")}, "赵六", f"{tmp_path}/市质监局.xlsx › 录入 › H10"),
        ("鹿城区", "一.11", {"value": D("0.12")}, "赵六", f"{tmp_path}/市质监局.xlsx › 录入 › H11"),
        ("龙湾区", "一.11", {"value": D("0.2")}, "赵六", f"{tmp_path}/市质监局.xlsx › 录入 › H12"),
    ]
    assert sheet.entries[0].location.path == "鹿城区 › 一.10 特种设备万台事故率"


def test_the_inspection_workbook_round_trip(tmp_path):
    path = party_file(tmp_path, "inspection", "第一组")
    ws = load_workbook(path)["录入"]
    assert [c.value for c in ws[8]] == ["序号", "单位", "指标编号", "考核项目", "评分标准", "分值", "填报要求", "得分",
                                        "评分理由", "备注", "录入人"]
    assert [(ws.cell(row, 2).value, ws.cell(row, 3).value) for row in range(9, 15)] == [  # unit by unit: one visit each
        ("鹿城区", "二.7"), ("鹿城区", "二.14"), ("鹿城区", "二.15"), ("龙湾区", "二.7"), ("龙湾区", "二.14"), ("龙湾区", "二.15")]
    assert ws["G9"].value == "核查评分（0–4分，按0.5分计），理由写在评分理由栏"
    edited(path, {"J9": "台账原件已核对", "K10": None, "H15": None})
    sheet = read_party_workbook(path, WENZHOU)
    assert [(e.unit, e.item_id, e.data, e.entered_by) for e in sheet.entries] == [
        ("鹿城区", "二.7", {"value": {"score": D("3.5"), "reason": "现场核查隐患排查台账与专项整治记录", "inspector": "第一组"},
                         "note": "台账原件已核对"}, "王五"),
        ("鹿城区", "二.14", {"value": {"score": D("3.5"), "reason": "核查宣传活动记录和公益广告投放台账", "inspector": "第一组"}},
         ""),
        ("鹿城区", "二.15", {"value": {"score": D("3.5"), "reason": "核查百日攻坚活动方案、简报和档案", "inspector": "第一组"}},
         "王五"),
        ("龙湾区", "二.7", {"value": {"score": D("4"), "reason": "现场核查隐患排查台账与专项整治记录", "inspector": "第一组"}},
         "王五"),
        ("龙湾区", "二.14", {"value": {"score": D("5"), "reason": "核查宣传活动记录和公益广告投放台账", "inspector": "第一组"}},
         "王五"),
        ("龙湾区", "二.15", {"value": {"score": D("4.5"), "reason": "核查百日攻坚活动方案、简报和档案", "inspector": "第一组"}},
         "王五"),
    ]
    # each entry is a `values:` entry as evidence YAML writes it
    data = {"unit": "鹿城区", "ruleset": "wenzhou-2014",
            "values": {e.item_id: e.data for e in sheet.entries if e.unit == "鹿城区"}}
    assert evidence_from_data(data, WENZHOU, "合并.yaml", "").entries["二.7"].value.inspector == "第一组"


def test_a_row_left_blank_is_no_entry(tmp_path):
    path = edited(party_file(tmp_path, "inspection", "第一组", units=["鹿城区"]), {"H9": None, "I9": None})
    assert [e.item_id for e in read_party_workbook(path, WENZHOU).entries] == ["二.14", "二.15"]  # 录入人 alone: nothing


def test_parts_levels_and_yes_no_in_a_department_workbook(tmp_path):
    body = ITEMS.replace("      - {id: 二.2, title: 品牌培育, points: 20, method: all_or_nothing, department: 市质监局}\n",
                         "      - {id: 二.2, title: 诚信体系, points: 10, method: parts, parts: {数据库: 4, 黑名单: 6},\n"
                         "         provider: department, department: 市质监局}\n"
                         "      - {id: 二.3, title: 品牌培育, points: 10, method: levels, levels: {有: 10, 无: 0},\n"
                         "         provider: department, department: 市质监局}\n")
    ruleset = load_ruleset(write(tmp_path / "r", ruleset_text(body)))
    values = {"甲县": {"二.2": ["黑名单"], "二.3": "有"}, "乙县": {"二.2": {"value": [], "note": "均未建立"}}}
    path = party_file(tmp_path, "department", "市质监局", units=["甲县", "乙县"], ruleset=ruleset, values=values)
    ws = load_workbook(path)["录入"]
    assert [(ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 8).value) for row in range(9, 17)] == [
        ("甲县", "二.2", None), ("甲县", "二.2｜数据库", "否"), ("甲县", "二.2｜黑名单", "是"),
        ("乙县", "二.2", None), ("乙县", "二.2｜数据库", "否"), ("乙县", "二.2｜黑名单", "否"),
        ("甲县", "二.3", "有"), ("乙县", "二.3", None)]
    assert [(e.unit, e.item_id, e.data) for e in read_party_workbook(path, ruleset).entries] == [
        ("甲县", "二.2", {"value": ["黑名单"]}), ("乙县", "二.2", {"value": [], "note": "均未建立"}),
        ("甲县", "二.3", {"value": "有"})]


def test_the_same_inputs_give_the_same_bytes():
    assert write_party_workbook(WENZHOU, "inspection", "第一组", ["鹿城区"]) == \
        write_party_workbook(WENZHOU, "inspection", "第一组", ["鹿城区"])


def test_a_workbook_for_another_ruleset_is_refused(tmp_path):
    path = party_file(tmp_path, "inspection", "第一组")
    assert refused(path, load_ruleset(ROOTS / "hubei-2014")) == [
        "第一组.xlsx › 录入 › C3: 这份评定表是按细则“wenzhou-2014”生成的，而不是“hubei-2014”",
        "  提示：请用细则 hubei-2014（版本 2014.1）重新生成评定表"]
    assert refused(edited(path, {"C4": "2014.0"})) == [
        "第一组.xlsx › 录入 › C4: 这份评定表是按细则 wenzhou-2014 版本 2014.0 生成的，所用细则为版本 2014.1",
        "  提示：请用细则 wenzhou-2014（版本 2014.1）重新生成评定表"]
    assert refused(edited(path, {"C4": "2014.1", "C5": "0123456789ab"})) == [
        f"第一组.xlsx › 录入 › C5: 细则 wenzhou-2014 版本 2014.1 在生成这份评定表后改动过（生成时摘要 0123456789ab，"
        f"现为 {WENZHOU.digest[:12]}）",
        "  提示：请用细则 wenzhou-2014（版本 2014.1）重新生成评定表"]


def test_rows_of_another_party_are_refused(tmp_path):
    path = edited(party_file(tmp_path, "inspection", "第一组", units=["鹿城区"]), {"A2": "牵头部门", "C2": "市质监局"})
    assert refused(path)[:2] == [
        "第一组.xlsx › 录入 › C9: 指标 二.7「工程质量安全隐患排查和专项整治」不由牵头部门“市质监局”评定（由考核组评定）",
        "  提示：本表只能填牵头部门“市质监局”评定的指标：一.10、一.11"]
    assert refused(edited(path, {"C2": "市环保局"})) == [
        "第一组.xlsx › 录入 › C2: 细则 wenzhou-2014 中没有由牵头部门“市环保局”评定的指标",
        "  提示：由牵头部门评定的指标的牵头部门：市质监局"]


def test_a_unit_or_an_item_not_on_the_workbook_is_refused(tmp_path):
    path = edited(party_file(tmp_path, "inspection", "第一组"), {"B11": "瓯海区", "C12": "一.1", "C13": "二.17"})
    assert refused(path) == [
        "第一组.xlsx › 录入 › B11: 单位“瓯海区”不在本评定表的单位名单中",
        "  提示：本表的单位：鹿城区、龙湾区",
        "第一组.xlsx › 录入 › C12: 指标 一.1「制造业产品质量合格率」不由考核组“第一组”评定（由单位自填）",
        "  提示：本表只能填考核组“第一组”评定的指标：二.7、二.14、二.15",
        "第一组.xlsx › 录入 › C13: 细则 wenzhou-2014 中没有指标“二.17”",
        '  提示：是否应为 "二.7"、"二.15"、"二.14"？',
    ]


def test_judged_scores_out_of_range_or_without_reason_are_refused(tmp_path):
    path = edited(party_file(tmp_path, "inspection", "第一组"), {"H9": 7, "I10": None, "H11": 3.2, "H12": None})
    assert refused(path) == [
        "第一组.xlsx › 录入 › H9: 核查评分 7 超出本项分值范围 0–4 分（鹿城区 › 二.7 工程质量安全隐患排查和专项整治）",
        "  提示：此项应填：核查评分（0–4分，按0.5分计），理由写在评分理由栏",
        "第一组.xlsx › 录入 › I10: 核查评分必须写明理由（鹿城区 › 二.14 质量宣传氛围）",
        "  提示：请在该单元格写明评分理由",
        "第一组.xlsx › 录入 › H11: 核查评分 3.2 不是 0.5 的整数倍（鹿城区 › 二.15 全国质量强市示范城市创建）",
        "  提示：此项应填：核查评分（0–5分，按0.5分计），理由写在评分理由栏",
        "第一组.xlsx › 录入 › H12: 填了评分理由，但没有填得分（龙湾区 › 二.7 工程质量安全隐患排查和专项整治）",
        "  提示：请填 0–4 分的得分，或删除评分理由",
    ]


def test_a_wrong_number_is_refused_in_the_evidence_loaders_words(tmp_path):
    path = edited(party_file(tmp_path, "department", "市质监局"), {"H9": -1, "H10": "很多"})
    assert refused(path) == [
        "市质监局.xlsx › 录入 › H9: 填报值 -1起/万台 超出允许范围 0–不限起/万台（鹿城区 › 一.10 特种设备万台事故率）",
        "  提示：此项应填：数值（0–不限），单位：起/万台",
        '市质监局.xlsx › 录入 › H10: 填报值应为数字（单位：起/万台），实际为文字 "很多"（龙湾区 › 一.10 特种设备万台事故率）',
        "  提示：此项应填：数值（0–不限），单位：起/万台",
    ]


def test_the_unit_workbook_is_not_a_party_workbook(tmp_path):
    from kaohe.engine.render.fillin import fillin_xlsx
    (tmp_path / "鹿城区.xlsx").write_bytes(fillin_xlsx(WENZHOU, "鹿城区"))
    assert refused(tmp_path / "鹿城区.xlsx") == [
        "鹿城区.xlsx › 录入: 工作簿中没有“录入”表（现有：说明、填报、选项、事件）",
        "  提示：这是单位的填报表，不是评定表：单位的填报表请用 kaohe check 自查、kaohe score 评分"]
    with pytest.raises(KaoheError) as caught:
        load_evidence(party_file(tmp_path, "inspection", "第一组"), WENZHOU)
    assert str(caught.value).splitlines()[1] == "  提示：这是牵头部门或考核组的评定表，不是单位的填报表：评定表由考核办汇总"


# --- 5. kaohe template --department / --inspection --------------------------------------------------------


def template(*args: str):
    from click.testing import CliRunner

    from kaohe.cli.main import cli
    return CliRunner().invoke(cli, ["template", str(ROOTS / "wenzhou-2014"), *args])


def test_template_writes_party_workbooks(tmp_path):
    result = template("--department", "市质监局", "-o", str(tmp_path / "质监.xlsx"))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"{tmp_path / '质监.xlsx'}\n", f"评定表已写入 {tmp_path / '质监.xlsx'}\n")
    assert (tmp_path / "质监.xlsx").read_bytes() == write_party_workbook(WENZHOU, "department", "市质监局", WENZHOU.units)
    result = template("--inspection", "第一组", "--unit", "龙湾区", "--unit", "鹿城区", "-o", str(tmp_path / "一组.xlsx"))
    assert result.exit_code == 0
    assert (tmp_path / "一组.xlsx").read_bytes() == write_party_workbook(WENZHOU, "inspection", "第一组",
                                                                        ["鹿城区", "龙湾区"])


@pytest.mark.parametrize(("args", "message"), [
    (["--department", "市质检局"],
     "错误：--department 的值无效：「市质检局」不是细则 wenzhou-2014 中由牵头部门评定的指标的牵头部门。是否应为 \"市质监局\"？"),
    (["--department", "市环保局"],
     "错误：--department 的值无效：「市环保局」不是细则 wenzhou-2014 中由牵头部门评定的指标的牵头部门。"
     "由牵头部门评定的指标的牵头部门：市质监局"),
    (["--inspection", "第一组"], "错误：考核组的评定表须用 --unit 给出这个组考核的单位（可重复，如 --unit 鹿城区 --unit 龙湾区）"),
    (["--inspection", "第一组", "--unit", "鹿城"],
     "错误：--unit 的值无效：「鹿城」不在细则 wenzhou-2014 的被考核单位名单中。是否应为 \"鹿城区\"？"),
    (["--department", "市质监局", "--inspection", "第一组"], "错误：--department 与 --inspection 只能选一个：一份评定表只属于一个评定方"),
    (["--unit", "鹿城区", "--unit", "龙湾区"],
     "错误：填报表一次为一个单位生成（--unit 只能给一次）；为多个单位生成评定表请加 --department 或 --inspection"),
])
def test_template_party_usage_errors(tmp_path, args, message):
    result = template(*args, "-o", str(tmp_path / "x.xlsx"))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (2, message)
    assert not (tmp_path / "x.xlsx").exists()
