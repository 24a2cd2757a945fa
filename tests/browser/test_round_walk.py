"""One whole round in a real browser against `kaohe serve`, each person in a browser of their own.

The other ten units of 温州 2014 have submitted and been scored already (tests/browser/others.py). 鹿城区's official
downloads the workbook, uploads it with 一.1 = 130 % and is told the sheet, cell and item, fixes it and submits;
第一组's inspector scores 鹿城区's three judged items on the form (an out-of-range score is refused, naming the
item); 市质监局 enters 一.10 and 一.11 for 鹿城区 on its item forms; the office runs 试算, adjusts 苍南县's missing
一.6 and publishes the 公示; 鹿城区 appeals 一.7 with a reason and two attachments; the office downloads them, upholds
the appeal with a corrected value and publishes the final result; 鹿城区 sees the final sheet with the new total
and 维持.

Every score shown is compared with the engine's own result for the same evidence (`kaohe score` on the samples,
with 苍南县's 一.6 and, for the final result, 鹿城区's 一.7 as the office set them) and with `kaohe round export` of
each publication. Every page
loads nothing from elsewhere, logs no console error and fits a 1366×768 screen; the unit's and the office's score
sheets print on A4 landscape with every row of the sheet on paper.

The steps are tests of their own, run in order against one server (module-scoped): a later step needs the
earlier ones. After the final result no page offers a form the closed round would refuse. With KAOHE_SCREENSHOTS=1
the pages are saved to docs/screenshots/ as they are passed."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfWriter

from tests.browser import pdf
from tests.browser.conftest import ROOT, SCREEN, WENZHOU, fits_the_screen, kaohe, make_round, open_page, serving
from tests.browser.test_portal import log_in, only_this_server, press, problem_rows, screenshot, upload
from tests.browser.test_score_sheets import PRINTABLE_WIDTH
from tests.round_helpers import DEPARTMENT, DEPARTMENT_ITEMS, JUDGED, SAMPLES, UNITS, department_value, judged
from tests.test_fillin import fill

CODE = "wz"
UNIT = "鹿城区"
UNIT_USER, INSPECTOR, DEPARTMENT_USER, OFFICE_USER = "鹿城区联络员", "第一组组长", "市质监局赵六", "考核办王五"
USERS = {
    UNIT_USER: ("unit", ["--unit", UNIT]),
    INSPECTOR: ("inspection", ["--group", "第一组"]),
    DEPARTMENT_USER: ("department", ["--department", DEPARTMENT]),
    OFFICE_USER: ("office", []),
}
SAMPLE = WENZHOU / "samples" / "01-鹿城区.yaml"
# 鹿城区's surface water: 62 % against a target of 64 %, 2 of 3 points; the appeal shows it was 64 %.
APPEALED, NOTICED_VALUE, CORRECTED_VALUE = "一.7", 62, 64
# 苍南县's sample lacks 一.6 (its survey report was not out): the office adjusts it before the 公示, as the round
# tests do, or nothing can be published.
ADJUSTED_UNIT, ADJUSTED_ITEM, ADJUSTED_VALUE = "苍南县", "一.6", 76
ADJUST_REASON = "实地核查取得测评报告，满意度76分"
APPEAL_REASON = "地表水Ⅲ类以上水质比例应为64%：市环境监测中心站复核报告附后"
DECISION_REASON = "经复核，市环境监测中心站报告属实，更正为64%"
APPEAL_UNTIL = ("2099-01-31", "17:30")
NOTICE_NOTE = "申诉请于截止时间前向市质强办书面提出"


# --- the round, the people, the engine's own results ------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`kaohe serve` on a round of its own in which every unit but 鹿城区 has submitted and been scored."""
    folder = tmp_path_factory.mktemp("walk")
    db = make_round(folder, USERS)
    done = subprocess.run([sys.executable, "-m", "tests.browser.others", str(db), UNIT], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with serving(folder, db) as live:
        yield live


@pytest.fixture(scope="module")
def people(browser, server):
    """name → that person's page, logged in on first use, in a browser context of its own for the whole walk."""
    pages = {}

    def person(name: str):
        if name not in pages:
            pages[name] = open_page(browser)
            log_in(pages[name], server, name)
        return pages[name]

    yield person
    for opened in pages.values():
        opened.context.close()


def engine_results(evidence: Path, db: Path) -> dict[str, dict]:
    """unit → its result in `kaohe score --json` of the evidence (every unit scored together, as a round is)."""
    document = json.loads(kaohe(db, "score", WENZHOU, evidence, "--provisional", "--json"))
    return {unit["unit"]: unit for unit in document["units"]}


def corrected_samples(folder: Path, changes: dict[str, dict[str, object]]) -> Path:
    """A copy of the samples with some values changed: unit → item → value."""
    out = folder / "samples"
    shutil.copytree(WENZHOU / "samples", out)
    for unit, values in changes.items():
        path = out / SAMPLES[unit].name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item, value in values.items():
            entry = data["values"][item]
            data["values"][item] = {**entry, "value": value} if isinstance(entry, dict) else value
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def expected(server, tmp_path_factory) -> dict[str, dict[str, dict]]:
    """The engine's results on the evidence the walk gives, by `kaohe score` on the samples: 鹿城区's values come from
    its sample through the workbook, the inspector's and the department's are the sample's.
    "trial": every sample as it is (苍南县 still lacks 一.6); "notice": with the office's adjustment of 苍南县's
    一.6; "final": also with 鹿城区's 一.7 corrected as the appeal's decision corrects it."""
    assert yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["values"][APPEALED] == NOTICED_VALUE
    notice = {ADJUSTED_UNIT: {ADJUSTED_ITEM: ADJUSTED_VALUE}}
    final = {**notice, UNIT: {APPEALED: CORRECTED_VALUE}}
    return {"trial": engine_results(WENZHOU / "samples", server.db),
            "notice": engine_results(corrected_samples(tmp_path_factory.mktemp("notice"), notice), server.db),
            "final": engine_results(corrected_samples(tmp_path_factory.mktemp("final"), final), server.db)}


@pytest.fixture(scope="module")
def walked() -> dict:
    """What one step leaves for the next."""
    return {}


def exported(server, folder: Path, number: int) -> dict[str, dict]:
    """unit → its result in `kaohe round export` of publication `number` (results.json)."""
    out = folder / f"export-{number}"
    kaohe(server.db, "round", "export", CODE, "--publication", number, "-o", out)
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {unit["unit"]: unit for unit in document["units"]}


def status_of(server, unit: str) -> dict:
    document = json.loads(kaohe(server.db, "round", "status", CODE, "--json"))
    return next(u for u in document["units"] if u["unit"] == unit)


def messages(page) -> str:
    return page.inner_text(".messages") if page.locator(".messages").count() else ""


def path_of(page) -> str:
    return unquote(urlsplit(page.url).path)


def refused_as_expected(page, status: int = 400) -> None:
    """A refused form is answered with a 4xx status, which Chromium logs as a console error ("Failed to load
    resource"): that error, for the page just shown, is the one expected; any other is still reported."""
    said = f"the server responded with a status of {status}"
    expected = [e for e in page.seen.errors if said in e and e.endswith(f"({page.url})")]
    assert expected, (page.url, page.seen.errors)
    page.seen.errors[:] = [e for e in page.seen.errors if e not in expected]


def grade_text(result: dict, provisional: bool) -> str:
    """The grade as the dashboard's table writes it: D（原C）, and （暂定） for a provisional run."""
    text = result["grade"] + (f"（原{result['band_grade']}）" if result["band_grade"] != result["grade"] else "")
    return text + ("（暂定）" if provisional or not result["complete"] else "")


def attachment_pdf() -> bytes:
    """A real one-page PDF, as a scanned report would be."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "地表水监测复核报告"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# A 1×1 PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf"
                    "c0f01f0005000201e2a4b9c90000000049454e44ae426082")


# --- the walk ---------------------------------------------------------------------------------------------------


def test_1_the_unit_fixes_and_submits_its_workbook(people, server, tmp_path):
    page = people(UNIT_USER)
    assert path_of(page) == "/unit/" and page.inner_text("h1").startswith(UNIT)
    assert page.inner_text("#unit-state") == "未报送"
    fits_the_screen(page)

    with page.expect_download() as started:
        page.click("a:has-text('下载本单位的填报表')")
    blank = tmp_path / "下载" / started.value.suggested_filename
    started.value.save_as(blank)
    assert blank.name == f"{UNIT}-填报表.xlsx"
    sheet = load_workbook(blank)["填报"]
    keys = [sheet.cell(row, 1).value for row in range(6, sheet.max_row + 1)]
    cell = f"F{6 + keys.index('一.1')}"

    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    filled = fill(sample, tmp_path / blank.name, start=blank)
    workbook = load_workbook(filled)
    workbook["填报"][cell].value = 130
    workbook.save(filled)
    assert upload(page, filled).startswith("还不能报送")
    [(place, item, message)] = problem_rows(page)
    assert "填报" in place and cell in place, place
    assert item.startswith("一.1") and "制造业产品质量合格率" in item, item
    assert "130%" in message, message
    assert not page.locator("button.primary:has-text('报送')").count()
    fits_the_screen(page)

    rate = sample["values"]["一.1"]
    workbook["填报"][cell].value = rate["value"] if isinstance(rate, dict) else rate
    workbook.save(filled)
    assert upload(page, filled) == "可以报送"
    # Still owed: the inspection group's three items and the department's two.
    pending = page.eval_on_selector_all("#pending tr", "rows => rows.map(r => r.cells[0].innerText)")
    assert sorted(line.split()[0] for line in pending) == sorted(JUDGED + DEPARTMENT_ITEMS), pending
    fits_the_screen(page)
    press(page, "button.primary:has-text('报送')")
    assert path_of(page) == "/unit/"
    assert f"已报送第1版（{blank.name}）" in messages(page)
    assert page.inner_text("#unit-state") == "已报送"
    only_this_server(page, server)

    status = status_of(server, UNIT)
    assert (status["state"], status["version"]) == ("已报送", 1)
    assert status["owed_inspection"] == list(JUDGED) and status["owed_departments"] == {DEPARTMENT: list(DEPARTMENT_ITEMS)}


def test_2_the_inspection_group_scores_the_unit_on_its_form(people, server):
    page = people(INSPECTOR)
    assert path_of(page) == "/group/"
    row = page.locator("#progress tbody tr", has_text=UNIT)
    assert row.locator("td").nth(1).inner_text() == f"0/{len(JUDGED)}"
    fits_the_screen(page)
    with page.expect_navigation():
        row.locator("a:has-text('录入评分')").click()
    assert path_of(page) == f"/group/units/{UNIT}/"
    items = page.eval_on_selector_all("#rows tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
    assert [line.split()[0] for line in items] == list(JUDGED)
    fits_the_screen(page)

    # 5 points for 二.7, which is worth 4.
    for index, item in enumerate(JUDGED):
        score, reason = judged(UNIT, item)
        page.fill(f"#row-{index} input[type=number]", "5" if index == 0 else score)
        page.fill(f"#row-{index} textarea", reason)
    # The browser refuses it first (the input's max) …
    too_high = page.locator("#row-0 input[type=number]")
    assert too_high.evaluate("input => input.validity.rangeOverflow")
    page.click("button.primary:has-text('记录')")
    assert path_of(page) == f"/group/units/{UNIT}/" and not page.locator("#refused").count()
    # … and the server, which does not rely on the browser: nothing is recorded, the row says why.
    page.evaluate("document.querySelector('form.party-form').noValidate = true")
    press(page, "button.primary:has-text('记录')")
    assert page.inner_text("#refused").startswith("有1行填写有误，本次没有记录任何内容")
    refused_as_expected(page)
    error = page.inner_text("#row-0 .row-error")
    assert error == f"{UNIT} {items[0]}：得分 5分 超出允许范围（0–4分，按0.5分计）", error
    assert page.locator("#rows td.recorded:has-text('未录入')").count() == len(JUDGED)
    assert status_of(server, UNIT)["owed_inspection"] == list(JUDGED), "a refused form records nothing"
    fits_the_screen(page)

    page.fill("#row-0 input[type=number]", judged(UNIT, JUDGED[0])[0])
    press(page, "button.primary:has-text('记录')")
    assert path_of(page) == f"/group/units/{UNIT}/"
    assert f"已记录{len(JUDGED)}项" in messages(page)
    for index, item in enumerate(JUDGED):
        score, reason = judged(UNIT, item)
        recorded = page.inner_text(f"#row-{index} td.recorded")
        assert recorded.startswith(f"{score}分") and f"理由：{reason}" in recorded and INSPECTOR in recorded, recorded
    fits_the_screen(page)
    screenshot(page, "group-unit-form")

    page.goto(server.url + "/group/")
    assert page.locator("#progress tbody tr", has_text=UNIT).locator("td").nth(1).inner_text() == \
        f"{len(JUDGED)}/{len(JUDGED)}"
    fits_the_screen(page)
    only_this_server(page, server)
    assert status_of(server, UNIT)["owed_inspection"] == []


def test_3_the_department_enters_its_items_for_the_unit(people, server):
    page = people(DEPARTMENT_USER)
    assert path_of(page) == "/department/"
    fits_the_screen(page)
    for item in DEPARTMENT_ITEMS:
        page.goto(server.url + "/department/")
        with page.expect_navigation():
            page.locator("#progress tbody tr").filter(has=page.locator(f"td:text-is('{item}')")) \
                .locator("a:has-text('逐单位录入')").click()
        assert path_of(page) == f"/department/items/{item}/"
        assert page.inner_text("h1").startswith(item)
        units = page.eval_on_selector_all("#rows tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
        assert units == UNITS
        mine = page.locator("#rows tbody tr").nth(UNITS.index(UNIT))
        assert mine.locator("td.recorded").inner_text() == "未录入"
        page.fill(f"input[aria-label='{UNIT} {item}']", department_value(UNIT, item))
        press(page, "button.primary:has-text('记录')")
        assert path_of(page) == f"/department/items/{item}/"
        assert "已记录1项" in messages(page)
        recorded = page.locator("#rows tbody tr").nth(UNITS.index(UNIT)).locator("td.recorded").inner_text()
        assert recorded.startswith(department_value(UNIT, item)) and DEPARTMENT_USER in recorded, recorded
        fits_the_screen(page)
        if item == DEPARTMENT_ITEMS[0]:
            screenshot(page, "department-item-form")
    only_this_server(page, server)
    status = status_of(server, UNIT)
    assert (status["owed_inspection"], status["owed_departments"]) == ([], {})


def test_4_the_office_scores_and_publishes_the_notice(people, server, expected, walked, tmp_path):
    page = people(OFFICE_USER)
    assert path_of(page) == "/office/"
    assert page.inner_text("#run").startswith("还没有评分")
    press(page, "button:has-text('试算')")
    assert path_of(page) == "/office/"
    assert "已完成第1次评分（暂定）" in messages(page)

    # Every unit's total and grade as the engine gives them for the same evidence.
    engine = expected["trial"]
    shown = page.eval_on_selector_all("#scores tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    assert [row[1] for row in shown] == sorted(UNITS, key=lambda unit: engine[unit]["rank"])
    for rank, unit, total, graded, grade in shown:
        assert (int(rank), Decimal(total), Decimal(graded), grade) == \
            (engine[unit]["rank"], Decimal(engine[unit]["total"]), Decimal(engine[unit]["graded_total"]),
             grade_text(engine[unit], provisional=True)), unit
    # The chart counts the units of each grade.
    bars = page.eval_on_selector_all("#grade-chart g.bar", "bars => bars.map(b => [b.dataset.grade, +b.dataset.count])")
    assert {grade: count for grade, count in bars if count} == Counter(r["grade"] for r in engine.values())
    assert page.locator("#grade-chart svg").bounding_box()["width"] > 0
    fits_the_screen(page)
    screenshot(page, "office-scores")

    # 苍南县 still lacks 一.6: the office adjusts it, choosing the unit and item on the adjustment page.
    assert grade_text(engine[ADJUSTED_UNIT], provisional=False).endswith("（暂定）")
    page.click("#office-nav a:has-text('调整')")
    page.wait_for_url("**/office/adjust/")
    page.select_option("#adjust-choose select[name=unit]", ADJUSTED_UNIT)
    page.select_option("#adjust-choose select[name=item]", ADJUSTED_ITEM)
    press(page, "#adjust-choose button")
    fits_the_screen(page)
    assert page.inner_text("#adjust-item h2").startswith(f"{ADJUSTED_UNIT} · {ADJUSTED_ITEM}")
    page.fill("#id_value", str(ADJUSTED_VALUE))
    page.fill("#id_reason", ADJUST_REASON)
    press(page, "#adjust-form button.primary")
    assert f"已调整 {ADJUSTED_UNIT} {ADJUSTED_ITEM}" in messages(page) and ADJUST_REASON in messages(page)
    [adjustment] = page.eval_on_selector_all("#adjustments tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
    assert adjustment == ADJUSTED_UNIT
    fits_the_screen(page)

    # The 公示, its appeal deadline in the future.
    engine = expected["notice"]
    page.click("#office-nav a:has-text('发布')")
    page.wait_for_url("**/office/publish/")
    page.check("input[name=kind][value=notice]")
    page.fill("#id_appeal_date", APPEAL_UNTIL[0])
    page.fill("#id_appeal_time", APPEAL_UNTIL[1])
    page.fill("#id_note", NOTICE_NOTE)
    press(page, "#publish-form button.primary")
    assert path_of(page) == "/office/publish/"
    assert f"已发布第1号：公示，申诉截止 {' '.join(APPEAL_UNTIL)}" in messages(page), page.inner_text("main")
    published = page.eval_on_selector_all("#publications tbody tr", "rows => rows.map(r => r.cells[1].innerText)")
    assert published == ["公示"]
    fits_the_screen(page)
    only_this_server(page, server)

    # What `kaohe round export` writes for the 公示 is what the engine gives.
    noticed = exported(server, tmp_path, 1)
    assert {u: (r["total"], r["grade"]) for u, r in noticed.items()} == \
        {u: (r["total"], r["grade"]) for u, r in engine.items()}
    walked["notice"] = engine[UNIT]


def test_5_the_unit_appeals_with_a_reason_and_attachments(people, server, walked, tmp_path):
    notice = walked["notice"]
    page = people(UNIT_USER)
    page.goto(server.url + "/unit/")
    assert f"已发布第1号公示（申诉截止 {' '.join(APPEAL_UNTIL)}）" in page.inner_text("main")
    fits_the_screen(page)
    page.click("main a:has-text('查看本单位的评分表')")
    page.wait_for_url("**/unit/result/")
    assert page.inner_text("#sheet-unit") == UNIT
    assert (page.inner_text("#sheet-total"), page.inner_text("#sheet-grade")) == (notice["total"], notice["grade"])
    assert page.inner_text("article.sheet p.meta").startswith("公示（第1号发布")
    noticed_row = sheet_row(page, APPEALED)
    assert noticed_row[5] == "2", noticed_row
    fits_the_screen(page)

    page.click("main a:has-text('对评分有异议：申诉')")
    page.wait_for_url("**/unit/appeal/")
    assert NOTICE_NOTE in page.inner_text("main")
    choice = page.locator("label.choice", has=page.locator(f"input[value='{APPEALED}']"))
    assert choice.inner_text().strip() == f"{APPEALED} 地表水Ⅲ类以上水质比例（分值3分，公示得分2分）"
    report, photo = tmp_path / "水质监测复核报告.pdf", tmp_path / "采样点照片.png"
    report.write_bytes(attachment_pdf())
    photo.write_bytes(PNG)
    page.check(f"input[name=items][value='{APPEALED}']")
    page.fill("#id_reason", APPEAL_REASON)
    page.set_input_files("#id_files", [str(report), str(photo)])
    press(page, "button.primary:has-text('提交申诉')")
    assert path_of(page) == "/unit/appeal/"
    assert f"已提交第1号申诉（{APPEALED}），附件 2 个" in messages(page)
    [row] = page.eval_on_selector_all("#appeals tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    assert row[:4] == ["第1号", APPEALED, APPEAL_REASON, f"{report.name}\n{photo.name}"], row
    assert (row[5], row[6]) == (UNIT_USER, "待考核办决定"), row
    # Its own attachment comes back as it went.
    with page.expect_download() as started:
        page.click(f"#appeals a:has-text('{report.name}')")
    assert started.value.suggested_filename == report.name
    assert Path(started.value.path()).read_bytes() == report.read_bytes()
    fits_the_screen(page)
    screenshot(page, "unit-appeal")
    only_this_server(page, server)
    walked["attachments"] = {report.name: report.read_bytes(), photo.name: photo.read_bytes()}


def test_5b_the_appeal_form_lists_each_item_on_a_line_of_its_own(people, server):
    """Two columns of items, each item's checkbox and text on one line: no box sits after another item's text."""
    page = people(UNIT_USER)
    page.goto(server.url + "/unit/appeal/")
    boxes = page.eval_on_selector_all("#appeal-form label.choice", """labels => labels.map(label => {
        const box = label.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(label).lineHeight);
        return [label.innerText.trim().split(' ')[0], box.height / line, Math.round(box.top), Math.round(box.left)];
    })""")
    assert len(boxes) > 20
    wrapped = [item for item, lines, _, _ in boxes if lines > 1.5]
    assert not wrapped, f"指标的文字折到了下一行：{wrapped}"
    places = [(top, left) for _, _, top, left in boxes]
    assert len(set(places)) == len(places), "几项指标重叠在一处"
    assert max(Counter(top for top, _ in places).values()) <= 2, "一行排了两项以上"
    assert sorted(places) == places, "指标没有按细则的顺序逐行排列"


def sheet_row(page, item: str) -> list[str]:
    """The cells of the score sheet's row for `item` (序号, 考核项目, 标准, 分值, 自评分, 得分, 说明, 依据)."""
    rows = page.eval_on_selector_all("#sheet-rows tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    return next(row for row in rows if row[0] == item)


def test_6_the_office_upholds_the_appeal_with_a_corrected_value(people, server, walked):
    page = people(OFFICE_USER)
    page.goto(server.url + "/office/")
    assert "未决定的申诉 1 件" in page.inner_text("#totals")
    fits_the_screen(page)
    page.click("#totals a:has-text('处理申诉')")
    page.wait_for_url("**/office/appeals/")
    [row] = page.eval_on_selector_all("#appeals tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    assert row[:4] == ["第1号", UNIT, f"{APPEALED} 地表水Ⅲ类以上水质比例", APPEAL_REASON], row
    assert (row[6], row[7]) == ("2", "未决定"), row
    fits_the_screen(page)
    page.click("#appeals a:has-text('第1号')")
    page.wait_for_url("**/office/appeals/1/")
    assert page.inner_text("h1") == f"第1号申诉 · {UNIT}"
    assert page.inner_text("#appeal-reason") == APPEAL_REASON
    [item] = page.eval_on_selector_all("#appeal-items tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    assert item[:4] == [f"{APPEALED} 地表水Ⅲ类以上水质比例", "3", "2分", "2分"], item
    assert item[4] == f"{NOTICED_VALUE}%", item

    # Each attachment downloads as the unit sent it.
    names = page.eval_on_selector_all("#appeal-files a", "links => links.map(a => a.innerText)")
    assert names == list(walked["attachments"])
    for name, content in walked["attachments"].items():
        with page.expect_download() as started:
            page.click(f"#appeal-files a:has-text('{name}')")
        assert started.value.suggested_filename == name
        assert Path(started.value.path()).read_bytes() == content

    page.check("input[name=outcome][value=uphold]")
    page.select_option("#id_item", APPEALED)
    page.fill("#id_value", str(CORRECTED_VALUE))
    page.fill("#id_reason", DECISION_REASON)
    fits_the_screen(page)
    screenshot(page, "office-appeal")
    press(page, "#decide-form button.primary")
    assert path_of(page) == "/office/appeals/1/"
    assert "第1号申诉已维持，更正记为一次调整" in messages(page)
    assert page.inner_text("#decision .verdict").startswith(f"维持：{DECISION_REASON}（{OFFICE_USER}")
    assert f"已调整 {APPEALED}（填报值）" in page.inner_text("#decision")
    assert not page.locator("#decide-form").count(), "a decision cannot be changed"
    fits_the_screen(page)
    only_this_server(page, server)


def test_7_the_office_publishes_the_final_result(people, server, expected, walked, tmp_path):
    final = expected["final"][UNIT]
    assert Decimal(final["total"]) > Decimal(walked["notice"]["total"]), "the correction raises 鹿城区's total"
    page = people(OFFICE_USER)
    page.goto(server.url + "/office/publish/")
    page.check("input[name=kind][value=final]")
    press(page, "#publish-form button.primary")
    assert path_of(page) == "/office/publish/"
    assert "已发布第2号：最终结果" in messages(page)
    published = page.eval_on_selector_all("#publications tbody tr", "rows => rows.map(r => r.cells[1].innerText)")
    assert published == ["公示", "最终结果"]
    fits_the_screen(page)
    screenshot(page, "office-publish")

    # The final result as `kaohe round export` writes it: the engine's, with 鹿城区's 一.7 corrected.
    results = exported(server, tmp_path, 2)
    assert {u: (r["total"], r["grade"]) for u, r in results.items()} == \
        {u: (r["total"], r["grade"]) for u, r in expected["final"].items()}

    # The dashboard shows the final result's run: the same totals, no grade provisional.
    page.goto(server.url + "/office/")
    shown = page.eval_on_selector_all("#scores tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    assert {unit: (Decimal(total), grade) for _, unit, total, _, grade in shown} == \
        {unit: (Decimal(r["total"]), grade_text(r, provisional=False)) for unit, r in expected["final"].items()}
    assert "（暂定）" not in page.inner_text("#scores")
    # 鹿城区's sheet in the final result, from the dashboard's table.
    page.click(f"#scores a:text-is('{UNIT}')")
    page.wait_for_url("**/office/units/**")
    assert page.inner_text("#sheet-source").startswith("第3次评分")  # the final result's own run
    fits_the_screen(page)
    page.click("#sheet-tools a:has-text('第2号发布（最终结果）')")
    page.wait_for_url("**/office/units/**?publication=2")
    assert page.inner_text("#sheet-source").startswith("第2号发布：最终结果")
    assert (page.inner_text("#sheet-total"), page.inner_text("#sheet-grade")) == (final["total"], final["grade"])
    assert sheet_row(page, APPEALED)[5].startswith("3"), sheet_row(page, APPEALED)
    notes = page.inner_text("#sheet-notes")
    assert DECISION_REASON in notes and APPEAL_REASON in notes, notes
    with page.expect_download() as started:
        page.click("#sheet-tools a:has-text('下载评分表（.xlsx）')")
    assert started.value.suggested_filename == f"{UNIT}-评分表.xlsx"
    sheet = load_workbook(io.BytesIO(Path(started.value.path()).read_bytes())).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert UNIT in " ".join(cells) and APPEALED in cells
    fits_the_screen(page)
    screenshot(page, "office-unit-sheet")

    page.click("#office-nav a:has-text('日志')")
    page.wait_for_url("**/office/log/")
    actors = set(page.eval_on_selector_all("#log tbody tr", "rows => rows.map(r => r.cells[2].innerText)"))
    assert {UNIT_USER, INSPECTOR, DEPARTMENT_USER, OFFICE_USER} <= actors, actors
    page.fill("#log-filter input[name=unit]", UNIT)
    press(page, "#log-filter button")
    summaries = page.eval_on_selector_all("#log tbody tr", "rows => rows.map(r => r.cells[4].innerText)")
    assert summaries and all(UNIT in summary for summary in summaries), summaries
    fits_the_screen(page)
    screenshot(page, "office-log")
    only_this_server(page, server)


def test_8_the_unit_sees_the_final_sheet_and_its_appeal_upheld(people, server, expected, walked):
    final, notice = expected["final"][UNIT], walked["notice"]
    page = people(UNIT_USER)
    page.goto(server.url + "/unit/")
    assert "已发布第2号最终结果" in page.inner_text("main")
    fits_the_screen(page)
    page.click("#unit-nav a:has-text('评分表')")
    page.wait_for_url("**/unit/result/")
    assert page.inner_text("article.sheet p.meta").startswith("最终结果（第2号发布")
    assert (page.inner_text("#sheet-total"), page.inner_text("#sheet-grade")) == (final["total"], final["grade"])
    assert page.inner_text("#sheet-total") != notice["total"]
    assert sheet_row(page, APPEALED)[5].startswith("3"), sheet_row(page, APPEALED)
    fits_the_screen(page)
    screenshot(page, "unit-result-final")

    page.click("#unit-nav a:has-text('申诉')")
    page.wait_for_url("**/unit/appeal/")
    assert page.inner_text("#appeal-closed") == "本轮次已公布最终结果，不再受理申诉。"
    assert not page.locator("#appeal-form").count()
    decision = page.inner_text("#appeals td.decision")
    assert decision.startswith(f"维持：{DECISION_REASON}（"), decision
    fits_the_screen(page)
    only_this_server(page, server)


@pytest.mark.parametrize("who, address", [(UNIT_USER, "/unit/result/"),
                                          (OFFICE_USER, f"/office/units/{UNIT}/?publication=2")])
def test_9_the_final_sheet_prints_on_a4_landscape(people, server, who, address):
    page = people(who)
    page.goto(server.url + address)
    rows = page.evaluate("[...document.querySelectorAll('#sheet-rows tbody tr')]"
                         ".map(r => r.cells[0].innerText + r.cells[1].innerText)")
    assert len(rows) > 20 and any(row.startswith(APPEALED) for row in rows)
    printed = pdf.pages(page.pdf(format="A4", landscape=True, print_background=True))
    assert printed and all(pdf.is_a4_landscape(sheet) for sheet in printed), [pdf.size(s) for s in printed]
    text = "".join(pdf.text(sheet) for sheet in printed)
    missing = [row for row in rows if not pdf.pattern(row).search(text)]
    assert not missing, f"not on paper: {missing}"
    assert pdf.pattern(f"被考核单位{UNIT}").search(text)
    # On paper the sheet fits the page's width: nothing is cut off at the right.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 700})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size(SCREEN)
    only_this_server(page, server)



def test_10_after_the_final_result_no_page_offers_a_form_the_round_refuses(people, server):
    offered = []
    for who, address, form in [
            (OFFICE_USER, "/office/publish/", "#publish-form"),
            (OFFICE_USER, f"/office/adjust/?unit={UNIT}&item=一.1", "#adjust-form"),
            (INSPECTOR, "/group/", "form[action$='/group/upload/']"),
            (INSPECTOR, f"/group/units/{UNIT}/", "form.party-form"),
            (DEPARTMENT_USER, "/department/", "form[action$='/department/upload/']"),
            (DEPARTMENT_USER, f"/department/items/{DEPARTMENT_ITEMS[0]}/", "form.party-form")]:
        page = people(who)
        page.goto(server.url + address)
        if page.locator(form).count():
            offered.append(address)
    assert not offered, f"最终结果公布后仍提供表单：{offered}"


# Short words in the tables (分值, 自评分, 得分, 调整, 决定, 维持) broken one character a line.
BROKEN_WORDS = """() => [...document.querySelectorAll('main th, main td')].flatMap(cell => {
    const text = cell.innerText.trim();
    if (!text || text.length > 4 || text.includes('\\n')) return [];
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    return lines.size > 1 ? [text] : [];
})"""


@pytest.mark.parametrize("who, address", [(UNIT_USER, "/unit/result/"),
                                          (OFFICE_USER, f"/office/units/{UNIT}/?publication=2"),
                                          (INSPECTOR, f"/group/units/{UNIT}/")])
def test_11_short_words_in_tables_are_not_broken_one_character_a_line(people, server, who, address):
    page = people(who)
    page.goto(server.url + address)
    broken = page.evaluate(BROKEN_WORDS)
    assert not broken, f"{address}：{broken}"
