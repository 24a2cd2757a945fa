"""The inspection groups' and the lead departments' pages: what each owes, the entry form (a judged score with its
reason, a department's values, corrections with a reason, all or nothing), the party workbook downloaded and
uploaded filled. Django's test Client against a real SQLite round database; the group and the department are
always the user's own."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import io
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.round_helpers import DEPARTMENT, GROUPS, JUDGED, OFFICE, UNITS, department_value, judged, sample
from tests.test_fillin import fill_party
from tests.web_helpers import (  # noqa: F401 - fixtures
    CODE,
    DEPARTMENT_USER,
    INSPECTOR,
    OFFICE_USER,
    PASSWORD,
    SCRIPT,
    UNIT_A,
    USER_A,
    client,
    fresh,
    fresh_template,
    page,
    published,
    published_template,
    written,
)

GROUP, OTHER_GROUP = "第一组", "第二组"
OUR_UNIT, THEIR_UNIT = UNIT_A, GROUPS[OTHER_GROUP][0]  # 鹿城区 (第一组), 永嘉县 (第二组)
SECOND_INSPECTOR = "第二组组长"
UNIT_PAGE = f"/group/units/{OUR_UNIT}/"
ITEM_PAGE = "/department/items/一.10/"
NAMES = {"二.7": "二.7 工程质量安全隐患排查和专项整治", "二.14": "二.14 质量宣传氛围", "一.10": "一.10 特种设备万台事故率"}
GET_ROUTES = ["/group/", UNIT_PAGE, "/group/workbook/", "/group/upload/", "/department/", ITEM_PAGE,
              "/department/workbook/", "/department/upload/"]
POST_ROUTES = [UNIT_PAGE, "/group/upload/", ITEM_PAGE, "/department/upload/"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def entries(**where) -> list[tuple]:
    from kaohe.round import jsondata
    from kaohe.round.models import Entry
    return [(e.unit, e.item_id, e.kind, e.party, jsondata.load(e.data), e.entered_by, e.source, e.actor)
            for e in Entry.objects.filter(**where).order_by("id")]


class _Fields(HTMLParser):
    """A form's fields as a browser would send them: inputs, textareas and the selected option of each select."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "file":
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
            self.fields[self.select] = ""
        elif tag == "option" and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "<text>")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form(browser, route: str) -> dict[str, str]:
    """The entry form's fields as the page fills them (the CSRF token left out: the test Client needs none)."""
    parser = _Fields()
    parser.feed(page(browser.get(route)))
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def score(browser, rows: dict[int, tuple[str, str]], route: str = UNIT_PAGE):
    """POST the group's unit form: row index → (score, reason); the other rows as the page has them."""
    data = form(browser, route)
    for index, (value, reason) in rows.items():
        data[f"value-{index}"], data[f"reason-{index}"] = value, reason
    return browser.post(route, data)


def second_inspector() -> None:
    from kaohe.web.accounts import NewUser, create_user
    create_user(NewUser(SECOND_INSPECTOR, "inspection", CODE, group=OTHER_GROUP), PASSWORD)


def upload(browser, route: str, content: bytes, name: str = "评定表.xlsx"):
    return browser.post(route, {"file": SimpleUploadedFile(name, content)})


def filled_workbook(browser, route: str, folder, units, name: str = "评定表.xlsx") -> bytes:
    """The party workbook as downloaded from `route`, filled from the samples of `units` with openpyxl."""
    response = browser.get(route)
    assert response.status_code == 200
    values = {unit: sample(unit)["values"] for unit in units}
    return fill_party(response.content, values, folder / name, entered_by="录入员甲").read_bytes()


# --- the homes -------------------------------------------------------------------------------------------------


def test_each_party_starts_on_its_own_page(fresh):
    assert client(INSPECTOR).get("/")["Location"] == "/group/"
    assert client(DEPARTMENT_USER).get("/")["Location"] == "/department/"


def test_the_group_home_lists_its_own_units_and_what_each_still_owes(published):
    from kaohe.round import actions
    actions.assign(CODE, GROUP, [THEIR_UNIT], OFFICE)  # 永嘉县 moves to 第一组: its three items are entered already
    text = page(client(INSPECTOR).get("/group/"))
    assert "第一组 · 2014年度温州市" in text
    assert "二.7 工程质量安全隐患排查和专项整治（4分）" in text
    assert text.count("<tr><td>") == 7 and f"<tr><td>{THEIR_UNIT}</td><td>3/3</td><td>0</td>" in text
    assert f'href="{quote(UNIT_PAGE)}"' in text and "泰顺县" not in text


def test_a_fresh_group_home_shows_everything_owed(fresh):
    text = page(client(INSPECTOR).get("/group/"))
    assert text.count("<tr><td>") == 6
    assert f'<tr><td>{OUR_UNIT}</td><td>0/3</td><td><span class="owed">3</span></td><td></td>' in text
    assert THEIR_UNIT not in text and "下载本考核组的评定表（.xlsx）" in text


def test_the_department_home_lists_its_items_with_the_units_entered(published):
    text = page(client(DEPARTMENT_USER).get("/department/"))
    assert "<tr><td>一.10</td><td>特种设备万台事故率</td><td>11/11</td><td>0</td>" in text
    assert f'href="{quote("/department/items/一.11/")}"' in text and "二.7" not in text


# --- the group's form ------------------------------------------------------------------------------------------


def test_the_unit_form_bounds_each_score_as_the_ruleset_does(fresh):
    text = page(client(INSPECTOR).get(UNIT_PAGE))
    assert text.count('type="number"') == 3
    assert 'name="value-0" value="" min="0" max="4" step="0.5"' in text  # 二.7: 4 points in steps of 0.5
    assert 'name="value-1" value="" min="0" max="5" step="0.5"' in text
    assert "0–4分，按0.5分计" in text and 'name="reason-0"' in text and "未录入" in text
    assert "考核组现场核查质量安全隐患排查" in text  # the 评分标准


def test_a_judged_score_is_recorded_with_its_reason_the_user_and_the_web_as_source(fresh):
    from kaohe.round.models import AuditEntry
    browser = client(INSPECTOR)
    response = score(browser, {0: ("3.5", "隐患排查台账齐全，专项整治有记录")})
    assert response.status_code == 302 and response["Location"] == quote(UNIT_PAGE)
    assert entries() == [(OUR_UNIT, "二.7", "inspection", GROUP,
                          {"value": {"score": Decimal("3.5"), "reason": "隐患排查台账齐全，专项整治有记录",
                                     "inspector": GROUP}}, INSPECTOR, "网页", INSPECTOR)]
    audit = AuditEntry.objects.filter(action="enter").get()
    assert audit.actor == INSPECTOR and audit.summary == f"考核组 {GROUP} 评定 {OUR_UNIT} {NAMES['二.7']}"
    text = page(browser.get(UNIT_PAGE))
    assert "已记录1项" in text and "<strong>3.5分</strong>" in text and "理由：隐患排查台账齐全，专项整治有记录" in text
    assert f"{INSPECTOR}，" in text and "，网页" in text and 'name="value-0" value="3.5"' in text


def test_scores_out_of_range_or_off_step_are_refused_naming_the_item_and_nothing_is_written(fresh):
    before = written()
    response = score(client(INSPECTOR), {0: ("4.5", "超过分值"), 1: ("1.3", "不是半分"), 2: ("5", "这一行没有错")})
    text = page(response)
    assert response.status_code == 400
    assert f"{OUR_UNIT} {NAMES['二.7']}：得分 4.5分 超出允许范围（0–4分，按0.5分计）" in text
    assert f"{OUR_UNIT} {NAMES['二.14']}：得分 1.3分 不是 0.5分 的整数倍（允许 0–5分，按0.5分计）" in text
    assert "有2行填写有误，本次没有记录任何内容" in text
    assert 'name="value-2" value="5"' in text and ">这一行没有错</textarea>" in text  # the form comes back as typed
    assert written() == before


@pytest.mark.parametrize("value, message", [("-0.5", "得分 -0.5分 超出允许范围（0–4分"), ("三分", "得分应为数字"),
                                            ("NaN", "得分应为数字"), ("1e400", "得分应为数字")])
def test_a_score_that_is_not_a_number_in_range_is_refused(fresh, value, message):
    before = written()
    response = score(client(INSPECTOR), {0: (value, "理由")})
    assert response.status_code == 400 and f"{NAMES['二.7']}：{message}" in page(response)
    assert written() == before


def test_a_score_without_a_reason_and_a_reason_without_a_score_are_refused(fresh):
    before = written()
    response = score(client(INSPECTOR), {0: ("3", "  "), 1: ("", "只有理由")})
    text = page(response)
    assert response.status_code == 400
    assert f"{NAMES['二.7']}：核查评分必须写明评分理由" in text
    assert f"{NAMES['二.14']}：填了评分理由，但没有填得分" in text
    assert written() == before


def test_correcting_a_recorded_score_needs_a_new_reason(published):
    browser = client(INSPECTOR)
    old_score, old_reason = judged(OUR_UNIT, "二.7")
    assert old_score != "1"
    before = written()
    response = score(browser, {0: ("1", old_reason)})
    assert response.status_code == 400
    assert f"{NAMES['二.7']}：更正已记录的得分（{old_score}分）须在评分理由中写明更正的理由" in page(response)
    cleared = score(browser, {0: ("", old_reason)})
    assert cleared.status_code == 400 and f"{NAMES['二.7']}：已记录的值不能清空" in page(cleared)
    assert written() == before
    unchanged = score(browser, {})
    assert unchanged.status_code == 302 and written() == before  # nothing changed: nothing recorded
    assert "没有改动的行，没有记录" in page(browser.get(UNIT_PAGE))
    assert score(browser, {0: ("1", "复查发现整治记录系补做")}).status_code == 302
    assert entries(unit=OUR_UNIT, item_id="二.7")[-1][4] == {
        "value": {"score": Decimal(1), "reason": "复查发现整治记录系补做", "inspector": GROUP}}
    assert written()["Entry"] == before["Entry"] + 1


def test_a_value_entered_by_someone_else_after_the_form_was_opened_is_a_conflict(fresh):
    from kaohe.round import actions
    browser = client(INSPECTOR)
    data = form(browser, UNIT_PAGE)
    actions.judge(CODE, OUR_UNIT, "二.7", Decimal(2), "命令行录入", GROUP, OFFICE)
    before = written()
    data.update({"value-0": "3", "reason-0": "网页录入"})
    response = browser.post(UNIT_PAGE, data)
    assert response.status_code == 400
    assert f"{NAMES['二.7']}：您打开本页后，这一项已有他人录入的新值，现为 2分" in page(response)
    assert written() == before


def test_the_reason_is_escaped_on_the_page(fresh):
    browser = client(INSPECTOR)
    assert score(browser, {0: ("2", SCRIPT)}).status_code == 302
    text = page(browser.get(UNIT_PAGE))
    assert SCRIPT not in text and "&lt;script&gt;alert(&#x27;kaohe&#x27;)&lt;/script&gt;" in text
    assert entries()[0][4]["value"]["reason"] == SCRIPT  # recorded as typed


def test_a_unit_of_another_group_is_not_found_and_nothing_is_written(fresh):
    browser = client(INSPECTOR)
    before = written()
    for unit in (THEIR_UNIT, "不存在区"):
        assert browser.get(f"/group/units/{unit}/").status_code == 404
        response = browser.post(f"/group/units/{unit}/", {"value-0": "3", "reason-0": "越权", "seen-0": ""})
        assert response.status_code == 404
    assert written() == before


# --- the department's form -------------------------------------------------------------------------------------


def test_the_department_enters_an_item_for_every_unit_on_the_roster(fresh):
    browser = client(DEPARTMENT_USER)
    text = page(browser.get(ITEM_PAGE))
    assert text.count('type="number"') == len(UNITS) and 'name="value-0" value="" min="0" step="any"' in text
    assert "特种设备事故率控制在0.42起/万台以下" in text and "不小于0起/万台" in text
    data = form(browser, ITEM_PAGE)
    data.update({"value-0": "0.3", "note-0": "据特种设备安全监察统计", "value-10": "0.5"})
    response = browser.post(ITEM_PAGE, data)
    assert response.status_code == 302 and response["Location"] == quote(ITEM_PAGE)
    assert entries() == [
        (UNITS[0], "一.10", "department", DEPARTMENT, {"value": Decimal("0.3"), "note": "据特种设备安全监察统计"},
         DEPARTMENT_USER, "网页", DEPARTMENT_USER),
        (UNITS[10], "一.10", "department", DEPARTMENT, {"value": Decimal("0.5")}, DEPARTMENT_USER, "网页",
         DEPARTMENT_USER)]
    assert "已记录2项" in page(browser.get(ITEM_PAGE))


def test_a_department_value_out_of_range_is_refused_naming_the_unit_and_item(fresh):
    browser = client(DEPARTMENT_USER)
    before = written()
    data = form(browser, ITEM_PAGE)
    data.update({"value-0": "-1", "value-1": "0.2"})
    response = browser.post(ITEM_PAGE, data)
    assert response.status_code == 400
    assert f"{UNITS[0]} {NAMES['一.10']}：填报值 -1起/万台 超出允许范围（不小于0起/万台）" in page(response)
    assert written() == before


def test_correcting_a_department_value_needs_a_correction_reason_kept_as_its_note(published):
    browser = client(DEPARTMENT_USER)
    old = department_value(UNITS[0], "一.10")
    before = written()
    data = form(browser, ITEM_PAGE)
    data["value-0"] = "0.9"
    response = browser.post(ITEM_PAGE, data)
    assert response.status_code == 400
    assert f"{UNITS[0]} {NAMES['一.10']}：已记录 {old}起/万台，更正须写明更正理由" in page(response)
    assert written() == before
    data["correction-0"] = "统计年报更正"
    assert browser.post(ITEM_PAGE, data).status_code == 302
    assert entries(unit=UNITS[0], item_id="一.10")[-1][4] == {"value": Decimal("0.9"), "note": "更正理由：统计年报更正"}
    assert written()["Entry"] == before["Entry"] + 1


def test_an_item_that_is_not_the_departments_is_not_found_and_nothing_is_written(fresh):
    browser = client(DEPARTMENT_USER)
    before = written()
    for item_id in ("二.7", "一.1", "九.9"):  # an inspection group's, a unit's own, none
        assert browser.get(f"/department/items/{item_id}/").status_code == 404
        assert browser.post(f"/department/items/{item_id}/", {"value-0": "1", "seen-0": ""}).status_code == 404
    assert written() == before


# --- the party workbooks ---------------------------------------------------------------------------------------


def test_the_group_workbook_is_an_xlsx_of_its_own_units(fresh):
    response = client(INSPECTOR).get("/group/workbook/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["录入"]
    assert (ws["A2"].value, ws["C2"].value, ws["C6"].value) == ("考核组", GROUP, "、".join(GROUPS[GROUP]))
    assert {ws.cell(row, 2).value for row in range(9, ws.max_row + 1)} == set(GROUPS[GROUP])


def test_the_department_workbook_covers_the_whole_roster(fresh):
    response = client(DEPARTMENT_USER).get("/department/workbook/")
    ws = load_workbook(io.BytesIO(response.content))["录入"]
    assert (ws["A2"].value, ws["C2"].value, ws["C6"].value) == ("牵头部门", DEPARTMENT, "、".join(UNITS))


def test_the_downloaded_group_workbook_filled_and_uploaded_records_its_values(fresh, tmp_path):
    browser = client(INSPECTOR)
    content = filled_workbook(browser, "/group/workbook/", tmp_path, GROUPS[GROUP], "第一组评定表.xlsx")
    response = upload(browser, "/group/upload/", content, "第一组评定表.xlsx")
    assert response.status_code == 302 and response["Location"] == "/group/"
    recorded = entries()
    assert len(recorded) == len(GROUPS[GROUP]) * len(JUDGED)
    score_, reason = judged(OUR_UNIT, "二.7")
    assert recorded[0] == (OUR_UNIT, "二.7", "inspection", GROUP, {"value": {
        "score": Decimal(score_), "reason": reason, "inspector": GROUP}}, "录入员甲", "第一组评定表.xlsx", INSPECTOR)
    assert "已从评定表 第一组评定表.xlsx 记录18项" in page(browser.get("/group/"))
    assert not list((fresh / "private").rglob("*.xlsx"))  # the entries keep its digest, not the file


def test_the_downloaded_department_workbook_filled_and_uploaded_records_its_values(fresh, tmp_path):
    browser = client(DEPARTMENT_USER)
    content = filled_workbook(browser, "/department/workbook/", tmp_path, UNITS)
    assert upload(browser, "/department/upload/", content).status_code == 302
    recorded = entries()
    assert len(recorded) == len(UNITS) * 2 and {r[3] for r in recorded} == {DEPARTMENT}
    assert (UNITS[0], "一.10", "department", DEPARTMENT, {"value": Decimal(department_value(UNITS[0], "一.10"))},
            "录入员甲", "评定表.xlsx", DEPARTMENT_USER) in recorded


def test_another_groups_workbook_is_refused_and_nothing_is_written(fresh, tmp_path):
    second_inspector()
    content = filled_workbook(client(SECOND_INSPECTOR), "/group/workbook/", tmp_path, GROUPS[OTHER_GROUP])
    department = filled_workbook(client(DEPARTMENT_USER), "/department/workbook/", tmp_path, UNITS, "部门.xlsx")
    browser = client(INSPECTOR)
    before = written()
    response = upload(browser, "/group/upload/", content)
    assert response.status_code == 400
    assert "这是考核组“第二组”的评定表，不是本考核组“第一组”的：没有记录" in page(response)
    response = upload(browser, "/group/upload/", department)
    assert response.status_code == 400 and "这是牵头部门“市质监局”的评定表，不是本考核组“第一组”的" in page(response)
    response = upload(client(DEPARTMENT_USER), "/department/upload/", content)
    assert response.status_code == 400 and "这是考核组“第二组”的评定表，不是本牵头部门“市质监局”的" in page(response)
    assert written() == before and not list((fresh / "private").rglob("*.xlsx"))


def test_a_workbook_with_a_wrong_score_names_its_cell_and_writes_nothing(fresh, tmp_path):
    browser = client(INSPECTOR)
    content = filled_workbook(browser, "/group/workbook/", tmp_path, GROUPS[GROUP])
    wb = load_workbook(io.BytesIO(content))
    wb["录入"]["H9"].value = 9  # 鹿城区 二.7: 4 points at most
    raw = io.BytesIO()
    wb.save(raw)
    before = written()
    response = upload(browser, "/group/upload/", raw.getvalue())
    text = page(response)
    assert response.status_code == 400 and "没有记录：评定表 评定表.xlsx 中有1处错误" in text
    assert f"<td>录入 › H9</td><td>{OUR_UNIT} › {NAMES['二.7']}</td><td>核查评分 9 超出本项分值范围 0–4 分" in text
    assert written() == before and str(fresh) not in text  # the private folder's path never reaches the page


@pytest.mark.parametrize("name, content, message", [
    ("评定表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "不接受这种文件（.xls）"),
    ("评定表.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "旧版 Excel/WPS 的 .xls 文件"),
    ("评定表.xlsx", "单位: 鹿城区\n".encode(), "内容不是 Excel 工作簿"),
    ("评定表.yaml", "单位: 鹿城区\n".encode(), "评定表只接受 .xlsx 文件"),
    ("评定表.xlsx", b"", "文件是空的：请选择填好的评定表"),
], ids=["xls", "old-excel-named-xlsx", "text-named-xlsx", "yaml", "empty"])
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(fresh, name, content, message):
    before = written()
    response = upload(client(INSPECTOR), "/group/upload/", content, name)
    assert response.status_code == 400 and message in page(response)
    assert written() == before and not (fresh / "private").exists()


def test_a_damaged_workbook_is_a_problem_on_the_page(fresh):
    before = written()
    response = upload(client(DEPARTMENT_USER), "/department/upload/", b"PK\x03\x04broken")
    text = page(response)
    assert response.status_code == 400 and "没有记录" in text and str(fresh) not in text
    assert written() == before


# --- who may --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", GET_ROUTES)
def test_every_party_page_needs_a_login(fresh, route):
    response = client().get(route)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("user", [USER_A, OFFICE_USER])
def test_units_and_the_office_cannot_reach_the_party_pages(fresh, user):
    browser = client(user)
    before = written()
    for route in GET_ROUTES:
        assert browser.get(route).status_code == 403, route
    for route in POST_ROUTES:
        assert browser.post(route, {"value-0": "1", "reason-0": "越权", "seen-0": ""}).status_code == 403, route
    assert written() == before


def test_a_group_and_a_department_cannot_reach_each_others_pages(fresh):
    group, department = client(INSPECTOR), client(DEPARTMENT_USER)
    for route in GET_ROUTES:
        own = group if route.startswith("/group/") else department
        other = department if own is group else group
        assert own.get(route).status_code == 200, route
        assert other.get(route).status_code == 403, route


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_form_without_a_csrf_token_is_refused_and_writes_nothing(fresh, tmp_path, route):
    user = INSPECTOR if route.startswith("/group/") else DEPARTMENT_USER
    content = filled_workbook(client(user), f"/{route.split('/')[1]}/workbook/", tmp_path,
                              GROUPS[GROUP] if user == INSPECTOR else UNITS)
    before = written()
    response = client(user, csrf=True).post(route, {"value-0": "3", "reason-0": "理由", "seen-0": "",
                                                    "file": SimpleUploadedFile("评定表.xlsx", content)})
    assert response.status_code == 403 and "页面已过期" in page(response)
    assert written() == before and not (fresh / "private").exists()


# --- the inputs of other kinds of item (温州's party items are judged scores and numbers only) ------------------


def kind_rows() -> list:
    """A row for each kind of value, taken from 温州's own items: 一.1 (%), 二.3 (档次), 二.6 (部分), 二.9 (个数),
    二.12 (是/否)."""
    from kaohe.engine import load_ruleset
    from kaohe.web.entering import PARTS, Row, control_of
    from tests.round_helpers import WENZHOU
    ruleset = load_ruleset(WENZHOU)
    rows = []
    for index, item_id in enumerate(["一.1", "二.3", "二.6", "二.9", "二.12"]):
        item = ruleset.item(item_id)
        control = control_of(item)
        rows.append(Row(index, OUR_UNIT, item, control, None,
                        answers=[(part, "") for part in control.options] if control.kind == PARTS else []))
    return rows


def test_each_kind_of_value_is_read_as_the_engine_types_it():
    from kaohe.web.entering import read_rows
    rows = kind_rows()
    post = {"value-0": "93.5%", "value-1": "开展试点", "value-2-0": "是", "value-2-1": "否", "value-2-2": "是",
            "value-3": "3", "value-4": "否", "note-4": "未出台考核办法"}
    values, wrong = read_rows(rows, post, DEPARTMENT, DEPARTMENT_USER)
    assert wrong == 0
    assert [(v.item_id, v.data, v.entered_by) for v in values] == [
        ("一.1", {"value": Decimal("93.5")}, DEPARTMENT_USER), ("二.3", {"value": "开展试点"}, DEPARTMENT_USER),
        ("二.6", {"value": ["建立食品安全基层监管网络", "设立放心柜"]}, DEPARTMENT_USER),
        ("二.9", {"value": Decimal(3)}, DEPARTMENT_USER), ("二.12", {"value": False, "note": "未出台考核办法"}, DEPARTMENT_USER)]


def test_each_kind_of_value_is_refused_in_words_naming_the_item():
    from kaohe.web.entering import read_rows
    rows = kind_rows()
    post = {"value-0": "130", "value-1": "优秀", "value-2-0": "是", "value-3": "2.5", "value-4": "也许"}
    values, wrong = read_rows(rows, post, DEPARTMENT, DEPARTMENT_USER)
    assert (values, wrong) == ([], 5)
    assert [row.error for row in rows] == [
        f"{OUR_UNIT} 一.1 制造业产品质量合格率：填报值 130% 超出允许范围（0–100%）",
        f"{OUR_UNIT} 二.3 “浙江制造”品牌培育试点：应从 开展试点并有企业通过认证、开展试点、未开展 中选择，实际为“优秀”",
        f"{OUR_UNIT} 二.6 食品安全基层监管与“放心市场”“放心柜”：请逐个部分选择“是”或“否”"
        "（部分：建立食品安全基层监管网络、创建放心市场、设立放心柜）",
        f"{OUR_UNIT} 二.9 产品质量惠民活动：填报值 2.5 不是整数（允许 不小于0的整数）",
        f"{OUR_UNIT} 二.12 本级政府质量工作考核：应从 是、否 中选择，实际为“也许”"]


def test_the_form_offers_choices_parts_and_whole_numbers(fresh):
    from django.template.loader import render_to_string

    from kaohe.round.state import find_round, ruleset_of
    from kaohe.web.views.party import Party
    round_ = find_round(CODE)
    rows = kind_rows()
    party = Party("department", DEPARTMENT, round_, ruleset_of(round_), [r.item for r in rows], [OUR_UNIT])
    text = render_to_string("web/party_form.html", {"round": round_, "party": party, "rows": rows, "unit": OUR_UNIT,
                                                    "judged": False, "valued": True})
    assert '<select name="value-1"><option value="">（未填）</option><option>开展试点并有企业通过认证</option>' in text
    assert text.count('<select name="value-2-') == 3 and '<label class="part">创建放心市场 <select name="value-2-1">' in text
    assert 'name="value-3" value="" min="0" step="1"' in text
    assert 'name="value-0" value="" min="0" max="100" step="any"' in text
    assert '<select name="value-4"><option value="">（未填）</option><option>是</option><option>否</option></select>' in text
