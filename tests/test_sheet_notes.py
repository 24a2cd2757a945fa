"""Notes a caller adds to the score sheets and the summary (engine/render/notes.py): laid out, never
interpreted; without them every output keeps its bytes."""
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.engine import evaluate, load_evidence, load_ruleset
from kaohe.engine.render.html import sheet_html, summary_html
from kaohe.engine.render.notes import Notes, NoteTable, SheetNotes, spans
from kaohe.engine.render.outputs import write_outputs
from kaohe.engine.render.xlsx import WIDTHS, sheet_xlsx, summary_xlsx

ROOT = Path(__file__).parent.parent / "rulesets" / "wenzhou-2014"
RULESET = load_ruleset(ROOT)
RESULTS = {r.unit: r for r in evaluate(RULESET, [load_evidence(p, RULESET)
                                                 for p in sorted((ROOT / "samples").glob("*.yaml"))])}
TABLE = NoteTable("调整", ("指标", "理由", "调整人"), (10, 30, 8), (("一.7 地表水", "=1+1 实地核查", "王五"),),
                  empty="无调整")
NOTES = SheetNotes("调整与申诉", (TABLE, NoteTable("申诉", ("编号", "理由"), (5, 20), ())), {"一.7": "经调整"},
                   "得分格注“经调整”的指标见下表。")


def test_spans_give_each_column_a_run_of_whole_sheet_columns_near_its_share():
    assert spans((1,) * 9, WIDTHS) == tuple((c, c) for c in range(1, 10))
    assert spans((1,), WIDTHS) == ((1, 9),)
    layout = spans((14, 12, 12, 30, 8, 10), WIDTHS)
    assert layout[0][0] == 1 and layout[-1][1] == 9
    assert all(a[1] + 1 == b[0] for a, b in zip(layout, layout[1:], strict=False))
    with pytest.raises(ValueError):
        spans((1,) * 10, WIDTHS)


def test_a_table_needs_one_width_and_one_value_per_column():
    with pytest.raises(ValueError):
        NoteTable("x", ("a", "b"), (1,), ())
    with pytest.raises(ValueError):
        NoteTable("x", ("a", "b"), (1, 1), (("only one",),))


def test_without_notes_the_outputs_keep_their_bytes():
    result = RESULTS["龙湾区"]
    empty = SheetNotes("调整与申诉")
    assert sheet_xlsx(RULESET, result, empty) == sheet_xlsx(RULESET, result)
    assert sheet_html(RULESET, result, empty) == sheet_html(RULESET, result)
    assert summary_html(RULESET, list(RESULTS.values()), None) == summary_html(RULESET, list(RESULTS.values()))


def test_marked_score_cell_and_the_notes_section_in_the_workbook(tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_bytes(sheet_xlsx(RULESET, RESULTS["龙湾区"], NOTES))
    ws = load_workbook(path)["评分表"]
    row = next(r for r in ws.iter_rows(min_row=7) if r[0].value == "一.7")
    # 得分 stays a number, in the marked colour; the mark opens the explanation beside it
    assert row[5].value == 2.5 and row[5].fill.fgColor.rgb == "00DDEBF7"
    assert row[5].data_type == "n"
    assert row[6].value.startswith("【经调整】")
    texts = [[c.value for c in r if c.value is not None] for r in ws.iter_rows()]
    at = texts.index(["调整与申诉"])
    assert texts[at + 1:at + 7] == [["得分格注“经调整”的指标见下表。"], ["调整"], ["指标", "理由", "调整人"],
                                    ["一.7 地表水", "=1+1 实地核查", "王五"], ["申诉"], ["编号", "理由"]]
    assert texts[at + 7] == ["无"]
    assert any(t and str(t[0]).startswith("评分人（签字）") for t in texts[at:])  # the signatures stay last


def test_notes_in_the_html_sheet_and_the_summary(tmp_path):
    html = sheet_html(RULESET, RESULTS["龙湾区"], NOTES)
    assert '<td class="num marked">2.5<br><span class="mark">经调整</span></td>' in html
    assert "<h2>调整与申诉</h2>" in html and "<td>=1+1 实地核查</td>" in html and "td.marked" in html
    summary = summary_html(RULESET, list(RESULTS.values()), NOTES)
    assert "<h3>申诉</h3>" in summary and '<td colspan="2">无</td>' in summary
    path = tmp_path / "h.xlsx"
    path.write_bytes(summary_xlsx(RULESET, list(RESULTS.values()), NOTES))
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["汇总", "等次分布", "调整", "申诉"]
    assert [c.value for c in workbook["调整"][4]] == ["一.7 地表水", "=1+1 实地核查", "王五"]


def test_write_outputs_with_notes_and_extra_files(tmp_path):
    notes = Notes(units={"龙湾区": NOTES}, summary=NOTES)
    written = write_outputs(RULESET, list(RESULTS.values()), tmp_path / "out", workers=1, notes=notes,
                            extra={"公示名单.html": "<p>公示</p>", "round.json": b"{}"})
    assert tmp_path / "out" / "公示名单.html" in written
    assert (tmp_path / "out" / "round.json").read_bytes() == b"{}"
    assert "经调整" in (tmp_path / "out" / "龙湾区.html").read_text(encoding="utf-8")
    assert "经调整" not in (tmp_path / "out" / "鹿城区.html").read_text(encoding="utf-8")
    write_outputs(RULESET, list(RESULTS.values()), tmp_path / "parallel", workers=2, notes=notes,
                  extra={"公示名单.html": "<p>公示</p>", "round.json": b"{}"})
    for path in (tmp_path / "out").iterdir():
        assert (tmp_path / "parallel" / path.name).read_bytes() == path.read_bytes(), path.name
    with pytest.raises(ValueError):
        write_outputs(RULESET, list(RESULTS.values()), tmp_path / "bad", extra={"汇总.pdf": b""})
