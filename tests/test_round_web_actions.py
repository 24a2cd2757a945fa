"""What the web pages need of the round record: appeal attachments (kept byte for byte with their digest,
sealed, refused by type, size and number), no recording after the final result, and a form's stale entry found
as a conflict inside the write lock."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from tests.round_helpers import (
    OFFICE,
    close_connections,
    execute,
    kaohe,
    ok,
    play_round,
    refused,
    table_counts,
)

CODE = "wz"
PDF = b"%PDF-1.4\n% a test report\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def noticed(tmp_path):
    """A 温州 2014 round with every entry and a 公示 whose appeal window is open."""
    db = str(tmp_path / "round.sqlite3")
    play_round(db, CODE, until="entries")
    from kaohe.round import actions
    from kaohe.round.models import Publication
    actions.publish(CODE, Publication.NOTICE, OFFICE, appeal_until=dt.datetime(2099, 1, 31, tzinfo=dt.timezone.utc))
    yield db
    close_connections()


def test_an_appeal_keeps_its_files_byte_for_byte_and_seals_each(noticed):
    from kaohe.round import actions
    from kaohe.round.attachments import Attachment
    from kaohe.round.models import AppealFile, AuditEntry
    appeal = actions.appeal(CODE, "龙湾区", ["一.7"], "水质监测数据有误", "龙湾区联络员",
                            [Attachment("监测报告.pdf", PDF), Attachment("现场照片.png", PNG)])
    kept = list(AppealFile.objects.filter(appeal=appeal).order_by("position"))
    assert [(f.position, f.name, bytes(f.content), f.digest, f.actor) for f in kept] == [
        (1, "监测报告.pdf", PDF, hashlib.sha256(PDF).hexdigest(), "龙湾区联络员"),
        (2, "现场照片.png", PNG, hashlib.sha256(PNG).hexdigest(), "龙湾区联络员")]
    logged = list(AuditEntry.objects.filter(action="attach").order_by("seq"))
    assert [e.summary for e in logged] == ["龙湾区 第1号申诉附件1：监测报告.pdf", "龙湾区 第1号申诉附件2：现场照片.png"]
    assert [e.record_digest for e in logged] == [f.seal_digest() for f in kept]
    assert ok(kaohe(noticed, "verify")).startswith("核验通过：")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("程序.exe", b"MZ\x90\x00", "附件“程序.exe”：不接受这种附件（.exe）：请附 PDF、JPG、PNG 图片、Word（.docx）或 Excel（.xlsx）"),
    ("改名的程序.pdf", b"MZ\x90\x00", "附件“改名的程序.pdf”：文件扩展名是 .pdf，但内容不是PDF 文件：请确认选对了文件"),
    ("空白.pdf", b"", "附件“空白.pdf”：文件是空的"),
    ("旧版.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "附件“旧版.docx”：文件扩展名是 .docx，但内容不是Word 文档：请确认选对了文件"),
], ids=["exe", "renamed", "empty", "old-office"])
def test_a_file_of_the_wrong_kind_is_refused_by_name_and_nothing_is_written(noticed, name, content, message):
    from kaohe.engine import KaoheError
    from kaohe.round import actions
    from kaohe.round.attachments import Attachment
    before = table_counts()
    with pytest.raises(KaoheError) as refusal:
        actions.appeal(CODE, "龙湾区", ["一.7"], "数据有误", "龙湾区联络员",
                       [Attachment("监测报告.pdf", PDF), Attachment(name, content)])
    assert [p.message for p in refusal.value.problems] == [message]
    assert str(refusal.value.problems[0].location) == f"轮次 {CODE} › 龙湾区"
    assert table_counts() == before


def test_too_many_or_repeated_files_are_refused(noticed):
    from kaohe.engine import KaoheError
    from kaohe.round import actions
    from kaohe.round.attachments import Attachment
    many = [Attachment(f"第{n}页.pdf", PDF) for n in range(11)] + [Attachment("第1页.pdf", PDF)]
    with pytest.raises(KaoheError) as refusal:
        actions.appeal(CODE, "龙湾区", ["一.7"], "数据有误", "龙湾区联络员", many)
    assert [p.message for p in refusal.value.problems] == ["附件“第1页.pdf”重复了", "附件太多（12 个）：最多 10 个"]


def test_the_command_line_attaches_files_and_verify_finds_one_changed(noticed, tmp_path):
    report = tmp_path / "监测报告.pdf"
    report.write_bytes(PDF)
    out = ok(kaohe(noticed, "appeal", CODE, "龙湾区", "--item", "一.7", "--reason", "水质监测数据有误",
                   "--file", report, by="龙湾区联络员"))
    assert out.strip() == "已受理第1号申诉：龙湾区（一.7），附件 1 个"
    assert ok(kaohe(noticed, "verify")).startswith("核验通过：")
    assert execute("UPDATE round_appealfile SET content = %s", [b"%PDF-1.4 forged"]) == 1
    found = kaohe(noticed, "verify")
    assert found.exit_code == 1
    assert "[记录] 申诉附件 #1 与日志第" in found.stdout and "（被改动）：龙湾区 第1号申诉附件1：监测报告.pdf" in found.stdout


def test_the_command_line_names_a_refused_file(noticed, tmp_path):
    program = tmp_path / "报告.pdf"
    program.write_bytes(b"MZ\x90\x00")
    before = table_counts()
    message = refused(kaohe(noticed, "appeal", CODE, "龙湾区", "--item", "一.7", "--reason", "数据有误",
                            "--file", program, by="龙湾区联络员"))
    assert "附件“报告.pdf”：文件扩展名是 .pdf，但内容不是PDF 文件" in message
    assert table_counts() == before


def test_after_the_final_result_nothing_more_is_recorded(noticed):
    """A submission, an inspection score or an adjustment after the final result would never be published."""
    from kaohe.engine import KaoheError
    from kaohe.round import actions
    from kaohe.round.models import Publication
    from tests.round_helpers import SAMPLES
    actions.publish(CODE, Publication.FINAL, OFFICE)
    before = table_counts()
    for attempt in (lambda: actions.submit(CODE, SAMPLES["鹿城区"], "鹿城区联络员"),
                    lambda: actions.judge(CODE, "鹿城区", "二.7", Decimal(3), "复查", "第一组", "第一组组长"),
                    lambda: actions.adjust(CODE, "鹿城区", "一.6", "复核", OFFICE, value=Decimal(70))):
        with pytest.raises(KaoheError) as refusal:
            attempt()
        assert refusal.value.problems[0].message.startswith("本轮次已公布最终结果，不能再")
    assert table_counts() == before


def test_a_value_entered_by_someone_else_since_the_form_was_opened_is_a_conflict(noticed):
    from kaohe.round import actions
    from kaohe.round.state import find_round, latest_entries
    seen = latest_entries(find_round(CODE))[("鹿城区", "二.7")]
    actions.judge(CODE, "鹿城区", "二.7", Decimal(3), "复查台账", "第一组", "第一组副组长")
    before = table_counts()
    data = {"value": {"score": Decimal(2), "reason": "台账缺失", "inspector": "第一组"}}
    with pytest.raises(actions.Conflict) as refusal:
        actions.enter_values(CODE, "第一组", "inspection",
                             [actions.PartyValue("鹿城区", "二.7", data, "第一组组长", expected=str(seen.pk))], "第一组组长")
    assert refusal.value.problems[0].message == (
        "冲突：鹿城区的“二.7 工程质量安全隐患排查和专项整治”在您打开本页后已有第一组副组长录入的新值；本次没有记录任何内容")
    assert table_counts() == before
