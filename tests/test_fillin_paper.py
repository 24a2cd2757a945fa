"""The fill-in workbook on paper: it is printed, signed and stamped when a unit submits it.

Every sheet has an A4 page setup that fits the width, with page numbers; the 说明 text wraps in rows tall enough;
under the 填报 table are the 自评总分 and signature lines, which the reader does not take for item rows (a typed
自评总分 is read as self_total); every validated cell shows an input message; the fill-in colour shows in print;
a target that is a number is a number cell; the file is the same bytes each time.
"""
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evidence_from_data, load_evidence, load_ruleset
from kaohe.engine.render.fillin import fillin_xlsx
from kaohe.engine.render.xlsx import text_lines
from kaohe.engine.workbook import read_workbook

from .test_fillin import fill

RULESETS = Path(__file__).parent.parent / "rulesets"
WENZHOU = load_ruleset(RULESETS / "wenzhou-2014")
GENERATED = [("wenzhou-2014", "鹿城区"), ("gansu-2011", "兰州市")]
SIGN_LABELS = {"填报单位（盖章）", "单位负责人", "填报人", "联系电话", "填报日期"}
FILL = "00FFF2CC"


def generate(tmp_path: Path, name: str, unit: str, file: str = "填报表.xlsx") -> Path:
    """The workbook as `kaohe template RULESET --unit UNIT -o FILE` writes it."""
    out = tmp_path / file
    result = CliRunner().invoke(cli, ["template", str(RULESETS / name), "--unit", unit, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(params=GENERATED, ids=[name for name, _ in GENERATED])
def workbook(request, tmp_path):
    name, unit = request.param
    return load_workbook(generate(tmp_path, name, unit))


def under_table(ws) -> list[int]:
    """The rows under the table: after the last row with a key in column A."""
    last = max(row for row in range(6, ws.max_row + 1) if ws.cell(row, 1).value is not None)
    return list(range(last + 1, ws.max_row + 1))


def self_total_cell(ws):
    row = next(row for row in under_table(ws) if str(ws.cell(row, 2).value or "").startswith("自评总分"))
    return ws.cell(row, 10)  # under 自评得分


def test_every_sheet_prints_on_a4_to_the_page_width_with_page_numbers(workbook):
    assert workbook.sheetnames == ["说明", "填报", "选项", "事件"]
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert (str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (ws.PAPERSIZE_A4, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
        assert 0 < ws.page_margins.left <= 1 and 0 < ws.page_margins.top <= 1, ws.title
    orientations = {ws.title: ws.page_setup.orientation for ws in workbook.worksheets}
    assert (orientations["填报"], orientations["事件"], orientations["说明"]) == ("landscape", "landscape", "portrait")
    # the header row of each table is printed on every page
    assert (workbook["填报"].print_title_rows, workbook["事件"].print_title_rows) == ("$5:$5", "$1:$1")


def test_the_instructions_wrap_in_rows_tall_enough_for_their_text(workbook):
    ws = workbook["说明"]
    width = ws.column_dimensions["A"].width
    assert 60 <= width <= 80  # fits A4 portrait unscaled: LibreOffice clips a single column wider than that
    assert all(ws.cell(row, column).value is None for row in range(1, ws.max_row + 1)
               for column in range(2, ws.max_column + 1))  # one column of text, nothing to the right of it
    for row in range(1, ws.max_row + 1):
        target = ws.cell(row, 1)
        assert target.alignment.wrap_text, row
        size = target.font.sz / 10
        lines = text_lines(target.value, width / size)
        assert ws.row_dimensions[row].height >= lines * 12.5 * size, (row, target.value)


def test_the_signature_lines_are_under_the_table_with_blanks_to_fill(workbook):
    ws = workbook["填报"]
    rows = under_table(ws)
    assert rows and all(ws.cell(row, 1).value is None for row in rows)  # not an item row to the reader
    labels = {ws.cell(row, column).value: (row, column) for row in rows for column in (2, 9)
              if ws.cell(row, column).value}
    assert set(labels) == SIGN_LABELS | {"自评总分（各项自评得分之和）"}
    for label in SIGN_LABELS:
        row, column = labels[label]
        blank = ws.cell(row, column + 1)
        assert blank.value is None and not blank.protection.locked and blank.fill.fgColor.rgb == FILL, label
        assert blank.border.bottom.style == "thin", label
        assert any(str(merged) .startswith(blank.coordinate + ":") for merged in ws.merged_cells.ranges), label
    assert ws.row_dimensions[labels["填报单位（盖章）"][0]].height >= 60  # room for the seal
    total = self_total_cell(ws)
    assert (total.value, total.protection.locked, total.fill.fgColor.rgb) == (None, False, FILL)
    assert ws.protection.sheet  # everything else stays locked


def test_every_validated_cell_says_what_to_type(workbook):
    for ws in (workbook["填报"], workbook["事件"]):
        rules = ws.data_validations.dataValidation
        assert rules
        for rule in rules:
            assert rule.showInputMessage, (ws.title, rule.sqref)
            assert rule.prompt and len(rule.prompt) <= 255, (ws.title, rule.sqref, rule.prompt)
            assert rule.promptTitle and len(rule.promptTitle) <= 32, (ws.title, rule.sqref, rule.promptTitle)
    fill_sheet = workbook["填报"]
    prompts = {str(rule.sqref): rule.prompt for rule in fill_sheet.data_validations.dataValidation}
    # a value cell's message starts with the row's 填报内容
    row = next(row for row in range(6, fill_sheet.max_row + 1) if f"F{row}" in prompts)
    assert prompts[f"F{row}"].startswith(fill_sheet.cell(row, 4).value.split("；")[0])
    assert prompts[self_total_cell(fill_sheet).coordinate].startswith("本单位自评的总分")


@pytest.mark.parametrize("name", sorted(path.parent.name for path in RULESETS.glob("*/ruleset.yaml")))
def test_every_ruleset_s_validations_stay_within_excel_s_limits(name):
    wb = load_workbook(io.BytesIO(fillin_xlsx(load_ruleset(RULESETS / name))))
    for ws in (wb["填报"], wb["事件"]):
        for rule in ws.data_validations.dataValidation:
            assert rule.showInputMessage and 0 < len(rule.prompt) <= 255 and 0 < len(rule.promptTitle) <= 32
            assert len(rule.error or "") <= 255 and len(rule.errorTitle or "") <= 32


def test_the_fill_colour_shows_on_paper_and_targets_are_numbers(workbook):
    ws = workbook["填报"]
    opened = [c for line in ws.iter_rows(min_row=2, max_col=12) for c in line
              if not c.protection.locked and not isinstance(c, MergedCell)]
    assert opened and {c.fill.fgColor.rgb for c in opened} == {FILL}
    red, green, blue = (int(FILL[i:i + 2], 16) for i in (2, 4, 6))
    assert 0.299 * red + 0.587 * green + 0.114 * blue < 245  # a light grey in black and white, not white
    targets = [ws.cell(row, 7) for row in range(6, ws.max_row + 1) if ws.cell(row, 7).value is not None]
    assert targets
    for target in targets:
        plain = isinstance(target.value, (int, float))
        assert target.data_type == ("n" if plain else "s")
        assert plain or not str(target.value).replace(".", "", 1).isdigit(), target.coordinate
    assert {c.fill.fgColor.rgb for c in workbook["事件"]["A2:E51"][0]} == {FILL}
    assert workbook["事件"]["A2"].border.left.style == "thin"  # a grid to write the events in by hand


def test_generating_twice_gives_the_same_bytes(tmp_path):
    for name, unit in GENERATED:
        first = generate(tmp_path, name, unit, "1.xlsx").read_bytes()
        assert generate(tmp_path, name, unit, "2.xlsx").read_bytes() == first


def evidence_of(data, path, digest):
    evidence = evidence_from_data(data, WENZHOU, str(path), digest)
    return evidence.unit, evidence.entries, evidence.targets, evidence.facts, evidence.self_total


@pytest.mark.parametrize("sample", sorted((RULESETS / "wenzhou-2014" / "samples").glob("*.yaml")),
                         ids=lambda path: path.stem)
def test_the_lines_under_the_table_add_nothing_to_the_evidence(tmp_path, sample):
    """A workbook filled from a sample reads the same with and without the lines under the table: the signature
    lines and a blank 自评总分 give no evidence, and the items read as the sample's YAML."""
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))
    path = fill(data, tmp_path / "填好.xlsx")
    read, digest = read_workbook(path)
    assert "self_total" not in read
    wb = load_workbook(path)
    ws = wb["填报"]
    for row in under_table(ws):  # the signatures written in, as on a submitted form
        for column in (3, 10):
            if not ws.cell(row, column).protection.locked and ws.cell(row, column) != self_total_cell(ws):
                ws.cell(row, column).value = "张三"
    wb.save(tmp_path / "签字.xlsx")
    signed, signed_digest = read_workbook(tmp_path / "签字.xlsx")
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row > max(row for row in range(6, ws.max_row + 1) if ws.cell(row, 1).value is not None):
            ws.unmerge_cells(str(merged))
    ws.delete_rows(under_table(ws)[0], len(under_table(ws)))
    wb.save(tmp_path / "表格.xlsx")
    bare, bare_digest = read_workbook(tmp_path / "表格.xlsx")
    expected = evidence_of(bare, tmp_path / "表格.xlsx", bare_digest)
    assert evidence_of(read, path, digest) == evidence_of(signed, tmp_path / "签字.xlsx", signed_digest) == expected
    from_yaml = load_evidence(sample, WENZHOU)
    assert expected[1] == {key: entry for key, entry in from_yaml.entries.items()
                           if WENZHOU.item(key).provider == "unit"}


def test_a_typed_self_total_is_read_and_text_refused_at_its_cell(tmp_path):
    sample = yaml.safe_load((RULESETS / "wenzhou-2014" / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8"))
    path = fill(sample, tmp_path / "鹿城区.xlsx")
    wb = load_workbook(path)
    total = self_total_cell(wb["填报"])
    total.value = 88.5
    wb.save(path)
    data, _ = read_workbook(path)
    assert (data["self_total"], data.key_locs["self_total"].cell) == (Decimal("88.5"), total.coordinate)
    assert load_evidence(path, WENZHOU).self_total == Decimal("88.5")
    total.value = "八十八"
    wb.save(path)
    with pytest.raises(KaoheError) as caught:
        load_evidence(path, WENZHOU)
    assert f"鹿城区.xlsx › 填报 › {total.coordinate}" in str(caught.value)
