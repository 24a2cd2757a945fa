"""Inputs as offices really write them (issue 12, items 5 and 7): .xls/.et files, full-width digits from a Chinese
input method, dates written 2014年7月29日, events outside the counted period, and what `kaohe check` says the missing
values and facts can still do to the result."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_data, evidence_from_text, load_evidence, load_ruleset
from kaohe.engine.fields import date_text, full_stop_problem, half_width, number_text
from kaohe.engine.render.check import check_text
from kaohe.engine.selection import excluded_events
from kaohe.engine.selfcheck import self_check

from .helpers import ruleset_text, write
from .test_fillin import SAMPLES, fill

WENZHOU = Path(__file__).parent.parent / "rulesets" / "wenzhou-2014"
RULESET = load_ruleset(WENZHOU)
SAMPLE = (WENZHOU / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
HINT = "  提示：在 Excel 或 WPS 中打开它，用“另存为”选择文件类型“Excel 工作簿（*.xlsx）”，再提交另存后的 .xlsx 文件"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="kaohe")


def sample(old: str, new: str) -> str:
    assert old in SAMPLE, old
    return SAMPLE.replace(old, new, 1)


def problems_of(text: str, name: str = "鹿城区.yaml") -> list[str]:
    with pytest.raises(KaoheError) as caught:
        evidence_from_text(text, RULESET, name)
    return str(caught.value).splitlines()


# --- 5a. .xls and .et files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, kind", [
    ("鹿城区.xls", b"<html><table><tr><td>93.6</td></tr></table></html>", "Excel/WPS 表格文件（.xls）"),  # a web page
    ("鹿城区.xls", "单位\t鹿城区\n".encode("gbk"), "Excel/WPS 表格文件（.xls）"),  # text another system exported
    ("鹿城区.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "WPS 表格文件（.et）"),
    ("鹿城区.ET", b"PK\x03\x04rest", "WPS 表格文件（.et）"),
], ids=["xls-html", "xls-gbk-text", "et-ole", "et-zip"])
def test_an_xls_or_et_file_is_asked_to_be_saved_as_xlsx(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("check", "score"):
        result = run(command, WENZHOU, path)
        assert result.exit_code == 1
        assert result.stderr == (f"{path}: 这是 {kind}，kaohe 读不了：请另存为 .xlsx（Excel 工作簿）\n{HINT}\n"
                                 "共 1 个问题。\n"), command


def test_a_folder_of_xls_files_names_each_rather_than_finding_no_evidence(tmp_path):
    (tmp_path / "鹿城区.xls").write_bytes("单位\t鹿城区\n".encode("gbk"))
    (tmp_path / "龙湾区.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = run("score", WENZHOU, tmp_path)
    assert result.exit_code == 1
    assert "没有填报材料" not in result.stderr
    assert result.stderr == (
        f"{tmp_path}/鹿城区.xls: 这是 Excel/WPS 表格文件（.xls），kaohe 读不了：请另存为 .xlsx（Excel 工作簿）\n{HINT}\n"
        f"{tmp_path}/龙湾区.et: 这是 WPS 表格文件（.et），kaohe 读不了：请另存为 .xlsx（Excel 工作簿）\n{HINT}\n"
        "共 2 个问题。\n")


@pytest.mark.parametrize("name, content, message", [
    ("鹿城区.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "不接受这种文件（.xls）：请另存为 .xlsx（Excel 工作簿）后再上传"),
    ("鹿城区.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "不接受这种文件（.et）：请另存为 .xlsx（Excel 工作簿）后再上传"),
    ("鹿城区.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "这是旧版 Excel/WPS 的 .xls 文件：请另存为 .xlsx（Excel 工作簿）后再上传"),
], ids=["xls", "et", "old-excel-named-xlsx"])
def test_an_upload_of_an_xls_or_et_file_is_asked_to_be_saved_as_xlsx(name, content, message):
    uploads = pytest.importorskip("kaohe.web.uploads")
    with pytest.raises(uploads.Refused) as caught:
        uploads.check_type(name, content)
    assert str(caught.value) == message


# --- 5b. full-width digits, 。, dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("９３．５", Decimal("93.5")), ("９３.５", Decimal("93.5")), (" １２ ", Decimal(12)), ("－５", Decimal(-5)),
    ("＋５", Decimal(5)), ("\u22125", Decimal(-5)), ("93。5", None), ("九十三", None),
])
def test_number_text(text, number):
    assert number_text(text) == number


def test_half_width_and_the_full_stop():
    assert half_width("９３．５％") == "93.5%"
    assert full_stop_problem("９３．５") == ""
    assert full_stop_problem("93。5") == "“93。5”中的“。”是句号，不是小数点：若指 93.5，请把“。”改为小数点“.”"
    assert full_stop_problem("已完成。5家") == ""  # a sentence's full stop, not between two digits


@pytest.mark.parametrize("written", ["９３．５％", "９３.５", "９３．５", "93.5％", "９３．５ ％"])
def test_full_width_values_in_yaml_are_numbers(written):
    evidence = evidence_from_text(sample("    value: 93.6", f"    value: {written}"), RULESET, "鹿城区.yaml")
    assert evidence.entries["一.1"].value == Decimal("93.5")


def test_full_width_counts_targets_and_units():
    text = sample("  三.1: 0", "  三.1: １２家")  # counted: 家
    text = text.replace("  二.4: 12", "  二.4: １２个", 1).replace("  二.13: 8.1", "  二.13: ８．１％", 1)
    evidence = evidence_from_text(text, RULESET, "鹿城区.yaml")
    assert (evidence.entries["三.1"].value, evidence.entries["二.4"].value) == (12, Decimal(12))
    assert evidence.targets["二.13"] == Decimal("8.1")


def test_the_full_stop_is_not_a_decimal_point_in_yaml():
    text = sample("    value: 93.6", "    value: 93。5").replace("  二.13: 8.1", "  二.13: ８。１", 1)
    assert problems_of(text) == [
        "鹿城区.yaml:8:9: 二.13「质量建设投入增幅」的备案目标“８。１”中的“。”是句号，不是小数点：若指 8.1，"
        "请把“。”改为小数点“.”（指标 二.13「质量建设投入增幅」 › 备案目标）",
        "鹿城区.yaml:11:12: 一.1「制造业产品质量合格率」的填报值“93。5”中的“。”是句号，不是小数点：若指 93.5，"
        "请把“。”改为小数点“.”（指标 一.1「制造业产品质量合格率」 › 填报值）",
    ]


def test_the_full_stop_in_a_count():
    assert problems_of(sample("  三.1: 0", "  三.1: 1。5")) == [
        "鹿城区.yaml:53:8: “1。5”中的“。”是句号，不是小数点：若指 1.5，请把“。”改为小数点“.”（指标 三.1「企业获政府质量奖」）"]


def _filled(tmp_path) -> Path:
    return fill(yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx")


def test_full_width_text_in_a_workbook_cell_is_a_number(tmp_path):
    path = _filled(tmp_path)
    wb = load_workbook(path)
    wb["填报"]["F6"].value = "９３．５％"  # a cell formatted as text, typed with a Chinese input method
    wb.save(path)
    assert load_evidence(path, RULESET).entries["一.1"].value == Decimal("93.5")


def test_the_full_stop_in_a_workbook_cell_names_the_cell(tmp_path):
    path = _filled(tmp_path)
    wb = load_workbook(path)
    wb["填报"]["F6"].value = "93。5"
    wb.save(path)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, RULESET)
    assert str(caught.value).replace(str(tmp_path) + "/", "").splitlines() == [
        "鹿城区.xlsx › 填报 › F6: 一.1「制造业产品质量合格率」的填报值“93。5”中的“。”是句号，不是小数点：若指 93.5，"
        "请把“。”改为小数点“.”（指标 一.1「制造业产品质量合格率」 › 填报值）",
        "  提示：此格应填：数值（0–100）"]


@pytest.mark.parametrize("text, date", [
    ("2014年7月29日", dt.date(2014, 7, 29)), ("2014年07月29日", dt.date(2014, 7, 29)),
    ("２０１４年７月２９日", dt.date(2014, 7, 29)), ("2014.7.29", dt.date(2014, 7, 29)),
    ("2014/07/29", dt.date(2014, 7, 29)), ("2014-7-29", dt.date(2014, 7, 29)), ("2014年7月29", dt.date(2014, 7, 29)),
    ("2014年2月30日", "日期“2014年2月30日”不存在（2014 年 2 月没有 30 日）"),
    ("2014.13.1", "日期“2014.13.1”不存在（没有 13 月）"),
    ("7/29/2014", "日期“7/29/2014”的年份写在最后，分不清哪个是月、哪个是日"),
    ("2014.7/29", None), ("去年七月", None),
])
def test_date_text(text, date):
    assert date_text(text) == date


EVENTS = "facts:\n  incidents: []\n"


def test_dates_written_in_chinese_in_yaml_events():
    text = sample(EVENTS, "facts:\n  incidents:\n"
                          "    - {kind: 一般, date: 2014年7月29日, title: 甲}\n"
                          "    - {kind: 一般, date: 2014年07月29日, title: 乙}\n"
                          "    - {kind: 一般, date: 2014.7.29, title: 丙}\n")
    evidence = evidence_from_text(text, RULESET, "鹿城区.yaml")
    assert [e.date for e in evidence.facts["incidents"]] == [dt.date(2014, 7, 29)] * 3


def test_a_date_that_cannot_be_read_is_located():
    text = sample(EVENTS, "facts:\n  incidents:\n"
                          "    - {kind: 一般, date: 7/29/2014, title: 甲}\n"
                          "    - {kind: 一般, date: 2014年2月30日, title: 乙}\n"
                          "    - {kind: 一般, date: 七月, title: 丙}\n")
    hint = "  提示：日期写作 2014-07-29、2014年7月29日 或 2014.7.29（年份在前）"
    assert problems_of(text) == [
        "鹿城区.yaml:57:24: 日期“7/29/2014”的年份写在最后，分不清哪个是月、哪个是日（事实「质量安全事件」第1起 › 日期）", hint,
        "鹿城区.yaml:58:24: 日期“2014年2月30日”不存在（2014 年 2 月没有 30 日）（事实「质量安全事件」第2起 › 日期）", hint,
        '鹿城区.yaml:59:24: 应为日期（如 2014-07-29），实际为文字 "七月"（事实「质量安全事件」第3起 › 日期）', hint,
    ]


def test_a_date_written_in_chinese_in_the_events_sheet(tmp_path):
    data = yaml.safe_load(SAMPLES[0].read_text(encoding="utf-8"))
    data["facts"]["incidents"] = [{"kind": "一般", "date": "2014年7月29日", "title": "某事故"}]
    path = fill(data, tmp_path / "鹿城区.xlsx")
    assert load_workbook(path)["事件"]["C2"].value == "2014年7月29日"  # typed as text
    assert load_evidence(path, RULESET).facts["incidents"][0].date == dt.date(2014, 7, 29)
    wb = load_workbook(path)
    wb["事件"]["C2"].value = "2014年2月30日"
    wb.save(path)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, RULESET)
    assert str(caught.value).replace(str(tmp_path) + "/", "").splitlines() == [
        "鹿城区.xlsx › 事件 › C2: 日期“2014年2月30日”不存在（2014 年 2 月没有 30 日）（事实「质量安全事件」第1起 › 日期）",
        "  提示：日期写作 2014-07-29、2014年7月29日 或 2014.7.29（年份在前）"]


# --- 5c. events outside the counted period --------------------------------------------------------------------

OUTSIDE = ("facts:\n  incidents:\n"
           "    - {kind: 一般, date: 2015-04-02, title: 某事故}\n"
           "    - {kind: 负有直接监管责任的重特大, date: 2013-12-31, title: 某重大事故}\n"
           "    - {kind: 一般, date: 2015-03-31, title: 公布前的事故}\n")


def test_check_lists_the_events_it_did_not_count_and_why(tmp_path):
    path = tmp_path / "鹿城区.yaml"
    path.write_text(sample(EVENTS, OUTSIDE), encoding="utf-8")
    evidence = load_evidence(path, RULESET)
    assert [(f, e.title) for f, e, _ in excluded_events(RULESET, evidence)] == [("incidents", "某事故"),
                                                                              ("incidents", "某重大事故")]
    result = run("check", WENZHOU, path)
    lines = result.stdout.splitlines()
    start = lines.index("未计入的事件（2起，日期不在本年度计入的期间内）：")
    assert lines[start + 1:start + 3] == [
        "  2015-04-02 一般 某事故（在考核期 2014-01-01 至 2014-12-31、结果公布前 2015-03-31 之后，不计入本年度）",
        "  2013-12-31 负有直接监管责任的重特大 某重大事故（在考核期 2014-01-01 至 2014-12-31 之前，不计入本年度）",
    ]
    assert result.exit_code == 0 and lines[-1] == "可以报送"  # the veto's event is outside the period: not fired


EVENT_ITEM = """\
facts:
  incidents: {title: 质量安全事件, kind: events, kinds: [一般, 较大]}
items:
  - id: X
    title: 质量安全事件
    points: 10
    citation: {source: s, clause: 第二条, text: 测试条款}
    method: deduct_per
    per: 2
    counted: 起
    events: {fact: incidents}
"""


def test_an_item_reading_events_says_which_it_left_out(tmp_path):
    ruleset = load_ruleset(write(tmp_path, ruleset_text(EVENT_ITEM, scale="10")))
    data = {"unit": "甲县", "ruleset": "t", "values": {}, "facts": {"incidents": [
        {"kind": "较大", "date": "2014年6月1日", "title": "甲事故"},
        {"kind": "一般", "date": "2015年1月5日", "title": "乙事故"}]}}
    result = evaluate(ruleset, [evidence_from_data(data, ruleset, "甲县.yaml", "")])[0]
    item = result.items[0]
    assert item.score == 8
    assert "计入1起（2014-06-01 较大 甲事故）；未计入1起：2015-01-05 一般 乙事故（在考核期 2014-01-01 至 2014-12-31 之后，" \
           "不计入本年度）" in item.reason


# --- 7. what the missing values and facts can still do ----------------------------------------------------------

def check_lines(text: str) -> list[str]:
    return check_text(RULESET, self_check(RULESET, evidence_from_text(text, RULESET, "鹿城区.yaml"))).splitlines()


def test_a_missing_value_can_only_raise_the_total():
    lines = check_lines(sample("  一.6:\n    value: 78.5", "  一.6:\n    value: null"))
    assert lines[1] == "暂定总分 87.5，暂定等次 B（有未能评分的项目，现按0分计，补填后总分只会增加，最多增加4分）"
    assert lines[lines.index("升到A：总分达到90分，还差2.5分。") + 1] == (
        "尚未评分的项目现按0分计，最多可增加4分（本单位未能评分1项4分）：这些项目再得2.5分即可升到A。")


def test_a_missing_fact_read_by_a_veto_can_lower_it():
    lines = check_lines(sample(EVENTS, "facts: {}\n"))
    assert lines[1] == "暂定总分 91.5，暂定等次 A（缺少的事实补报后可能扣分或触发否决、降级，实际可能更低）"


def test_both_a_missing_value_and_a_missing_fact():
    lines = check_lines(sample(EVENTS, "facts: {}\n").replace("  一.6:\n    value: 78.5", "  一.6:\n    value: null"))
    assert lines[1] == ("暂定总分 87.5，暂定等次 B（有未能评分的项目，现按0分计，补填后总分可能增加，最多增加4分；"
                        "缺少的事实补报后可能扣分或触发否决、降级，实际可能更低）")


def test_the_old_wording_is_gone():
    lines = check_lines(sample("  一.6:\n    value: 78.5", "  一.6:\n    value: null"))
    assert "实际可能更低" not in lines[1]  # a missing value counts 0 now: the total can only rise


def test_the_json_form_lists_the_events_left_out(tmp_path):
    import json
    path = tmp_path / "鹿城区.yaml"
    path.write_text(sample(EVENTS, OUTSIDE), encoding="utf-8")
    document = json.loads(run("check", WENZHOU, path, "--json").stdout)
    assert document["excluded_events"][0] == {
        "fact": "incidents", "date": "2015-04-02", "kind": "一般", "title": "某事故",
        "reason": "在考核期 2014-01-01 至 2014-12-31、结果公布前 2015-03-31 之后，不计入本年度"}
    plain = json.loads(run("check", WENZHOU, WENZHOU / "samples" / "01-鹿城区.yaml", "--json").stdout)
    assert "excluded_events" not in plain
