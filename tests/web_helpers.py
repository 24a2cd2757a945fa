"""Shared by the web tests (tests/test_web_*.py): a real SQLite round database with users, and Django's test Client.

Two rounds are built once per test session and copied for each test: a fresh 温州 2014 round (nothing submitted)
and a played one (every unit submitted, scored by its inspection group and department, a 公示 published, 鹿城区's
note carrying markup). Django is configured by kaohe.round.database.open_database, as the command line does.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tests.round_helpers import (
    DEPARTMENT,
    DEPARTMENT_ITEMS,
    GROUP_OF,
    JUDGED,
    OFFICE,
    SAMPLES,
    UNITS,
    WENZHOU,
    close_connections,
    department_value,
    judged,
    open_db,
)

CODE = "wz"
PASSWORD = "Kaohe-test-password-2014"
UNIT_A, UNIT_B = "鹿城区", "龙湾区"
USER_A, USER_B = "鹿城区联络员", "龙湾区联络员"
OFFICE_USER, INSPECTOR, DEPARTMENT_USER, ADMIN = "考核办王五", "第一组组长", "市质监局赵六", "管理员"
SCRIPT = "<script>alert('kaohe')</script>"
FUTURE = dt.datetime(2099, 1, 31, tzinfo=dt.timezone.utc)

_environment_ready = False


def django_test_environment() -> None:
    """Django's test environment (the test host name, template capture), once per process, after django.setup()."""
    global _environment_ready
    if not _environment_ready:
        from django.test.utils import setup_test_environment
        setup_test_environment()
        _environment_ready = True


def add_users() -> None:
    from kaohe.web.accounts import NewUser, create_user
    for new in (NewUser(USER_A, "unit", CODE, unit=UNIT_A), NewUser(USER_B, "unit", CODE, unit=UNIT_B),
                NewUser(OFFICE_USER, "office", CODE), NewUser(INSPECTOR, "inspection", CODE, group="第一组"),
                NewUser(DEPARTMENT_USER, "department", CODE, department=DEPARTMENT), NewUser(ADMIN, "admin")):
        create_user(new, PASSWORD)


def build_fresh(db: Path) -> None:
    open_db(str(db), creating=True)
    from kaohe.round import actions
    actions.new_round(WENZHOU, CODE, "", OFFICE, FUTURE, groups=GROUP_OF)
    add_users()
    close_connections()


def noted_sample(folder: Path, unit: str = UNIT_A) -> Path:
    """The unit's sample with a note that carries markup."""
    data = yaml.safe_load(SAMPLES[unit].read_text(encoding="utf-8"))
    entry = data["values"]["一.1"]
    data["values"]["一.1"] = {**(entry if isinstance(entry, dict) else {"value": entry}), "note": SCRIPT}
    path = folder / f"{unit}-备注.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def build_published(db: Path) -> None:
    """Every unit submitted (鹿城区 with a note carrying markup) and scored by the others; a 公示 published."""
    build_fresh(db)
    open_db(str(db))
    from kaohe.round import actions
    from kaohe.round.models import Publication
    for unit in UNITS:
        path = noted_sample(db.parent) if unit == UNIT_A else SAMPLES[unit]
        actions.submit(CODE, path, f"{unit}联络员")
        for item in JUDGED:
            score, reason = judged(unit, item)
            actions.judge(CODE, unit, item, Decimal(score), reason, GROUP_OF[unit], f"{GROUP_OF[unit]}组长")
        for item in DEPARTMENT_ITEMS:
            actions.judge(CODE, unit, item, Decimal(department_value(unit, item)), "", DEPARTMENT, "市质监局赵六")
    actions.adjust(CODE, "苍南县", "一.6", "实地核查取得测评报告", OFFICE, value=Decimal(76))
    actions.publish(CODE, Publication.NOTICE, OFFICE, appeal_until=FUTURE, note="申诉请向市质强办书面提出")
    close_connections()


def copy_round(template: Path, folder: Path) -> Path:
    """A copy of a built round database for one test, opened; Django's test environment set up."""
    close_connections()
    db = folder / "r.sqlite3"
    shutil.copyfile(template, db)
    open_db(str(db))
    django_test_environment()
    return db


def client(user: str | None = None, csrf: bool = False):
    """A test Client, logged in as `user` (without the login form: see test_web_login for that)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    browser = Client(enforce_csrf_checks=csrf)
    if user is not None:
        browser.force_login(get_user_model().objects.get(username=user))
    return browser


def written() -> dict[str, int]:
    """Rows of every round table and of the audit log: to show that nothing was written."""
    from tests.round_helpers import table_counts
    return table_counts()


def page(response) -> str:
    return response.content.decode("utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- fixtures: import them into a test module to use them -----------------------------------------------------


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("web-fresh") / "r.sqlite3"
    build_fresh(db)
    return db


@pytest.fixture(scope="session")
def published_template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("web-published") / "r.sqlite3"
    build_published(db)
    return db


def _opened(template: Path, folder: Path):
    copy_round(template, folder)
    from django.test import override_settings
    with override_settings(PRIVATE_DIR=folder / "private"):
        yield folder
    close_connections()


@pytest.fixture
def fresh(fresh_template, tmp_path):
    """A fresh round with its users, opened for this test; the test's folder, holding the private folder."""
    yield from _opened(fresh_template, tmp_path)


@pytest.fixture
def published(published_template, tmp_path):
    yield from _opened(published_template, tmp_path)
