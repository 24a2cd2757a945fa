"""Self-check before submission: missing values and evidence, self-score differences, the next grade."""
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine import evidence_from_text, load_evidence, load_ruleset
from kaohe.engine.model import Band, Rounding
from kaohe.engine.selfcheck import _threshold, self_check

ROOT = Path(__file__).parent.parent / "rulesets" / "wenzhou-2014"
RULESET = load_ruleset(ROOT)


def check_sample(name):
    return self_check(RULESET, load_evidence(ROOT / "samples" / name, RULESET))


def test_cangnan_is_not_ready():
    report = check_sample("09-苍南县.yaml")
    assert report.result.total == Decimal("81.5")  # alone, the rank item 二.5 counts as 1st of 1
    assert [x.item.id for x in report.missing_values] == ["一.6"]
    assert [x.item.id for x in report.missing_files] == ["一.2"]
    assert [(d.item.item.id, d.self_score, d.item.score) for d in report.differences] == [("一.7", 3, Decimal("2.5"))]
    assert [x.item.id for x in report.cohort_items] == ["二.5"]
    assert (report.next_grade.grade, report.next_grade.needed, report.next_grade.threshold) == ("A", Decimal("8.5"),
                                                                                                "总分达到90分")
    assert [(h.item.item.id, h.points) for h in report.headroom[:3]] == [("三.1", 3), ("二.10", 2), ("二.13", 2)]
    assert not report.ready


def test_the_report_text():
    result = CliRunner().invoke(cli, ["check", str(ROOT), str(ROOT / "samples" / "09-苍南县.yaml")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1:5] == [
        # a missing value counts 0 now: filling it can only raise the total (it was worded "实际可能更低")
        "暂定总分 81.5，暂定等次 B（有未能评分的项目，现按0分计，补填后总分只会增加，最多增加4分）",
        "定级：总分81.5分（不取舍），80-89分为B级（即80分及以上、低于90分），定为B",
        "自评总分 84 分，按细则计算为 81.5 分，相差 2.5 分。",
        "注意：二.5 按名次计分，须与其他单位一起排名；自查时按第1名计，实际得分可能更低。",
    ]
    assert "  一.6 服务质量满意度：缺少填报值，无法评分" in lines
    assert "  一.2 主要农产品质量安全监测合格率：需提交 农产品质量安全例行监测报告" in lines
    assert ("  一.7 地表水Ⅲ类以上水质比例：自评3分，按细则计2.5分 —— 目标≥64%，实际63%，低于目标1个百分点，"
            "每低1个百分点扣0.5分，得2.5分") in lines
    assert "升到A：总分达到90分，还差8.5分。" in lines
    next_line = lines[lines.index("升到A：总分达到90分，还差8.5分。") + 1]
    assert next_line == ("尚未评分的项目现按0分计，最多可增加4分（本单位未能评分1项4分）："
                         "即使全部得满分，也还差4.5分，须在已失分的项目上提高。")


def test_a_ready_unit_at_the_top_exits_0():
    result = CliRunner().invoke(cli, ["check", str(ROOT), str(ROOT / "samples" / "01-鹿城区.yaml")])
    assert result.exit_code == 0
    assert "✓ 没有缺少的填报值和佐证材料。" in result.stdout
    assert "等次：已是最高等次。" in result.stdout


def test_a_veto_blocks_every_better_grade():
    report = check_sample("04-洞头县.yaml")
    assert report.next_grade is None
    assert report.blocked == "已触发“发生区域性、系统性产品质量安全事件，一票否决”，无论得分多少均为D"


def test_json_form():
    result = CliRunner().invoke(cli, ["check", str(ROOT), str(ROOT / "samples" / "09-苍南县.yaml"), "--json"])
    document = json.loads(result.stdout)
    assert document["format"] == "kaohe.check/1"
    assert (document["ready"], document["missing_values"], document["missing_files"]) == (
        False, ["一.6"], [{"id": "一.2", "materials": ["农产品质量安全例行监测报告"]}])
    assert document["next_grade"] == {"grade": "A", "needed": "8.5", "threshold": "总分达到90分"}
    assert document["differences"][0]["id"] == "一.7"


def test_next_grade_after_a_downgrade_needs_two_bands(tmp_path):
    import shutil
    for name in ("national-2013", "wenzhou-2014"):
        shutil.copytree(ROOT.parent / name, tmp_path / name)
    path = tmp_path / "wenzhou-2014" / "ruleset.yaml"
    # a variant where 一.1 is a key item: below 60% of its points it costs one grade
    path.write_text(path.read_text(encoding="utf-8").replace(
        "outcome_changes:\n  add:\n", "outcome_changes:\n  add:\n"
        "    - id: key\n      title: 制造业合格率不足六成降一级\n      when: {key_items: [一.1], min_share: 0.6}\n"
        "      then: {downgrade: 1}\n      citation: {source: wzb-2014-98, clause: 一, text: 制造业产品质量合格率达到92%以上}\n"),
        encoding="utf-8")
    ruleset = load_ruleset(path)
    text = (ROOT / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8").replace("    value: 93.6", "    value: 88")
    report = self_check(ruleset, evidence_from_text(text, ruleset, "鹿城区.yaml"))
    assert (report.result.band_grade, report.result.grade) == ("B", "C")  # 88% is 4 below 92%: 1 of 5 points
    assert (report.next_grade.grade, report.next_grade.band.label) == ("B", "A")  # band A, downgraded, gives B


def test_threshold_under_each_rounding():
    band = Band("A", Decimal(90))
    assert _threshold(band, Rounding(None)) == (Decimal(90), "总分达到90分")
    assert _threshold(band, Rounding(Decimal(1), "half_up")) == (Decimal("89.5"), "总分达到89.5分（按1分四舍五入为90分）")
    assert _threshold(band, Rounding(Decimal("0.5"), "down"))[0] == Decimal(90)
    assert _threshold(band, Rounding(Decimal(1), "up")) == (Decimal(89), "总分超过89分（按1分进位为90分）")
