"""`kaohe round export`: a publication's complete set of outputs (SQLite is enough here: export only reads).

The round: the bundled 温州 2014 samples with every inspection and department row (tests/round_helpers.py),
苍南县's 一.6 value adjusted 未填报 → 76 and 鹿城区's 二.7 score adjusted 3.5 → 3 before the 公示; after it
appeal 1 (龙湾区 一.7 63 → 64 %) upheld and appeal 2 (平阳县 二.12) rejected, then the final result.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.round_helpers import (
    OFFICE,
    UNITS,
    WENZHOU,
    close_connections,
    execute,
    kaohe,
    ok,
    open_db,
    play_round,
    refused,
)

CODE = "wz"
TITLE = "2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）"  # the round's: the ruleset's title
FUTURE = dt.datetime(2099, 1, 31, tzinfo=dt.timezone.utc)  # 2099-01-31 08:00 in China
NOTE = "请于公示期内向市质量强市工作领导小组办公室书面提出"
ISSUER = "温州市质量强市工作领导小组办公室"
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
A_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")

# The 公示 (第1号) in roster order: the file engine's sample scores, with 苍南县 83.5 (一.6 adjusted to 76: full 4
# points on 79.5) and 鹿城区 89.5 (二.7 judged 3.5, adjusted to 3: 90 − 0.5, so B, not A).
NOTICE = [("鹿城区", "B", "89.5"), ("龙湾区", "B", "89.5"), ("瓯海区", "A", "99.5"), ("洞头县", "D", "78"),
          ("瑞安市", "A", "100.5"), ("乐清市", "B", "81.55"), ("永嘉县", "C", "60"), ("平阳县", "D", "59.5"),
          ("苍南县", "B", "83.5"), ("文成县", "C", "69.5"), ("泰顺县", "C", "66.45")]
# The final (第2号): appeal 1 upheld, 龙湾区's 一.7 63 → 64 % earns the full 3 (2.5 before): 90, A.
FINAL = [("龙湾区", "A", "90") if unit == "龙湾区" else (unit, grade, total) for unit, grade, total in NOTICE]


def play(db: str) -> None:
    play_round(db, CODE, until="entries")  # submissions, inspection and department rows, 苍南县 一.6 → 76
    from kaohe.round import actions
    from kaohe.round.models import Publication

    actions.adjust(CODE, "鹿城区", "二.7", "实地核查隐患排查台账不全", OFFICE, score=Decimal(3))
    actions.publish(CODE, Publication.NOTICE, OFFICE, appeal_until=FUTURE, note=NOTE)
    actions.appeal(CODE, "龙湾区", ["一.7"], "水质监测数据有误", "龙湾区联络员")
    actions.appeal(CODE, "平阳县", ["二.12"], "已制定考核办法", "平阳县联络员")
    actions.decide(CODE, 1, True, "复核属实", OFFICE, value=Decimal(64))
    actions.decide(CODE, 2, False, "未能提供县政府文件", OFFICE)
    actions.publish(CODE, Publication.FINAL, OFFICE)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("round") / "r.sqlite3")
    play(path)
    yield path
    close_connections()


@pytest.fixture
def opened(db):
    open_db(db)
    return db


def export(db: str, out: Path, *args) -> str:
    return ok(kaohe(db, "export", CODE, "-o", out, *args))


def sheet_rows(path: Path, sheet: str | None = None) -> list[list]:
    """Every row of a workbook's (first) sheet, its empty cells dropped."""
    workbook = load_workbook(path)
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    return [[c.value for c in row if c.value is not None] for row in ws.iter_rows()]


def timeless(value):
    """Times and dates of the clock written as <时间>, <日期>; the tests' own (in 2099) kept."""
    def clock(match: re.Match) -> str:
        return match[0] if match[0].startswith("2099") else "<日期>" if "年" in match[0] else "<时间>"
    if isinstance(value, str):
        return TIME.sub(clock, A_DATE.sub(clock, value))
    return [timeless(v) for v in value]


def section(rows: list[list], title: str = "调整与申诉") -> list[list]:
    """The rows of a score sheet's 调整与申诉 section, up to the 依据条款 that follow it (or the signatures)."""
    start = rows.index([title])
    end = next(i for i in range(start, len(rows))
               if rows[i] and (str(rows[i][0]).startswith("评分人") or rows[i] == ["依据条款"]))
    return [r for r in rows[start:end] if r]


def item_row(path: Path, item_id: str) -> list:
    ws = load_workbook(path)["评分表"]
    return [c.value for c in next(r for r in ws.iter_rows(min_row=7) if r[0].value == item_id)]


# --- the whole set --------------------------------------------------------------------------------------------


def test_the_final_result_is_exported_as_one_complete_set(opened, tmp_path):
    from kaohe.engine import load_ruleset
    from kaohe.round.state import find_round, publications

    out = export(opened, tmp_path / "out", "--issuer", ISSUER)
    assert timeless(out.splitlines()) == [
        f"已导出第2号发布（最终结果，结果摘要 {publications(find_round(CODE))[1].run.digest[:12]}）到 {tmp_path / 'out'}/：",
        "11 个单位的评分表（.xlsx、.html，注明调整与申诉）、汇总.xlsx、汇总.html、results.json、summary.txt、"
        "公示名单.xlsx、公示名单.html、变化.xlsx、变化.html（与第1号发布比较）、round.json",
    ]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([".kaohe-manifest.json", "results.json", "summary.txt", "汇总.xlsx", "汇总.html",
                            "公示名单.xlsx", "公示名单.html", "变化.xlsx", "变化.html", "round.json",
                            *(f"{u}.{s}" for u in UNITS for s in ("xlsx", "html"))])
    final = publications(find_round(CODE))[1]
    results = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    assert results == final.run.document  # exactly what was published
    assert [(u["unit"], u["grade"], u["total"]) for u in json.loads(results)["units"]] == FINAL

    manifest = json.loads((tmp_path / "out" / "round.json").read_text(encoding="utf-8"))
    ruleset = load_ruleset(WENZHOU)
    digest = hashlib.sha256((tmp_path / "out" / "results.json").read_bytes()).hexdigest()
    assert manifest["format"] == "kaohe.round-export/1"
    assert manifest["round"] == {"code": CODE, "title": TITLE, "previous": None}
    assert {k: manifest["publication"][k] for k in ("number", "kind", "by", "appeal_until", "note")} == {
        "number": 2, "kind": "final", "by": OFFICE, "appeal_until": None, "note": ""}
    assert manifest["result"] == {"digest": digest, "file": "results.json", "units": 11}
    assert digest == final.run.digest
    assert manifest["ruleset"]["digest"] == ruleset.digest
    assert manifest["ruleset"]["files"] == [
        {"path": "wenzhou-2014/ruleset.yaml", "digest": sha256(WENZHOU / "ruleset.yaml")},
        {"path": "national-2013/ruleset.yaml", "digest": sha256(WENZHOU.parent / "national-2013" / "ruleset.yaml")}]
    assert [e["unit"] for e in manifest["evidence"]] == UNITS
    assert (manifest["adjustments"], manifest["appeals"]) == (3, 2)
    assert manifest["since"] == {"number": 1, "kind": "notice", "digest": publications(find_round(CODE))[0].run.digest}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_export_gives_the_same_bytes(opened, tmp_path):
    export(opened, tmp_path / "a")
    export(opened, tmp_path / "b")
    export(opened, tmp_path / "a")  # replaces its own earlier set
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert len(first) == 32  # 22 score sheets, 4 summary files, 公示名单 and 变化 twice, round.json, the manifest


# --- the 公示 list --------------------------------------------------------------------------------------------


def test_the_notice_lists_units_and_grades_in_roster_order(opened, tmp_path):
    export(opened, tmp_path / "notice", "--publication", "1", "--issuer", ISSUER)
    rows = sheet_rows(tmp_path / "notice" / "公示名单.xlsx")
    assert rows[:3] == [[TITLE], ["考核结果公示"], [
        "　　根据《2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）》，现将各被考核单位的考核等次"
        "予以公示（按被考核单位名单顺序排列）。"]]
    table = rows[rows.index(["序号", "被考核单位", "考核等次"]) + 1:][:11]
    assert table == [[str(n), unit, grade] for n, (unit, grade, _) in enumerate(NOTICE, start=1)]
    rest = [r[0] for r in rows[rows.index(["序号", "被考核单位", "考核等次"]) + 12:] if r]
    assert timeless(rest[:4]) == ["公示期：<日期>至2099年1月31日（申诉截止 2099-01-31 08:00）。", f"申诉：{NOTE}",
                                  ISSUER, "<日期>"]
    assert "结果摘要（sha256）" in rest[4] and "细则 wenzhou-2014 版本 2014.1" in rest[4]
    from kaohe.round.state import find_round, publications
    assert publications(find_round(CODE))[0].run.digest in rest[4]

    html = (tmp_path / "notice" / "公示名单.html").read_text(encoding="utf-8")
    cells = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>(.+?)</td><td class=\"num\">(.+?)</td></tr>", html)
    assert cells == [(str(n), unit, grade) for n, (unit, grade, _) in enumerate(NOTICE, start=1)]
    assert "<h2>考核结果公示</h2>" in html and NOTE in html and "size: A4 portrait" in html
    assert not (tmp_path / "notice" / "变化.xlsx").exists()  # nothing was published before it


def test_the_final_list_with_scores_says_how_the_appeals_were_decided(opened, tmp_path):
    export(opened, tmp_path / "final", "--with-scores")
    rows = sheet_rows(tmp_path / "final" / "公示名单.xlsx")
    assert rows[1] == ["考核最终结果"]
    header = rows.index(["序号", "被考核单位", "考核等次", "总分"])
    assert rows[header + 1:header + 12] == [[str(n), unit, grade, total]
                                            for n, (unit, grade, total) in enumerate(FINAL, start=1)]
    assert "公示期间共受理申诉2件：维持1件，驳回1件。" in [r[0] for r in rows if r]


def test_a_notice_page_is_set_up_for_printing(opened, tmp_path):
    export(opened, tmp_path / "p")
    ws = load_workbook(tmp_path / "p" / "公示名单.xlsx").worksheets[0]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["A1"].font.name == "宋体"


# --- the changes ----------------------------------------------------------------------------------------------


def test_the_changes_after_the_upheld_appeal(opened, tmp_path):
    export(opened, tmp_path / "out")
    rows = sheet_rows(tmp_path / "out" / "变化.xlsx")
    assert rows[1] == ["考核结果变化：第1号公示 → 第2号最终结果"]
    assert rows[3] == ["有变化的单位 2 个；其余 9 个单位的总分、等次、名次和各项得分均未变化。"]
    header = rows.index(["单位", "项目", "变化前", "变化后", "说明（变化后）", "原因"])
    assert timeless(rows[header + 1:header + 8]) == [
        # 鹿城区 is overtaken by 龙湾区 (both 89.5 and 3rd in the 公示): its own result did not change
        ["鹿城区", "总分", "89.5", "89.5"],
        ["等次", "B", "B", "总分89.5分（不取舍），80-89分为B级（即80分及以上、低于90分），定为B"],
        ["名次", "3", "4", "本单位总分未变，名次因其他单位的总分变化而变"],
        ["龙湾区", "总分", "89.5", "90"],
        ["等次", "B", "A", "总分90分（不取舍），90分及以上为A级（即90分及以上），定为A"],
        ["名次", "3", "3"],
        ["一.7 地表水Ⅲ类以上水质比例", "2.5", "3", "目标≥64%，实际64%，达到目标，得3分",
         "第1号申诉（<时间> 提出：水质监测数据有误）维持：复核属实（考核办王五，<时间>）；填报值 63% → 64%"],
    ]
    assert rows[header + 8:] == [[], [rows[header + 9][0]]]  # then only the digests
    assert "第1号公示结果摘要" in rows[header + 9][0]

    html = (tmp_path / "out" / "变化.html").read_text(encoding="utf-8")
    assert '<td class="unit" rowspan="4">龙湾区</td><td>总分</td><td class="num">89.5</td><td class="num">90</td>' in html


def test_changes_since_a_given_publication_in_either_order(opened, tmp_path):
    export(opened, tmp_path / "back", "--publication", "1", "--since", "2")
    rows = sheet_rows(tmp_path / "back" / "变化.xlsx")
    assert rows[1] == ["考核结果变化：第2号最终结果 → 第1号公示"]
    header = rows.index(["单位", "项目", "变化前", "变化后", "说明（变化后）", "原因"])
    assert rows[header + 4][:4] == ["龙湾区", "总分", "90", "89.5"]


# --- the score sheets -------------------------------------------------------------------------------------------


def test_score_sheets_mark_adjusted_items_and_list_adjustments_and_appeals(opened, tmp_path):
    export(opened, tmp_path / "out")
    out = tmp_path / "out"
    assert item_row(out / "鹿城区.xlsx", "二.7")[5] == 3  # 得分 stays a number; the mark opens the explanation
    assert item_row(out / "鹿城区.xlsx", "二.7")[6].startswith("【经调整】")
    assert item_row(out / "龙湾区.xlsx", "一.7")[5] == 3 and item_row(out / "龙湾区.xlsx", "一.7")[6].startswith("【经申诉】")
    assert item_row(out / "苍南县.xlsx", "一.6")[5] == 4 and item_row(out / "苍南县.xlsx", "一.6")[6].startswith("【经调整】")
    assert item_row(out / "鹿城区.xlsx", "一.7")[5] == 2  # not adjusted: no mark, and a number

    legend = ("得分注“经调整”的指标由考核办公室调整，注“经申诉”的指标因申诉维持而调整；"
              "调整的原值、新值、理由、调整人和时间见下表。")
    adjustments = ["指标", "原值/计算得分", "新值/调整后得分", "理由", "调整人", "时间"]
    appeals = ["编号", "指标", "申诉理由", "提出时间", "决定", "决定理由", "决定人", "决定时间"]
    assert timeless(section(sheet_rows(out / "鹿城区.xlsx"))) == [
        ["调整与申诉"], [legend], ["调整"], adjustments,
        ["二.7 工程质量安全隐患排查和专项整治", "计算得分 3.5分", "调整后得分 3分", "实地核查隐患排查台账不全", OFFICE, "<时间>"],
        ["申诉"], appeals, ["无申诉"]]
    assert timeless(section(sheet_rows(out / "龙湾区.xlsx"))) == [
        ["调整与申诉"], [legend], ["调整"], adjustments,
        ["一.7 地表水Ⅲ类以上水质比例", "填报值 63%", "填报值 64%", "第1号申诉维持：复核属实", OFFICE, "<时间>"],
        ["申诉"], appeals,
        ["第1号", "一.7 地表水Ⅲ类以上水质比例", "水质监测数据有误", "<时间>", "维持", "复核属实", OFFICE, "<时间>"]]
    assert timeless(section(sheet_rows(out / "平阳县.xlsx"))) == [
        ["调整与申诉"], ["调整"], adjustments, ["无调整"], ["申诉"], appeals,
        ["第2号", "二.12 本级政府质量工作考核", "已制定考核办法", "<时间>", "驳回", "未能提供县政府文件", OFFICE,
         "<时间>"]]
    assert section(sheet_rows(out / "苍南县.xlsx"))[4][:3] == ["一.6 服务质量满意度", "未填报", "填报值 76分"]

    html = (out / "龙湾区.html").read_text(encoding="utf-8")
    assert '<td class="num marked">3<br><span class="mark">经申诉</span></td>' in html
    assert "<h2>调整与申诉</h2>" in html and "<td>水质监测数据有误</td>" in html
    summary = load_workbook(out / "汇总.xlsx")
    assert summary.sheetnames == ["汇总", "等次分布", "调整", "申诉"]
    assert [r[0] for r in sheet_rows(out / "汇总.xlsx", "调整")[2:]] == ["苍南县", "鹿城区", "龙湾区"]


def test_the_notice_export_shows_what_was_known_at_the_notice(opened, tmp_path):
    export(opened, tmp_path / "notice", "--publication", "1")
    out = tmp_path / "notice"
    assert item_row(out / "龙湾区.xlsx", "一.7")[5] == 2.5  # the appeal came later
    assert section(sheet_rows(out / "龙湾区.xlsx"))[-4:] == [["无调整"], ["申诉"], [
        "编号", "指标", "申诉理由", "提出时间", "决定", "决定理由", "决定人", "决定时间"], ["无申诉"]]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [(u["unit"], u["grade"], u["total"]) for u in results["units"]] == NOTICE


# --- refusals ---------------------------------------------------------------------------------------------------


@pytest.fixture
def copy(db, tmp_path):
    """A copy of the round's database, to damage."""
    close_connections()
    target = tmp_path / "copy.sqlite3"
    # SQLite's own backup, not a file copy: what is still in the write-ahead log comes along even if some connection
    # (another thread's) kept it from being folded into the file; a bare copy then held no round at all
    source, copied = sqlite3.connect(db), sqlite3.connect(target)
    source.backup(copied)
    source.close()
    copied.close()
    yield str(target)
    close_connections()


def test_an_export_whose_result_does_not_match_what_was_published_is_refused(copy, tmp_path):
    open_db(copy)
    changed = execute("UPDATE round_scoringrun SET document = REPLACE(document, '\"total\":\"89.5\"', "
                      "'\"total\":\"95\"') WHERE number = 1")
    assert changed == 1
    message = refused(kaohe(copy, "export", CODE, "--publication", "1", "-o", tmp_path / "out"))
    assert message.splitlines()[:2] == [
        "轮次 wz › 第1号发布: 按保存的材料和细则重新评分的结果与发布的结果不一致，拒绝导出",
        "  提示：数据库可能被改动；请运行 kaohe round verify 查看"]
    assert not (tmp_path / "out").exists()
    export(copy, tmp_path / "final")  # the other publication is intact


def test_unknown_publications_and_a_round_without_one(opened, tmp_path):
    message = refused(kaohe(opened, "export", CODE, "--publication", "3", "-o", tmp_path / "o"))
    assert message.splitlines()[:2] == ["轮次 wz: 没有第3号发布", "  提示：本轮次的发布：第1号（公示）、第2号（最终结果）"]
    message = refused(kaohe(opened, "export", CODE, "--since", "2", "-o", tmp_path / "o"))
    assert "--since 与导出的是同一次发布（第2号），无可比较" in message
    from kaohe.round import actions
    actions.new_round(WENZHOU, "empty", "", OFFICE)
    message = refused(kaohe(opened, "export", "empty", "-o", tmp_path / "o"))
    assert message.splitlines()[0] == "轮次 empty: 本轮次还没有发布，没有可导出的结果"
    assert not (tmp_path / "o").exists()


def test_the_database_is_never_inside_the_folder_that_is_replaced(opened, tmp_path):
    message = refused(kaohe(opened, "export", CODE, "-o", Path(opened).parent))
    assert "输出文件夹中有输入文件" in message


def test_json(opened, tmp_path):
    document = json.loads(ok(kaohe(opened, "export", CODE, "-o", tmp_path / "j", "--json")))
    assert {k: document[k] for k in ("code", "publication", "kind", "since", "units")} == {
        "code": CODE, "publication": 2, "kind": "final", "since": 1, "units": 11}
    assert sorted(document["files"]) == sorted(p.name for p in (tmp_path / "j").iterdir() if p.name[0] != ".")
