"""The fill-in workbook: its rows, dropdowns, ranges and protection; filled in and scored like the YAML."""
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from kaohe.engine import KaoheError, evaluate, load_evidence, load_ruleset
from kaohe.engine.render.fillin import fillin_xlsx

ROOT = Path(__file__).parent.parent / "rulesets" / "wenzhou-2014"
RULESET = load_ruleset(ROOT)
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def template(unit=""):
    return load_workbook(io.BytesIO(fillin_xlsx(RULESET, unit)))


def fill(sample: dict, path: Path) -> Path:
    """Fill a template the way a clerk would, from a sample evidence file."""
    wb = template(sample["unit"])
    ws = wb["填报"]
    events = wb["事件"]
    event_row = 2
    for row in range(6, ws.max_row + 1):
        key = ws.cell(row, 1).value
        if key.startswith("事实："):
            incidents = sample["facts"]["incidents"]
            ws.cell(row, 6).value = "有" if incidents else "无"
            for event in incidents:
                for column, value in enumerate((ws.cell(row, 2).value, event["kind"], event["date"], event["title"],
                                                "；".join(event["files"])), start=1):
                    events.cell(event_row, column).value = value
                event_row += 1
            continue
        if "｜" in key:
            item_id, part = key.split("｜")
            ws.cell(row, 6).value = "是" if part in sample["values"][item_id] else "否"
            continue
        entry = sample["values"][key]
        if not isinstance(entry, dict) or "score" in entry:
            entry = {"value": entry}
        value = entry["value"]
        if isinstance(value, list):
            continue  # a `parts` item: answered on its part rows
        if isinstance(value, dict):
            ws.cell(row, 6).value, ws.cell(row, 11).value = value["score"], value["reason"]
        elif value is not None:
            ws.cell(row, 6).value = ("是" if value else "否") if isinstance(value, bool) else value
        if key in sample.get("targets", {}):
            ws.cell(row, 8).value = sample["targets"][key]
        if "files" in entry:
            ws.cell(row, 9).value = "；".join(entry["files"])
        if "self_score" in entry:
            ws.cell(row, 10).value = entry["self_score"]
        if "note" in entry:
            ws.cell(row, 11).value = entry["note"]
    wb.save(path)
    return path


def test_one_row_per_value_with_targets_and_citations():
    ws = template("鹿城区")["填报"]
    assert (ws["B2"].value, ws["B3"].value) == ("鹿城区", "wenzhou-2014")
    assert [c.value for c in ws[5]] == ["指标编号", "考核项目", "评分标准", "填报内容", "计量单位", "填报值", "适用目标",
                                        "本单位备案目标", "佐证材料", "自评得分", "备注", "依据"]
    keys = [ws.cell(row, 1).value for row in range(6, ws.max_row + 1)]
    assert keys[:3] == ["一.1", "一.2", "一.3"]
    assert "二.6｜建立食品安全基层监管网络" in keys and keys[-1] == "事实：incidents"
    assert len(keys) == 28 + 3 + 3 + 1  # 28 leaves, the part rows of 二.6 and 二.8, the incidents fact
    row = [c.value for c in ws[6]]
    assert row[:8] == ["一.1", "制造业产品质量合格率", "制造业产品质量合格率达到92%以上；每低1个百分点扣1分，扣完为止。",
                       "数值（0–100）", "%", None, "92", None]
    assert row[11].startswith("温政办〔2014〕98号《2014年温州市质量强市建设行动计划》一、2014年质量强市建设主要目标：")
    filed = next(r for r in ws.iter_rows(min_row=6) if r[0].value == "二.2")
    assert (filed[6].value, filed[3].value) == ("须备案", "数值（0–不限）")


def test_dropdowns_and_ranges():
    wb = template()
    ws = wb["填报"]
    rules = {str(rule.sqref): rule for rule in ws.data_validations.dataValidation}
    level_row = next(r[0].row for r in ws.iter_rows(min_row=6) if r[0].value == "二.3")
    level = rules[f"F{level_row}"]
    assert level.type == "list"
    listed = [c.value for c in wb["选项"][level.formula1.split("!")[1].replace("$", "").split(":")[0][0]]
              if c.value]
    assert listed == ["开展试点并有企业通过认证", "开展试点", "未开展"]
    assert (rules["F6"].type, rules["F6"].operator, rules["F6"].formula1, rules["F6"].formula2) == \
        ("decimal", "between", "0", "100")
    count_row = next(r[0].row for r in ws.iter_rows(min_row=6) if r[0].value == "二.9")
    assert (rules[f"F{count_row}"].type, rules[f"F{count_row}"].formula1) == ("whole", "0")
    assert (rules["J6"].formula1, rules["J6"].formula2) == ("0", "5")  # 自评得分 within the item's points
    assert wb["选项"].sheet_state == "hidden"


def test_only_the_fill_in_cells_can_change():
    wb = template()
    ws = wb["填报"]
    assert ws.protection.sheet and wb.security.lockStructure
    assert [ws.cell(6, column).protection.locked for column in range(1, 13)] == \
        [True, True, True, True, True, False, True, False, False, False, False, True]
    assert ws["B2"].protection.locked is False and ws["B3"].protection.locked is True
    assert wb.sheetnames == ["说明", "填报", "选项", "事件"]
    assert wb["说明"]["A3"].value.startswith("1. 在“填报”表 B2 选择本单位名称")


def test_round_trip_every_sample_scores_as_its_yaml(tmp_path):
    from_yaml = evaluate(RULESET, [load_evidence(p, RULESET) for p in SAMPLES])
    filled = [fill(yaml.safe_load(p.read_text(encoding="utf-8")), tmp_path / f"{p.stem}.xlsx") for p in SAMPLES]
    from_workbooks = evaluate(RULESET, [load_evidence(p, RULESET) for p in filled])
    for a, b in zip(from_yaml, from_workbooks, strict=True):
        assert (b.unit, b.total, b.grade, b.unscored) == (a.unit, a.total, a.grade, a.unscored)
        assert [(x.item.id, x.score) for x in b.all_items()] == [(x.item.id, x.score) for x in a.all_items()]
        # the workbook has no inspector column: the judged reasons lose “（市考核组第二组）” and nothing else
        assert [x.reason for x in b.all_items()] == [x.reason.replace("（市考核组第二组）", "") for x in a.all_items()]
        assert [f.detail for f in b.fired] == [f.detail for f in a.fired]
    lucheng = next(r for r in from_workbooks if r.unit == "鹿城区")
    entry = next(x for x in lucheng.all_items() if x.item.id == "一.1").entry
    assert entry.files == ("鹿城区/产品质量监督抽查统计表.xlsx",)
    cangnan = next(r for r in from_workbooks if r.unit == "苍南县")
    assert next(x for x in cangnan.all_items() if x.item.id == "一.7").entry.self_score == Decimal(3)


def test_a_wrong_value_names_the_sheet_and_cell(tmp_path):
    path = fill(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx")
    wb = load_workbook(path)
    wb["填报"]["F6"].value = 130
    level_row = next(r[0].row for r in wb["填报"].iter_rows(min_row=6) if r[0].value == "二.3")
    wb["填报"][f"F{level_row}"].value = "做了一些工作"
    wb.save(path)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, RULESET)
    assert str(caught.value).replace(str(tmp_path) + "/", "").splitlines() == [
        "鹿城区.xlsx › 填报 › F6: 填报值 130% 超出允许范围 0–100%（values › 一.1 › value）",
        f"鹿城区.xlsx › 填报 › F{level_row}: 填报的档次「做了一些工作」未在细则中声明，可选：开展试点并有企业通过认证、开展试点、未开展"
        "（values › 二.3 › value）",
    ]


def test_a_percent_formatted_cell_is_read_as_shown(tmp_path):
    path = fill(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx")
    wb = load_workbook(path)
    wb["填报"]["F6"].value = 0.936
    wb["填报"]["F6"].number_format = "0.0%"
    wb.save(path)
    assert load_evidence(path, RULESET).entries["一.1"].value == Decimal("93.6")


def test_a_blank_value_is_missing_not_zero(tmp_path):
    path = fill(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx")
    wb = load_workbook(path)
    wb["填报"]["F6"].value = None
    wb.save(path)
    assert evaluate(RULESET, [load_evidence(path, RULESET)])[0].unscored == ("一.1",)


def test_a_broken_workbook(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(KaoheError) as caught:
        load_evidence(tmp_path / "坏.xlsx", RULESET)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(
        "坏.xlsx: 无法打开工作簿：文件已损坏或不是 Excel 工作簿（.xlsx）")


def test_a_workbook_without_the_fill_in_sheet(tmp_path):
    from openpyxl import Workbook
    Workbook().save(tmp_path / "别的.xlsx")
    with pytest.raises(KaoheError) as caught:
        load_evidence(tmp_path / "别的.xlsx", RULESET)
    assert str(caught.value).replace(str(tmp_path) + "/", "") == (
        "别的.xlsx › 填报: 工作簿中没有“填报”表（现有：Sheet）\n  提示：请用 kaohe template 生成的填报表")
