"""The engine's HTML score sheet and summary (kaohe score -o) in a real browser: they are opened from a
folder on an office PC or an intranet share, so they must load nothing from anywhere, show their Chinese in a
CJK font, print on A4 landscape as the stylesheet says, and fit a 1366×768 screen."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import pdf
from tests.browser.conftest import SCREEN

ROOT = Path(__file__).resolve().parents[2]
KAOHE = Path(sys.executable).parent / "kaohe"
WENZHOU = ROOT / "rulesets" / "wenzhou-2014"
# What kaohe.css asks for: 297 mm less 10 mm margins either side, at CSS's 96 px to the inch.
PRINTABLE_WIDTH = int((297 - 20) / 25.4 * 96)


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("score") / "wenzhou-2014"
    done = subprocess.run([KAOHE, "score", WENZHOU, WENZHOU / "samples", "--provisional", "-o", out, "-q"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out


def results(scored: Path) -> dict:
    return json.loads((scored / "results.json").read_text(encoding="utf-8"))


def only_local(page) -> None:
    """An intranet page loads nothing from another host: every request stays in the file or the page."""
    assert page.seen.requests, "the page made no request at all"
    elsewhere = [url for url in page.seen.requests if not url.startswith(("file://", "data:"))]
    assert not elsewhere, elsewhere
    assert not page.seen.errors, page.seen.errors


def fonts(page, selector: str) -> list[str]:
    """The fonts Chromium actually drew the element's text with (not what the stylesheet asked for)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    used = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return [font["familyName"] for font in used]


def drawn_in_cjk_font(page, selector: str) -> None:
    used = fonts(page, selector)
    assert used, f"no font drew {selector}"
    assert all("CJK" in name or name in ("SimSun", "宋体", "NSimSun") for name in used), (selector, used)


def test_score_sheet_loads_nothing_from_elsewhere_and_shows_its_chinese(page, scored):
    page.goto((scored / "鹿城区.html").as_uri())
    only_local(page)
    body = page.inner_text("body")
    assert "鹿城区" in body and "总分" in body
    assert page.title().startswith("鹿城区")
    for selector in ("h1", "p.total", "thead th", "tbody tr:nth-child(2) td:nth-child(2)"):
        drawn_in_cjk_font(page, selector)
    # The score and grade in the header are those of the scoring run.
    unit = next(unit for unit in results(scored)["units"] if unit["unit"] == "鹿城区")
    assert f"总分：{unit['total']}　　等次：{unit['grade']}" in body


def test_score_sheet_prints_on_a4_landscape_with_the_header_on_every_page(page, scored):
    page.goto((scored / "鹿城区.html").as_uri())
    rows = page.evaluate("[...document.querySelectorAll('tbody tr')].map(r => r.cells[0].innerText + r.cells[1].innerText)")
    assert len(rows) > 20 and rows[-1].startswith("合计")

    printed = pdf.pages(page.pdf(format="A4", landscape=True))
    # What the stylesheet intends: its own @page size gives the same pages.
    intended = pdf.pages(page.pdf(prefer_css_page_size=True))
    assert len(printed) == len(intended) > 1
    assert all(pdf.is_a4_landscape(sheet) for sheet in printed + intended)

    texts = [pdf.text(sheet) for sheet in printed]
    header = pdf.pattern("序号考核项目考核内容/评分标准分值")
    # Every row is printed whole on exactly one page, in order: none lost, none split across a page break.
    where = []
    for row in rows:
        found = [number for number, text in enumerate(texts) if pdf.pattern(row).search(text)]
        assert len(found) == 1, (row, found)
        where.append(found[0])
    assert where == sorted(where) and where[0] == 0
    table_pages = sorted(set(where))
    assert table_pages == list(range(len(table_pages))), "a page inside the table without a row"
    assert all(header.search(texts[n]) for n in table_pages), "the header row is not repeated on every page"
    # After the table: the clause texts, once (依据条款), then the signatures and the digests on the last page.
    clauses = [n for n, text in enumerate(texts) if pdf.pattern("依据条款").search(text)]
    assert clauses and clauses[0] >= table_pages[-1]
    signatures = pdf.pattern("评分人（签字）")
    assert [bool(signatures.search(text)) for text in texts] == [False] * (len(texts) - 1) + [True]
    assert pdf.pattern("细则摘要（sha256）").search(texts[-1])

    # On paper the table fits the page's width: nothing is cut off at the right.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH


def test_summary_fits_an_office_screen(page, scored):
    page.goto((scored / "汇总.html").as_uri())
    only_local(page)
    assert page.viewport_size == SCREEN
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"], "horizontal scroll at 1366×768"
    body = page.inner_text("body")
    assert "排名" in body and "等次分布" in body and "鹿城区" in body
    drawn_in_cjk_font(page, "h1")
    drawn_in_cjk_font(page, "tbody tr td")
    # One ranking row and one bar per unit, and each chart wholly on the screen's width.
    units = page.locator("table").first.locator("tbody tr").count()
    assert units == len(results(scored)["units"]) > 1
    assert page.locator("svg").first.locator("rect").count() == units
    for box in (page.locator("svg").nth(index).bounding_box() for index in range(page.locator("svg").count())):
        assert box and box["width"] > 0 and box["x"] + box["width"] <= SCREEN["width"]
