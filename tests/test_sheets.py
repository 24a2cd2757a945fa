"""Score sheets and summaries: opened with openpyxl (cells, print setup, charts) and read as HTML text."""
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.engine import evaluate, evidence_from_text, load_evidence, load_ruleset
from kaohe.engine.errors import KaoheError
from kaohe.engine.render.files import write_atomic
from kaohe.engine.render.html import sheet_html, summary_html
from kaohe.engine.render.outputs import write_outputs
from kaohe.engine.render.xlsx import sheet_xlsx, summary_xlsx

ROOT = Path(__file__).parent.parent / "rulesets" / "wenzhou-2014"
RULESET = load_ruleset(ROOT)
BATCH = [load_evidence(p, RULESET) for p in sorted((ROOT / "samples").glob("*.yaml"))]
RESULTS = {r.unit: r for r in evaluate(RULESET, BATCH)}


def workbook(data: bytes, tmp_path: Path, name="sheet.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return load_workbook(path)


def row_of(ws, item_id):
    return next(row for row in ws.iter_rows(min_row=7) if row[0].value == item_id)


def test_sheet_columns_header_and_an_item_row(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["鹿城区"]), tmp_path)["评分表"]
    assert ws["A1"].value == "2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建） 考核评分表"
    assert ws["A2"].value.startswith("被考核单位：鹿城区　　考核年度：2014年度　　细则：")
    assert ws["A3"].value == "总分：90　　等次：A"
    assert ws["A4"].value == "定级依据：总分90分（不取舍），90分及以上为A级（即90分及以上），定为A"
    assert [c.value for c in ws[6]] == ["序号", "考核项目", "考核内容/评分标准", "分值", "自评分", "得分",
                                        "得分/扣分说明", "依据", "佐证材料"]
    row = [c.value for c in row_of(ws, "一.1")]
    assert row == ["一.1", "制造业产品质量合格率", "制造业产品质量合格率达到92%以上；每低1个百分点扣1分，扣完为止。", 5, None,
                   5, "目标≥92%，实际93.6%，达到目标，得5分",
                   "温政办〔2014〕98号《2014年温州市质量强市建设行动计划》一、2014年质量强市建设主要目标",  # the clause, not its text
                   "鹿城区/产品质量监督抽查统计表.xlsx"]


def test_the_clause_texts_are_printed_once_under_依据条款(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["鹿城区"]), tmp_path)["评分表"]
    texts = [[c.value for c in row if c.value is not None] for row in ws.iter_rows()]
    at = texts.index(["依据条款"])
    reference = "温政办〔2014〕98号《2014年温州市质量强市建设行动计划》一、2014年质量强市建设主要目标"
    clause = ("制造业产品质量合格率达到92%以上，主要农产品质量安全监测合格率达到96%以上，规模以上企业主导产品采用国际标准"
              "和国外先进标准比率达到53%以上。")
    listed = texts[at + 1:]
    assert [reference, clause] in listed
    assert sum(1 for row in texts for value in row if value == clause) == 1  # once, however many rows cite it
    cited = {c.value for c in ws["H"][6:] if c.value}
    assert cited <= {row[0] for row in listed if len(row) == 2}  # every clause the 依据 column names is listed
    html = sheet_html(RULESET, RESULTS["鹿城区"])
    assert f"<dt>{reference}</dt><dd>{clause}</dd>" in html and html.count(clause) == 1


def test_footer_signatures_and_digests(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["鹿城区"]), tmp_path)["评分表"]
    texts = [ws.cell(row, 1).value for row in range(ws.max_row - 4, ws.max_row + 1)]
    assert "评分人（签字）：＿＿＿＿＿＿＿＿　　复核人（签字）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日" in texts
    assert f"细则摘要（sha256）：{RULESET.digest}" in texts
    assert any(t and t.startswith(f"材料摘要（sha256）：{RESULTS['鹿城区'].evidence.digest}") for t in texts)


def test_veto_banner(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["洞头县"]), tmp_path)["评分表"]
    assert ws["A3"].value == "总分：78　　等次：D"
    assert ws["A5"].value == ("【一票否决】发生区域性、系统性产品质量安全事件，一票否决。质量安全事件：计入1起（2014-10-16 区域性 "
                              "某镇小型船用柴油机配件区域性质量问题）。依据：国办发〔2013〕47号《质量工作考核办法》第五条："
                              "发生区域性、系统性产品质量安全事件的，考核结果一律为D级。")
    assert ws["A5"].fill.fgColor.rgb == "00C00000"
    assert ws["A5"].font.color.rgb == "00FFFFFF" and ws["A5"].font.bold


def test_unscored_item_is_marked(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["苍南县"]), tmp_path)["评分表"]
    assert ws["A3"].value == "总分：79.5　　等次：C（暂定：有1项未能评分）"
    row = row_of(ws, "一.6")
    assert (row[5].value, row[6].value) == ("未评分", "缺少填报值，无法评分\n备注：测评报告尚未出具，待补")
    assert row[5].fill.fgColor.rgb == "00FFF2CC"


def test_print_setup(tmp_path):
    ws = workbook(sheet_xlsx(RULESET, RESULTS["鹿城区"]), tmp_path)["评分表"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$6:$6"
    assert ws.freeze_panes == "A7"
    cell = row_of(ws, "一.1")[6]
    assert cell.alignment.wrap_text and cell.font.name == "宋体"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    sample = (ROOT / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
    text = sample.replace("files: [鹿城区/产品质量监督抽查统计表.xlsx]",
                          'files: ["=HYPERLINK(\\"http://x\\")", "+1", "-2", "@SUM(A1)"]\n    note: "=1+1"')
    result = evaluate(RULESET, [evidence_from_text(text, RULESET, "鹿城区.yaml")])[0]
    path = tmp_path / "s.xlsx"
    path.write_bytes(sheet_xlsx(RULESET, result))
    ws = load_workbook(path)["评分表"]
    row = row_of(ws, "一.1")
    assert row[8].value == '=HYPERLINK("http://x")\n+1\n-2\n@SUM(A1)'
    assert row[8].data_type == "s" and row[6].data_type == "s"
    assert row[6].value.endswith("备注：=1+1")
    html = sheet_html(RULESET, result)
    assert "=HYPERLINK(&#34;http://x&#34;)" in html


def test_html_is_escaped_and_readable():
    sample = (ROOT / "samples" / "01-鹿城区.yaml").read_text(encoding="utf-8")
    text = sample.replace("  一.9: 66", '  一.9:\n    value: 66\n    note: "<script>alert(1)</script>"')
    html = sheet_html(RULESET, evaluate(RULESET, [evidence_from_text(text, RULESET, "x.yaml")])[0])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    plain = re.sub(r"<[^>]+>", "", html)
    assert "被考核单位：鹿城区" in plain
    assert "总分：91.5　　等次：A" in plain  # scored alone: the rank item 二.5 is 1st of 1
    assert "目标≥64%，实际62%，低于目标2个百分点，每低1个百分点扣0.5分，得2分" in plain
    assert "评分人（签字）" in plain and RULESET.digest in plain


def test_html_veto_banner_and_print_css():
    html = sheet_html(RULESET, RESULTS["洞头县"])
    assert '<div class="veto">【一票否决】发生区域性、系统性产品质量安全事件，一票否决。' in html
    assert "@page { size: A4 landscape;" in html and "thead { display: table-header-group; }" in html


def test_summary_workbook_ranking_grades_and_charts(tmp_path):
    wb = workbook(summary_xlsx(RULESET, list(RESULTS.values())), tmp_path, "汇总.xlsx")
    ws = wb["汇总"]
    assert [c.value for c in ws[3]] == ["名次", "单位", "一 质量目标完成情况（40）", "二 质量措施落实情况（60）", "三 加分项（5）",
                                        "总分", "定级分", "等次", "结果规则", "未能评分"]
    assert [c.value for c in ws[4]][:8] == [1, "瑞安市", 40, 57.5, 3, 100.5, 100.5, "A"]
    assert {c.data_type for c in ws[4][2:7]} == {"n"}  # subtotals, 总分 and 定级分 are numbers: SUM and sorting work
    # listed by grade, then score: 洞头县, vetoed to D, comes after the C units, before 平阳县
    assert [c.value for c in ws[13]][:10] == [7, "洞头县", 40, 38, 0, 78, 78, "D", "发生区域性、系统性产品质量安全事件，一票否决",
                                              None]
    assert [c.value for c in ws[9]][7:] == ["C（暂定）", None, "一.6"]
    grades = wb["等次分布"]
    assert [(r[0].value, r[1].value) for r in grades.iter_rows(min_row=2)] == [("A", 3), ("B", 2), ("C", 4), ("D", 2)]
    assert len(ws._charts) == 1 and len(grades._charts) == 1
    assert ws._charts[0].type == "col"
    # each bar in its grade's colour; the count axis steps by whole units
    bars = ws._charts[0].series[0].dPt
    assert [str(p.graphicalProperties.solidFill.srgbClr).upper() for p in bars[:4]] == ["2E7D32"] * 3 + ["1565C0"]
    assert (grades._charts[0].y_axis.majorUnit, grades._charts[0].y_axis.number_format.formatCode) == (1, "0")


def test_summary_html_has_an_inline_svg_chart():
    html = summary_html(RULESET, list(RESULTS.values()))
    assert html.count("<svg") == 2 and "<script" not in html
    assert "<title>洞头县：78</title>" in html
    assert re.search(r"<td class=\"num\">7</td><td class=\"num\">洞头县</td>", html)


def test_outputs_are_byte_identical_across_runs(tmp_path):
    write_outputs(RULESET, list(RESULTS.values()), tmp_path / "a")
    write_outputs(RULESET, evaluate(RULESET, BATCH), tmp_path / "b", workers=1)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 27  # 11 units × 2, 4 summaries, the manifest
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_parallel_and_serial_rendering_agree(tmp_path, monkeypatch):
    from kaohe.engine.render import outputs
    monkeypatch.setattr(outputs, "PARALLEL_FROM", 2)
    write_outputs(RULESET, list(RESULTS.values()), tmp_path / "p", workers=2)
    write_outputs(RULESET, list(RESULTS.values()), tmp_path / "s", workers=1)
    for path in (tmp_path / "p").iterdir():
        assert path.read_bytes() == (tmp_path / "s" / path.name).read_bytes(), path.name


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "汇总.html"
    target.write_text("旧内容", encoding="utf-8")

    def fail(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(KaoheError) as caught:
        write_atomic(target, "新内容")
    assert str(caught.value) == f"{target}: 无法写入：磁盘空间不足\n  提示：请清理磁盘空间后重新运行；已有的输出保持原样"
    assert target.read_text(encoding="utf-8") == "旧内容"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.html"]


def test_the_saving_time_is_not_in_the_file():
    import io
    import zipfile
    archive = zipfile.ZipFile(io.BytesIO(sheet_xlsx(RULESET, RESULTS["鹿城区"])))
    core = archive.read("docProps/core.xml").decode()
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>' in core
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>' in core
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
