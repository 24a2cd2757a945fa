"""Logging in and out with Django's views: the failed-login limit (django-axes), passwords never logged."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import logging

import pytest

from tests.web_helpers import PASSWORD, USER_A, USER_B, client, fresh, fresh_template, page  # noqa: F401


def login(browser, user, password):
    return browser.post("/login/", {"username": user, "password": password})


class Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record) + repr(record.__dict__))


@pytest.fixture
def logs():
    handler = Captured()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in ("django", "django.request", "axes"))]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_login_page_is_in_chinese(fresh):
    text = page(client().get("/login/"))
    assert "<h1>登录</h1>" in text and "用户名" in text and "密码" in text and 'lang="zh-Hans"' in text


def test_a_unit_user_logs_in_and_out(fresh):
    browser = client()
    response = login(browser, USER_A, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/").headers["Location"] == "/unit/"
    assert "鹿城区联络员" in page(browser.get("/unit/"))
    assert browser.get("/logout/").status_code == 405  # logging out takes a POST (with its CSRF token)
    assert browser.post("/logout/").status_code == 302
    assert browser.get("/unit/").status_code == 302


def test_login_goes_back_to_the_page_asked_for(fresh):
    browser = client()
    response = browser.post("/login/?next=/unit/workbook/", {"username": USER_A, "password": PASSWORD,
                                                              "next": "/unit/workbook/"})
    assert response["Location"] == "/unit/workbook/"
    elsewhere = client().post("/login/", {"username": USER_A, "password": PASSWORD, "next": "https://example.com/"})
    assert elsewhere["Location"] == "/"


def test_a_wrong_password_says_so_in_chinese(fresh):
    response = login(client(), USER_A, "wrong-password")
    assert response.status_code == 200 and "用户名或密码不正确" in page(response)


def test_five_wrong_passwords_lock_the_login_for_15_minutes(fresh, logs):
    from axes.models import AccessAttempt
    browser = client()
    for attempt in range(4):
        assert login(browser, USER_A, f"wrong-password-{attempt}").status_code == 200
    locked = login(browser, USER_A, "wrong-password-4")
    assert locked.status_code == 429
    text = page(locked)
    assert "账号已暂时锁定" in text and "连续 5 次" in text and "锁定 15 分钟" in text
    right = login(browser, USER_A, PASSWORD)  # even the right password, while locked
    assert right.status_code == 429 and "_auth_user_id" not in browser.session
    assert AccessAttempt.objects.get(username=USER_A).failures_since_start >= 5
    assert login(client(), USER_B, PASSWORD).status_code == 302  # another user is not locked out
    assert logs and not any("wrong-password" in line or PASSWORD in line for line in logs)


def test_a_success_before_the_limit_starts_the_count_again(fresh):
    browser = client()
    for attempt in range(4):
        login(browser, USER_A, f"wrong-{attempt}")
    assert login(browser, USER_A, PASSWORD).status_code == 302
    browser.post("/logout/")
    for attempt in range(4):
        assert login(browser, USER_A, f"wrong-again-{attempt}").status_code == 200
    assert login(browser, USER_A, PASSWORD).status_code == 302
