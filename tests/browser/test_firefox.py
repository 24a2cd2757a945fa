"""The portal's main pages in Firefox (issue 10: usable in current Chromium, Edge and Firefox).

Playwright cannot drive Debian's Firefox and geckodriver cannot be downloaded here, so these tests start Debian's
firefox-esr (which tests/browser.sh installs) headless with its Marionette remote protocol switched on, on a fresh
profile, and drive it with Mozilla's marionette-driver package (the `test` extra). A missing browser or package is
a failure, never a skip.

The unit's official logs in through the login form, opens 本单位首页 and 报送前自查, uploads the 鹿城区 sample through
the file input and is told 可以报送; the office logs in and opens 看板, 日志 and 发布. On every page: its heading,
no horizontal scroll in a 1366×768 window, and no request to another host (an intranet has no CDN): neither in the
page's resource timings nor, failed requests included, in what Firefox's network layer sent for the page."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PASSWORD, WENZHOU, make_round, serving

FIREFOX = Path("/usr/bin/firefox-esr")
SAMPLE = WENZHOU / "samples" / "01-鹿城区.yaml"
# An office screen.
WIDTH, HEIGHT = 1366, 768
# marionette-driver imports mozinfo and mozrunner, which use deprecated APIs of distro and the standard library.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:mozinfo", "ignore::DeprecationWarning:mozrunner")

USERS = {
    "鹿城区联络员": ("unit", ["--unit", "鹿城区"]),
    "考核办王五": ("office", []),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`kaohe serve` on a fresh 温州 2014 round of its own, with one unit's official and the office."""
    folder = tmp_path_factory.mktemp("firefox-round")
    with serving(folder, make_round(folder, USERS)) as live:
        yield live


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    """Debian's firefox-esr, headless, on a fresh profile whose Marionette port Firefox picks itself (port 0; it
    writes the port to the profile's MarionetteActivePort), driven by marionette-driver. Killed at the end, also
    when a test fails."""
    if not FIREFOX.exists():
        pytest.fail(f"Firefox 测试需要 firefox-esr（{FIREFOX}），本机没有找到：请运行 bash tests/browser.sh"
                    "（make test 会先运行它；需要 root，或自行 apt-get install firefox-esr fonts-noto-cjk）。",
                    pytrace=False)
    try:
        from marionette_driver.marionette import Marionette
    except ImportError:
        pytest.fail("Firefox 测试需要 marionette-driver：请运行 .venv/bin/pip install -e '.[test]'。", pytrace=False)
    profile = tmp_path_factory.mktemp("firefox-profile")
    (profile / "user.js").write_text('user_pref("marionette.port", 0);\n'
                                     'user_pref("intl.accept_languages", "zh-CN, zh");\n', encoding="utf-8")
    log = profile.parent / "firefox.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([str(FIREFOX), "--headless", "--marionette", "--remote-allow-system-access", "--no-remote",
                                    "-profile", str(profile)],
                                   stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "LANGUAGE": "zh_CN"})
    driver = None
    try:
        active = profile / "MarionetteActivePort"
        deadline = time.monotonic() + 60
        while not (active.exists() and active.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"firefox-esr 没有打开 Marionette 端口（退出码 {process.poll()}）：\n"
                            + log.read_text(errors="replace"), pytrace=False)
            time.sleep(0.1)
        driver = Marionette(host="127.0.0.1", port=int(active.read_text().strip()))
        driver.start_session(timeout=60)
        driver.timeout.page_load = 30
        driver.set_window_rect(width=WIDTH, height=HEIGHT)
        watch_requests(driver)
        yield driver
    finally:
        if driver is not None and driver.session is not None:
            try:
                driver.delete_session()
            except Exception:  # noqa: BLE001 - Firefox is killed next anyway
                pass
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Firefox and its content processes: its own process group, TERM, then KILL."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def watch_requests(driver) -> None:
    """Records the URL of every HTTP request a page makes, from Firefox's own network layer (chrome context, which
    --remote-allow-system-access opens to Marionette): unlike the page's resource timings, it also sees requests that
    fail, as a CDN's would on an intranet. Firefox's own background requests (no page's) are left out."""
    with driver.using_context("chrome"):
        driver.execute_script("""
            window.kaoheRequests = [];
            Services.obs.addObserver({observe(subject) {
                const channel = subject.QueryInterface(Ci.nsIChannel);
                const context = channel.loadInfo && channel.loadInfo.browsingContext;
                if (context && context.isContent) window.kaoheRequests.push(channel.URI.spec);
            }}, "http-on-modify-request");
        """)


def requests_since(driver) -> list[str]:
    """The pages' requests since the last call."""
    with driver.using_context("chrome"):
        return driver.execute_script("return window.kaoheRequests.splice(0)")


def path(driver) -> str:
    return urlsplit(driver.get_url()).path


def js(driver, script: str, *args):
    return driver.execute_script(script, script_args=list(args))


def text(driver, selector: str) -> str:
    return js(driver, "return document.querySelector(arguments[0]).innerText.trim()", selector)


def press(driver, selector: str) -> None:
    """Clicks a button that sends a form, and waits until the page it leads to has loaded."""
    from marionette_driver import errors
    from marionette_driver.wait import Wait

    js(driver, "window.kaoheBefore = true")
    driver.find_element("css selector", selector).click()

    def arrived(driver) -> bool:
        return js(driver, "return !window.kaoheBefore && document.readyState === 'complete'")

    Wait(driver, timeout=30, ignored_exceptions=(errors.JavascriptException, errors.NoSuchWindowException,
                                                 errors.StaleElementException)).until(arrived)


def log_in(driver, server, name: str) -> None:
    """Through the login form, as a person does, in a browser without the last person's cookies."""
    driver.delete_all_cookies()
    driver.navigate(server.url + "/")
    assert path(driver) == "/login/", "an anonymous visitor is sent to the login page"
    assert text(driver, "h1") == "登录"
    driver.find_element("css selector", "#id_username").send_keys(name)
    driver.find_element("css selector", "#id_password").send_keys(PASSWORD)
    press(driver, "button[type=submit]")
    assert path(driver) != "/login/", text(driver, "main")


def looks_right(driver, server, heading: str) -> None:
    """The page shows `heading` first, fits an office screen and asked nothing of another host."""
    assert text(driver, "h1").startswith(heading), (driver.get_url(), text(driver, "h1"))
    width = js(driver, "return document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{driver.get_url()}：页面宽 {width}px，1366×768 的屏幕上要横向滚动"
    fetched = js(driver, "return performance.getEntriesByType('resource').map(entry => entry.name)")
    elsewhere = [url for url in fetched if not url.startswith((server.url + "/", "data:"))]
    assert not elsewhere, elsewhere
    assert server.url + "/static/web/kaohe.css" in fetched, fetched  # so the timings did record the page's requests
    sent = requests_since(driver)
    assert driver.get_url() in sent, sent  # so the observer did see the page's requests
    elsewhere = [url for url in sent if not url.startswith(server.url + "/")]
    assert not elsewhere, elsewhere


def test_the_window_is_an_office_screen(firefox):
    rect = firefox.window_rect
    assert (rect["width"], rect["height"]) == (WIDTH, HEIGHT), rect
    assert firefox.session_capabilities["browserName"] == "firefox"


def test_the_unit_logs_in_checks_its_workbook(firefox, server):
    log_in(firefox, server, "鹿城区联络员")
    assert path(firefox) == "/unit/"
    looks_right(firefox, server, "鹿城区 · ")

    firefox.navigate(server.url + "/unit/check/")
    looks_right(firefox, server, "鹿城区 · 报送前自查")
    firefox.find_element("css selector", "input[type=file]").send_keys(str(SAMPLE))
    press(firefox, "form[enctype='multipart/form-data'] button[type=submit]")
    assert path(firefox) == "/unit/check/"
    assert text(firefox, "#verdict") == "可以报送"
    assert "01-鹿城区.yaml" in text(firefox, ".verdict")
    looks_right(firefox, server, "鹿城区 · 报送前自查")


def test_the_office_sees_its_pages(firefox, server):
    log_in(firefox, server, "考核办王五")
    assert path(firefox) == "/office/"
    looks_right(firefox, server, "2014年度温州市")
    assert js(firefox, "return document.querySelectorAll('#roster tbody tr').length") == 11
    for page, heading in [("/office/log/", "日志 · "), ("/office/publish/", "发布 · ")]:
        firefox.navigate(server.url + page)
        assert path(firefox) == page
        looks_right(firefox, server, heading)
