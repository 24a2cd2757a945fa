"""The municipality's portal in a real browser against `kaohe serve`: the official logs in, downloads the unit's
fill-in workbook, fills it in (a rate of 130 % for 一.1), uploads it and is told which sheet and cell and item are
wrong, fixes it, uploads again, is told 可以报送, submits, and sees version 1 listed. Another unit's official sees
none of it. Every request stays on the server (an intranet has no CDN), and no page logs an error.

With KAOHE_SCREENSHOTS=1 the main pages are saved to docs/screenshots/ as they are passed."""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from openpyxl import load_workbook

from tests.browser.conftest import PASSWORD, ROOT, WENZHOU, kaohe
from tests.test_fillin import fill

SAMPLE = WENZHOU / "samples" / "01-鹿城区.yaml"
SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot(page, name: str) -> None:
    """Saves the page for the README when asked (KAOHE_SCREENSHOTS=1), so that a test run changes no tracked file."""
    if os.environ.get("KAOHE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, server, name: str) -> None:
    page.goto(server.url + "/")
    assert urlsplit(page.url).path == "/login/", "an anonymous visitor is sent to the login page"
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    press(page, "button[type=submit]")
    assert urlsplit(page.url).path != "/login/", page.inner_text("main")


def press(page, button: str) -> None:
    """Clicks a button that sends a form, and waits for the page it leads to."""
    with page.expect_navigation():
        page.click(button)


def only_this_server(page, server) -> None:
    elsewhere = [url for url in page.seen.requests if not url.startswith((server.url + "/", "data:"))]
    assert not elsewhere, elsewhere
    assert not page.seen.errors, page.seen.errors


def upload(page, path: Path) -> str:
    """Uploads a filled workbook for the self-check; the verdict shown."""
    page.set_input_files("input[type=file]", str(path))
    press(page, "button:has-text('上传并自查')")
    return page.inner_text("#verdict")


def problem_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all("#problems tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")


@pytest.fixture
def sample() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def test_the_official_checks_fixes_and_submits_the_workbook(page, live_server, sample, tmp_path):
    page.goto(live_server.url + "/")
    screenshot(page, "login")
    log_in(page, live_server, "鹿城区联络员")
    assert page.inner_text("h1").startswith("鹿城区")
    version = page.locator("#submissions tbody tr").count() + 1  # 1 unless another test submitted for 鹿城区 first

    # The unit's own workbook, as a file Excel and openpyxl open.
    with page.expect_download() as started:
        page.click("a:has-text('下载本单位的填报表')")
    download = started.value
    assert download.suggested_filename == "鹿城区-填报表.xlsx"
    blank = tmp_path / "下载" / download.suggested_filename
    download.save_as(blank)
    sheet = load_workbook(blank)["填报"]
    keys = [sheet.cell(row, 1).value for row in range(6, sheet.max_row + 1)]
    assert "一.1" in keys and "二.3" in keys
    row = 6 + keys.index("一.1")
    cell = f"F{row}"

    # Filled in from the unit's sample, but with 130 % for 一.1.
    filled = fill(sample, tmp_path / "鹿城区-填报表.xlsx", start=blank)
    workbook = load_workbook(filled)
    workbook["填报"][cell].value = 130
    workbook.save(filled)
    assert upload(page, filled).startswith("还不能报送")
    problems = problem_rows(page)
    assert len(problems) == 1, problems
    place, item, message = problems[0]
    assert "填报" in place and cell in place, place
    assert "一.1" in item and "制造业产品质量合格率" in item, item
    assert "130%" in message and "0–100%" in message, message
    assert not page.locator("button:has-text('报送')").count(), "a workbook with an error cannot be submitted"
    screenshot(page, "self-check-error")

    # Fixed: the sample's own rate.
    workbook["填报"][cell].value = sample["values"]["一.1"]["value"] if isinstance(sample["values"]["一.1"], dict) \
        else sample["values"]["一.1"]
    workbook.save(filled)
    assert upload(page, filled) == "可以报送"
    assert not page.locator("#problems").count()
    # The same provisional score and grade as `kaohe check` gives for the same file on the command line.
    checked = json.loads(kaohe(live_server.db, "check", WENZHOU, filled, "--json"))
    pending = len(checked["verdict"]["pending"])
    assert page.inner_text("#provisional") == \
        f"暂定总分 {checked['result']['total']} 分，暂定等次 {checked['result']['grade']}（{pending}项待评定，尚未计入）"
    screenshot(page, "self-check-ready")

    press(page, "button.primary:has-text('报送')")
    assert urlsplit(page.url).path == "/unit/"
    assert f"已报送第{version}版（鹿城区-填报表.xlsx）" in page.inner_text(".messages")
    listed = page.eval_on_selector_all("#submissions tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
    assert listed == [f"第{number}版" for number in range(version, 0, -1)]
    assert "通过" in page.inner_text("#submissions tbody tr")
    screenshot(page, "unit-home")
    only_this_server(page, live_server)


def test_another_units_official_sees_none_of_it(browser, page, live_server):
    # 鹿城区's official, in a browser of their own, has checked a file that is ready to submit …
    first = browser.new_context(locale="zh-CN")
    try:
        theirs = first.new_page()
        log_in(theirs, live_server, "鹿城区联络员")
        theirs.set_input_files("input[type=file]", str(SAMPLE))
        press(theirs, "button:has-text('上传并自查')")
        assert theirs.inner_text("#verdict") == "可以报送"
        digest = theirs.get_attribute("input[name=digest]", "value")

        # … 龙湾区's official sees only 龙湾区 …
        log_in(page, live_server, "龙湾区联络员")
        assert page.inner_text("h1").startswith("龙湾区")
        assert "还没有报送" in page.inner_text("main")
        with page.expect_download() as started:
            page.click("a:has-text('下载本单位的填报表')")
        assert started.value.suggested_filename == "龙湾区-填报表.xlsx"
        # … and cannot submit 鹿城区's file by putting its digest into a form of their own (with a valid CSRF token).
        with page.expect_navigation() as refused:
            page.evaluate("""digest => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/unit/submit/';
                for (const [name, value] of [['csrfmiddlewaretoken',
                        document.querySelector('input[name=csrfmiddlewaretoken]').value], ['digest', digest]]) {
                    const input = document.createElement('input');
                    input.type = 'hidden'; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""", digest)
        assert page.url.endswith("/unit/submit/") and refused.value.status == 404

        # 鹿城区 submits it.
        press(theirs, "button.primary:has-text('报送')")
        versions = theirs.eval_on_selector_all("#submissions tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
        assert versions
    finally:
        first.close()

    # Nothing of 鹿城区 on any page 龙湾区's official can open: its home, its submissions by number, its result,
    # and the office's dashboard is refused.
    page.goto(live_server.url + "/unit/")
    assert "还没有报送" in page.inner_text("main")
    assert "鹿城区" not in page.content()
    for version in range(1, len(versions) + 1):
        response = page.goto(f"{live_server.url}/unit/submissions/{version}/")
        assert response.status == 404, (version, response.status)
    page.goto(live_server.url + "/unit/result/")
    assert "鹿城区" not in page.content()
    response = page.goto(live_server.url + "/office/")
    assert response.status == 403
    assert "鹿城区" not in page.content()


def test_the_office_sees_the_roster_on_an_office_screen(page, live_server):
    log_in(page, live_server, "考核办王五")
    assert urlsplit(page.url).path == "/office/"
    units = page.eval_on_selector_all("#roster tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
    assert len(units) == 11 and "鹿城区" in units and "龙湾区" in units
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], \
        "horizontal scroll at 1366×768"
    screenshot(page, "office-dashboard")
    only_this_server(page, live_server)


def test_the_portal_has_a_favicon(page, live_server):
    """Every browser asks for /favicon.ico (the pages name theirs; the admin's do not): it is kaohe's own icon."""
    answer = page.request.get(live_server.url + "/favicon.ico")
    assert answer.status == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert answer.url == live_server.url + "/static/web/favicon.svg"
    assert b'fill="#7a1f1f"' in answer.body()
