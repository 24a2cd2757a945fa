"""kaohe diff and kaohe impact, checked in full on the bundled 湖北 2014 → 2015 pair."""
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from kaohe.cli.main import cli
from kaohe.engine import load_ruleset
from kaohe.engine.diff import diff
from kaohe.engine.impact import impact, load_pairs

ROOT = Path(__file__).parent.parent / "rulesets"
OLD, NEW = load_ruleset(ROOT / "hubei-2014"), load_ruleset(ROOT / "hubei-2015")
SAMPLES = sorted((ROOT / "hubei-2014" / "samples").glob("*.yaml"))


def test_diff_in_full():
    changes = [(c.section, c.kind, c.key, c.detail) for c in diff(OLD, NEW)]
    assert changes == [
        ("基本信息", "修改", "id", "hubei-2014 → hubei-2015"),
        ("基本信息", "修改", "title", "2014年度湖北省质量工作考核评分细则（依据行动计划重建） → "
                                    "2015年度湖北省质量工作考核评分细则（草案，依据2014年重建稿修改）"),
        ("基本信息", "修改", "version", "2014.1 → 2015.0-draft1"),
        ("基本信息", "修改", "status", "published → draft"),
        ("基本信息", "修改", "period", "2014-01-01 至 2014-12-31 → 2015-01-01 至 2015-12-31"),
        ("指标", "删除", "二.4", "4分，all_or_nothing"),
        ("指标", "新增", "二.15", "4分，all_or_nothing，在 二 下"),
        ("指标", "修改", "二.7", "分值 6 → 5；数额分档 ≥5个得6分；≥3个得4分；≥1个得2分 → ≥5个得5分；≥3个得3分；≥1个得1.5分；"
                              "评分标准改为：新增名牌产品、著名商标、“湖北老字号”等品牌5个及以上得5分，3至4个得3分，1至2个得1.5分，"
                              "没有新增不得分。"),
        ("指标", "修改", "二.9", "目标 95 → 96；评分标准改为：12315、12365等投诉举报按时办结率达到96%以上得满分；"
                              "每低1个百分点扣0.5分。"),
        ("指标", "修改", "二.13", "分值 6 → 7；评分标准改为：考核组核查地方法规规章制定、技术检测机构整合和质量状况分析报告情况，"
                               "在7分内评定并写明理由。"),
        ("等级", "修改", "rounding", "总分不取舍，按原值定级 → 总分按1分四舍五入后定级"),
        ("事实", "新增", "satisfaction_published", "yes_no 无"),
        ("结果规则", "新增", "cap-satisfaction-unpublished",
         "“顾客满意度测评结果已向社会公布”为否时最高为B；依据：《湖北省贯彻实施质量发展纲要2014年行动计划》六"),
    ]


def test_a_renumbered_item_is_matched_by_title(tmp_path):
    import shutil
    for name in ("national-2013", "hubei-2014"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "moved.yaml").write_text(
        "extends: hubei-2014/ruleset.yaml\nitem_changes:\n  remove: [二.12]\n  add:\n    - under: 二\n"
        "      item: {id: 二.20, title: “质量月”等主题活动, points: 4, method: deduct_per, per: 1, counted: 项,"
        " citation: {source: hb-2014-plan, clause: 十二, text: 组织开展主题活动}}\n", encoding="utf-8")
    changes = [(c.kind, c.key, c.detail) for c in diff(load_ruleset(tmp_path / "hubei-2014"),
                                                      load_ruleset(tmp_path / "moved.yaml")) if c.section == "指标"]
    assert changes[0] == ("改编号", "二.20", "原编号 二.12")
    assert changes[1][0] == "修改" and "计数说法 未开展 → 缺" in changes[1][2]


def test_diff_reports_are_written(tmp_path):
    result = CliRunner().invoke(cli, ["diff", str(ROOT / "hubei-2014"), str(ROOT / "hubei-2015"), "-q",
                                      "--html", str(tmp_path / "d.html"), "--xlsx", str(tmp_path / "d.xlsx")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[3] == "共 13 处变化：指标 5，等级 1，事实 1，结果规则 1，基本信息 5"
    assert "<td>二.15</td><td>省、市、县三级质量状况分析报告</td>" in (tmp_path / "d.html").read_text(encoding="utf-8")
    ws = load_workbook(tmp_path / "d.xlsx")["指标"]
    assert [c.value for c in ws[6]] == ["变化", "编号", "名称", "说明"]
    assert [c.value for c in ws[7]][:3] == ["删除", "二.4", "重点行业能源计量和能耗限额标准监督检查"]


def test_impact_in_full():
    result = impact(OLD, NEW, *load_pairs(OLD, NEW, SAMPLES))
    assert result.matrix() == {("A", "B"): 1, ("B", "B"): 5, ("B", "C"): 1, ("C", "C"): 5, ("C", "D"): 3,
                               ("D", "D"): 2}
    rows = [(u.unit, str(u.old.total), u.old.grade, str(u.new.total), u.new.grade) for u in result.units]
    assert [(unit, Decimal(new) - Decimal(old)) for unit, old, _, new, _ in rows] == [
        ("咸宁市", Decimal("-5.5")), ("孝感市", Decimal("-5.5")), ("恩施土家族苗族自治州", Decimal("-5.5")),
        ("荆州市", Decimal("-5.5")), ("宜昌市", Decimal(-5)), ("武汉市", Decimal(-5)), ("神农架林区", Decimal(-5)),
        ("荆门市", Decimal(-5)), ("鄂州市", Decimal(-5)), ("襄阳市", Decimal("-4.5")), ("随州市", Decimal("-4.5")),
        ("黄石市", Decimal("-4.5")), ("潜江市", Decimal(-4)), ("仙桃市", Decimal("-1.5")), ("天门市", Decimal(-1)),
        ("黄冈市", Decimal(-1)), ("十堰市", Decimal("-0.5"))]
    wuhan = next(u for u in result.units if u.unit == "武汉市")
    assert (wuhan.old.grade, wuhan.new.grade, wuhan.old.total, wuhan.new.total) == ("A", "B", 90, 85)
    assert [(d.item_id, d.old, d.new) for d in wuhan.drivers] == [
        ("二.4", 4, None), ("二.7", 2, Decimal("1.5")), ("二.9", 4, Decimal("3.5"))]
    assert wuhan.drivers[2].note == "目标≥96%，实际95%，低于目标1个百分点，每低1个百分点扣0.5分，得3.5分"
    assert all(u.lacking[-2:] == ("二.15", "facts › satisfaction_published") for u in result.units)
    assert next(u for u in result.units if u.unit == "潜江市").lacking == (
        "二.9", "二.15", "facts › satisfaction_published")
    assert all(u.ignored == ("二.4",) for u in result.units)
    jingzhou = next(u for u in result.units if u.unit == "荆州市")
    assert (jingzhou.old.grade, jingzhou.new.grade) == ("D", "D")  # last year's veto still counts under the draft


def test_impact_cli_and_reports(tmp_path):
    result = CliRunner().invoke(cli, ["impact", str(ROOT / "hubei-2014"), str(ROOT / "hubei-2015"),
                                      str(ROOT / "hubei-2014" / "samples"), "-q",
                                      "--html", str(tmp_path / "i.html"), "--xlsx", str(tmp_path / "i.xlsx")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[4] == "17 个单位，等次改变 5 个；总分上升 0 个，下降 17 个；缺少新细则所需填报值的 17 个。"
    assert "  A       0  1  0  0" in lines
    html = (tmp_path / "i.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<title>武汉市：-5</title>" in html
    wb = load_workbook(tmp_path / "i.xlsx")
    assert wb.sheetnames[-1] == "图表" and len(wb["图表"]._charts) == 1
    json_result = CliRunner().invoke(cli, ["impact", str(ROOT / "hubei-2014"), str(ROOT / "hubei-2015"),
                                           str(ROOT / "hubei-2014" / "samples"), "--json"])
    import json
    document = json.loads(json_result.stdout)
    assert document["format"] == "kaohe.impact/1"
    assert {"old": "A", "new": "B", "units": 1} in document["matrix"]
