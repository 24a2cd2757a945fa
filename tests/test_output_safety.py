"""Nothing the user gave is modified; an output folder holds one run's complete set or stays as it was.

Disk-full and read-only cases run on a real tmpfs mounted by the test (CI runs as root);
Ctrl-C is a real SIGINT sent to a real `kaohe` process.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synthetic import random_evidence_data, write_ruleset
from kaohe.cli.main import cli
from kaohe.engine.render.files import folder_lock
from tests.helpers import ruleset_text, write

ROOT = Path(__file__).parent.parent
WENZHOU = ROOT / "rulesets" / "wenzhou-2014"
KAOHE = Path(sys.executable).parent / "kaohe"
SUMMARIES = {"results.json", "summary.txt", "汇总.xlsx", "汇总.html", ".kaohe-manifest.json"}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(folder: Path) -> dict:
    """Every file under `folder` with its digest: compare before and after to prove nothing changed."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path):
    """A copy of the bundled rulesets, so that a bug here cannot touch the repository's own files."""
    shutil.copytree(ROOT / "rulesets", tmp_path / "rulesets")
    return tmp_path


def expected_files(units) -> set:
    return SUMMARIES | {f"{u}.{ext}" for u in units for ext in ("xlsx", "html")}


def wenzhou_units(folder: Path) -> list[str]:
    return [line.split(":", 1)[1].strip().strip('"') for p in sorted(folder.glob("*.yaml"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("unit:")]


def test_output_folder_holding_the_evidence_is_refused_before_anything_is_written(workspace):
    samples = workspace / "rulesets" / "wenzhou-2014" / "samples"
    before = tree(workspace)
    result = run("score", samples.parent, samples, "-o", samples, "--provisional")
    assert result.exit_code == 1
    assert result.stderr == (f"{samples}: 输出文件夹就是输入 {samples}，写入会覆盖或混入输入\n"
                             "  提示：请为输出另选一个文件夹，例如 结果/\n共 1 个问题。\n")
    assert result.stdout == ""
    assert tree(workspace) == before


def test_output_folder_around_the_ruleset_or_its_parent_is_refused(workspace):
    rulesets = workspace / "rulesets"
    before = tree(workspace)
    around = run("score", rulesets / "wenzhou-2014", rulesets / "wenzhou-2014" / "samples", "-o", rulesets)
    assert around.exit_code == 1
    assert f"{rulesets}: 输出文件夹中有输入文件 {rulesets / 'wenzhou-2014' / 'ruleset.yaml'}" in around.stderr
    # hubei-2015 extends hubei-2014: writing into the parent's folder would replace an input too
    parent = run("score", rulesets / "hubei-2015", rulesets / "hubei-2014" / "samples", "-o", rulesets / "hubei-2014")
    assert parent.exit_code == 1
    assert "输出文件夹中有输入文件" in parent.stderr and "hubei-2014/ruleset.yaml" in parent.stderr
    assert tree(workspace) == before


def test_a_filled_workbook_in_the_output_folder_is_never_replaced(workspace):
    """The README's own example: 材料/ holds 鹿城区.xlsx; `-o 材料/` would have overwritten it."""
    materials = workspace / "材料"
    materials.mkdir()
    shutil.copy(WENZHOU / "samples" / "01-鹿城区.yaml", materials / "01-鹿城区.yaml")
    (materials / "鹿城区.xlsx").write_bytes(b"a clerk's filled workbook")
    before = tree(materials)
    result = run("score", WENZHOU, materials / "01-鹿城区.yaml", "-o", materials)
    assert result.exit_code == 1
    assert "输出文件夹中有输入文件" in result.stderr
    assert tree(materials) == before


def test_a_folder_with_files_kaohe_did_not_write_is_refused(tmp_path):
    out = tmp_path / "结果"
    out.mkdir()
    (out / "说明.docx").write_bytes(b"the office's own notes")
    result = run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional")
    assert result.exit_code == 1
    assert result.stderr == (f"{out}: 输出文件夹不是空的，其中有不是 kaohe 写出的文件：说明.docx\n"
                             "  提示：kaohe 会用新结果整体替换输出文件夹；为免误删，请换一个空文件夹或新文件夹\n"
                             "共 1 个问题。\n")
    assert sorted(p.name for p in out.iterdir()) == ["说明.docx"]


def test_a_rerun_replaces_the_whole_set_so_no_stale_sheet_stays_behind(tmp_path):
    out = tmp_path / "结果"
    all_units = wenzhou_units(WENZHOU / "samples")
    first = run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional")
    assert first.exit_code == 0
    assert {p.name for p in out.iterdir()} == expected_files(all_units)
    three = sorted(WENZHOU.glob("samples/0[1-3]-*.yaml"))
    second = run("score", WENZHOU, *three, "-o", out, "-q")
    assert second.exit_code == 0
    assert {p.name for p in out.iterdir()} == expected_files(["鹿城区", "龙湾区", "瓯海区"])
    assert len(json.loads((out / "results.json").read_text(encoding="utf-8"))["units"]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果"]  # no lock, staging or backup left beside it
    manifest = json.loads((out / ".kaohe-manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == expected_files(["鹿城区", "龙湾区", "瓯海区"]) - {".kaohe-manifest.json"}
    assert manifest["files"]["鹿城区.xlsx"] == hashlib.sha256((out / "鹿城区.xlsx").read_bytes()).hexdigest()
    assert oct((out / "鹿城区.xlsx").stat().st_mode & 0o777) == "0o644"


def test_output_under_a_file_is_refused(tmp_path):
    (tmp_path / "报告").write_text("x", encoding="utf-8")
    result = run("score", WENZHOU, WENZHOU / "samples", "-o", tmp_path / "报告" / "结果", "--provisional")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / '报告' / '结果'}: 输出路径中的 {tmp_path / '报告'} 是文件，不是文件夹")
    onto_file = run("score", WENZHOU, WENZHOU / "samples", "-o", tmp_path / "报告", "--provisional")
    assert onto_file.exit_code == 1
    assert "输出路径是一个已有的文件，不是文件夹" in onto_file.stderr
    assert (tmp_path / "报告").read_text(encoding="utf-8") == "x"


def roster_ruleset(folder: Path, units: list[str]):
    text = ruleset_text("""\
        items:
          - id: X
            title: 测试项
            points: 100
            method: all_or_nothing
            citation: {source: s, clause: 第二条, text: 测试条款}
        """).replace("units: [甲县, 乙县, 丙县, 丁县, 戊县]", "units: [" + ", ".join(json.dumps(u, ensure_ascii=False) for u in units) + "]")
    return write(folder, text)


def evidence_files(folder: Path, units: list[str]) -> list[Path]:
    paths = []
    for index, unit in enumerate(units):
        path = folder / f"{index:02d}.yaml"
        path.write_text(f"unit: {json.dumps(unit, ensure_ascii=False)}\nruleset: t\nvalues: {{X: true}}\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def test_units_whose_file_names_collide_are_refused_not_overwritten(tmp_path):
    units = ["浙江/省", "浙江_省", "汇总"]
    roster_ruleset(tmp_path / "r", units)
    paths = evidence_files(tmp_path, units)
    result = run("score", tmp_path / "r", *paths, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{paths[1]}: 单位「浙江_省」的评分表文件名 浙江_省.xlsx 与单位「浙江/省」的评分表相同\n"
        "  提示：单位名称中的 / \\ : * ? \" < > | 在文件名中都写作 _，大小写也不区分；请核对单位名称\n"
        f"{paths[2]}: 单位「汇总」的评分表文件名 汇总.xlsx 与汇总文件相同\n"
        "  提示：单位名称中的 / \\ : * ? \" < > | 在文件名中都写作 _，大小写也不区分；请核对单位名称\n"
        "共 2 个问题。\n")
    assert not (tmp_path / "out").exists()


def test_a_very_long_unit_name_gets_a_bounded_file_name(tmp_path):
    long_name = "恩施土家族苗族自治州" * 10  # 100 characters, 300 bytes: over the 255-byte file name limit
    roster_ruleset(tmp_path / "r", [long_name])
    result = run("score", tmp_path / "r", *evidence_files(tmp_path, [long_name]), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    sheets = sorted(p.name for p in (tmp_path / "out").glob("恩施*"))
    assert len(sheets) == 2
    assert all(len(name.encode()) <= 190 for name in sheets)
    assert sheets[0].startswith("恩施土家族苗族自治州" * 5) and sheets[0].endswith(".html")


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    out = tmp_path / "结果"
    with folder_lock(out):
        result = run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional")
    assert result.exit_code == 1
    assert result.stderr == (f"{out}: 另一个 kaohe 正在写入这个输出文件夹\n"
                             "  提示：请等它结束后再运行，或换一个输出文件夹\n共 1 个问题。\n")
    assert not out.exists()
    assert run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional").exit_code == 0


def test_leftovers_of_a_killed_run_are_recovered(tmp_path):
    """kill -9 between the two renames of a swap leaves the old set as a backup: the next run puts it back first."""
    out = tmp_path / "结果"
    assert run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional").exit_code == 0
    complete = tree(out)
    os.rename(out, tmp_path / ".结果.kaohe-old-12345")
    (tmp_path / ".结果.kaohe-new-abc").mkdir()
    (tmp_path / ".结果.kaohe-new-abc" / "鹿城区.xlsx").write_bytes(b"half")
    (tmp_path / "材料").mkdir()
    (tmp_path / "材料" / "x.yaml").write_text("unit: [\n", encoding="utf-8")  # a run that fails on its input
    failed = run("score", WENZHOU, tmp_path / "材料", "-o", out)
    assert failed.exit_code == 1
    third = run("score", WENZHOU, *sorted(WENZHOU.glob("samples/0[1-3]-*.yaml")), "-o", out)
    assert third.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["材料", "结果"]
    assert tree(out) != complete and len(tree(out)) == 3 * 2 + 5


# --- real failures of the file system: a small tmpfs, full or read-only -------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"these tests mount a tmpfs and need root: {done.stderr.decode()}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_leaves_the_previous_set_and_says_so(small_disk):
    out = small_disk / "结果"
    three = sorted(WENZHOU.glob("samples/0[1-3]-*.yaml"))
    assert run("score", WENZHOU, *three, "-o", out).exit_code == 0
    before = tree(out)
    result = run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional")  # 11 units do not fit in 400 KB
    assert result.exit_code == 1
    assert "无法写入：磁盘空间不足" in result.stderr
    assert "请清理磁盘空间后重新运行；已有的输出保持原样" in result.stderr
    assert "内部错误" not in result.stderr and result.stdout == ""
    assert tree(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["结果"]


def test_a_read_only_disk_is_refused_with_its_reason(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run("score", WENZHOU, WENZHOU / "samples", "-o", small_disk / "结果", "--provisional")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{small_disk / '结果'}: 无法创建输出文件夹：只读的文件系统\n  提示：请换一个有写入权限的文件夹")


# --- Ctrl-C: a real SIGINT to a real process, while the forked workers write sheets ----------------------------------

def synthetic_batch(folder: Path, units: int) -> tuple[Path, Path]:
    ruleset = write_ruleset(folder / "rs", sections=2, per_section=10, units=units)
    evidence = folder / "ev"
    evidence.mkdir()
    for index in range(units):
        data = random_evidence_data(ruleset, index)
        (evidence / f"{index:04d}.json").write_text(_json(data), encoding="utf-8")
    return folder / "rs", evidence


def _json(value) -> str:
    """JSON with Decimal written as a plain number, exactly as given."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _as_from_a_terminal() -> None:
    """A command started from a terminal takes Ctrl-C; one started in the background of a script (as a test run
    may be) inherits SIGINT ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_promptly_with_one_line_and_leaves_the_previous_set(tmp_path):
    ruleset, evidence = synthetic_batch(tmp_path, 120)
    out = tmp_path / "结果"
    first = subprocess.run([KAOHE, "score", ruleset, evidence, "-o", out, "-q", "--provisional"],
                           capture_output=True, timeout=120)
    assert first.returncode == 0, first.stderr.decode()
    complete = tree(out)
    assert len(complete) == 120 * 2 + 5
    inputs = tree(evidence)
    interrupted = 0
    for delay in (1.0, 2.0, 3.0):  # while loading, evaluating and rendering with forked workers
        process = subprocess.Popen([KAOHE, "score", ruleset, evidence, "-o", out, "-q", "--provisional"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                   preexec_fn=_as_from_a_terminal)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole process group
        sent = time.monotonic()
        _, stderr = process.communicate(timeout=20)
        stopped_in = time.monotonic() - sent
        if process.returncode == 130:
            interrupted += 1
            assert stderr.decode() == "已中断：没有写出任何不完整的结果，输出文件夹保持原样。\n"
            assert stopped_in < 5
        else:
            assert process.returncode == 0, stderr.decode()  # finished before the signal arrived
        assert tree(out) == complete  # same inputs: the previous complete set, or the same one again
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ev", "rs", "结果"]
    assert interrupted >= 2
    assert tree(evidence) == inputs


def test_a_results_file_among_the_evidence_is_named_not_scored(tmp_path):
    out = tmp_path / "结果"
    assert run("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional", "-q").exit_code == 0
    materials = tmp_path / "材料"
    materials.mkdir()
    shutil.copy(out / "results.json", materials / "results.json")
    result = run("score", WENZHOU, materials)
    assert result.exit_code == 1
    assert result.stderr == (f"{materials / 'results.json'}:1:1: 这是 kaohe 输出的结果文件（kaohe.result/1），不是填报材料\n"
                             "  提示：评分结果请放在材料文件夹以外；填报材料见 kaohe template 生成的填报表或样例 YAML\n"
                             "共 1 个问题。\n")


def test_an_evidence_folder_without_evidence_is_refused(tmp_path):
    (tmp_path / "材料").mkdir()
    (tmp_path / "材料" / "说明.docx").write_bytes(b"x")
    result = run("score", WENZHOU, tmp_path / "材料")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / '材料'}: 文件夹中没有填报材料（.yaml、.yml、.json、.xlsx 文件）\n")


def test_reports_and_templates_never_replace_an_input(workspace):
    rulesets = workspace / "rulesets"
    before = tree(workspace)
    diff = run("diff", rulesets / "hubei-2014", rulesets / "hubei-2015", "--html", rulesets / "hubei-2014" / "ruleset.yaml")
    assert diff.exit_code == 1
    assert "输出文件就是输入文件" in diff.stderr and diff.stdout == ""
    sample = rulesets / "hubei-2014" / "samples" / "01-武汉市.yaml"
    impact = run("impact", rulesets / "hubei-2014", rulesets / "hubei-2015", rulesets / "hubei-2014" / "samples",
                 "--xlsx", sample)
    assert impact.exit_code == 1
    assert impact.stderr.startswith(f"{sample}: 输出文件就是输入文件 {sample}，写入会覆盖它\n")
    template = run("template", rulesets / "hubei-2015", "-o", rulesets / "national-2013" / "ruleset.yaml")
    assert template.exit_code == 1
    assert "输出文件就是输入文件" in template.stderr
    assert tree(workspace) == before
