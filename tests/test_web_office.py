"""The assessment office's pages: 试算 and the dashboard's scores and grade chart, a unit's score sheet and its xlsx,
adjustments with their conflict check, the appeals queue and decisions, publishing, the audit log and the exports.
Django's test Client against a real SQLite round database."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import html
import io
import json
import re
import zipfile
from collections import Counter
from decimal import Decimal
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.round_helpers import SAMPLES
from tests.web_helpers import (  # noqa: F401 - fixtures
    ADMIN,
    CODE,
    DEPARTMENT_USER,
    INSPECTOR,
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

ESCAPED = "&lt;script&gt;alert(&#x27;kaohe&#x27;)&lt;/script&gt;"
PDF = b"%PDF-1.4 \xe2\x80\x94 a test report\n%%EOF\n"
GET_ROUTES = ["/office/", f"/office/units/{UNIT_A}/", f"/office/units/{UNIT_A}/sheet.xlsx",
              f"/office/adjust/?unit={UNIT_A}&item=一.1", "/office/appeals/", "/office/appeals/1/",
              "/office/appeals/1/files/1/", "/office/publish/", "/office/log/", "/office/export/",
              "/office/export/1.zip"]
POST_ROUTES = ["/office/score/", "/office/adjust/", "/office/appeals/1/", "/office/publish/"]


def latest_run():
    from kaohe.round.models import ScoringRun
    return ScoringRun.objects.order_by("-number").first()


def document_of(run) -> dict:
    return json.loads(run.document)


def hidden(text: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', text)
    assert found, name
    return html.unescape(found.group(1))


def make_appeal(items=("一.1",), reason="抽查统计口径有误", files=None):
    from kaohe.round import actions
    from kaohe.round.attachments import Attachment
    attached = [Attachment("报告.pdf", PDF)] if files is None else files
    return actions.appeal(CODE, UNIT_A, list(items), reason, USER_A, attached)


# --- 试算 and the dashboard ----------------------------------------------------------------------------------


def test_trial_scoring_records_a_provisional_run_that_the_dashboard_shows(fresh):
    from kaohe.round import actions
    from kaohe.round.models import AuditEntry
    for unit in (UNIT_A, UNIT_B):
        actions.submit(CODE, SAMPLES[unit], f"{unit}联络员")
    browser = client(OFFICE_USER)
    assert "还没有评分" in page(browser.get("/office/"))
    response = browser.post("/office/score/")
    assert response.status_code == 302 and response["Location"] == "/office/"
    run = latest_run()
    assert (run.number, run.provisional, run.actor) == (1, True, OFFICE_USER)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.record) == ("score", OFFICE_USER, "ScoringRun")
    text = page(browser.get("/office/"))
    assert "已完成第1次评分（暂定）" in text
    assert '第1次评分<strong class="provisional">（暂定）</strong>' in text
    units = document_of(run)["units"]
    assert {u["unit"] for u in units} == {UNIT_A, UNIT_B}
    for u in units:
        assert u["band_grade"] == u["grade"]
        row = (f'<tr data-unit="{u["unit"]}"><td>{u["rank"]}</td><td><a href="/office/units/{quote(u["unit"])}/">'
               f'{u["unit"]}</a></td><td class="num">{u["total"]}</td><td class="num">{u["graded_total"]}</td>'
               f'<td>{u["grade"]}（暂定）</td></tr>')
        assert row in text
    assert text.count("<tr><td>") == 11  # the roster is still there, one row per unit
    missing = browser.get("/office/units/瓯海区/")  # on the roster, not submitted: not in the run
    assert missing.status_code == 404 and "第1次评分（暂定）" in page(missing) and "中没有 瓯海区 的结果" in page(missing)


def test_trial_scoring_with_nothing_submitted_is_refused_in_chinese(fresh):
    before = written()
    response = client(OFFICE_USER).post("/office/score/", follow=True)
    assert response.status_code == 200
    assert "试算没有完成：还没有任何单位通过校验的报送，无法评分" in page(response)
    assert written() == before


def test_the_dashboard_shows_the_latest_run_and_a_grade_chart_of_its_grades(published):
    from kaohe.round.state import find_round, ruleset_of
    run = latest_run()
    text = page(client(OFFICE_USER).get("/office/"))
    document = document_of(run)
    assert f"第{run.number}次评分：" in text and "（暂定）" not in text.split('id="run"')[1].split("</p>")[0]
    for u in document["units"]:
        vetoed = f'<span class="small">（原{u["band_grade"]}）</span>' if u["band_grade"] != u["grade"] else ""
        assert f'<td class="num">{u["total"]}</td><td class="num">{u["graded_total"]}</td><td>{u["grade"]}{vetoed}</td>' \
            in text.split(f'<tr data-unit="{u["unit"]}">')[1].split("</tr>")[0]
    assert '<td>D<span class="small">（原C）</span></td>' in text.split('<tr data-unit="洞头县">')[1]  # its veto
    chart = text.split('<figure class="chart" id="grade-chart">')[1].split("</figure>")[0]
    counted = dict(re.findall(r'<g class="bar" data-grade="([^"]+)" data-count="(\d+)">', chart))
    grades = Counter(u["grade"] for u in document["units"])
    labels = ruleset_of(find_round(CODE)).grading.labels
    assert list(counted) == list(labels) == ["A", "B", "C", "D"]
    assert {label: int(count) for label, count in counted.items()} == {label: grades.get(label, 0) for label in labels}
    assert sum(int(c) for c in counted.values()) == 11
    title = "等次分布：" + "，".join(f"{label} {grades.get(label, 0)}个" for label in labels)
    assert f'<title id="grade-chart-title">{title}</title>' in chart and f"<figcaption>{title}</figcaption>" in chart
    for label in labels:  # each count is written as text too, not only as a bar's height
        assert re.search(rf'font-size="13">{grades.get(label, 0)}</text>', chart)
    assert "<script" not in text and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


# --- a unit's score sheet --------------------------------------------------------------------------------------


def test_a_unit_sheet_shows_its_total_and_grade_with_notes_and_escapes_markup(published):
    run = latest_run()
    own = next(u for u in document_of(run)["units"] if u["unit"] == UNIT_A)
    browser = client(OFFICE_USER)
    text = page(browser.get(f"/office/units/{UNIT_A}/"))
    assert f'<td id="sheet-unit">{UNIT_A}</td>' in text
    assert f'<td id="sheet-total">{own["total"]}</td>' in text and f'<td id="sheet-grade">{own["grade"]}</td>' in text
    assert f"第{run.number}次评分" in text and "制造业产品质量合格率" in text
    assert SCRIPT not in text and f"备注：{ESCAPED}" in text
    adjusted = page(browser.get("/office/units/苍南县/"))
    assert '<span class="mark">经调整</span>' in adjusted and "实地核查取得测评报告" in adjusted
    noticed = page(browser.get(f"/office/units/{UNIT_A}/?publication=1"))
    assert "第1号发布：公示" in noticed and f'<td id="sheet-total">{own["total"]}</td>' in noticed
    assert 'href="/office/units/%E9%B9%BF%E5%9F%8E%E5%8C%BA/sheet.xlsx?publication=1"' in noticed


def test_an_unknown_unit_or_publication_is_not_found(published):
    browser = client(OFFICE_USER)
    assert browser.get("/office/units/不存在区/").status_code == 404
    assert browser.get("/office/units/不存在区/sheet.xlsx").status_code == 404
    assert browser.get(f"/office/units/{UNIT_A}/?publication=9").status_code == 404
    assert browser.get(f"/office/units/{UNIT_A}/?publication=x").status_code == 404


def test_before_any_scoring_a_sheet_is_not_found(fresh):
    response = client(OFFICE_USER).get(f"/office/units/{UNIT_A}/")
    assert response.status_code == 404 and "本轮次还没有评分" in page(response)
    assert client(OFFICE_USER).get(f"/office/units/{UNIT_A}/sheet.xlsx").status_code == 404


def test_the_sheet_downloads_as_an_xlsx_naming_the_unit(published):
    run = latest_run()
    own = next(u for u in document_of(run)["units"] if u["unit"] == UNIT_A)
    response = client(OFFICE_USER).get(f"/office/units/{UNIT_A}/sheet.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment") and quote(UNIT_A) in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(UNIT_A in c for c in cells) and any(own["total"] in c for c in cells)
    assert client(OFFICE_USER).get(f"/office/units/{UNIT_A}/sheet.xlsx").content == response.content


def test_the_results_cache_refuses_a_run_whose_evidence_no_longer_gives_its_document(published):
    from kaohe.round.models import ScoringRun
    from kaohe.round.state import find_round
    from kaohe.web.results import run_results
    run = latest_run()
    assert set(run_results(find_round(CODE), run)) >= {UNIT_A, UNIT_B}
    assert run_results(find_round(CODE), run) is run_results(find_round(CODE), run)  # computed once
    forged = ScoringRun(pk=run.pk + 1000, number=99, round=run.round, provisional=False, evidence=run.evidence,
                        document=run.document.replace('"total":"', '"total":"1', 1), digest="0" * 64)
    from kaohe.engine import KaoheError
    with pytest.raises(KaoheError, match="不一致"):
        run_results(find_round(CODE), forged)


def test_threads_asking_for_the_same_new_run_at_once_share_one_scoring(published):
    import threading

    from django.db import connections

    from kaohe.round import actions
    from kaohe.round.state import find_round, ruleset_of
    from kaohe.web.results import run_results
    actions.score(CODE, OFFICE_USER, provisional=True)  # a run no page has asked for yet
    round_, run = find_round(CODE), latest_run()
    ruleset_of(round_)
    found, start = [], threading.Barrier(4)

    def ask():
        start.wait()
        found.append(run_results(round_, run))
        connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and all(f is found[0] for f in found)
    assert list(found[0]) == [u["unit"] for u in document_of(run)["units"]]


# --- adjustments ---------------------------------------------------------------------------------------------


def test_an_adjustment_is_recorded_with_its_reason_and_the_user_as_actor(published):
    from kaohe.round.models import Adjustment, AuditEntry
    browser = client(OFFICE_USER)
    text = page(browser.get(f"/office/adjust/?unit={UNIT_A}&item=一.1"))
    assert "一.1 制造业产品质量合格率" in text and '<td id="current-value">93.6%</td>' in text
    assert "单位报送（第1版）" in text and "苍南县" in text.split('id="adjustments"')[1]  # the fixture's adjustment
    expect = hidden(text, "expect")
    response = browser.post("/office/adjust/", {"unit": UNIT_A, "item": "一.1", "expect": expect, "value": "95%",
                                                "score": "", "reason": "实地核查：抽查统计表更正"})
    assert response.status_code == 302 and response["Location"] == f"/office/adjust/?unit={quote(UNIT_A)}&item={quote('一.1')}"
    row = Adjustment.objects.order_by("-id").first()
    assert (row.unit, row.item_id, row.kind, row.reason, row.actor) == (UNIT_A, "一.1", "value", "实地核查：抽查统计表更正",
                                                                        OFFICE_USER)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor) == ("adjust", OFFICE_USER)
    after = page(browser.get(response["Location"]))
    assert "已调整 鹿城区 一.1 制造业产品质量合格率：填报值 93.6% → 95%（理由：实地核查：抽查统计表更正）" in after
    assert '<td id="current-value">95%</td>' in after

    # A second clerk's page still shows 93.6%: the change is refused, nothing written.
    before = written()
    stale = browser.post("/office/adjust/", {"unit": UNIT_A, "item": "一.1", "expect": expect, "value": "96",
                                             "reason": "另一位同事的更正"})
    assert stale.status_code == 400
    assert "冲突：一.1 制造业产品质量合格率 的当前值已是 95，不是您看到的 93.6；本次调整没有写入" in page(stale)
    assert written() == before


def test_a_score_seen_as_unadjusted_is_a_conflict_once_someone_adjusted_it(published):
    browser = client(OFFICE_USER)
    text = page(browser.get(f"/office/adjust/?unit={UNIT_A}&item=二.1"))
    expect = hidden(text, "expect")
    assert json.loads(expect)["score"] is None and "无（按细则计算）" in text
    first = browser.post("/office/adjust/", {"unit": UNIT_A, "item": "二.1", "expect": expect, "score": "2",
                                             "reason": "现场核查材料不全"})
    assert first.status_code == 302
    before = written()
    second = browser.post("/office/adjust/", {"unit": UNIT_A, "item": "二.1", "expect": expect, "score": "1.5",
                                              "reason": "同时打开的页面"})
    assert second.status_code == 400 and "冲突：二.1 农业标准化实施率 的当前调整后得分已是 2，不是您看到的 “无”" in page(second)
    assert written() == before


def test_a_refused_adjustment_is_explained_in_chinese_and_writes_nothing(published):
    browser = client(OFFICE_USER)
    expect = hidden(page(browser.get(f"/office/adjust/?unit={UNIT_A}&item=一.1")), "expect")
    before = written()
    cases = [({"value": "95", "reason": ""}, "请写明理由"),
             ({"value": "95", "score": "3", "reason": "x"}, "新的填报值和新的得分只能填一项"),
             ({"reason": "x"}, "请填写新的填报值或新的得分"),
             ({"score": "9", "reason": "x"}, "调整后的得分 9 超出本项分值范围 0–5"),
             ({"score": "三分", "reason": "x"}, "新的得分应为数字"),
             ({"value": "130", "reason": "x"}, "130")]
    for data, message in cases:
        response = browser.post("/office/adjust/", {"unit": UNIT_A, "item": "一.1", "expect": expect, **data})
        assert response.status_code == 400, data
        assert message in page(response), (data, page(response).split('id="problems"')[-1][:300])
    assert written() == before
    assert browser.get("/office/adjust/?unit=不存在区&item=一.1").status_code == 404
    assert browser.get(f"/office/adjust/?unit={UNIT_A}&item=九.9").status_code == 404


# --- appeals -------------------------------------------------------------------------------------------------


def test_an_appeal_is_listed_its_file_downloads_and_an_upheld_decision_adjusts(published):
    from kaohe.round.models import Adjustment, AuditEntry, Decision
    make_appeal(reason=f"统计口径有误{SCRIPT}")
    browser = client(OFFICE_USER)
    queue = page(browser.get("/office/appeals/"))
    row = queue.split('id="appeals"')[1].split("</table>")[0]
    assert '<a href="/office/appeals/1/">第1号</a>' in row and f"<td>{UNIT_A}</td>" in row
    assert "一.1 制造业产品质量合格率" in row and f"统计口径有误{ESCAPED}" in row and "<td>1</td>" in row
    assert "未决定" in row and SCRIPT not in queue

    text = page(browser.get("/office/appeals/1/"))
    assert '<a href="/office/appeals/1/files/1/" download>报告.pdf</a>' in text and SCRIPT not in text
    assert 'id="decide-form"' in text and "93.6%" in text and "<td>5</td>" in text  # the item now, and its points
    download = browser.get("/office/appeals/1/files/1/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/octet-stream"
    assert browser.get("/office/appeals/1/files/2/").status_code == 404
    assert browser.get("/office/appeals/2/").status_code == 404

    before = written()
    refused = browser.post("/office/appeals/1/", {"outcome": "uphold", "item": "一.1", "reason": "核实"})
    assert refused.status_code == 400 and "请填写新的填报值或新的得分" in page(refused) and written() == before
    response = browser.post("/office/appeals/1/", {"outcome": "uphold", "item": "一.1", "value": "95",
                                                   "reason": "核实抽查统计表，申诉成立"})
    assert response.status_code == 302 and response["Location"] == "/office/appeals/1/"
    decision = Decision.objects.get()
    assert (decision.upheld, decision.actor, decision.reason) == (True, OFFICE_USER, "核实抽查统计表，申诉成立")
    adjustment = Adjustment.objects.get(appeal=decision.appeal)
    assert (adjustment.unit, adjustment.item_id, adjustment.actor) == (UNIT_A, "一.1", OFFICE_USER)
    assert set(AuditEntry.objects.order_by("-seq").values_list("action", "actor")[:2]) == {
        ("decide", OFFICE_USER), ("adjust", OFFICE_USER)}
    shown = page(browser.get("/office/appeals/1/"))
    assert "第1号申诉已维持" in shown and "<strong>维持</strong>：核实抽查统计表，申诉成立（考核办王五" in shown
    assert 'id="decide-form"' not in shown
    again = browser.post("/office/appeals/1/", {"outcome": "reject", "reason": "再来一次"})
    assert again.status_code == 400 and Decision.objects.count() == 1


# --- publishing ----------------------------------------------------------------------------------------------


def test_the_final_result_is_refused_while_an_appeal_is_undecided_then_published(published):
    from kaohe.round.models import Publication
    make_appeal(files=[])
    browser = client(OFFICE_USER)
    before = written()
    refused = browser.post("/office/publish/", {"kind": "final", "note": ""})
    assert refused.status_code == 400 and "还有未决定的申诉：第1号（鹿城区）" in page(refused)
    assert written() == before
    decided = browser.post("/office/appeals/1/", {"outcome": "reject", "reason": "抽查统计表无误"})
    assert decided.status_code == 302
    response = browser.post("/office/publish/", {"kind": "final", "note": "经公示和复核"})
    assert response.status_code == 302 and response["Location"] == "/office/publish/"
    final = Publication.objects.get(number=2)
    assert (final.kind, final.actor, final.note) == ("final", OFFICE_USER, "经公示和复核")
    text = page(browser.get("/office/publish/"))
    assert "已发布第2号：最终结果" in text
    table = text.split('id="publications"')[1]
    assert "<td>第1号</td><td>公示</td>" in table and "<td>第2号</td><td>最终结果</td>" in table
    assert 'id="publish-form"' not in text and "本轮次已结束，不再受理发布" in text
    before = written()
    again = browser.post("/office/publish/", {"kind": "final", "note": ""})
    assert again.status_code == 400 and "本轮次已公布最终结果，不能再发布" in page(again) and written() == before


def test_a_notice_needs_its_deadline_and_note_and_an_unchanged_one_is_refused(published):
    browser = client(OFFICE_USER)
    before = written()
    cases = [({"kind": "notice", "note": "书面提出"}, "公示应写明申诉截止的日期和时间"),
             ({"kind": "notice", "appeal_date": "2099-03-20", "appeal_time": "17:30"}, "公示应写明说明"),
             ({"kind": "notice", "appeal_date": "2001-03-20", "appeal_time": "17:30", "note": "x"}, "申诉截止时间已经过去"),
             ({"kind": "notice", "appeal_date": "明天", "appeal_time": "17:30", "note": "x"}, "日期应写成 2015-03-20"),
             ({}, "请选择发布公示还是最终结果"),
             ({"kind": "notice", "appeal_date": "2099-03-20", "appeal_time": "17:30", "note": "书面提出"},
              "与上一次公示（第1号）相比没有任何变化，不再重复发布")]
    for data, message in cases:
        response = browser.post("/office/publish/", data)
        assert response.status_code == 400, data
        assert message in page(response), data
    assert written() == before


def test_a_new_notice_after_an_adjustment_carries_its_deadline_in_china_time(published):
    from kaohe.round import actions
    from kaohe.round.models import Publication
    from kaohe.round.state import shown
    actions.adjust(CODE, UNIT_B, "一.1", "实地核查", OFFICE_USER, value=Decimal(99))
    response = client(OFFICE_USER).post("/office/publish/", {"kind": "notice", "appeal_date": "2099-03-20",
                                                             "appeal_time": "17:30", "note": "书面提出"})
    assert response.status_code == 302
    notice = Publication.objects.get(number=2)
    assert (notice.kind, notice.actor, notice.note, shown(notice.appeal_until)) == (
        "notice", OFFICE_USER, "书面提出", "2099-03-20 17:30")


# --- the audit log -------------------------------------------------------------------------------------------


def test_the_log_lists_the_round_entries_newest_first_with_their_actors(published):
    from kaohe.round.models import AuditEntry
    entries = AuditEntry.objects.filter(round_code=CODE).order_by("-seq")
    browser = client(OFFICE_USER)
    text = page(browser.get("/office/log/"))
    rows = re.findall(r'<tr class="entry"><td>(\d+)</td><td class="nowrap">[^<]+</td><td>([^<]+)</td>', text)
    assert [int(seq) for seq, _ in rows] == [e.seq for e in entries[:100]]
    assert [actor for _, actor in rows] == [e.actor for e in entries[:100]]
    assert f"共 {entries.count()} 条" in text and "<td class=\"nowrap\">发布</td>" in text
    assert 'title="{&quot;note&quot;:&quot;测评报告尚未出具，待补&quot;,&quot;value&quot;:null} → {&quot;note&quot;:' in text
    assert ">未填报 → 76</td>" in text  # the fixture's adjustment of 苍南县, before → after
    assert ">单位 泰顺县；版本 1；通过校验 是；逾期 否；摘要 " not in text  # keys in sorted order, as stored
    assert re.search(r">通过校验 是；摘要 [0-9a-f]{12}；逾期 否；单位 泰顺县；版本 1</td>", text)
    if entries.count() > 100:
        second = page(browser.get("/office/log/?page=2"))
        assert f"<td>{entries[100].seq}</td>" in second
    mine = page(browser.get(f"/office/log/?actor={quote(USER_A)}"))
    actors = set(re.findall(r'<tr class="entry"><td>\d+</td><td class="nowrap">[^<]+</td><td>([^<]+)</td>', mine))
    assert actors == {USER_A}
    cangnan = page(browser.get(f"/office/log/?unit={quote('苍南县')}"))
    assert "调整 苍南县 一.6" in cangnan and "苍南县 报送第1版" in cangnan and "鹿城区 报送" not in cangnan


def test_the_log_shows_markup_escaped(published):
    from kaohe.round import actions
    actions.adjust(CODE, UNIT_A, "一.1", f"核查{SCRIPT}", OFFICE_USER, value=Decimal(95))
    text = page(client(OFFICE_USER).get("/office/log/"))
    assert SCRIPT not in text and f"核查{ESCAPED}" in text


# --- exports -------------------------------------------------------------------------------------------------


def test_an_export_is_a_zip_of_the_publication_byte_identical_each_time(published):
    browser = client(OFFICE_USER)
    listing = page(browser.get("/office/export/"))
    assert 'href="/office/export/1.zip"' in listing
    first = browser.get("/office/export/1.zip")
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    assert first["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(first.content))
    assert archive.testzip() is None
    names = {name.split("/", 1)[1] for name in archive.namelist()}
    assert {"公示名单.xlsx", "公示名单.html", "round.json", "results.json", "汇总.xlsx", f"{UNIT_A}.xlsx"} <= names
    assert not any(name.startswith(".") for name in names)
    manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("/round.json"))))
    assert manifest["publication"]["number"] == 1 and manifest["result"]["digest"] == latest_run().digest
    assert browser.get("/office/export/1.zip").content == first.content
    assert browser.get("/office/export/2.zip").status_code == 404


# --- who may reach what --------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [USER_A, INSPECTOR, DEPARTMENT_USER, ADMIN])
def test_only_the_office_reaches_the_office_pages(published, user):
    make_appeal()
    browser = client(user)
    before = written()
    for route in GET_ROUTES:
        assert browser.get(route).status_code == 403, route
    for route in POST_ROUTES:
        assert browser.post(route, {"outcome": "reject", "reason": "x", "kind": "final"}).status_code == 403, route
    assert written() == before
    office = client(OFFICE_USER)
    for route in GET_ROUTES:
        assert office.get(route).status_code == 200, route


def test_every_office_page_needs_a_login(published):
    make_appeal()
    before = written()
    for route in GET_ROUTES:
        response = client().get(route)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), route
    for route in POST_ROUTES:
        response = client().post(route, {"outcome": "reject", "reason": "x", "kind": "final"})
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), route
    assert written() == before


def test_every_office_form_needs_its_csrf_token(published):
    make_appeal()
    browser = client(OFFICE_USER, csrf=True)
    expect = hidden(page(client(OFFICE_USER).get(f"/office/adjust/?unit={UNIT_A}&item=一.1")), "expect")
    forms = {"/office/score/": {},
             "/office/adjust/": {"unit": UNIT_A, "item": "一.1", "expect": expect, "value": "95", "reason": "x"},
             "/office/appeals/1/": {"outcome": "reject", "reason": "x"},
             "/office/publish/": {"kind": "final", "note": ""}}
    assert set(forms) == set(POST_ROUTES)
    before = written()
    for route, data in forms.items():
        response = browser.post(route, data)
        assert response.status_code == 403 and "页面已过期" in page(response), route
    assert written() == before
    text = page(browser.get("/office/publish/"))  # with its token, the same form goes through
    token = text.split('name="csrfmiddlewaretoken" value="')[2].split('"')[0]
    response = browser.post("/office/appeals/1/", {"csrfmiddlewaretoken": token, "outcome": "reject", "reason": "x"})
    assert response.status_code == 302
