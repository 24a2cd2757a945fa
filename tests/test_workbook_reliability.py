"""Issue 8: nothing a user gives is lost, no input crashes kaohe, no veto is missed silently.

Workbooks: every dropdown option reads back; 有/无 and the 事件 sheet must agree; absurd numbers and control
characters are refused at their cell. Evidence: the unit name is required and sane; every message is located.
"""
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_data, load_evidence, load_ruleset
from kaohe.engine.loading import read_document
from tests.test_fillin import OTHERS, ROOTS, RULESETS, fill, offered, template

WENZHOU = RULESETS["wenzhou-2014"]
HUBEI_2015 = RULESETS["hubei-2015"]
SAMPLES = ROOTS / "wenzhou-2014" / "samples"
ROSTER = "名单：鹿城区、龙湾区、瓯海区、洞头县、瑞安市、乐清市、永嘉县、平阳县、苍南县、文成县、泰顺县"


def sample(stem: str) -> dict:
    return read_document(SAMPLES / f"{stem}.yaml")[0]


def problems(path, ruleset=WENZHOU) -> list[str]:
    """The lines of the error kaohe gives for `path`, with the folder left out."""
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, ruleset)
    return str(caught.value).replace(f"{Path(path).parent}/", "").splitlines()


def row_of(ws, key: str) -> int:
    return next(r[0].row for r in ws.iter_rows(min_row=6) if r[0].value == key)


def edited(path: Path, change) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


# --- 1. whatever the template's dropdowns offer is accepted ------------------------------------------------


@pytest.mark.parametrize("name", ["national-2013", "wenzhou-2014", "hubei-2014", "hubei-2015"])
def test_every_dropdown_option_reads_back(tmp_path, name):
    """Turn by turn, every dropdown of 填报 gets its next option (是/否, 有/无, each level); a fact answered 有
    gets one event of each kind it allows, each picked from the 事件 sheet's dropdowns."""
    ruleset = load_ruleset(ROOTS / name)
    options = offered(template("", ruleset))
    turns = max(len(listed) for (sheet, cell), listed in options.items() if sheet == "填报" and cell != "B2")
    for turn in range(turns):
        unit = ruleset.units[turn % len(ruleset.units)]
        wb = template(unit, ruleset)
        ws, events = wb["填报"], wb["事件"]
        for (sheet, cell), listed in options.items():
            if sheet == "填报" and cell != "B2":
                ws[cell] = listed[turn % len(listed)]
        row = 2
        for spec in ruleset.facts:
            if ws[f"F{row_of(ws, f'事实：{spec.name}')}"].value == "有":
                for kind in spec.kinds:
                    assert spec.title in options[("事件", f"A{row}")] and kind in options[("事件", f"B{row}")]
                    events[f"A{row}"], events[f"B{row}"], events[f"C{row}"] = spec.title, kind, ruleset.period.end
                    row += 1
        wb.save(tmp_path / "填好.xlsx")
        evidence = load_evidence(tmp_path / "填好.xlsx", ruleset)
        assert evidence.unit == unit
        for item in ruleset.leaves():
            picked = ws[f"F{row_of(ws, item.id)}"].value
            if item.provider != "unit":  # a grey row: its value cell says who gives it, and nothing is read from it
                assert picked.startswith("由") and item.id not in evidence.entries
                continue
            value = evidence.entries[item.id].value
            if item.value_kind == "yes_no":
                assert value is (picked == "是")
            elif item.value_kind == "level":
                assert value == picked
            elif item.value_kind == "parts":
                answers = {part: ws[f"F{row_of(ws, f'{item.id}｜{part}')}"].value for part in item.params.names()}
                assert value == tuple(part for part, answer in answers.items() if answer == "是")
        for spec in ruleset.facts:
            picked = ws[f"F{row_of(ws, f'事实：{spec.name}')}"].value
            if spec.kind == "yes_no":
                assert evidence.facts[spec.name] is (picked == "是")
            elif spec.kind == "events":
                assert [e.kind for e in evidence.facts[spec.name]] == (list(spec.kinds) if picked == "有" else [])
        assert evaluate(ruleset, [evidence])[0].unit == unit


def test_the_yes_no_fact_of_the_2015_draft_reads_back(tmp_path):
    """The reported case: `kaohe template rulesets/hubei-2015 --unit 武汉市`, F30 answered from its dropdown."""
    wb = template("武汉市", HUBEI_2015)
    ws = wb["填报"]
    assert (ws["A30"].value, offered(wb)[("填报", "F30")]) == ("事实：satisfaction_published", ("是", "否"))
    for answer, published in (("是", True), ("否", False)):
        ws["F30"] = answer
        wb.save(tmp_path / "武汉市.xlsx")
        assert load_evidence(tmp_path / "武汉市.xlsx", HUBEI_2015).facts == {"satisfaction_published": published}


def test_a_yes_no_fact_written_as_是_in_yaml(tmp_path):
    data = {"unit": "武汉市", "ruleset": "hubei-2015", "values": {}, "facts": {"satisfaction_published": "否"}}
    assert evidence_from_data(data, HUBEI_2015, "武汉市.yaml", "").facts == {"satisfaction_published": False}


# --- 2. the 有/无 answer and the 事件 sheet must agree ----------------------------------------------------


@pytest.fixture
def dongtou(tmp_path) -> Path:
    """洞头县's sample as a workbook: 质量安全事件 answered 有 (F40), one 区域性 event on 事件 row 2."""
    path = fill(sample("04-洞头县"), tmp_path / "洞头县.xlsx")
    ws = load_workbook(path)["填报"]
    assert (row_of(ws, "事实：incidents"), ws["F40"].value) == (40, "有")
    return path


NO_ROWS = ["洞头县.xlsx › 填报 › F40: 答“有”，但“事件”表中没有“质量安全事件”的事件行（事实「质量安全事件」）",
           "  提示：请在“事件”表逐条填写事件（“事实”列选“质量安全事件”），或改答“无”"]


def test_the_event_vetoes_when_answer_and_rows_agree(dongtou):
    result = evaluate(WENZHOU, [load_evidence(dongtou, WENZHOU)])[0]
    assert (result.grade, [f.rule.id for f in result.fired]) == ("D", ["veto-regional-systemic"])


def test_有_with_the_event_sheet_deleted(dongtou):
    edited(dongtou, lambda wb: wb.remove(wb["事件"]))
    assert problems(dongtou) == [
        "洞头县.xlsx › 填报 › F40: 答“有”，但工作簿中没有“事件”表（现有：说明、填报、选项）（事实「质量安全事件」）",
        "  提示：请在 kaohe template 生成的填报表的“事件”表逐条填写事件，或改答“无”"]


def test_有_with_the_event_sheet_renamed(dongtou):
    def rename(wb):
        wb["事件"].title = "事件（旧）"
    edited(dongtou, rename)
    assert problems(dongtou)[0] == ("洞头县.xlsx › 填报 › F40: 答“有”，但工作簿中没有“事件”表（现有：说明、填报、选项、事件（旧））"
                                    "（事实「质量安全事件」）")


def test_有_with_the_event_sheet_emptied(dongtou):
    def empty(wb):
        for column in "ABCDE":
            wb["事件"][f"{column}2"] = None
    edited(dongtou, empty)
    assert problems(dongtou) == NO_ROWS


def test_有_with_events_only_under_an_unknown_fact(dongtou):
    edited(dongtou, lambda wb: wb["事件"].__setitem__("A2", "质量事件"))
    assert problems(dongtou) == [
        "洞头县.xlsx › 事件 › A2: “事实”列填的“质量事件”不是填报表中需要逐条填报事件的事实",
        "  提示：是否应为 \"质量安全事件\"？",
        *NO_ROWS]


def test_无_while_event_rows_exist(dongtou):
    def add_row(wb):
        wb["填报"]["F40"] = "无"
        for column, value in zip("ABCD", ("质量安全事件", "一般", "2014-11-02", "另一起"), strict=True):
            wb["事件"][f"{column}3"] = value
    edited(dongtou, add_row)
    assert problems(dongtou) == [
        "洞头县.xlsx › 填报 › F40: 答“无”，但“事件”表第 2、3 行填了“质量安全事件”的事件（事实「质量安全事件」）",
        "  提示：两者须一致：有事件请改答“有”，没有事件请删除这些事件行"]


def test_a_blank_answer_with_event_rows_is_refused(dongtou):
    edited(dongtou, lambda wb: wb["填报"].__setitem__("F40", None))
    assert problems(dongtou) == [
        "洞头县.xlsx › 填报 › F40: 未答“有/无”，但“事件”表第 2 行填了“质量安全事件”的事件（事实「质量安全事件」）",
        "  提示：请改答“有”；如果这些事件不该填报，请删除事件行并答“无”"]


def test_a_blank_answer_without_event_rows_is_a_missing_fact(dongtou):
    def clear(wb):
        wb["填报"]["F40"] = None
        for column in "ABCDE":
            wb["事件"][f"{column}2"] = None
    edited(dongtou, clear)
    result = evaluate(WENZHOU, [load_evidence(dongtou, WENZHOU)])[0]
    assert (result.unscored, result.fired) == (OTHERS + ("facts › incidents",), ())


def test_an_events_fact_answered_otherwise(dongtou):
    edited(dongtou, lambda wb: wb["填报"].__setitem__("F40", "是"))
    assert problems(dongtou) == [
        "洞头县.xlsx › 填报 › F40: 应填 有/无，实际为文字 \"是\"（事实「质量安全事件」）",
        "  提示：请从下拉列表选择“有”或“无”；有事件的逐条填在“事件”表"]


def test_an_event_row_without_its_fact(dongtou):
    edited(dongtou, lambda wb: wb["事件"].__setitem__("D5", "没写事实的一起事件"))
    assert problems(dongtou) == [
        "洞头县.xlsx › 事件 › A5: 这一行填了事件，但没有填“事实”列",
        "  提示：请在“事实”列选择事件所属的事实（质量安全事件），或删除这一行"]


def test_the_instructions_say_answer_and_rows_must_agree():
    assert template()["说明"]["A8"].value == (
        "6. 有事件的，在“事件”表逐起填写类型、日期、名称和佐证材料，并在“填报”表对应的事实行选“有”；没有事件请选“无”。"
        "两者必须一致：选“有”而“事件”表没有对应的事件行，或选“无”（或未选）却填了事件行，材料都会被退回。")


def test_a_part_answered_otherwise_is_refused_at_its_cell(tmp_path):
    path = fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx")
    row = row_of(load_workbook(path)["填报"], "二.6｜建立食品安全基层监管网络")
    edited(path, lambda wb: wb["填报"].__setitem__(f"F{row}", "完成"))
    assert problems(path) == [f"鹿城区.xlsx › 填报 › F{row}: 应填 是/否，实际为文字 \"完成\"（指标 二.6「食品安全基层监管与“放心市场”“放心柜”」）",
                              "  提示：“建立食品安全基层监管网络”完成了填“是”，没有完成填“否”"]


def test_a_disagreeing_workbook_fails_the_score_command(dongtou):
    edited(dongtou, lambda wb: wb.remove(wb["事件"]))
    result = CliRunner().invoke(cli, ["score", str(ROOTS / "wenzhou-2014"), str(dongtou)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.replace(f"{dongtou.parent}/", "").splitlines()[0] == (
        "洞头县.xlsx › 填报 › F40: 答“有”，但工作簿中没有“事件”表（现有：说明、填报、选项）（事实「质量安全事件」）")


# --- 3. the unit name ----------------------------------------------------------------------------------------


def evidence_file(tmp_path: Path, unit_line: str) -> Path:
    text = (SAMPLES / "01-鹿城区.yaml").read_text(encoding="utf-8").replace("unit: 鹿城区", unit_line)
    path = tmp_path / "材料.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("unit_line", "message", "hint"), [
    ('unit: ""', "被考核单位名称是必填的，这里为空", f"请填写被考核单位名称（{ROSTER}）"),
    ("unit:", "被考核单位名称是必填的，这里为空", f"请填写被考核单位名称（{ROSTER}）"),
    ('unit: "  \u3000"', "被考核单位名称只有空白字符", f"请填写被考核单位名称（{ROSTER}）"),
    ('unit: "鹿城区\\t"', "被考核单位名称含有控制字符 U+0009", "控制字符常由复制粘贴带入，请删除后重新填写"),
    (f"unit: {'很' * 101}", "被考核单位名称过长（101 个字符，最多 100 个）", ROSTER),
])
def test_a_bad_unit_name_in_yaml(tmp_path, unit_line, message, hint):
    path = evidence_file(tmp_path, unit_line)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("unit"))
    column = 7 if unit_line != "unit:" else 6
    assert problems(path) == [f"材料.yaml:{line}:{column}: {message}", f"  提示：{hint}"]


@pytest.mark.parametrize(("unit", "message"), [
    ("鹿城\u0007区", "被考核单位名称含有控制字符 U+0007"),
    ("鹿城\u0085区", "被考核单位名称含有控制字符 U+0085"),
    ("鹿城区\n", "被考核单位名称含有控制字符 U+000A"),
])
def test_a_unit_name_with_control_characters(unit, message):
    with pytest.raises(KaoheError) as caught:
        evidence_from_data({"unit": unit, "ruleset": "wenzhou-2014", "values": {}}, WENZHOU, "材料.yaml", "")
    assert str(caught.value).splitlines() == [f"材料.yaml: {message}", "  提示：控制字符常由复制粘贴带入，请删除后重新填写"]


def test_an_empty_unit_name_in_json(tmp_path):
    path = tmp_path / "材料.json"
    path.write_text('{"unit": "", "ruleset": "wenzhou-2014", "values": {}}', encoding="utf-8")
    assert problems(path) == ["材料.json:1:10: 被考核单位名称是必填的，这里为空", f"  提示：请填写被考核单位名称（{ROSTER}）"]


@pytest.mark.parametrize("blank", [None, "   "])
def test_a_blank_unit_cell_in_a_workbook(tmp_path, blank):
    path = edited(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"), lambda wb: wb["填报"].__setitem__("B2", blank))
    assert problems(path) == ["鹿城区.xlsx › 填报 › B2: 被考核单位名称是必填的，这里为空",
                              f"  提示：请填写被考核单位名称（{ROSTER}）"]


def test_an_empty_unit_is_not_scored_as_单位(tmp_path):
    path = evidence_file(tmp_path, 'unit: ""')
    result = CliRunner().invoke(cli, ["score", str(ROOTS / "wenzhou-2014"), str(path), "-o", str(tmp_path / "out")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.replace(f"{tmp_path}/", "").splitlines()[0] == "材料.yaml:2:7: 被考核单位名称是必填的，这里为空"
    assert not (tmp_path / "out" / "单位.xlsx").exists()


# --- 4. every evidence message is located ---------------------------------------------------------------------


def test_a_judged_value_written_as_a_number(tmp_path):
    text = (SAMPLES / "04-洞头县.yaml").read_text(encoding="utf-8").replace(
        "  二.7:\n    value: {score: 3.5, reason: 现场核查隐患排查台账与专项整治记录, inspector: 市考核组第二组}\n", "  二.7: 3.5\n")
    path = tmp_path / "洞头县.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  二.7: 3.5") + 1
    assert problems(path) == [f"洞头县.yaml:{line}:8: 核查评分项应填分数和理由（score、reason），实际为数字 3.5（指标 二.7「工程质量安全隐患排查和专项整治」）",
                              "  提示：写成 {score: 3.5, reason: 评分理由}"]


def test_a_judged_value_given_as_a_number_under_value(tmp_path):
    text = (SAMPLES / "04-洞头县.yaml").read_text(encoding="utf-8").replace(
        "    value: {score: 3.5, reason: 现场核查隐患排查台账与专项整治记录, inspector: 市考核组第二组}\n",
        "    value: 3.5\n")
    path = tmp_path / "洞头县.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    value: 3.5") + 1
    assert problems(path)[0] == (f"洞头县.yaml:{line}:12: 核查评分项应填分数和理由（score、reason），实际为数字 3.5"
                                 "（指标 二.7「工程质量安全隐患排查和专项整治」 › 填报值）")


def test_an_event_that_is_not_a_mapping(tmp_path):
    text = (SAMPLES / "04-洞头县.yaml").read_text(encoding="utf-8").replace("  incidents:\n", "  incidents:\n    - 某镇事件\n")
    path = tmp_path / "洞头县.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    - 某镇事件") + 1
    assert problems(path) == [f"洞头县.yaml:{line}:7: 应为一起事件（kind、date、title、files），实际为文字 \"某镇事件\""
                              "（事实「质量安全事件」第1起）"]


def test_evidence_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "材料.yaml"
    path.write_text("- unit: 鹿城区\n", encoding="utf-8")
    assert problems(path) == ["材料.yaml:1:1: 填报材料应为映射（unit、ruleset、values ……），实际为列表"]
    path.write_text("鹿城区\n", encoding="utf-8")
    assert problems(path) == ["材料.yaml: 填报材料应为映射（unit、ruleset、values ……），实际为文字 \"鹿城区\""]


def test_data_without_positions_still_names_its_file():
    data = {"unit": "鹿城区", "ruleset": "wenzhou-2014", "values": {"二.7": Decimal(3)},
            "facts": {"incidents": [{"date": "2014-01-02"}, Decimal(5)]}}
    with pytest.raises(KaoheError) as caught:
        evidence_from_data(data, WENZHOU, "用例.yaml:12", "")
    assert str(caught.value).splitlines() == [
        '用例.yaml:12: 缺少必填字段 "kind"（事实「质量安全事件」第1起）',
        "用例.yaml:12: 应为一起事件（kind、date、title、files），实际为数字 5（事实「质量安全事件」第2起）",
        "用例.yaml:12: 核查评分项应填分数和理由（score、reason），实际为数字 3（指标 二.7「工程质量安全隐患排查和专项整治」）",
        "  提示：写成 {score: 3, reason: 评分理由}",
    ]


def test_a_judged_row_without_its_reason(tmp_path):
    """A judged item the unit itself scores (provider: unit) keeps its fill-in row: the score, and the reason in 备注.
    (The inspection group's judged items are in its own workbook: tests/test_provider.py.)"""
    (tmp_path / "ruleset.yaml").write_text(
        f"extends: {ROOTS / 'wenzhou-2014'}\nitem_changes:\n  override:\n    二.7: {{provider: unit}}\n", encoding="utf-8")
    ruleset = load_ruleset(tmp_path)
    path = fill(sample("04-洞头县"), tmp_path / "洞头县.xlsx", ruleset)
    row = row_of(load_workbook(path)["填报"], "二.7")
    assert load_evidence(path, ruleset).entries["二.7"].value.reason == "现场核查隐患排查台账与专项整治记录"
    edited(path, lambda wb: wb["填报"].__setitem__(f"K{row}", None))
    assert problems(path, ruleset) == [f"洞头县.xlsx › 填报 › K{row}: 核查评分必须写明理由（指标 二.7「工程质量安全隐患排查和专项整治」 › 理由）",
                                       "  提示：请在该单元格写明评分理由"]


# --- 5. absurd numbers and control characters, refused at their cell ---------------------------------------


@pytest.mark.parametrize(("cell", "value", "message"), [
    ("F6", Decimal("1e308"), "无法使用的数字 1E+308：数字过大（绝对值应小于 1,000,000,000,000,000）"),
    ("F6", Decimal("92.12345678901234567890"), "无法使用的数字 92.12345678901235：小数位过多（最多 12 位）"),
    ("J6", 10 ** 20, "无法使用的数字 1E+20：数字过大（绝对值应小于 1,000,000,000,000,000）"),
])
def test_an_absurd_number_is_refused_at_its_cell(tmp_path, cell, value, message):
    path = edited(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"), lambda wb: wb["填报"].__setitem__(cell, value))
    assert problems(path) == [f"鹿城区.xlsx › 填报 › {cell}: {message}", "  提示：请填写实际的数值（四舍五入到所需的位数）"]


def test_a_huge_target_is_refused_at_its_cell(tmp_path):
    path = fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx")
    row = row_of(load_workbook(path)["填报"], "二.2")
    edited(path, lambda wb: wb["填报"].__setitem__(f"H{row}", Decimal("1e16")))
    assert problems(path)[0] == f"鹿城区.xlsx › 填报 › H{row}: 无法使用的数字 1E+16：数字过大（绝对值应小于 1,000,000,000,000,000）"


def with_text(path: Path, cell: str, xml_text: bytes) -> Path:
    """The workbook with `cell` of 填报 holding text as Excel writes it into the file (control characters as _x0007_)."""
    edited(path, lambda wb: wb["填报"].__setitem__(cell, "PLACEHOLDER"))
    raw = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for name in raw.namelist():
            copy.writestr(name, raw.read(name).replace(b"PLACEHOLDER", xml_text))
    path.write_bytes(out.getvalue())
    return path


def test_control_characters_are_refused_at_their_cell(tmp_path):
    path = with_text(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"), "K6", "待补_x0007_材料".encode())
    assert problems(path) == ["鹿城区.xlsx › 填报 › K6: 文字中含有控制字符 U+0007（第 3 个字符）：请删除它（常见于从其他软件复制的文字）"]


def test_tabs_and_line_breaks_are_kept(tmp_path):
    path = edited(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"),
                  lambda wb: wb["填报"].__setitem__("K6", "第一行\n第二行\t附表"))
    assert load_evidence(path, WENZHOU).entries["一.1"].note == "第一行\n第二行\t附表"


def test_a_workbook_with_broken_xml_is_refused_not_a_crash(tmp_path):
    path = with_text(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"), "K6", b"<<")
    lines = problems(path)
    assert lines[0].startswith("鹿城区.xlsx: 无法打开工作簿：文件已损坏或不是 Excel 工作簿（.xlsx）")
    assert lines[-1] == "  提示：请用 kaohe template 生成的填报表，填好后另存为 .xlsx"


def test_a_sheet_written_far_below_the_template_is_refused_quickly(tmp_path):
    path = edited(fill(sample("01-鹿城区"), tmp_path / "鹿城区.xlsx"), lambda wb: wb["事件"].__setitem__("E200000", "x"))
    assert problems(path) == ["鹿城区.xlsx › 事件: “事件”表写到了第 200000 行，超出填报表的 10000 行上限",
                              "  提示：请用 kaohe template 生成的填报表，不要在表格下方粘贴其他内容"]
