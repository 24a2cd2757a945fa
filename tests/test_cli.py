"""The `kaohe` command: exact exit codes and output (click's CliRunner)."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli.main import cli

ROOT = Path(__file__).parent.parent
WENZHOU = str(ROOT / "rulesets" / "wenzhou-2014")
SAMPLES = str(ROOT / "rulesets" / "wenzhou-2014" / "samples")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_validate_ok():
    result = run("validate", WENZHOU)
    assert result.exit_code == 0
    assert result.stdout.endswith("细则 wenzhou-2014（版本 2014.1）检查通过，31 个指标（28 个评分项），2 条结果规则，满分 100 分。\n")


def test_validate_reports_problems_with_exit_1(tmp_path):
    (tmp_path / "ruleset.yaml").write_text("id: x\nid: y\n", encoding="utf-8")
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f'{tmp_path}/ruleset.yaml:2:1: 重复的键 "id"（第一次出现在第 1 行）\n'
                             "  提示：同一层级中每个键只能出现一次；PyYAML 默认会静默保留最后一个，这里拒绝。\n"
                             "共 1 个问题。\n")


def test_score_with_a_missing_value_exits_1_unless_provisional():
    strict = run("score", WENZHOU, SAMPLES)
    assert strict.exit_code == 1
    assert "苍南县（" in strict.stdout and "：一.6" in strict.stdout
    assert strict.stderr == ("1 个单位有未评分的指标（缺少填报值），结果为暂定；"
                             "补齐材料后重新评分，或加 --provisional 接受暂定结果。\n")
    provisional = run("score", WENZHOU, SAMPLES, "--provisional")
    assert provisional.exit_code == 0
    assert provisional.stdout == strict.stdout


def test_summary_lists_every_unit_by_grade_then_score():
    lines = run("score", WENZHOU, SAMPLES, "--provisional").stdout.splitlines()
    assert lines[0].startswith("2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）（wenzhou-2014 版本 2014.1，已发布，摘要 ")
    assert lines[1].split() == ["名次", "单位", "总分", "定级分", "等次", "说明"]
    # 洞头县, vetoed to D, is listed with the D units; its 名次 by total stays 7
    assert [line.split()[:5] for line in lines[2:13]] == [
        ["1", "瑞安市", "100.5", "100.5", "A"], ["2", "瓯海区", "99.5", "99.5", "A"], ["3", "鹿城区", "90", "90", "A"],
        ["4", "龙湾区", "89.5", "89.5", "B"], ["5", "乐清市", "81.55", "81.55", "B"],
        ["6", "苍南县", "79.5", "79.5", "C"], ["8", "文成县", "69.5", "69.5", "C"],
        ["9", "泰顺县", "66.45", "66.45", "C"], ["10", "永嘉县", "60", "60", "C"], ["7", "洞头县", "78", "78", "D（原C）"],
        ["11", "平阳县", "59.5", "59.5", "D"]]


def test_json_document():
    result = run("score", WENZHOU, SAMPLES, "--json", "--provisional")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["format"] == "kaohe.result/1"
    units = {u["unit"]: u for u in document["units"]}
    lucheng = units["鹿城区"]
    assert lucheng["ruleset"]["id"] == "wenzhou-2014" and lucheng["ruleset"]["version"] == "2014.1"
    assert len(lucheng["ruleset"]["digest"]) == 64 and len(lucheng["evidence"]["digest"]) == 64
    assert (lucheng["total"], lucheng["grade"], lucheng["complete"], lucheng["outcomes"]) == ("90", "A", True, [])
    item = next(i for i in lucheng["items"] if i["id"] == "一.7")
    assert item == {
        "id": "一.7", "title": "地表水Ⅲ类以上水质比例", "parent": "一", "level": 2, "bonus": False, "max": "3", "score": "2",
        "reason": "目标≥64%，实际62%，低于目标2个百分点，每低1个百分点扣0.5分，得2分",
        "standard": "争取Ⅲ类以上比例达到64%以上；每低1个百分点扣0.5分。", "method": "deduct_below_target",
        "citation": {"source": "wzb-2014-98", "document": "温政办〔2014〕98号《2014年温州市质量强市建设行动计划》",
                     "clause": "一、2014年质量强市建设主要目标",
                     "text": "地表水水质持续改善，争取Ⅲ类以上比例达到64%以上，县级以上集中式饮用水源地水质达标率达到87%以上，"
                             "城市环境空气质量（AQI）优良率达到65%以上。"},
        "self_score": None, "files": [], "note": "", "adjustment": None}
    dongtou = units["洞头县"]
    assert (dongtou["band_grade"], dongtou["grade"]) == ("C", "D")
    assert dongtou["outcomes"][0]["citation"]["clause"] == "第五条"
    assert units["苍南县"]["unscored"] == ["一.6"]
    assert next(i for i in units["苍南县"]["items"] if i["id"] == "一.6")["score"] is None


def test_out_dir_is_written_and_byte_identical_on_rerun(tmp_path):
    first = run("score", WENZHOU, SAMPLES, "--provisional", "-q", "-o", tmp_path / "a")
    second = run("score", WENZHOU, SAMPLES, "--provisional", "-q", "-o", tmp_path / "b")
    assert first.exit_code == second.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())  # no temporary files left behind
    units = ["乐清市", "平阳县", "文成县", "永嘉县", "泰顺县", "洞头县", "瑞安市", "瓯海区", "苍南县", "鹿城区", "龙湾区"]
    assert names == sorted([".kaohe-manifest.json", "results.json", "summary.txt", "汇总.xlsx", "汇总.html"]
                           + [f"{u}.{ext}" for u in units for ext in ("xlsx", "html")])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_evidence_problems_from_several_files_are_all_reported(tmp_path):
    sample = (ROOT / "rulesets" / "wenzhou-2014" / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(sample.replace("  二.9: 0", "  二.9: -1"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(sample.replace("unit: 鹿城区", "unit: 龙湾区").replace("  一.8: 90", "  一.8: 190"),
                                     encoding="utf-8")
    result = run("score", WENZHOU, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/a.yaml:40:8: 应填不小于0的整数（个数、次数），实际为数字 -1（指标 二.9「产品质量惠民活动」）",
        f"{tmp_path}/b.yaml:23:8: 填报值 190% 超出允许范围 0–100%（指标 一.8「县级以上集中式饮用水源地水质达标率」）",
        "共 2 个问题。",
    ]


def test_usage_error_exits_2():
    result = run("score", WENZHOU)
    assert result.exit_code == 2
    assert result.stderr.endswith("错误：缺少参数 EVIDENCE...。\n")


def test_internal_error_exits_3_without_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr("kaohe.cli.score.evaluate", broken)
    result = run("score", WENZHOU, SAMPLES)
    assert result.exit_code == 3
    assert result.stderr.startswith("内部错误：RuntimeError: boom\n这是 kaohe 的缺陷，不是您的输入有误。")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("verb", ["validate", "score"])
def test_every_verb_has_help_with_an_example(verb):
    result = run(verb, "--help")
    assert result.exit_code == 0
    assert "示例：" in result.stdout and f"kaohe {verb} rulesets/" in result.stdout


def test_one_unit_item_by_item():
    result = run("score", WENZHOU, SAMPLES, "--unit", "鹿城区")
    assert result.exit_code == 0  # 鹿城区 itself is complete, whatever the rest of the batch
    lines = result.stdout.splitlines()
    assert lines[:3] == ["鹿城区 — 2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）（版本 2014.1）",
                         "总分 90（其中加分 0），等次 A",
                         "定级：总分90分（不取舍），90分及以上为A级（即90分及以上），定为A"]
    at = lines.index("  二.5 主导或参与制修订国际、国家和行业标准  2.5/4")
    assert lines[at + 1:at + 3] == [
        "    实际3项，在11个单位中列第4名，相差3名，每名扣0.5分，共扣1.5分，得2.5分",
        "    依据：温政办〔2014〕98号《2014年温州市质量强市建设行动计划》二(二)5"]


def test_unknown_unit_is_a_usage_error():
    result = run("score", WENZHOU, SAMPLES, "--unit", "洞头")
    assert result.exit_code == 2
    assert "本批材料中没有单位「洞头」" in result.stderr


def test_template_writes_the_fill_in_workbook(tmp_path):
    target = tmp_path / "鹿城区.xlsx"
    result = run("template", WENZHOU, "--unit", "鹿城区", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == f"{target}\n" and result.stderr == f"填报表已写入 {target}\n"
    from openpyxl import load_workbook
    assert load_workbook(target)["填报"]["B2"].value == "鹿城区"


def test_template_for_a_unit_not_in_the_ruleset():
    result = run("template", WENZHOU, "--unit", "鹿城")
    assert result.exit_code == 2
    assert "「鹿城」不在细则 wenzhou-2014 的被考核单位名单中。是否应为 \"鹿城区\"？" in result.stderr


def test_score_accepts_filled_workbooks_with_yaml(tmp_path):
    import shutil
    for sample in Path(SAMPLES).glob("*.yaml"):
        shutil.copy(sample, tmp_path)
    (tmp_path / "01-鹿城区.yaml").unlink()
    import yaml

    from tests.test_fillin import fill
    fill(yaml.safe_load((Path(SAMPLES) / "01-鹿城区.yaml").read_text(encoding="utf-8")), tmp_path / "鹿城区.xlsx")
    result = run("score", WENZHOU, tmp_path, "--provisional")
    assert result.exit_code == 0
    # the unit's workbook holds its own values: the lead department's and the inspection group's 5 come separately
    assert "7     鹿城区  74.5   74.5    C         未评分5项，等次为暂定" in result.stdout
    assert f"  鹿城区（{tmp_path / '鹿城区.xlsx'}）：一.10、一.11 待牵头部门（市质监局）评分，二.7、二.14、二.15 待考核组评分" in result.stdout


def test_a_partial_batch_is_named_and_its_places_are_provisional():
    three = sorted(Path(SAMPLES).glob("0[1-3]*.yaml"))
    result = run("score", WENZHOU, *map(str, three))
    assert result.exit_code == 0
    assert ("注意：本批材料有 3 个单位，细则名单有 11 个，缺 8 个：洞头县、瑞安市、乐清市、永嘉县、平阳县、苍南县、文成县、泰顺县；"
            "名次类指标为暂定。") in result.stderr
    document = json.loads(run("score", WENZHOU, *map(str, three), "--json", "-q").stdout)
    ranked = next(i for i in document["units"][0]["items"] if i["method"] == "rank")
    assert ranked["reason"].endswith("（暂定：名单中还有8个单位未参评，名次可能变化）")
    whole = run("score", WENZHOU, SAMPLES, "--provisional", "--json")
    assert "注意" not in whole.stderr and "暂定：名单中" not in whole.stdout


def test_output_piped_into_a_reader_that_stops_early_is_no_internal_error():
    """`kaohe lint … | head -1`: the reader closes the pipe before kaohe has written; kaohe stops quietly."""
    import subprocess
    import sys
    process = subprocess.Popen([sys.executable, "-c", "from kaohe.cli import run; run()", "lint",
                                str(ROOT / "rulesets" / "hubei-2015")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.close()  # before the ruleset is even loaded: every write meets a closed pipe
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert stderr == ""
