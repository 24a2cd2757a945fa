"""Who may reach what: every route needs a login; a unit reaches only its own data whatever the address or form
says; each role only its pages; a form without a valid CSRF token is refused. Nothing is written by a refusal."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.round_helpers import SAMPLES
from tests.web_helpers import (  # noqa: F401 - fixtures
    ADMIN,
    CODE,
    DEPARTMENT_USER,
    INSPECTOR,
    OFFICE_USER,
    UNIT_A,
    UNIT_B,
    USER_A,
    USER_B,
    client,
    fresh,
    fresh_template,
    page,
    published,
    published_template,
    written,
)

GET_ROUTES = ["/", "/unit/", "/unit/workbook/", "/unit/check/", "/unit/submissions/1/", "/unit/result/", "/office/"]
POST_ROUTES = ["/unit/check/", "/unit/submit/"]
UNIT_ROUTES = ["/unit/", "/unit/workbook/", "/unit/check/", "/unit/submissions/1/", "/unit/result/"]


def submit_as(browser, path, name=None):
    """Upload and 报送 as this browser's user; the response of the submit."""
    with open(path, "rb") as file:
        browser.post("/unit/check/", {"file": SimpleUploadedFile(name or path.name, file.read())})
    return browser.post("/unit/submit/", {"digest": browser.session["kaohe_upload"]["digest"]})


def secret_sample(folder, unit=UNIT_B):
    """The unit's sample under a file name that must never show on another unit's pages."""
    path = folder / f"{unit}-机密.yaml"
    path.write_bytes(SAMPLES[unit].read_bytes())
    return path


@pytest.mark.parametrize("route", GET_ROUTES)
def test_every_page_needs_a_login(fresh, route):
    response = client().get(route)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("route", POST_ROUTES)
def test_every_form_needs_a_login_and_writes_nothing(fresh, route):
    before = written()
    with open(SAMPLES[UNIT_A], "rb") as file:
        response = client().post(route, {"file": SimpleUploadedFile("x.yaml", file.read()), "digest": "0" * 64})
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert written() == before and not (fresh / "private").exists()


@pytest.mark.parametrize("user", [OFFICE_USER, INSPECTOR, DEPARTMENT_USER, ADMIN])
@pytest.mark.parametrize("route", UNIT_ROUTES)
def test_only_a_unit_user_reaches_the_unit_pages(fresh, user, route):
    assert client(user).get(route).status_code == 403


@pytest.mark.parametrize("user", [USER_A, INSPECTOR, DEPARTMENT_USER, ADMIN])
def test_only_the_office_reaches_the_dashboard(fresh, user):
    response = client(user).get("/office/")
    assert response.status_code == 403 and "没有权限" in page(response)


def test_a_user_without_a_role_reaches_nothing(fresh):
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_user("无角色", password="x")
    browser = client("无角色")
    assert "还没有分配角色" in page(browser.get("/"))
    for route in UNIT_ROUTES + ["/office/"]:
        assert browser.get(route).status_code == 403, route


def test_a_unit_user_bound_to_a_unit_off_the_roster_reaches_nothing(fresh):
    from kaohe.web.models import Profile
    Profile.objects.filter(user__username=USER_A).update(unit="不存在区")  # as an administrator might, in /admin/
    browser = client(USER_A)
    for route in UNIT_ROUTES:
        assert browser.get(route).status_code == 403, route


def test_the_admin_is_for_administrators_only(fresh):
    assert client(USER_A).get("/admin/").status_code == 302
    assert client(OFFICE_USER).get("/admin/").status_code == 302
    response = client(ADMIN).get("/admin/auth/user/")
    assert response.status_code == 200 and USER_A in page(response) and "单位 鹿城区（轮次 wz）" in page(response)


def test_each_role_starts_on_its_page(fresh):
    assert client(USER_A).get("/")["Location"] == "/unit/"
    assert client(OFFICE_USER).get("/")["Location"] == "/office/"
    assert client(ADMIN).get("/")["Location"] == "/admin/"
    assert client(INSPECTOR).get("/")["Location"] == "/group/"
    assert client(DEPARTMENT_USER).get("/")["Location"] == "/department/"


def test_unit_a_cannot_see_unit_b_by_changing_the_address(fresh, tmp_path):
    b = client(USER_B)
    assert submit_as(b, secret_sample(tmp_path)).status_code == 302  # 龙湾区 has version 1
    a = client(USER_A)
    before = written()
    home = page(a.get(f"/unit/?unit={UNIT_B}&round={CODE}"))
    assert f"<h1>{UNIT_A} ·" in home and "机密" not in home and "还没有报送" in home
    assert a.get("/unit/submissions/1/").status_code == 404
    assert a.get(f"/unit/submissions/1/?unit={UNIT_B}").status_code == 404
    workbook = a.get(f"/unit/workbook/?unit={UNIT_B}")
    assert load_workbook(io.BytesIO(workbook.content))["填报"]["B2"].value == UNIT_A
    assert a.get(f"/unit/result/?unit={UNIT_B}").status_code == 404  # no 公示 yet: and never B's
    assert written() == before
    own = b.get("/unit/submissions/1/")
    assert own.status_code == 200 and own.content == SAMPLES[UNIT_B].read_bytes()


def test_unit_a_cannot_check_or_submit_for_unit_b_by_changing_the_form(fresh, tmp_path):
    a, b = client(USER_A), client(USER_B)
    before = written()
    with open(SAMPLES[UNIT_B], "rb") as file:
        response = a.post("/unit/check/", {"file": SimpleUploadedFile("x.yaml", file.read()), "unit": UNIT_B})
    text = page(response)
    assert "材料填写的被考核单位是“龙湾区”，不是本单位“鹿城区”" in text and "/unit/submit/" not in text
    forged = a.post("/unit/submit/", {"digest": a.session["kaohe_upload"]["digest"], "unit": UNIT_B})
    assert forged.status_code == 400 and written() == before

    own = SAMPLES[UNIT_B].read_bytes() + "# 龙湾区自己的文件\n".encode()
    b.post("/unit/check/", {"file": SimpleUploadedFile("x.yaml", own)})  # A replays B's digest in A's session
    stolen = b.session["kaohe_upload"]["digest"]
    assert a.post("/unit/submit/", {"digest": stolen}).status_code == 404
    assert a.post("/unit/submit/", {"digest": "../" * 21 + "x"}).status_code == 404
    assert written() == before


def test_a_form_field_naming_another_unit_is_ignored(fresh):
    from kaohe.round.models import Submission
    a = client(USER_A)
    with open(SAMPLES[UNIT_A], "rb") as file:
        a.post("/unit/check/", {"file": SimpleUploadedFile("x.yaml", file.read()), "unit": UNIT_B})
    a.post("/unit/submit/", {"digest": a.session["kaohe_upload"]["digest"], "unit": UNIT_B, "round": "other"})
    assert list(Submission.objects.values_list("unit", "version", "actor")) == [(UNIT_A, 1, USER_A)]


def test_after_the_notice_a_unit_sees_only_its_own_sheet(published):
    text = page(client(USER_B).get(f"/unit/result/?unit={UNIT_A}"))
    assert f'<td id="sheet-unit">{UNIT_B}</td>' in text and f'id="sheet-unit">{UNIT_A}<' not in text
    assert "&lt;script&gt;" not in text  # 鹿城区's note is not on 龙湾区's sheet


# --- CSRF --------------------------------------------------------------------------------------------------------


def test_a_login_without_a_csrf_token_is_refused(fresh):
    from kaohe.web.models import Profile  # noqa: F401 - the app is loaded
    response = client(csrf=True).post("/login/", {"username": USER_A, "password": "Kaohe-test-password-2014"})
    assert response.status_code == 403 and "页面已过期，操作没有执行" in page(response)
    assert "_auth_user_id" not in client(csrf=True).session


@pytest.mark.parametrize("route", POST_ROUTES + ["/logout/"])
def test_a_form_without_a_csrf_token_is_refused_and_writes_nothing(fresh, route):
    browser = client(USER_A, csrf=True)
    before = written()
    with open(SAMPLES[UNIT_A], "rb") as file:
        response = browser.post(route, {"file": SimpleUploadedFile("x.yaml", file.read()), "digest": "0" * 64})
    assert response.status_code == 403 and "页面已过期" in page(response)
    assert written() == before and not (fresh / "private").exists()
    assert browser.get("/unit/").status_code == 200  # still logged in: the logout did not happen either


def test_a_form_with_its_csrf_token_goes_through(fresh):
    browser = client(USER_A, csrf=True)
    home = page(browser.get("/unit/"))
    token = home.split('name="csrfmiddlewaretoken" value="', 2)[2].split('"')[0]
    data = yaml.safe_load(SAMPLES[UNIT_A].read_text(encoding="utf-8"))
    response = browser.post("/unit/check/", {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(
        "x.yaml", yaml.safe_dump(data, allow_unicode=True).encode())})
    assert response.status_code == 200 and "可以报送" in page(response)


def test_the_admin_lists_rounds_read_only(fresh):
    browser = client(ADMIN)
    rounds = browser.get("/admin/round/round/")
    assert rounds.status_code == 200 and "wz" in page(rounds)
    assert browser.get("/admin/round/round/add/").status_code == 403
    from kaohe.round.models import Round
    pk = Round.objects.get(code=CODE).pk
    before = written()
    assert browser.post(f"/admin/round/round/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert written() == before
