"""Issue 13 (first part): output files as colleagues and printers expect them.

Numbers are numbers in the workbooks (SUM and sorting work), the 合计 row has 满分 under 分值 and the total under
得分, titles do not say a word twice, files get the permissions the user's umask allows, and a long run shows a
progress bar on the terminal, never in a pipe.
"""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.helpers import ruleset_text, write

ROOT = Path(__file__).parent.parent
WENZHOU = ROOT / "rulesets" / "wenzhou-2014"
KAOHE = [sys.executable, "-c", "from kaohe.cli import run; run()"]


def kaohe(*args, umask: int | None = None, **options) -> subprocess.CompletedProcess:
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([*KAOHE, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          preexec_fn=preexec, **options)


@pytest.fixture(scope="module")
def wenzhou_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("wenzhou") / "out"
    result = kaohe("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional", "-q")
    assert result.returncode == 0, result.stderr
    return out


def rows_by_key(path: Path) -> dict[str, list]:
    ws = load_workbook(path)["评分表"]
    return {str(row[0].value): list(row) for row in ws.iter_rows(min_row=7) if row[0].value is not None}


def test_points_and_scores_are_numbers_in_the_score_sheet(wenzhou_out):
    rows = rows_by_key(wenzhou_out / "鹿城区.xlsx")
    item = rows["一.1"]
    assert (item[3].value, item[5].value) == (5, 5)
    assert (item[3].data_type, item[5].data_type) == ("n", "n")
    judged = rows["二.14"]
    assert (judged[3].value, judged[5].value, judged[5].data_type) == (5, 3.5, "n")
    # 合计: 满分 under 分值, the total under 得分 — the same total the sheet's heading states
    total = rows["合计"]
    assert [c.value for c in total[:7]] == ["合计", "等次 A", None, 100, None, 90, None]
    assert (total[3].data_type, total[5].data_type) == ("n", "n")
    ws = load_workbook(wenzhou_out / "鹿城区.xlsx")["评分表"]
    assert ws["A3"].value.startswith("总分：90　　等次：A")
    # the html sheet's 合计 row has the same columns
    html = (wenzhou_out / "鹿城区.html").read_text(encoding="utf-8")
    assert ('<tr class="section total-row"><td class="num">合计</td><td colspan="2">等次 A</td><td class="num">100</td>'
            '<td class="num"></td><td class="num">90</td><td colspan="3"></td></tr>') in html


def test_the_summary_totals_are_numbers(wenzhou_out):
    ws = load_workbook(wenzhou_out / "汇总.xlsx")["汇总"]
    header = [c.value for c in ws[3]]
    totals = {row[1].value: row[header.index("总分")] for row in ws.iter_rows(min_row=4) if row[1].value}
    assert totals["乐清市"].value == 81.55 and totals["乐清市"].data_type == "n"
    assert totals["瑞安市"].value == 100.5


def test_a_bonus_section_titled_加分项_is_not_followed_by_its_kind_again(wenzhou_out):
    rows = rows_by_key(wenzhou_out / "鹿城区.xlsx")
    assert rows["三"][1].value == "加分项"
    assert "加分项（加分项）" not in (wenzhou_out / "鹿城区.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("umask, file_mode, folder_mode", [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750),
                                                          (0o077, 0o600, 0o700)])
def test_outputs_get_the_permissions_the_umask_allows(tmp_path, umask, file_mode, folder_mode):
    out = tmp_path / "out"
    result = kaohe("score", WENZHOU, WENZHOU / "samples", "-o", out, "--provisional", "-q", umask=umask)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == folder_mode
    modes = {path.name: path.stat().st_mode & 0o777 for path in out.iterdir()}
    assert len(modes) == 11 * 2 + 5  # 11 units' .xlsx and .html, 4 summaries and the manifest
    assert set(modes.values()) == {file_mode}, modes
    template = tmp_path / "填报表.xlsx"
    assert kaohe("template", WENZHOU, "--unit", "鹿城区", "-o", template, "-q", umask=umask).returncode == 0
    assert template.stat().st_mode & 0o777 == file_mode


def big_batch(folder: Path, count: int) -> tuple[Path, Path]:
    """A one-item ruleset and `count` units' evidence: enough for the progress bar."""
    units = [f"第{n:03d}县" for n in range(1, count + 1)]
    body = """\
    items:
      - {id: 一, title: 质量工作, points: 100, method: judged, citation: {source: s, clause: 第二条, text: 条款}}
    """
    text = ruleset_text(body).replace("units: [甲县, 乙县, 丙县, 丁县, 戊县]", f"units: [{', '.join(units)}]")
    ruleset = write(folder / "细则", text)
    evidence = folder / "材料"
    for index, unit in enumerate(units):
        write(evidence, f"unit: {unit}\nruleset: t\nvalues:\n  一: {{score: {60 + index % 40}, reason: 核查评定}}\n",
              f"{unit}.yaml")
    return ruleset.parent, evidence


def test_a_long_run_shows_its_progress_on_the_terminal(tmp_path):
    ruleset, evidence = big_batch(tmp_path, 60)
    primary, secondary = pty.openpty()  # stderr is a terminal, as when a person runs kaohe
    process = subprocess.Popen([*KAOHE, "score", str(ruleset), str(evidence), "-o", str(tmp_path / "out")],
                               stdout=subprocess.PIPE, stderr=secondary, cwd=ROOT)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.communicate(timeout=600)[0].decode()
    assert process.returncode == 0
    screen = seen.decode()
    assert "读取材料" in screen and "写出评分表" in screen and "60/60" in screen and "100%" in screen
    assert "读取材料" not in stdout  # the result itself stays clean for whoever reads stdout
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 61  # 60 sheets and the summary


def test_no_progress_bar_in_a_pipe_or_with_quiet(tmp_path):
    ruleset, evidence = big_batch(tmp_path, 60)
    piped = kaohe("score", ruleset, evidence, "-o", tmp_path / "a")
    assert piped.returncode == 0, piped.stderr
    assert "读取材料" not in piped.stderr and "%" not in piped.stderr
    assert piped.stderr.startswith("结果已写入")
    assert len(list((tmp_path / "a").glob("*.xlsx"))) == 61
    quiet = kaohe("score", ruleset, evidence, "-o", tmp_path / "b", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_large_batch_is_charted_as_a_distribution_of_totals(tmp_path):
    ruleset, evidence = big_batch(tmp_path, 120)  # scores 60…99, three units each
    out = tmp_path / "out"
    assert kaohe("score", ruleset, evidence, "-o", out, "-q").returncode == 0
    wb = load_workbook(out / "汇总.xlsx")
    spread = wb["总分分布"]
    assert [(r[0].value, r[1].value) for r in spread.iter_rows(min_row=2)] == [
        ("60–65分", 15), ("65–70分", 15), ("70–75分", 15), ("75–80分", 15), ("80–85分", 15), ("85–90分", 15),
        ("90–95分", 15), ("95–100分", 15)]
    chart = wb["汇总"]._charts[0]
    assert [str(p.graphicalProperties.solidFill.srgbClr).upper() for p in chart.series[0].dPt] == (
        ["F9A825"] * 4 + ["1565C0"] * 2 + ["2E7D32"] * 2)  # C, B, A: the grade band each range starts in
    assert chart.y_axis.majorUnit == 2  # 15 at most: whole steps, about ten gridlines
    html = (out / "汇总.html").read_text(encoding="utf-8")
    assert "<h2>总分分布（每5分一档，共120个单位）</h2>" in html
    assert html.count("<rect") == 8 + 4  # the eight ranges and the four grades, not 120 bars


def test_a_small_batch_chart_marks_the_grade_edges(wenzhou_out):
    html = (wenzhou_out / "汇总.html").read_text(encoding="utf-8")
    assert "<h2>各单位总分</h2>" in html and html.count("<rect") == 11 + 4
    for edge in ("90（A）", "80（B）", "60（C）"):
        assert f'font-size="10" fill="#424242">{edge}</text>' in html


@pytest.mark.parametrize("top, step", [(0, 1), (7, 1), (10, 1), (11, 2), (25, 5), (99, 10), (3000, 500)])
def test_count_axes_step_by_whole_units(top, step):
    from kaohe.engine.render.xlsx import whole_step
    assert whole_step(top) == step


@pytest.fixture(scope="module")
def every_workbook(tmp_path_factory, wenzhou_out):
    """Every kind of workbook kaohe writes: score sheet, summary, impact, diff, fill-in."""
    folder = tmp_path_factory.mktemp("workbooks")
    hubei = ROOT / "rulesets" / "hubei-2014"
    draft = ROOT / "rulesets" / "hubei-2015"
    assert kaohe("impact", hubei, draft, hubei / "samples", "-q", "--xlsx", folder / "影响.xlsx").returncode == 0
    assert kaohe("diff", hubei, draft, "-q", "--xlsx", folder / "差异.xlsx").returncode == 0
    assert kaohe("template", WENZHOU, "--unit", "鹿城区", "-o", folder / "填报表.xlsx", "-q").returncode == 0
    return [wenzhou_out / "鹿城区.xlsx", wenzhou_out / "汇总.xlsx", folder / "影响.xlsx", folder / "差异.xlsx",
            folder / "填报表.xlsx"]


def test_every_sheet_of_every_workbook_prints_on_a4_fitted_to_its_width(every_workbook):
    for path in every_workbook:
        for ws in load_workbook(path).worksheets:
            where = f"{path.name} › {ws.title}"
            assert int(ws.page_setup.paperSize) == 9, where  # A4
            assert (ws.page_setup.fitToWidth, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, True), where
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", where


def test_report_titles_and_lead_lines_span_the_table_and_their_numbers_are_numbers(every_workbook):
    wb = load_workbook(every_workbook[2])
    first = wb.worksheets[0]
    header_columns = max(c.column for c in first[first.max_row] if c.value is not None)
    spans = {str(r) for r in first.merged_cells.ranges}
    assert first["A1"].value == "影响分析：hubei-2014 → hubei-2015"
    assert f"A1:{get_column_letter(header_columns)}1" in spans  # never cut at column A
    assert first.row_dimensions[1].height >= 20
    changed = wb["造成变化的指标"]
    values = [row for row in changed.iter_rows(min_row=3, values_only=True) if row[1] == "二.7"]
    assert values and all(isinstance(value, (int, float)) for value in values[0][3:6])
    chart_sheet = wb["图表"]
    assert chart_sheet.page_setup.fitToHeight == 1  # the chart and its data on one page
