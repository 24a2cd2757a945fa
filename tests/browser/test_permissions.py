"""Who may open what, asked of `kaohe serve` from real browser sessions: every role × every address of the web
application (web/urls.py and server/urls.py), with real arguments — another unit's submission version, appeal and
attachment, another group's unit, an item the department does not enter, a publication that does not exist.

ROUTES is the table: for each address, what each role gets for a GET, and for a POST carrying a valid CSRF token
(a form that is wrong or empty, so that nothing is written even where the role may post). A route added to
web/urls.py without a row fails test_every_route_has_a_row. A refused answer carries nothing of another unit (its
name, its file names, its reasons), and nothing in the whole module writes anything to the round.

CSRF: every route that takes a POST refuses, with 403 and nothing written, a POST from a logged-in session that
would write if it were accepted but carries no token, or another session's token, or comes from another site."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from tests.browser.conftest import PASSWORD, ROOT, SCREEN, kaohe, make_round, open_page, serving
from tests.browser.test_portal import log_in, only_this_server
from tests.round_helpers import GROUPS, SAMPLES, UNITS

CODE = "wz"
A, B = "鹿城区", "龙湾区"  # two units of 第一组
OTHER_GROUPS_UNIT = GROUPS["第二组"][0]  # 永嘉县
ROLES = ("鹿城区", "龙湾区", "第一组", "第二组", "市质监局", "考核办", "管理员", "匿名")
USER_OF = {"鹿城区": "鹿城区联络员", "龙湾区": "龙湾区联络员", "第一组": "第一组组长", "第二组": "第二组组长",
           "市质监局": "市质监局赵六", "考核办": "考核办王五", "管理员": "管理员"}
OWN_UNIT = {"鹿城区": A, "龙湾区": B}
USERS = {
    "鹿城区联络员": ("unit", ["--unit", A]),
    "龙湾区联络员": ("unit", ["--unit", B]),
    "第一组组长": ("inspection", ["--group", "第一组"]),
    "第二组组长": ("inspection", ["--group", "第二组"]),
    "市质监局赵六": ("department", ["--department", "市质监局"]),
    "考核办王五": ("office", []),
    "管理员": ("admin", []),
}
# What belongs to one unit and must never show to another: 鹿城区's second submission, each unit's appeal.
SECRET_FILE = "机密甲-第二版材料.yaml"
APPEALS = {  # number → (unit, reason, attachment)
    1: (A, "理由甲：复核报告证明水质达标（保密）", "证明材料甲.pdf"),
    2: (B, "理由乙：监测点位有误（保密）", "证明材料乙.pdf"),
}
SECRETS = {A: [SECRET_FILE, APPEALS[1][1], APPEALS[1][2]], B: [APPEALS[2][1], APPEALS[2][2]]}
PDF = b"%PDF-1.4\n% kaohe permission test\n%%EOF\n"

# --- the table -----------------------------------------------------------------------------------------------
# An expectation: "200" a page; "file" a download (200, Content-Disposition: attachment), "file:NAME" with that
# name; "400", "403", "404", "405" that status; "→/PATH" a redirect to PATH; "login" a redirect to
# /login/?next=<the address>; "skip" not asked here (a POST that would end the session: see test_logout).


def only(roles, allowed: str, *, others: str = "403", anonymous: str = "login", **per_role: str) -> dict[str, str]:
    """`allowed` for `roles`, `others` for every other logged-in role, `anonymous` for the anonymous visitor;
    per_role overrides (keyword = role)."""
    found = {role: allowed if role in roles else others for role in ROLES}
    found["匿名"] = anonymous
    found.update(per_role)
    return found


def everyone(outcome: str) -> dict[str, str]:
    return {role: outcome for role in ROLES}


UNIT_ROLES, GROUP_ROLES = ("鹿城区", "龙湾区"), ("第一组", "第二组")
OFFICE, DEPARTMENT = ("考核办",), ("市质监局",)
GET_ONLY = everyone("405")  # require_GET: a POST is refused before anything else, also to the anonymous


@dataclass(frozen=True)
class Route:
    pattern: str  # as written in web/urls.py or server/urls.py
    url: str  # a real address the pattern matches
    get: dict[str, str]
    post: dict[str, str] = field(default_factory=lambda: GET_ONLY)  # asked for the first row of a pattern only
    form: dict = field(default_factory=dict)  # the POST with a token: wrong or empty, never recorded

    @property
    def takes_post(self) -> bool:
        return any(outcome != "405" for outcome in self.post.values())


HOME = {"鹿城区": "→/unit/", "龙湾区": "→/unit/", "第一组": "→/group/", "第二组": "→/group/",
        "市质监局": "→/department/", "考核办": "→/office/", "管理员": "→/admin/", "匿名": "login"}

ROUTES = [
    Route("", "/", HOME, HOME),
    # the municipality's portal
    Route("unit/", "/unit/", only(UNIT_ROLES, "200")),
    Route("unit/workbook/", "/unit/workbook/", only(UNIT_ROLES, "file", 鹿城区=f"file:{A}-填报表.xlsx")),
    Route("unit/check/", "/unit/check/", only(UNIT_ROLES, "200"), only(UNIT_ROLES, "400")),
    Route("unit/submit/", "/unit/submit/", GET_ONLY, only(UNIT_ROLES, "404"), {"digest": "0" * 64}),
    Route("unit/submissions/<int:version>/", "/unit/submissions/1/",
          only(UNIT_ROLES, "file", 鹿城区=f"file:{SAMPLES[A].name}", 龙湾区=f"file:{SAMPLES[B].name}")),
    Route("unit/submissions/<int:version>/", "/unit/submissions/2/",
          only(UNIT_ROLES, "404", 鹿城区=f"file:{SECRET_FILE}")),
    Route("unit/submissions/<int:version>/", "/unit/submissions/3/", only(UNIT_ROLES, "404")),
    Route("unit/result/", "/unit/result/", only(UNIT_ROLES, "200")),
    Route("unit/appeal/", "/unit/appeal/", only(UNIT_ROLES, "200"), only(UNIT_ROLES, "400")),
    Route("unit/appeals/<int:number>/files/<int:position>/", "/unit/appeals/1/files/1/",
          only(UNIT_ROLES, "404", 鹿城区=f"file:{APPEALS[1][2]}")),
    Route("unit/appeals/<int:number>/files/<int:position>/", "/unit/appeals/2/files/1/",
          only(UNIT_ROLES, "404", 龙湾区=f"file:{APPEALS[2][2]}")),
    Route("unit/appeals/<int:number>/files/<int:position>/", "/unit/appeals/1/files/2/", only(UNIT_ROLES, "404")),
    # inspection groups
    Route("group/", "/group/", only(GROUP_ROLES, "200")),
    Route("group/units/<path:unit>/", f"/group/units/{A}/", only(GROUP_ROLES, "404", 第一组="200"),
          only(GROUP_ROLES, "404", 第一组="400")),
    Route("group/units/<path:unit>/", f"/group/units/{OTHER_GROUPS_UNIT}/", only(GROUP_ROLES, "404", 第二组="200"),
          only(GROUP_ROLES, "404", 第二组="400")),
    Route("group/units/<path:unit>/", "/group/units/不在名单/", only(GROUP_ROLES, "404"), only(GROUP_ROLES, "404")),
    Route("group/workbook/", "/group/workbook/",
          only(GROUP_ROLES, "file", 第一组="file:第一组-考核组评定表.xlsx", 第二组="file:第二组-考核组评定表.xlsx")),
    Route("group/upload/", "/group/upload/", only(GROUP_ROLES, "200"), only(GROUP_ROLES, "400")),
    # lead departments
    Route("department/", "/department/", only(DEPARTMENT, "200")),
    Route("department/items/<str:item_id>/", "/department/items/一.10/", only(DEPARTMENT, "200"),
          only(DEPARTMENT, "400")),
    # 一.1 is the units' own figure (市质监局 is named as its source, but it does not enter it); 一.2 is 市农办's.
    Route("department/items/<str:item_id>/", "/department/items/一.1/", only(DEPARTMENT, "404"),
          only(DEPARTMENT, "404")),
    Route("department/items/<str:item_id>/", "/department/items/一.2/", only(DEPARTMENT, "404"),
          only(DEPARTMENT, "404")),
    Route("department/workbook/", "/department/workbook/", only(DEPARTMENT, "file:市质监局-评定表.xlsx")),
    Route("department/upload/", "/department/upload/", only(DEPARTMENT, "200"), only(DEPARTMENT, "400")),
    # the office
    Route("office/", "/office/", only(OFFICE, "200")),
    Route("office/score/", "/office/score/", GET_ONLY, only(OFFICE, "skip")),  # 试算 would record a run
    Route("office/units/<path:unit>/sheet.xlsx", f"/office/units/{A}/sheet.xlsx", only(OFFICE, f"file:{A}-评分表.xlsx")),
    Route("office/units/<path:unit>/sheet.xlsx", "/office/units/不在名单/sheet.xlsx", only(OFFICE, "404")),
    Route("office/units/<path:unit>/", f"/office/units/{A}/", only(OFFICE, "200")),
    Route("office/units/<path:unit>/", f"/office/units/{B}/?publication=1", only(OFFICE, "200")),
    Route("office/units/<path:unit>/", f"/office/units/{A}/?publication=2", only(OFFICE, "404")),
    Route("office/units/<path:unit>/", "/office/units/不在名单/", only(OFFICE, "404")),
    Route("office/adjust/", "/office/adjust/", only(OFFICE, "200"), only(OFFICE, "400"),
          {"unit": A, "item": "一.1"}),  # no value, no reason
    Route("office/adjust/", f"/office/adjust/?unit={A}&item=一.1", only(OFFICE, "200")),
    Route("office/adjust/", "/office/adjust/?unit=不在名单", only(OFFICE, "404")),
    Route("office/appeals/", "/office/appeals/", only(OFFICE, "200")),
    Route("office/appeals/<int:number>/", "/office/appeals/1/", only(OFFICE, "200"), only(OFFICE, "400")),
    Route("office/appeals/<int:number>/", "/office/appeals/3/", only(OFFICE, "404"), only(OFFICE, "404")),
    Route("office/appeals/<int:number>/files/<int:position>/", "/office/appeals/2/files/1/",
          only(OFFICE, f"file:{APPEALS[2][2]}")),
    Route("office/appeals/<int:number>/files/<int:position>/", "/office/appeals/1/files/2/", only(OFFICE, "404")),
    Route("office/publish/", "/office/publish/", only(OFFICE, "200"), only(OFFICE, "400")),
    Route("office/log/", "/office/log/", only(OFFICE, "200")),
    Route("office/log/", f"/office/log/?unit={A}", only(OFFICE, "200")),
    Route("office/export/", "/office/export/", only(OFFICE, "200")),
    Route("office/export/<int:number>.zip", "/office/export/1.zip", only(OFFICE, f"file:{CODE}-第1号公示.zip")),
    Route("office/export/<int:number>.zip", "/office/export/2.zip", only(OFFICE, "404")),
    # Django's: logging in and out, the admin, the icon
    Route("login/", "/login/", {**everyone("→/"), "匿名": "200"}, {**everyone("→/"), "匿名": "200"}),
    Route("logout/", "/logout/", everyone("405"), {**everyone("skip"), "匿名": "→/login/"}),
    Route("admin/", "/admin/", only(("管理员",), "200", others="→/admin/login/?next=/admin/",
                                    anonymous="→/admin/login/?next=/admin/"),
          only(("管理员",), "200", others="→/admin/login/?next=/admin/", anonymous="→/admin/login/?next=/admin/")),
    Route("favicon.ico", "/favicon.ico", everyone("→/static/web/favicon.svg"), everyone("→/static/web/favicon.svg")),
]

# Every row is asked with a GET; the first row of each pattern also with a POST (the others differ in arguments
# only, or in a query string that a POST does not read).
FIRST_ROWS = [route for index, route in enumerate(ROUTES) if route.pattern not in {r.pattern for r in ROUTES[:index]}]
# "skip" rows (a POST that would end the session or record a run) are tested on their own, not as table cases:
# test_logout_needs_a_post_with_the_token and test_the_same_posts_with_the_token_are_accepted.
CASES = [(route, method, role) for route in ROUTES for method in ("GET", "POST") for role in ROLES
         if (method == "GET" or route in FIRST_ROWS)
         and (route.get if method == "GET" else route.post)[role] != "skip"]


def case_id(case) -> str:
    route, method, role = case
    return f"{method} {route.url} {role}"


# --- the round and the sessions ------------------------------------------------------------------------------


def round_log(db: Path) -> list:
    """The round's whole record as the office reads it: the audit log and the progress."""
    return [json.loads(kaohe(db, "round", "log", CODE, "--json")), json.loads(kaohe(db, "round", "status", CODE, "--json"))]


def private_files(db: Path) -> list[str]:
    """The uploads waiting in the private folder: a refused form leaves none."""
    folder = Path(f"{db}.web") / "uploads"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.exists() else []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A round with every unit submitted and scored, 鹿城区 twice (its second file under a secret name), a 公示,
    an appeal with an attachment from 鹿城区 (第1号) and one from 龙湾区 (第2号)."""
    folder = tmp_path_factory.mktemp("permissions")
    db = make_round(folder, USERS)
    done = subprocess.run([sys.executable, "-m", "tests.browser.others", str(db), ""], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    second = folder / SECRET_FILE
    second.write_bytes(SAMPLES[A].read_bytes())
    kaohe(db, "round", "submit", CODE, second, "--unit", A)
    kaohe(db, "round", "adjust", CODE, "苍南县", "一.6", "--value", "76", "--reason", "实地核查取得测评报告")
    kaohe(db, "round", "publish", CODE, "--notice", "--appeal-until", "2099-01-31", "--note", "申诉请向市质强办书面提出")
    for number, (unit, reason, name) in APPEALS.items():
        attachment = folder / name
        attachment.write_bytes(PDF)
        made = json.loads(kaohe(db, "round", "appeal", CODE, unit, "--item", "一.7", "--reason", reason, "--file",
                                attachment, "--json"))
        assert made["number"] == number, made
    with serving(folder, db) as live:
        live.before = round_log(db)
        yield live


@pytest.fixture(scope="module")
def sessions(browser, server):
    """role → a page logged in as that role (the anonymous one has only opened the login page), each in a
    browser context of its own."""
    pages = {}
    for role in ROLES:
        pages[role] = open_page(browser)
        if role == "匿名":
            pages[role].goto(server.url + "/login/")
        else:
            log_in(pages[role], server, USER_OF[role])
    yield pages
    for opened in pages.values():
        opened.context.close()


def token(page) -> str:
    """The session's CSRF token, as the forms carry it (the cookie's secret is accepted as well)."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def hidden_from(role: str) -> list[str]:
    """What must never appear in an answer to `role` (downloads aside): other units' names and secrets."""
    own = OWN_UNIT.get(role)
    if role == "考核办":
        return []
    if role in ("第一组", "第二组"):
        names = [unit for unit in UNITS if unit not in GROUPS[role]]
    elif role == "市质监局":
        names = []
    else:
        names = [unit for unit in UNITS if unit != own]
    return names + [secret for unit, secrets in SECRETS.items() if unit != own for secret in secrets]


def ask(page, server, method: str, route: Route):
    url = server.url + quote(route.url, safe="/?&=")
    if method == "GET":
        return page.request.get(url, max_redirects=0)
    return page.request.post(url, form={**route.form, "csrfmiddlewaretoken": token(page)}, max_redirects=0)


def check(answer, route: Route, expected: str, role: str) -> None:
    status, headers = answer.status, answer.headers
    disposition = headers.get("content-disposition", "")
    if expected.startswith("file"):
        assert status == 200 and disposition.startswith("attachment"), (status, disposition)
        if expected.startswith("file:"):
            assert unquote(disposition.split("filename*=utf-8''")[-1]) == expected[5:], disposition
        return
    assert not disposition, f"a download where none was expected: {disposition}"
    if expected == "login":
        assert status == 302, status
        location = urlsplit(headers["location"])
        assert location.path == "/login/", headers["location"]
        assert unquote(parse_qs(location.query)["next"][0]) == route.url, headers["location"]
    elif expected.startswith("→"):
        assert status in (301, 302) and headers["location"] == expected[1:], (status, headers.get("location"))
    else:
        assert status == int(expected), (status, answer.text()[:300] if "html" in headers.get("content-type", "") else "")
    body = answer.text()
    if status in (301, 302, 403, 404, 405):
        # Refused: nothing of any unit but the user's own, none of any unit's files or reasons.
        words = [unit for unit in UNITS if unit != OWN_UNIT.get(role)] + \
            [secret for secrets in SECRETS.values() for secret in secrets]
    else:
        words = hidden_from(role)
    leaked = [word for word in words if word in body]
    assert not leaked, f"{role} is shown {leaked} (status {status})"


# --- the tests -------------------------------------------------------------------------------------------------


def url_patterns() -> list[str]:
    """The patterns of web/urls.py and server/urls.py, read from the files: Django's resolver cannot be used under
    Playwright's event loop. The include() of kaohe.web.urls is not a route of its own."""
    found = []
    for source in (ROOT / "web" / "urls.py", ROOT / "server" / "urls.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            match = re.search(r'\bpath\("([^"]*)",\s*(include\()?', line)
            if match and not match[2]:
                found.append(match[1])
    return found


def as_regex(pattern: str) -> re.Pattern:
    converters = {"int": r"[0-9]+", "str": r"[^/]+", "path": r".+"}
    parts = re.split(r"<(\w+):\w+>", pattern)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?:{converters[part]})" for index, part in enumerate(parts))
    return re.compile(regex)


def test_every_route_has_a_row():
    patterns = url_patterns()
    assert len(patterns) == len(set(patterns)) > 30
    assert set(patterns) == {route.pattern for route in ROUTES}, \
        f"rows missing: {set(patterns) - {r.pattern for r in ROUTES}}; rows for no route: " \
        f"{ {r.pattern for r in ROUTES} - set(patterns) }"
    for route in ROUTES:
        assert set(route.get) == set(route.post) == set(ROLES), route
        path = urlsplit(route.url).path.lstrip("/")
        assert as_regex(route.pattern).fullmatch(path), (route.pattern, route.url)
        # no other pattern claims the address first (Django tries them in order)
        first = next(p for p in patterns if as_regex(p).fullmatch(path))
        assert first == route.pattern, (route.url, first)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_each_role_gets_what_the_table_says(sessions, server, case):
    route, method, role = case
    expected = (route.get if method == "GET" else route.post)[role]
    page = sessions[role]
    answer = ask(page, server, method, route)
    check(answer, route, expected, role)
    assert not page.seen.errors, page.seen.errors


def test_the_table_wrote_nothing(sessions, server):
    """Every POST of the table was wrong, empty or refused: the round's record is as it was."""
    assert round_log(server.db) == server.before
    assert private_files(server.db) == []


# --- CSRF ----------------------------------------------------------------------------------------------------

REFUSED_CSRF = "页面已过期，操作没有执行"  # templates/403_csrf.html, not the role check's 没有权限


def party_form_changed(page, server, url: str, value: str, reason_field: str) -> dict:
    """The party form at `url` as its page holds it, with the first row changed (a correction with its reason):
    a POST that would be recorded, but for its token."""
    page.goto(server.url + quote(url))
    page.fill("#row-0 input[type=number]", value)
    page.fill(f"#row-0 [name^={reason_field}]", "更正（不应记录：没有令牌）")
    fields = page.eval_on_selector("form.party-form", "form => Object.fromEntries(new FormData(form))")
    del fields["csrfmiddlewaretoken"]  # the token is the test's to give or not
    return fields


def sample_file() -> dict:
    return {"name": SAMPLES[A].name, "mimeType": "application/x-yaml", "buffer": SAMPLES[A].read_bytes()}


def blank_workbook(page, server, url: str) -> dict:
    answer = page.request.get(server.url + url)
    assert answer.status == 200
    return {"name": "评定表.xlsx", "mimeType": "application/octet-stream", "buffer": answer.body()}


def would_write(sessions, server) -> dict[str, tuple[str, str, dict, dict]]:
    """pattern → (role, url, what its form would post: the fields, and a file field if any). Each would change
    something if it were accepted: a pending upload, an appeal, a correction, a run, an adjustment, a decision, a
    second 公示, a login, a logout (test_the_same_posts_with_the_token_are_accepted shows it)."""
    page = sessions.get
    return {
        "": ("鹿城区", "/", {}, {}),
        "unit/check/": ("鹿城区", "/unit/check/", {}, {"file": sample_file()}),
        "unit/submit/": ("鹿城区", "/unit/submit/", {"digest": "0" * 64}, {}),
        "unit/appeal/": ("鹿城区", "/unit/appeal/", {"items": "一.1", "reason": "不应记录：没有令牌"}, {}),
        "group/units/<path:unit>/": ("第一组", f"/group/units/{A}/",
                                     party_form_changed(page("第一组"), server, f"/group/units/{A}/", "4", "reason"), {}),
        "group/upload/": ("第一组", "/group/upload/", {}, {"file": blank_workbook(page("第一组"), server, "/group/workbook/")}),
        "department/items/<str:item_id>/": (
            "市质监局", "/department/items/一.10/",
            party_form_changed(page("市质监局"), server, "/department/items/一.10/", "0.5", "correction"), {}),
        "department/upload/": ("市质监局", "/department/upload/", {},
                               {"file": blank_workbook(page("市质监局"), server, "/department/workbook/")}),
        "office/score/": ("考核办", "/office/score/", {}, {}),
        "office/adjust/": ("考核办", "/office/adjust/", {"unit": A, "item": "一.1", "value": "95",
                                                      "reason": "不应记录：没有令牌", "expect": ""}, {}),
        "office/appeals/<int:number>/": ("考核办", "/office/appeals/1/",
                                         {"outcome": "reject", "reason": "不应记录：没有令牌"}, {}),
        "office/publish/": ("考核办", "/office/publish/", {"kind": "notice", "appeal_date": "2099-02-01",
                                                        "appeal_time": "17:30", "note": "不应发布：没有令牌"}, {}),
        "login/": ("匿名", "/login/", {"username": USER_OF["鹿城区"], "password": PASSWORD}, {}),
        "logout/": ("鹿城区", "/logout/", {}, {}),
        "admin/": ("管理员", "/admin/", {}, {}),
        "favicon.ico": ("鹿城区", "/favicon.ico", {}, {}),
    }


POST_PATTERNS = [route.pattern for route in FIRST_ROWS if route.takes_post]


def post(page, server, url: str, data: dict, files: dict, token_value: str | None = None, headers=None):
    fields = {**data, **({"csrfmiddlewaretoken": token_value} if token_value is not None else {})}
    address = server.url + quote(url)
    if files:
        return page.request.post(address, multipart={**fields, **files}, headers=headers, max_redirects=0)
    return page.request.post(address, form=fields, headers=headers, max_redirects=0)


def still_as_it_was(sessions, server) -> None:
    """Nothing written to the round, no upload kept, and every session still logged in (no logout went through),
    the anonymous visitor still anonymous (no login went through)."""
    assert round_log(server.db) == server.before
    assert private_files(server.db) == []
    for role, expected in (("鹿城区", 200), ("考核办", 200), ("匿名", 302)):
        start = {"鹿城区": "/unit/", "考核办": "/office/", "匿名": "/unit/"}[role]
        assert sessions[role].request.get(server.url + start, max_redirects=0).status == expected, role


@pytest.mark.parametrize("variant", ["no token", "another session's token", "a valid token from another site"])
def test_a_post_without_this_sessions_token_is_refused_and_writes_nothing(sessions, server, variant):
    refused = []
    attempts = would_write(sessions, server)
    for pattern in POST_PATTERNS:
        role, url, data, files = attempts[pattern]
        page = sessions[role]
        if variant == "no token":
            answer = post(page, server, url, data, files)
        elif variant == "another session's token":
            thief = "龙湾区" if role != "龙湾区" else "鹿城区"
            answer = post(page, server, url, data, files, token(sessions[thief]))
        else:
            evil = "http://evil.example"
            answer = post(page, server, url, data, files, token(page), {"Origin": evil, "Referer": evil + "/"})
        if answer.status != 403 or REFUSED_CSRF not in answer.text():
            refused.append((url, role, answer.status))
    assert not refused, f"accepted without this session's token: {refused}"
    still_as_it_was(sessions, server)


def test_a_cross_site_form_is_refused_and_writes_nothing(sessions, server):
    """A page on another site that holds a stolen token posts a form to the server in the user's browser: the
    browser sends no session (SameSite) and the server refuses it for its origin and its token."""
    attempts = would_write(sessions, server)
    forms: dict[str, str] = {}  # the attacker's page at http://evil.example/<n>
    attackers = {}
    results = []
    try:
        # Chromium itself never sends a form to /favicon.ico (the navigation is aborted before any request): an
        # icon redirect writes nothing anyway, and the POSTs above show the server refuses it without a token.
        for number, pattern in enumerate(p for p in POST_PATTERNS if p != "favicon.ico"):
            role, url, data, _files = attempts[pattern]
            if role not in attackers:
                attackers[role] = sessions[role].context.new_page()
                attackers[role].route("http://evil.example/**", lambda route: route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=forms[urlsplit(route.request.url).path]))
            attacker = attackers[role]
            inputs = "".join(f'<input type="hidden" name="{name}" value="{value}">'
                             for name, value in {**data, "csrfmiddlewaretoken": token(sessions[role])}.items())
            forms[f"/{number}"] = (f'<!DOCTYPE html><meta charset="utf-8"><form method="post" '
                                   f'action="{server.url}{quote(url)}">{inputs}<button>领奖</button></form>')
            attacker.goto(f"http://evil.example/{number}")
            with attacker.expect_navigation() as landed:
                attacker.click("button")
            results.append((url, landed.value.status, REFUSED_CSRF in attacker.content()))
    finally:
        for attacker in attackers.values():
            attacker.close()
    assert all(status == 403 and said for _, status, said in results), results
    still_as_it_was(sessions, server)


def test_logout_needs_a_post_with_the_token(browser, server):
    page = open_page(browser)
    try:
        log_in(page, server, USER_OF["鹿城区"])
        assert page.request.post(server.url + "/logout/", max_redirects=0).status == 403
        assert page.request.get(server.url + "/unit/", max_redirects=0).status == 200, "still logged in"
        page.click("form[action='/logout/'] button")
        page.wait_for_url("**/login/")
        assert page.request.get(server.url + "/unit/", max_redirects=0).status == 302, "logged out"
        only_this_server(page, server)
    finally:
        page.context.close()


def test_a_deep_link_leads_to_its_page_after_the_login(browser, server):
    """An inspector follows a link to 鹿城区's form, logs in, and is on that form (the next= of a Chinese address)."""
    page = open_page(browser)
    try:
        page.goto(server.url + quote(f"/group/units/{A}/"))
        assert urlsplit(page.url).path == "/login/"
        page.fill("#id_username", USER_OF["第一组"])
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert unquote(urlsplit(page.url).path) == f"/group/units/{A}/"
        assert page.inner_text("h1").startswith(A)
        assert page.viewport_size == SCREEN
        only_this_server(page, server)
    finally:
        page.context.close()


# The control of the CSRF tests, run last (it writes): the very same POSTs, with the session's token, are accepted
# and change what they would have changed. pattern → (the answer, what it writes to the round's log as (action,
# actor), or "upload", "login", "logout", or "" for nothing).
ACCEPTED = {
    "": ("→/unit/", ""),
    "unit/check/": ("200", "upload"),
    "unit/submit/": ("404", ""),  # the digest of no upload of this session
    "unit/appeal/": ("→/unit/appeal/", ("appeal", USER_OF["鹿城区"])),
    "group/units/<path:unit>/": (f"→/group/units/{quote(A)}/", ("enter", USER_OF["第一组"])),
    "group/upload/": ("400", ""),  # the blank workbook holds no value
    "department/items/<str:item_id>/": (f"→/department/items/{quote('一.10')}/", ("enter", USER_OF["市质监局"])),
    "department/upload/": ("400", ""),
    "office/score/": ("→/office/", ("score", USER_OF["考核办"])),
    "office/adjust/": (f"→/office/adjust/?unit={quote(A)}&item={quote('一.1')}", ("adjust", USER_OF["考核办"])),
    "office/appeals/<int:number>/": ("→/office/appeals/1/", ("decide", USER_OF["考核办"])),
    "office/publish/": ("→/office/publish/", ("publish", USER_OF["考核办"])),
    "login/": ("→/", "login"),
    "admin/": ("200", ""),
    "favicon.ico": ("→/static/web/favicon.svg", ""),
    "logout/": ("→/login/", "logout"),  # last: it ends 鹿城区's session
}


def log_entries(db: Path) -> list[tuple[str, str]]:
    return [(e["action"], e["actor"]) for e in json.loads(kaohe(db, "round", "log", CODE, "--json"))["entries"]]


def test_the_same_posts_with_the_token_are_accepted(sessions, server):
    assert set(ACCEPTED) == set(POST_PATTERNS)
    before = log_entries(server.db)
    attempts = would_write(sessions, server)
    for pattern, (expected, change) in ACCEPTED.items():
        role, url, data, files = attempts[pattern]
        page = sessions[role]
        uploads = private_files(server.db)
        answer = post(page, server, url, data, files, token(page))
        if expected.startswith("→"):
            assert answer.status in (301, 302) and answer.headers.get("location") == expected[1:], \
                (url, answer.status, answer.headers.get("location"), answer.text()[:300])
        else:
            assert answer.status == int(expected), (url, answer.status, answer.text()[:300])
        if change == "upload":
            assert private_files(server.db) != uploads, url
        if change in ("login", "logout"):
            status = page.request.get(server.url + "/unit/", max_redirects=0).status
            assert status == (200 if change == "login" else 302), (url, status)
    written = log_entries(server.db)[len(before):]
    for pattern, (_, change) in ACCEPTED.items():
        if isinstance(change, tuple):
            assert change in written, f"{pattern}: nothing written ({written})"
