"""A unit's appeal from the portal: after the 公示 and within its window, on its own items, with a reason and
attachments; its appeals and their decisions listed; its own files only. Django's test Client, a real round."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web_helpers import (  # noqa: F401 - fixtures
    CODE,
    OFFICE_USER,
    SCRIPT,
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

PDF = "%PDF-1.4\n% 检测报告\n%%EOF\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def files(*named):
    return [SimpleUploadedFile(name, content) for name, content in named]


def appeal_as(browser, items, reason, attached=()):
    return browser.post("/unit/appeal/", {"items": list(items), "reason": reason, "files": files(*attached)})


def test_before_the_notice_there_is_no_form_and_a_post_writes_nothing(fresh):
    before = written()
    text = page(client(USER_A).get("/unit/appeal/"))
    assert "本轮次还没有公示；公示后，在申诉期内可以对本单位的评分提出申诉。" in text and "提交申诉" not in text
    response = appeal_as(client(USER_A), ["一.1"], "数据有误")
    assert response.status_code == 302 and written() == before


def test_the_form_offers_the_units_own_items_with_their_scores_in_the_notice(published):
    text = page(client(USER_A).get("/unit/appeal/"))
    assert "申诉截止 <strong>2099-01-31 08:00</strong>" in text and "申诉请向市质强办书面提出" in text
    assert 'value="一.1"' in text and "一.7 地表水Ⅲ类以上水质比例（分值3分，公示得分2分）" in text
    assert "二.7 " in text and "提交申诉" in text


def test_an_appeal_with_two_files_is_recorded_with_the_user_and_listed(published):
    from kaohe.round.models import Appeal, AppealFile, AuditEntry
    browser = client(USER_A)
    response = appeal_as(browser, ["一.7", "二.7"], "一.7 水质监测数据应为64%",
                         [("监测报告.pdf", PDF), ("现场照片.png", PNG)])
    assert response.status_code == 302 and response["Location"] == "/unit/appeal/"
    appeal = Appeal.objects.get()
    assert (appeal.number, appeal.unit, appeal.item_ids, appeal.reason, appeal.actor) == (
        1, UNIT_A, ["一.7", "二.7"], "一.7 水质监测数据应为64%", USER_A)
    kept = [(f.name, bytes(f.content), f.digest) for f in AppealFile.objects.order_by("position")]
    assert kept == [("监测报告.pdf", PDF, hashlib.sha256(PDF).hexdigest()),
                    ("现场照片.png", PNG, hashlib.sha256(PNG).hexdigest())]
    assert list(AuditEntry.objects.filter(action__in=["appeal", "attach"]).values_list("actor", flat=True)) == [USER_A] * 3
    text = page(browser.get("/unit/appeal/"))
    assert "已提交第1号申诉（一.7、二.7），附件 2 个" in text
    assert "<td>第1号</td><td>一.7、二.7</td>" in text and "待考核办决定" in text
    download = browser.get("/unit/appeals/1/files/1/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment;") and download["X-Content-Type-Options"] == "nosniff"


def test_the_decision_shows_on_the_units_page(published):
    from kaohe.round import actions
    appeal_as(client(USER_A), ["一.7"], "数据有误")
    actions.decide(CODE, 1, False, "未提供监测站出具的报告", OFFICE_USER)
    text = page(client(USER_A).get("/unit/appeal/"))
    assert "<strong>驳回</strong>：未提供监测站出具的报告（" in text and f"，{OFFICE_USER}）" in text


def test_a_missing_reason_or_no_item_is_refused_in_chinese_and_nothing_is_written(published):
    before = written()
    response = appeal_as(client(USER_A), [], "   ")
    text = page(response)
    assert response.status_code == 400
    assert "请勾选有异议的指标（至少一项）" in text and "请写明申诉理由：哪一项、为什么有异议、依据什么材料" in text
    assert written() == before


def test_a_file_of_the_wrong_kind_is_named_and_nothing_is_written(published):
    before = written()
    response = appeal_as(client(USER_A), ["一.7"], "数据有误", [("监测报告.pdf", PDF), ("工具.pdf", b"MZ\x90\x00")])
    assert response.status_code == 400
    assert "附件“工具.pdf”：文件扩展名是 .pdf，但内容不是PDF 文件：请确认选对了文件" in page(response)
    assert written() == before


def test_an_item_that_is_not_on_the_sheet_is_refused(published):
    before = written()
    response = appeal_as(client(USER_A), ["九.9"], "数据有误")
    assert response.status_code == 400 and "指标 九.9 不在本单位的评分表中" in page(response)
    assert written() == before


def test_the_unit_cannot_appeal_for_another_unit_nor_fetch_its_files(published):
    from kaohe.round.models import Appeal
    appeal_as(client(USER_B), ["一.7"], "数据有误", [("监测报告.pdf", PDF)])
    # a `unit` field in the form is ignored: the appeal is the user's own unit's
    client(USER_A).post("/unit/appeal/", {"items": ["一.7"], "reason": "代为申诉", "unit": UNIT_B})
    assert list(Appeal.objects.order_by("number").values_list("unit", flat=True)) == [UNIT_B, UNIT_A]
    assert client(USER_A).get("/unit/appeals/1/files/1/").status_code == 404
    assert client(USER_B).get("/unit/appeals/1/files/1/").status_code == 200
    assert "数据有误" not in page(client(USER_A).get("/unit/appeal/"))


def test_after_the_window_the_form_is_gone_and_a_post_writes_nothing(published):
    from kaohe.round import actions
    from kaohe.round.models import Publication
    actions.adjust(CODE, "苍南县", "一.6", "复核", OFFICE_USER, value=Decimal(75))
    actions.publish(CODE, Publication.NOTICE, OFFICE_USER,
                    appeal_until=dt.datetime(2015, 3, 20, tzinfo=dt.timezone.utc), note="")
    before = written()
    text = page(client(USER_A).get("/unit/appeal/"))
    assert "申诉期已于 2015-03-20 08:00 结束，不再受理申诉。" in text and "提交申诉" not in text
    response = appeal_as(client(USER_A), ["一.7"], "数据有误")
    assert response.status_code == 302 and written() == before


def test_markup_in_a_reason_and_a_file_name_is_escaped(published):
    browser = client(USER_A)
    appeal_as(browser, ["一.7"], SCRIPT, [(f"{SCRIPT}.pdf", PDF)])
    text = page(browser.get("/unit/appeal/"))
    assert SCRIPT not in text and "&lt;script&gt;" in text


def test_other_roles_and_strangers_are_refused(published):
    for user in (OFFICE_USER, "第一组组长", "市质监局赵六"):
        assert client(user).get("/unit/appeal/").status_code == 403
    assert client().get("/unit/appeal/").status_code == 302


def test_the_form_needs_a_csrf_token(published):
    before = written()
    response = client(USER_A, csrf=True).post("/unit/appeal/", {"items": ["一.7"], "reason": "数据有误"})
    assert response.status_code == 403 and written() == before
