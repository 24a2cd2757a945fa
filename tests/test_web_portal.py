"""The municipality's portal: its workbook, the self-check of an upload, 报送, its published score sheet; and the
office's dashboard. Django's test Client against a real SQLite round database."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import io
import json

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.round_helpers import SAMPLES
from tests.test_fillin import fill
from tests.web_helpers import (  # noqa: F401 - fixtures
    CODE,
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

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sample(unit=UNIT_A) -> dict:
    return yaml.safe_load(SAMPLES[unit].read_text(encoding="utf-8"))


def filled(folder, unit=UNIT_A, rate=None):
    """The unit's fill-in workbook filled from its sample (the 一.1 rate in F6 changed when given)."""
    path = fill(sample(unit), folder / f"{unit}.xlsx")
    if rate is not None:
        wb = load_workbook(path)
        wb["填报"]["F6"].value = rate
        wb.save(path)
    return path


def upload(browser, path, name=None):
    with open(path, "rb") as file:
        return browser.post("/unit/check/", {"file": SimpleUploadedFile(name or path.name, file.read())})


def test_the_unit_downloads_its_own_fill_in_workbook(fresh):
    response = client(USER_A).get("/unit/workbook/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"] and "%E9%B9%BF%E5%9F%8E%E5%8C%BA" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["填报"]["B2"].value == UNIT_A


def test_the_home_page_shows_the_round_deadline_and_state(fresh):
    text = page(client(USER_A).get("/unit/"))
    assert "鹿城区 · 2014年度温州市" in text and "报送截止：2099-01-31 08:00" in text
    assert '<span class="state" id="unit-state">未报送</span>' in text and "还没有报送" in text
    assert "待考核组（第一组）评定：二.7、二.14、二.15" in text and "待市质监局评定：一.10、一.11" in text


def test_a_rate_of_130_percent_names_the_sheet_cell_and_item_and_records_nothing(fresh):
    before = written()
    response = upload(client(USER_A), filled(fresh, rate=130))
    text = page(response)
    assert response.status_code == 200
    assert "还不能报送：材料中有1处错误" in text
    assert "<td>填报 › F6</td><td>一.1 制造业产品质量合格率</td><td>填报值 130% 超出允许范围 0–100%" in text
    assert "报送</button>" not in text and "/unit/submit/" not in text
    assert written() == before
    assert str(fresh) not in text  # the private folder's path never reaches the page


def test_a_valid_upload_can_be_submitted_and_is_recorded_with_the_user_as_actor(fresh):
    from kaohe.round.models import AuditEntry
    from kaohe.round.state import find_round, latest_submissions
    browser = client(USER_A)
    before = written()
    text = page(upload(browser, filled(fresh)))
    assert '<h2 id="verdict">可以报送</h2>' in text
    assert "暂定总分 <strong>" in text and "5项待评定" in text
    assert "二.7 鹿城区" not in text and "<td>二.7 " in text and "待考核组评定" in text and "待牵头部门（市质监局）评定" in text
    assert written() == before  # the self-check records nothing
    digest = browser.session["kaohe_upload"]["digest"]
    assert f'name="digest" value="{digest}"' in text

    response = browser.post("/unit/submit/", {"digest": digest})
    assert response.status_code == 302 and response["Location"] == "/unit/"
    latest = latest_submissions(find_round(CODE))[UNIT_A]
    assert (latest.version, latest.accepted, latest.late, latest.actor, latest.file_name) == (1, True, False, USER_A, "鹿城区.xlsx")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor) == ("submit", USER_A) and "鹿城区 报送第1版 鹿城区.xlsx：通过校验" in entry.summary
    home = page(browser.get("/unit/"))
    assert "已报送第1版（鹿城区.xlsx）" in home and "<td>第1版</td>" in home and f"<td>{USER_A}</td>" in home
    assert not list((fresh / "private" / "uploads").rglob("*.xlsx"))  # the waiting copy is gone

    again = browser.post("/unit/submit/", {"digest": digest})  # the same upload cannot be submitted twice
    assert again.status_code == 404
    assert latest_submissions(find_round(CODE))[UNIT_A].version == 1


def test_yaml_evidence_is_checked_too_and_others_values_are_set_aside(fresh):
    text = page(upload(client(USER_A), SAMPLES[UNIT_A]))
    assert "可以报送" in text
    assert "不计入的值" in text and "二.7" in text and "由考核组评定，单位填写的值不计入" in text


def test_a_file_over_20_mb_is_refused_with_a_chinese_message(fresh):
    before = written()
    big = SimpleUploadedFile("鹿城区.yaml", b"unit: x\n" + b" " * (20 * 1024 * 1024))
    response = client(USER_A).post("/unit/check/", {"file": big})
    assert response.status_code == 400
    assert "文件过大（20.0 MB）：上限为 20 MB" in page(response)
    assert written() == before and not (fresh / "private" / "uploads").exists()


def test_a_wrong_kind_of_file_is_refused_with_a_chinese_message(fresh):
    browser = client(USER_A)
    cases = [("说明.docx", b"PK\x03\x04rest", "不接受这种文件（.docx）"),
             ("鹿城区.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "旧版 Excel/WPS 的 .xls 文件"),
             ("鹿城区.xlsx", b"unit: x\n", "内容不是 Excel 工作簿"),
             ("鹿城区.yaml", b"PK\x03\x04rest", "不是文字材料"),
             ("鹿城区", b"unit: x\n", "没有扩展名")]
    before = written()
    for name, content, message in cases:
        response = browser.post("/unit/check/", {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, name
        assert message in page(response), name
    nothing = browser.post("/unit/check/", {})
    assert nothing.status_code == 400 and "请选择要上传的文件" in page(nothing)
    assert written() == before


def test_a_damaged_workbook_is_a_problem_on_the_page_not_an_error(fresh):
    response = client(USER_A).post("/unit/check/", {"file": SimpleUploadedFile("鹿城区.xlsx", b"PK\x03\x04broken")})
    assert response.status_code == 200 and "还不能报送" in page(response)


def test_uploaded_text_is_escaped_on_the_check_page(fresh, tmp_path):
    data = sample()
    data["unit"] = SCRIPT
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = page(upload(client(USER_A), path, f"{SCRIPT}.yaml"))
    assert "还不能报送" in text
    assert SCRIPT not in text and "&lt;script&gt;alert(&#x27;kaohe&#x27;)&lt;/script&gt;" in text


def test_before_a_notice_there_is_no_score_sheet(fresh):
    response = client(USER_A).get("/unit/result/")
    assert response.status_code == 404 and "本轮次还没有公示" in page(response)


def test_after_the_notice_the_unit_sees_its_own_score_sheet_escaped(published):
    from kaohe.round.models import Publication
    document = json.loads(Publication.objects.get(number=1).run.document)
    own = next(u for u in document["units"] if u["unit"] == UNIT_A)
    browser = client(USER_A)
    assert "查看本单位的评分表" in page(browser.get("/unit/"))
    text = page(browser.get("/unit/result/"))
    assert f'<td id="sheet-unit">{UNIT_A}</td>' in text
    assert f'<td id="sheet-total">{own["total"]}</td>' in text and f'<td id="sheet-grade">{own["grade"]}' in text
    assert "公示（第1号发布" in text and "制造业产品质量合格率" in text
    assert SCRIPT not in text and "备注：&lt;script&gt;alert(&#x27;kaohe&#x27;)&lt;/script&gt;" in text
    others = [u["unit"] for u in document["units"] if u["unit"] != UNIT_A]
    assert not any(f'id="sheet-unit">{unit}<' in text for unit in others)


def test_the_office_dashboard_shows_the_roster_status(published):
    text = page(client("考核办王五").get("/office/"))
    assert "已报送 <strong>10</strong>，材料不全 <strong>1</strong>" in text and "未报送 <strong>0</strong>" in text
    assert "第1号发布：公示" in text
    assert text.count("<tr><td>") == 11 and "<td>鹿城区</td><td>已报送</td><td>第1版</td>" in text
    assert "<tr><td>苍南县</td><td>材料不全</td>" in text  # its 佐证材料 for 一.6 are still missing


def test_a_zip_bomb_is_refused_without_inflating_it(fresh):
    import zipfile
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/worksheets/sheet1.xml", "w") as member:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(201):
            member.write(chunk)
    assert len(raw.getvalue()) < 1024 * 1024
    before = written()
    response = client(USER_A).post("/unit/check/", {"file": SimpleUploadedFile("鹿城区.xlsx", raw.getvalue())})
    text = page(response)
    assert response.status_code == 200 and "工作簿解压后过大（201 MB，上限 200 MB）" in text and "还不能报送" in text
    assert written() == before
