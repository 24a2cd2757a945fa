"""The fill-in workbook: its rows, dropdowns, ranges and protection; filled in and scored like the YAML."""
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kaohe.engine import KaoheError, evaluate, evidence_from_data, load_evidence, load_ruleset
from kaohe.engine.evidence import YES
from kaohe.engine.loading import read_document
from kaohe.engine.render.fillin import fillin_xlsx

ROOTS = Path(__file__).parent.parent / "rulesets"
ROOT = ROOTS / "wenzhou-2014"
RULESET = load_ruleset(ROOT)
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
# Given by the lead department (一.10, 一.11) or the inspection group (二.7, 二.14, 二.15), not in the unit's workbook
OTHERS = ("一.10", "一.11", "二.7", "二.14", "二.15")


def template(unit="", ruleset=RULESET):
    return load_workbook(io.BytesIO(fillin_xlsx(ruleset, unit)))


def offered(wb) -> dict[tuple[str, str], tuple]:
    """(sheet, cell) → the options its dropdown offers, read from the hidden 选项 sheet as Excel does."""
    options = {}
    for ws in (wb["填报"], wb["事件"]):
        for rule in ws.data_validations.dataValidation:
            if rule.type != "list":
                continue
            sheet, source = rule.formula1.lstrip("=").split("!")
            listed = tuple(c.value for row in wb[sheet][source.replace("$", "")] for c in row)
            for cells in rule.sqref.ranges:
                for row, column in cells.cells:
                    options[(ws.title, f"{get_column_letter(column)}{row}")] = listed
    return options


def fill(sample: dict, path: Path, ruleset=RULESET, start: Path | None = None) -> Path:
    """Fill a template the way a clerk would, from sample evidence data (YAML-shaped): every dropdown cell is
    answered only with an option it offers (是/否, 有/无, a level's name, a fact title, an event kind).
    The template is made here, or read from `start` (a downloaded one)."""
    wb = load_workbook(start) if start else template(sample["unit"], ruleset)
    ws, events = wb["填报"], wb["事件"]
    options = offered(wb)

    def pick(sheet, row: int, column: int, answer: str) -> None:
        where = (sheet.title, f"{get_column_letter(column)}{row}")
        assert answer in options[where], f"{where}: {answer} is not among {options[where]}"
        sheet.cell(row, column).value = answer

    def yes(value) -> str:
        return "是" if value is True or value in YES else "否"

    specs = {spec.name: spec for spec in ruleset.facts}
    values, facts, targets = sample["values"], sample.get("facts", {}), sample.get("targets", {})
    event_row = 2
    for row in range(6, ws.max_row + 1):
        key = ws.cell(row, 1).value
        if key is None:
            continue  # the 自评总分 and signature lines under the table
        if key.startswith("事实："):
            spec, fact = specs[key[3:]], facts.get(key[3:])
            if fact is None:
                continue
            if spec.kind == "events":
                pick(ws, row, 6, "有" if fact else "无")
                for event in fact:
                    pick(events, event_row, 1, spec.title)
                    pick(events, event_row, 2, event["kind"])
                    for column, value in ((3, event.get("date")), (4, event.get("title")),
                                          (5, "；".join(event.get("files", [])) or None)):
                        events.cell(event_row, column).value = value
                    event_row += 1
            elif spec.kind == "yes_no":
                pick(ws, row, 6, yes(fact))
            else:
                ws.cell(row, 6).value = fact
            continue
        if "｜" in key:
            item_id, part = key.split("｜")
            done = values.get(item_id)
            done = done.get("value") if isinstance(done, dict) else done
            if done is not None:
                pick(ws, row, 6, "是" if part in done else "否")
            continue
        item = ruleset.item(key)
        entry = values.get(key)
        if not isinstance(entry, dict) or (item.value_kind == "judgement" and "value" not in entry):
            entry = {"value": entry}
        if key in targets:
            ws.cell(row, 8).value = targets[key]
        if item.provider != "unit":
            continue  # a grey row: an inspection group or the lead department gives the value (fill_party)
        value = entry["value"]
        if value is None or item.value_kind == "parts":
            pass  # blank; a `parts` item is answered on its part rows
        elif item.value_kind == "judgement":
            assert "note" not in entry  # the 备注 cell of a judged row holds the reason
            ws.cell(row, 6).value, ws.cell(row, 11).value = value["score"], value["reason"]
        elif item.value_kind == "yes_no":
            pick(ws, row, 6, yes(value))
        elif item.value_kind == "level":
            pick(ws, row, 6, value)
        elif item.value_kind == "count" and isinstance(value, list):
            ws.cell(row, 6).value = len(value)
        else:
            ws.cell(row, 6).value = value
        if entry.get("files"):
            ws.cell(row, 9).value = "；".join(entry["files"])
        if "self_score" in entry:
            ws.cell(row, 10).value = entry["self_score"]
        if "note" in entry:
            ws.cell(row, 11).value = entry["note"]
    wb.save(path)
    return path


def party_columns(ws) -> dict[str, int]:
    return {ws.cell(8, column).value: column for column in range(1, ws.max_column + 1)}


def fill_party(workbook: bytes, values: dict, path: Path, entered_by: str = "录入员") -> Path:
    """Fill a party workbook the way its clerk would, from sample evidence values (YAML-shaped) by unit: every value
    the samples hold for the workbook's rows, 是/否 for yes/no and for each part, the judged reason in 评分理由."""
    wb = load_workbook(io.BytesIO(workbook))
    ws = wb["录入"]
    at = party_columns(ws)
    value_column = next(at[name] for name in ("得分", "填报值", "得分／填报值") if name in at)
    for row in range(9, ws.max_row + 1):
        unit, key = ws.cell(row, at["单位"]).value, ws.cell(row, at["指标编号"]).value
        item_id, _, part = key.partition("｜")
        entry = values.get(unit, {}).get(item_id)
        if isinstance(entry, dict) and "value" in entry:
            entry, note = entry["value"], entry.get("note")
        else:
            note = None
        if entry is None:
            continue
        if part:
            ws.cell(row, value_column).value = "是" if part in entry else "否"
            continue
        if isinstance(entry, dict):  # judged
            ws.cell(row, value_column).value, ws.cell(row, at["评分理由"]).value = entry["score"], entry["reason"]
        elif isinstance(entry, bool):
            ws.cell(row, value_column).value = "是" if entry else "否"
        elif not isinstance(entry, list):
            ws.cell(row, value_column).value = entry
        if note is not None:
            ws.cell(row, at["备注"]).value = note
        ws.cell(row, at["录入人"]).value = entered_by
    wb.save(path)
    return path


def test_one_row_per_value_with_targets_and_citations():
    ws = template("鹿城区")["填报"]
    assert (ws["B2"].value, ws["B3"].value) == ("鹿城区", "wenzhou-2014")
    assert [c.value for c in ws[5]] == ["指标编号", "考核项目", "评分标准", "填报内容", "计量单位", "填报值", "适用目标",
                                        "本单位备案目标", "佐证材料", "自评得分", "备注", "依据"]
    keys = [ws.cell(row, 1).value for row in range(6, ws.max_row + 1)]
    keys = keys[:keys.index(None)]  # the 自评总分 and signature lines under the table have no key
    assert keys[:3] == ["一.1", "一.2", "一.3"]
    assert "二.6｜建立食品安全基层监管网络" in keys and keys[-1] == "事实：incidents"
    assert len(keys) == 28 + 3 + 3 + 1  # 28 leaves, the part rows of 二.6 and 二.8, the incidents fact
    row = [c.value for c in ws[6]]
    assert row[:8] == ["一.1", "制造业产品质量合格率", "制造业产品质量合格率达到92%以上；每低1个百分点扣1分，扣完为止。",
                       "数值（0–100）", "%", None, 92, None]
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
        [True, True, True, True, True, False, True, True, False, False, False, True]
    assert ws["B2"].protection.locked is False and ws["B3"].protection.locked is True
    assert wb.sheetnames == ["说明", "填报", "选项", "事件"]
    assert wb["说明"]["A3"].value.startswith("1. 在“填报”表 B2 选择本单位名称")


RULESETS = {name: load_ruleset(ROOTS / name) for name in ("wenzhou-2014", "hubei-2014", "hubei-2015")}


def next_year(data, old, new, index: int) -> dict:
    """Last year's sample evidence as it would be filed under the draft `new`: values for removed items dropped, the
    new items and facts answered with fixed valid answers, the events moved into the new assessment period."""
    values = {key: value for key, value in data["values"].items() if new.item(key) is not None}
    for item in new.leaves():
        if old.item(item.id) is None:
            assert item.value_kind == "yes_no"
            values[item.id] = index % 3 != 0  # 是 for most units, 否 for every third
    facts = {}
    for spec in new.facts:
        fact = data.get("facts", {}).get(spec.name)
        if spec.kind == "events" and fact is not None:
            facts[spec.name] = [dict(event, date=event["date"].replace(year=event["date"].year + 1)) for event in fact]
        elif fact is None:
            assert spec.kind == "yes_no"
            facts[spec.name] = index % 2 == 1  # 否 (not published: capped at B) for the 1st, 3rd, 5th … unit
    return {**data, "ruleset": new.id, "values": values, "facts": facts}


def evidence_as_yaml(name: str):
    """Every unit's sample evidence for the ruleset `name`, read as YAML: (data, Evidence) pairs.
    hubei-2015 is a draft without samples of its own: it takes hubei-2014's, moved to 2015."""
    ruleset = RULESETS[name]
    if name != "hubei-2015":
        return [(read_document(path)[0], load_evidence(path, ruleset))
                for path in sorted((ROOTS / name / "samples").glob("*.yaml"))]
    old = RULESETS["hubei-2014"]
    moved = [next_year(data, old, ruleset, index) for index, (data, _) in enumerate(evidence_as_yaml("hubei-2014"))]
    return [(data, evidence_from_data(data, ruleset, f"{data['unit']}.yaml", "")) for data in moved]


def party_values(ruleset, samples: dict, folder: Path) -> dict:
    """What the inspection groups and the lead departments give, each in its own workbook filled from the samples and
    read back: unit → item id → values entry. The group is the samples' inspector; an item several departments lead
    is entered by the first of them."""
    from kaohe.engine.entrysheet import read_party_workbook
    from kaohe.engine.render.entrysheet import lead_departments, write_party_workbook

    def judged(entry):
        value = entry.get("value", entry) if isinstance(entry, dict) else None
        return value if isinstance(value, dict) and "inspector" in value else None

    groups: dict[str, list[str]] = {}
    for unit, values in samples.items():
        inspector = next((judged(v)["inspector"] for v in values.values() if judged(v)), "考核组")
        groups.setdefault(inspector, []).append(unit)
    parties = [("inspection", group, units) for group, units in groups.items()]
    parties += [("department", name, list(samples)) for name in lead_departments(ruleset)]
    out: dict[str, dict] = {unit: {} for unit in samples}
    for kind, party, units in parties:
        given = {unit: {item.id: samples[unit].get(item.id) for item in ruleset.leaves()
                        if item.provider == kind and (kind == "inspection" or item.departments[0] == party)}
                 for unit in units}
        path = fill_party(write_party_workbook(ruleset, kind, party, units), given, folder / f"{party}.xlsx")
        sheet = read_party_workbook(path, ruleset)
        assert (sheet.kind, sheet.party, sheet.ruleset_id) == (kind, party, ruleset.id)
        assert {entry.entered_by for entry in sheet.entries} <= {"录入员"}
        for entry in sheet.entries:
            assert entry.item_id not in out[entry.unit]
            out[entry.unit][entry.item_id] = entry.data
    return out


@pytest.mark.parametrize(("name", "vetoed", "capped"), [
    ("wenzhou-2014", {("洞头县", "veto-regional-systemic", "D")}, set()),
    ("hubei-2014", {("荆州市", "veto-serious-quality-problem", "D")}, set()),
    # the draft: 荆州市's event, moved to 2015, still vetoes; every other unit has not published its satisfaction
    ("hubei-2015", {("荆州市", "veto-serious-quality-problem", "D")}, {"武汉市", "十堰市", "襄阳市", "荆门市", "荆州市",
                                                                 "咸宁市", "恩施土家族苗族自治州", "潜江市", "神农架林区"}),
])
def test_round_trip_every_sample_scores_as_its_yaml(tmp_path, name, vetoed, capped):
    """Each unit's workbook holds its own values; the inspection group's and the lead departments' workbooks hold
    theirs. Put together, they score exactly as the sample YAML."""
    from kaohe.engine.workbook import read_workbook
    ruleset = RULESETS[name]
    pairs = evidence_as_yaml(name)
    from_yaml = evaluate(ruleset, [evidence for _, evidence in pairs])
    others = party_values(ruleset, {data["unit"]: data["values"] for data, _ in pairs}, tmp_path)
    merged = []
    for data, _ in pairs:
        path = fill(data, tmp_path / f"{data['unit']}.xlsx", ruleset)
        unit_data, digest = read_workbook(path)
        assert not set(unit_data["values"]) & {item.id for item in ruleset.leaves() if item.provider != "unit"}
        unit_data["values"].update(others[data["unit"]])
        merged.append(evidence_from_data(unit_data, ruleset, str(path), digest))
    from_workbooks = evaluate(ruleset, merged)
    for a, b in zip(from_yaml, from_workbooks, strict=True):
        assert (b.unit, b.total, b.graded_total, b.band_grade, b.grade, b.grade_reason, b.unscored, b.rank) == \
            (a.unit, a.total, a.graded_total, a.band_grade, a.grade, a.grade_reason, a.unscored, a.rank)
        assert [(x.item.id, x.score, x.reason) for x in b.all_items()] == \
            [(x.item.id, x.score, x.reason) for x in a.all_items()]
        assert [(f.rule.id, f.detail) for f in b.fired] == [(f.rule.id, f.detail) for f in a.fired]
        assert (b.evidence.targets, b.evidence.facts) == (a.evidence.targets, a.evidence.facts)
        # a party's row without a value is no entry: 潜江市's note on its missing 二.9 stays in its YAML only
        assert b.evidence.entries == {key: entry for key, entry in a.evidence.entries.items()
                                      if entry.value is not None or ruleset.item(key).provider == "unit"}
    fired = {(r.unit, f.rule.id, r.grade) for r in from_workbooks for f in r.fired}
    assert {fire for fire in fired if fire[1].startswith("veto")} == vetoed
    assert {unit for unit, rule, _ in fired if rule == "cap-satisfaction-unpublished"} == capped
    assert len(from_workbooks) == len(pairs) == len(list((ROOTS / name.replace("2015", "2014") / "samples").glob("*")))


def test_round_trip_keeps_files_self_scores_and_notes(tmp_path):
    lucheng = load_evidence(fill(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx"),
                            RULESET)
    assert lucheng.entries["一.1"].files == ("鹿城区/产品质量监督抽查统计表.xlsx",)
    cangnan = load_evidence(fill(yaml.safe_load(SAMPLES[8].read_text(encoding="utf-8")), tmp_path / "苍南县.xlsx"),
                            RULESET)
    assert (cangnan.entries["一.7"].self_score, cangnan.entries["一.2"].note) == (Decimal(3), "监测报告原件在农业局，待调取")


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
        "鹿城区.xlsx › 填报 › F6: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」 › 填报值）",
        "  提示：此格应填：数值（0–100）",
        f"鹿城区.xlsx › 填报 › F{level_row}: 填报的档次「做了一些工作」未在细则中声明，可选：开展试点并有企业通过认证、开展试点、未开展"
        "（指标 二.3「“浙江制造”品牌培育试点」 › 填报值）",
        "  提示：此格应填：所处档次（下拉选择）",
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
    assert evaluate(RULESET, [load_evidence(path, RULESET)])[0].unscored == ("一.1",) + OTHERS


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
