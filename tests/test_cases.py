"""Ruleset cases as data: a failing case says expected vs. got per item; `kaohe test` exits 1 on failure."""
import shutil
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine import load_ruleset
from kaohe.engine.cases import case_files, load_cases, run_case
from kaohe.engine.loading import parse_text

ROOT = Path(__file__).parent.parent / "rulesets"

WRONG = """\
- name: 写错期望的用例
  evidence: ../samples/01-鹿城区.yaml
  batch: ../samples
  expect:
    total: 91
    grade: B
    items: {一.7: 3, 一.6: null, 九.9: 1}
    fired: [veto-regional-systemic]
    unscored: [一.6]
"""


def copy_rulesets(tmp_path):
    for name in ("national-2013", "wenzhou-2014"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "wenzhou-2014" / "cases" / "wrong.yaml").write_text(WRONG, encoding="utf-8")
    return tmp_path / "wenzhou-2014"


BUNDLED = sorted(path.parent.name for path in ROOT.glob("*/ruleset.yaml"))


def test_every_bundled_ruleset_ships_passing_cases():
    assert {"national-2013", "wenzhou-2014", "hubei-2014", "hubei-2015"} <= set(BUNDLED)
    for name in BUNDLED:
        files = case_files(ROOT / name)
        assert files, name
        ruleset = load_ruleset(ROOT / name)
        cases = [case for path in files for case in load_cases(path)]
        assert len(cases) >= 3, name
        assert all(run_case(ruleset, case).passed for case in cases), name


def test_a_failing_case_lists_expected_and_got(tmp_path):
    folder = copy_rulesets(tmp_path)
    case = load_cases(folder / "cases" / "wrong.yaml")[0]
    outcome = run_case(load_ruleset(folder), case)
    assert outcome.failures == (
        "总分：期望 91，实际 90",
        "等次：期望 B，实际 A（总分90分（不取舍），90分及以上为A级（即90分及以上），定为A）",
        "一.7：期望 3，实际 2（目标≥64%，实际62%，低于目标2个百分点，每低1个百分点扣0.5分，得2分）",
        "一.6：期望 未评分，实际 4（目标≥75分，实际78.5分，达到目标，得4分）",
        "九.9：细则中没有这个指标",
        "触发的结果规则：期望 ['veto-regional-systemic']，实际 []",
        "未能评分：期望 ['一.6']，实际 []",
    )


def test_kaohe_test_exits_1_and_prints_the_failures(tmp_path):
    folder = copy_rulesets(tmp_path)
    result = CliRunner().invoke(cli, ["test", str(folder)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "8 passed, 1 failed"
    assert f"✗ 写错期望的用例（{folder}/cases/wrong.yaml:1）" in lines
    assert "    总分：期望 91，实际 90" in lines


def test_kaohe_test_passes_on_a_bundled_ruleset():
    result = CliRunner().invoke(cli, ["test", str(ROOT / "hubei-2015")])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "3 passed, 0 failed"


def test_yaml_merge_keys_keep_the_keys_written_beside_them():
    data = parse_text("base: &b {a: 1, b: 2}\nvariant:\n  <<: *b\n  b: 3\n", "x.yaml")
    assert dict(data["variant"]) == {"b": 3, "a": 1}
    assert data["variant"].key_locs["a"].line == 1 and data["variant"].key_locs["b"].line == 4
