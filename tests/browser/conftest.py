"""Fixtures of the browser tests: Debian's Chromium driven by Playwright for Python.

Playwright's own browser download cannot be reached here, so the tests launch /usr/bin/chromium, which
tests/browser.sh installs (make test runs it first). A missing browser is a failure, never a skip.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.round_helpers import GROUPS

CHROMIUM = Path("/usr/bin/chromium")
# An office screen.
SCREEN = {"width": 1366, "height": 768}

ROOT = Path(__file__).resolve().parents[2]
KAOHE = Path(sys.executable).parent / "kaohe"
WENZHOU = ROOT / "rulesets" / "wenzhou-2014"
CODE = "wz"
PASSWORD = "Kaohe-browser-2014"
# The people of the round the live server serves: user name → (role, the options saying whose they are).
USERS = {
    "鹿城区联络员": ("unit", ["--unit", "鹿城区"]),
    "龙湾区联络员": ("unit", ["--unit", "龙湾区"]),
    "考核办王五": ("office", []),
}


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests.

    Package-scoped, so it closes after the last browser test: Playwright's sync API keeps an asyncio loop
    running in this thread while it is open, and Django refuses database work in-process under a running
    loop, so it must not stay open through the round tests that follow."""
    if not CHROMIUM.exists():
        pytest.fail(f"浏览器测试需要 Chromium（{CHROMIUM}），本机没有找到：请运行 bash tests/browser.sh"
                    "（make test 会先运行它；需要 root，或自行 apt-get install chromium chromium-l10n fonts-noto-cjk）。",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("浏览器测试需要 Playwright for Python：请运行 .venv/bin/pip install -e '.[test]'。", pytrace=False)
    with sync_playwright() as playwright:
        # In Chinese, as on the office PCs: the interface Chromium draws itself (the file picker's 选择文件) follows
        # LANGUAGE, given the chromium-l10n package; the pages' language follows each context's locale.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--lang=zh-CN"],
                                              env={**os.environ, "LANGUAGE": "zh_CN"})
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Seen:
    """What a page did: every request's URL, console errors and uncaught exceptions, downloads."""
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")


@pytest.fixture
def page(browser):
    """A fresh page (its own cookies) at office-screen size, in Chinese; page.seen records what it did."""
    opened = open_page(browser)
    try:
        yield opened
    finally:
        opened.context.close()


@dataclass
class LiveServer:
    url: str
    db: Path
    log: Path
    password: str = PASSWORD

    def __str__(self) -> str:
        return self.url


def kaohe(db: Path, *args) -> str:
    """Runs the command line as the office's clerk does; its output, or the test fails with what it said."""
    done = subprocess.run([str(KAOHE), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KAOHE_DB": str(db), "KAOHE_USER": "考核办王五"}, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if only to say no
    except OSError:
        return False


def make_round(folder: Path, users: dict[str, tuple[str, list[str]]]) -> Path:
    """A fresh 温州 2014 round made with the command line, as the office's clerk makes one, and its users (all
    with PASSWORD). Returns the database's path."""
    db = folder / "round.sqlite3"
    groups = [f"--group={group}={','.join(units)}" for group, units in GROUPS.items()]
    kaohe(db, "round", "new", WENZHOU, "--code", CODE, "--deadline", "2099-01-31", *groups)
    secret = folder / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    for name, (role, whose) in users.items():
        kaohe(db, "users", "add", name, "--role", role, "--round", CODE, *whose, "--password-file", secret)
    secret.unlink()
    return db


@contextmanager
def serving(folder: Path, db: Path):
    """`kaohe serve` on `db` at a free loopback port, until the block ends (terminate, then kill), also when a
    test fails. Yields a LiveServer."""
    port = free_port()
    log = folder / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([str(KAOHE), "serve", "--db", str(db), "--port", str(port)], stdout=output,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not answers(url + "/login/"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kaohe serve 没有启动（退出码 {server.poll()}）：\n" + log.read_text(errors="replace"),
                            pytrace=False)
            time.sleep(0.1)
        yield LiveServer(url, db, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """`kaohe serve` on a fresh 温州 2014 round (make_round with USERS) in a temporary folder."""
    folder = tmp_path_factory.mktemp("live")
    with serving(folder, make_round(folder, USERS)) as server:
        yield server


def open_page(browser):
    """A page in a browser context of its own (its own cookies), as the `page` fixture opens one, for a test that
    keeps one person's page over several steps; page.seen records what it did. Close with page.context.close()."""
    context = browser.new_context(viewport=SCREEN, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    seen = Seen()
    opened.on("request", lambda request: seen.requests.append(request.url))
    opened.on("console", seen.console)
    opened.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    opened.seen = seen
    return opened


def fits_the_screen(page) -> None:
    """No horizontal scroll on an office screen (1366×768)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}：页面宽 {width}px，1366×768 的屏幕上要横向滚动"
