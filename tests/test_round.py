"""The round record (kaohe.round) through `kaohe round …`, on SQLite and on a real PostgreSQL server.

A whole 温州 2014 round played end to end with the exact scores and grades at each step; tampering with the
database found by `verify`; a publication reproduced after the ruleset files on disk changed; bad input
refused with a Chinese message and nothing written; history rows that refuse to change.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from tests.round_helpers import (
    DEPARTMENT,
    DEPARTMENT_ITEMS,
    GROUP_OF,
    GROUPS,
    JUDGED,
    NATIONAL,
    OFFICE,
    SAMPLES,
    UNITS,
    WENZHOU,
    audit_count,
    backend_database,
    close_connections,
    department_value,
    execute,
    judged,
    kaohe,
    ok,
    open_db,
    play_round,
    postgres_copy,
    publish_round,
    refused,
    table_counts,
    timeless,
)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """A new, empty round database on each backend."""
    yield backend_database(request.param, request, tmp_path)
    close_connections()


def digest12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def ruleset_digest12() -> str:
    from kaohe.engine import load_ruleset
    return load_ruleset(WENZHOU).digest[:12]


def table(document: dict) -> list[tuple[int, str, str, str]]:
    """(名次, 单位, 总分, 等次) of a result document, in roster order."""
    return [(u["rank"], u["unit"], u["total"], u["grade"]) for u in document["units"]]


def table_lines(rows) -> list[str]:
    """The lines `publish` prints under its header, best first (ties by unit name)."""
    return ["名次  单位    总分   等次"] + [f"{rank:<5} {unit}  {total}  {grade}"
                                         for rank, unit, total, grade in sorted(rows, key=lambda r: (r[0], r[1]))]


def item_scores(document: dict) -> dict[str, dict[str, str]]:
    return {u["unit"]: {i["id"]: i["score"] for i in u["items"]} for u in document["units"]}


def file_engine(evidence: Path) -> dict:
    """The file-based engine (`kaohe score --json`) on a folder of unit files: the independent reference."""
    from kaohe.cli.main import cli
    result = CliRunner().invoke(cli, ["score", str(WENZHOU), str(evidence), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# The 公示: the bundled samples as the file-based engine scores them, with two changes the round made
# (checked against the file engine on the same changed files in the test, and by hand here):
# - 乐清市 re-submitted with 二.11 超期未办结 2 → 0 件. 二.11 is deduct_per, 0.5 分 a 件 from 4: 2 件 gave 3,
#   0 件 gives 4, so 81.55 + 1 = 82.55, still B (80–89).
# - 苍南县's 一.6 服务质量满意度 was null (unscored: the file engine's 79.5 leaves it out); the office adjusted it
#   to 76 after 实地核查. 一.6 is deduct_below_target ≥ 75, so 76 earns the full 4: 79.5 + 4 = 83.5, B.
# 洞头县 78 is D by the 一票否决 for its 区域性 incident; 平阳县 59.5 is D (C starts at 60, no rounding).
NOTICE = [
    (3, "鹿城区", "90", "A"), (4, "龙湾区", "89.5", "B"), (2, "瓯海区", "99.5", "A"), (7, "洞头县", "78", "D"),
    (1, "瑞安市", "100.5", "A"), (6, "乐清市", "82.55", "B"), (10, "永嘉县", "60", "C"), (11, "平阳县", "59.5", "D"),
    (5, "苍南县", "83.5", "B"), (8, "文成县", "69.5", "C"), (9, "泰顺县", "66.45", "C"),
]
# The final result: appeal 1 upheld — 龙湾区's 一.7 地表水Ⅲ类以上水质比例 63 → 64 %. 一.7 is deduct_below_target
# ≥ 64 %, 0.5 分 a point below: 63 gave 3 − 0.5 = 2.5, 64 gives the full 3, so 89.5 + 0.5 = 90, which is A
# (90分及以上为A级) and ties 鹿城区 for 3rd place. Appeal 2 (平阳县, 二.12) rejected: 59.5, D, unchanged.
FINAL = [(3, "龙湾区", "90", "A") if row[1] == "龙湾区" else row for row in NOTICE]
# The round of `play_round` has no re-submission: 乐清市 keeps its 81.55 (二.11 2 件 → 3 of 4), still 6th and B.
PLAYED_FINAL = [(6, "乐清市", "81.55", "B") if row[1] == "乐清市" else row for row in FINAL]


def test_a_whole_round_of_wenzhou_2014(db, tmp_path):
    code = "wz"
    samples = tmp_path / "files"
    samples.mkdir()

    # --- a new round, deadline in the future, two inspection groups -------------------------------------
    out = ok(kaohe(db, "new", WENZHOU, "--code", code, "--deadline", "2099-01-31",
                   "--group", f"第一组={','.join(GROUPS['第一组'])}", "--group", f"第二组={'、'.join(GROUPS['第二组'])}"))
    assert out.splitlines() == [
        "已建立考核轮次 wz：2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）",
        f"细则 wenzhou-2014 版本 2014.1（摘要 {ruleset_digest12()}），11 个单位，报送截止 2099-01-31 23:59",
    ]
    status = ok(kaohe(db, "status", code))
    assert timeless(status) == [
        "wz：2014年度温州市县（市、区）政府质量工作考核评分细则（依据行动计划重建）",
        "报送截止 2099-01-31 23:59；已报送 0，材料不全 0，未通过校验 0，未报送 11，其中逾期 0",
        *(f"  {unit}：未报送；待{GROUP_OF[unit]}评分3项；待牵头部门评分2项" for unit in UNITS),
        "第一组 还欠 18 项评分",  # 6 units × 3 judged items
        "第二组 还欠 15 项评分",  # 5 units × 3
        "市质监局 还欠 22 项评分",  # 11 units × 2 department rows
    ]

    # --- 泰顺县's first file has a bad value: stored as rejected with its errors, exit 1, not counted -----------
    bad = samples / "11-泰顺县.yaml"
    bad.write_text(SAMPLES["泰顺县"].read_text(encoding="utf-8").replace("    value: 89.5\n", "    value: 130\n", 1),
                   encoding="utf-8")
    result = kaohe(db, "submit", code, bad, by="泰顺县联络员")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"泰顺县 第1版（11-泰顺县.yaml，摘要 {digest12(bad)}）：未通过校验，不计入评分",
        f"  {bad}:11:12: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」 › 填报值）",
    ]
    from kaohe.round.models import Submission
    rejected = Submission.objects.get(unit="泰顺县", version=1)
    assert (rejected.accepted, rejected.data, bytes(rejected.content)) == (False, "", bad.read_bytes())
    assert json.loads(rejected.problems) == [f"{bad}:11:12: 填报值 130% 超出允许范围 0–100%（指标 一.1「制造业产品质量合格率」 › 填报值）"]

    # --- every other unit submits; 乐清市 re-submits (version 2, 二.11 2 → 0) ------------------------------------
    others = [SAMPLES[unit] for unit in UNITS if unit != "泰顺县"]
    out = ok(kaohe(db, "submit", code, *others, by="各县联络员"))
    lines = out.splitlines()
    assert lines[:6] == [
        f"鹿城区 第1版（01-鹿城区.yaml，摘要 {digest12(SAMPLES['鹿城区'])}）：通过校验",
        "  未计入：一.10 特种设备万台事故率（由牵头部门评定（市质监局），单位填写的值不计入）",
        "  未计入：一.11 特种设备万台死亡率（由牵头部门评定（市质监局），单位填写的值不计入）",
        "  未计入：二.7 工程质量安全隐患排查和专项整治（由考核组评定，单位填写的值不计入）",
        "  未计入：二.14 质量宣传氛围（由考核组评定，单位填写的值不计入）",
        "  未计入：二.15 全国质量强市示范城市创建（由考核组评定，单位填写的值不计入）",
    ]
    assert [line for line in lines if not line.startswith("  ")] == [
        f"{unit} 第1版（{SAMPLES[unit].name}，摘要 {digest12(SAMPLES[unit])}）：通过校验"
        for unit in UNITS if unit != "泰顺县"]
    resubmitted = samples / "06-乐清市.yaml"
    resubmitted.write_text(SAMPLES["乐清市"].read_text(encoding="utf-8").replace("  二.11: 2\n", "  二.11: 0\n", 1),
                           encoding="utf-8")
    out = ok(kaohe(db, "submit", code, resubmitted, by="乐清市联络员"))
    assert out.splitlines()[0] == f"乐清市 第2版（06-乐清市.yaml，摘要 {digest12(resubmitted)}）：通过校验"

    status = timeless(ok(kaohe(db, "status", code)))
    assert status[1] == "报送截止 2099-01-31 23:59；已报送 9，材料不全 1，未通过校验 1，未报送 0，其中逾期 0"
    assert "  乐清市：已报送；第2版 <时间>；待第一组评分3项；待牵头部门评分2项" in status
    # 苍南县 left 一.6 empty and listed no 佐证材料 for 一.2, which the ruleset asks for.
    assert "  苍南县：材料不全；第1版 <时间>；缺填报值1项；缺佐证材料1项；待第二组评分3项；待牵头部门评分2项" in status
    assert "  泰顺县：未通过校验；待第二组评分3项；待牵头部门评分2项" in status
    assert status[-3:] == ["第一组 还欠 18 项评分", "第二组 还欠 15 项评分", "市质监局 还欠 22 项评分"]
    document = json.loads(ok(kaohe(db, "status", code, "--json")))
    assert document["totals"] == {"已报送": 9, "材料不全": 1, "未通过校验": 1, "未报送": 0}
    cangnan = next(u for u in document["units"] if u["unit"] == "苍南县")
    assert (cangnan["missing_values"], cangnan["missing_materials"]) == (["一.6"], ["一.2"])

    # With 泰顺县 missing, scoring refuses unless a provisional result is asked for.
    assert refused(kaohe(db, "score", code)).splitlines()[0] == "轮次 wz: 还有 1 个单位没有通过校验的报送：泰顺县"
    out = ok(kaohe(db, "score", code, "--provisional"))
    assert re.fullmatch(r"第1次评分（结果摘要 [0-9a-f]{12}）：暂定（未报送：泰顺县；10个单位有未评分的指标）", out.splitlines()[0])
    assert len(out.splitlines()) == 1 + 1 + 10

    # --- the inspection groups score the judged items, 市质监局 gives its rows, for every unit ------------------
    def score_units(units):
        for unit in units:
            group = GROUP_OF[unit]
            for item in JUDGED:
                score, reason = judged(unit, item)  # the very values the bundled samples hold
                out = ok(kaohe(db, "judge", code, unit, item, score, "--group", group, "--reason", reason,
                               by=f"{group}组长"))
                assert out == f"已记录：{group} 评定 {unit} {item} 为 {score}\n"
            for item in DEPARTMENT_ITEMS:
                value = department_value(unit, item)
                out = ok(kaohe(db, "judge", code, unit, item, value, "--department", DEPARTMENT, by="市质监局赵六"))
                assert out == f"已记录：{DEPARTMENT} 评定 {unit} {item} 为 {value}\n"

    score_units(GROUPS["第一组"])  # 第一组's six units first: 第二组 still owes all 15, 市质监局 5 × 2
    status = timeless(ok(kaohe(db, "status", code)))
    assert status[-2:] == ["第二组 还欠 15 项评分", "市质监局 还欠 10 项评分"]
    assert "  鹿城区：已报送；第1版 <时间>" in status
    assert "  永嘉县：已报送；第1版 <时间>；待第二组评分3项；待牵头部门评分2项" in status
    score_units(GROUPS["第二组"])
    status = timeless(ok(kaohe(db, "status", code)))
    assert status[1] == "报送截止 2099-01-31 23:59；已报送 9，材料不全 1，未通过校验 1，未报送 0，其中逾期 0"
    assert not [line for line in status if "还欠" in line or "待" in line]
    document = json.loads(ok(kaohe(db, "status", code, "--json")))
    assert (document["owed_by_groups"], document["owed_by_departments"]) == ({}, {})

    # --- the deadline moves into the past; 泰顺县 submits: accepted and marked late ------------------------------
    out = ok(kaohe(db, "deadline", code, "2015-01-31", "--reason", "截止时间按市政府通知提前"))
    assert out == "wz 的报送截止时间改为 2015-01-31 23:59\n"
    out = ok(kaohe(db, "submit", code, SAMPLES["泰顺县"], by="泰顺县联络员"))
    assert out.splitlines()[0] == f"泰顺县 第2版（11-泰顺县.yaml，摘要 {digest12(SAMPLES['泰顺县'])}）：通过校验；逾期报送"
    status = timeless(ok(kaohe(db, "status", code)))
    assert status[1] == "报送截止 2015-01-31 23:59；已报送 10，材料不全 1，未通过校验 0，未报送 0，其中逾期 1"
    assert status[-1] == "  泰顺县：已报送；第2版 <时间>（逾期）"
    document = json.loads(ok(kaohe(db, "status", code, "--json")))
    assert document["late"] == 1
    assert [(u["unit"], u["version"], u["late"]) for u in document["units"] if u["late"]] == [("泰顺县", 2, True)]

    # --- an adjustment: refused without a reason (nothing written), then made with one --------------------------
    before = audit_count()
    message = refused(kaohe(db, "adjust", code, "苍南县", "一.6", "--value", "76"))
    assert message.splitlines()[0] == "轮次 wz › 苍南县 › 一.6: 调整必须写明理由"
    assert audit_count() == before
    out = ok(kaohe(db, "adjust", code, "苍南县", "一.6", "--value", "76", "--reason", "实地核查取得测评报告，满意度76分"))
    assert out == "已调整 苍南县 一.6：填报值 null → 76（理由：实地核查取得测评报告，满意度76分）\n"
    assert audit_count() == before + 1

    # --- the 公示 --------------------------------------------------------------------------------------------
    out = ok(kaohe(db, "publish", code, "--notice", "--appeal-until", "2099-03-20", "--note", "申诉请向市质强办书面提出"))
    lines = out.splitlines()
    from kaohe.round.models import Publication
    run = Publication.objects.get(number=1).run
    assert lines[0] == f"已发布第1号：公示（结果摘要 {run.digest[:12]}），申诉截止 2099-03-20 23:59"
    assert lines[1:] == table_lines(NOTICE)
    assert not run.provisional
    notice = json.loads(run.document)
    assert table(notice) == NOTICE

    # The 公示 is what the file-based engine gives on the same files with the same two changes.
    reference = tmp_path / "reference"
    reference.mkdir()
    for unit in UNITS:
        shutil.copy(SAMPLES[unit], reference / SAMPLES[unit].name)
    shutil.copy(resubmitted, reference / resubmitted.name)
    cangnan = reference / SAMPLES["苍南县"].name
    cangnan.write_text(cangnan.read_text(encoding="utf-8").replace("    value: null\n", "    value: 76\n", 1),
                       encoding="utf-8")
    expected = file_engine(reference)
    assert table(expected) == NOTICE
    assert item_scores(notice) == item_scores(expected)

    # --- appeals: one upheld (it becomes an adjustment), one rejected ------------------------------------------
    out = ok(kaohe(db, "appeal", code, "龙湾区", "--item", "一.7", "--reason", "一.7 水质监测数据应为64%", by="龙湾区联络员"))
    assert out == "已受理第1号申诉：龙湾区（一.7）\n"
    out = ok(kaohe(db, "appeal", code, "平阳县", "--item", "二.12", "--reason", "已制定考核办法", by="平阳县联络员"))
    assert out == "已受理第2号申诉：平阳县（二.12）\n"
    assert timeless(ok(kaohe(db, "status", code)))[-1] == "未决定的申诉 2 件"
    message = refused(kaohe(db, "publish", code, "--final"))
    assert message.splitlines()[0] == "轮次 wz: 还有未决定的申诉：第1号（龙湾区）、第2号（平阳县）"
    out = ok(kaohe(db, "decide", code, "1", "--uphold", "--value", "64", "--reason", "复核监测报告属实", by="考核办主任"))
    assert out == "第1号申诉：维持（复核监测报告属实）\n"
    out = ok(kaohe(db, "decide", code, "2", "--reject", "--reason", "未能提供县政府文件", by="考核办主任"))
    assert out == "第2号申诉：驳回（未能提供县政府文件）\n"

    # --- the final result ---------------------------------------------------------------------------------------
    out = ok(kaohe(db, "publish", code, "--final"))
    lines = out.splitlines()
    run = Publication.objects.get(number=2).run
    assert lines[0] == f"已发布第2号：最终结果（结果摘要 {run.digest[:12]}）"
    assert lines[1:] == table_lines(FINAL)
    final = json.loads(run.document)
    assert table(final) == FINAL
    changed = {(u, i) for u, items in item_scores(final).items() for i, s in items.items()
               if item_scores(notice)[u][i] != s}
    assert changed == {("龙湾区", "一.7"), ("龙湾区", "一")}  # the item and its group's subtotal
    assert item_scores(final)["龙湾区"]["一.7"] == "3"

    # --- verify, and the log: who did what, before → after -------------------------------------------------------
    out = ok(kaohe(db, "verify"))
    entries = audit_count()
    assert out == (f"核验通过：日志 {entries} 条、记录 {entries} 条相符；"
                   "2 次发布按保存的材料重新评分，结果完全一致\n")
    log = timeless(ok(kaohe(db, "log", code)))
    assert [int(line.split()[0]) for line in log] == list(range(1, entries + 1))
    said = [re.sub(r"^\s*\d+  ", "", line) for line in log]
    assert said[0] == f"<时间>  {OFFICE}  建立考核轮次 wz（wenzhou-2014 版本 2014.1）"
    for line in [
        "<时间>  泰顺县联络员  泰顺县 报送第1版 11-泰顺县.yaml：未通过校验（1个问题）",
        "<时间>  乐清市联络员  乐清市 报送第2版 06-乐清市.yaml：通过校验",
        "<时间>  第二组组长  考核组 第二组 评定 泰顺县 二.7 工程质量安全隐患排查和专项整治（2.5分（现场核查隐患排查台账与专项整治记录））",
        "<时间>  市质监局赵六  牵头部门 市质监局 评定 鹿城区 一.10 特种设备万台事故率（0.31）",
        f"<时间>  {OFFICE}  报送截止时间设为 2015-01-31 23:59（2099-01-31 23:59 → 2015-01-31 23:59）",
        "<时间>  泰顺县联络员  泰顺县 报送第2版 11-泰顺县.yaml：通过校验，逾期",
        f"<时间>  {OFFICE}  调整 苍南县 一.6 服务质量满意度 的填报值：实地核查取得测评报告，满意度76分"
        "（未填 → 76）",
        "<时间>  龙湾区联络员  龙湾区 提出第1号申诉（一.7）：一.7 水质监测数据应为64%",
        "<时间>  考核办主任  第1号申诉（龙湾区）维持：复核监测报告属实",
        '<时间>  考核办主任  调整 龙湾区 一.7 地表水Ⅲ类以上水质比例 的填报值：第1号申诉维持：复核监测报告属实（63 → 64）',
        "<时间>  考核办主任  第2号申诉（平阳县）驳回：未能提供县政府文件",
    ]:
        assert line in said, (line, [x for x in said if x[:20] == line[:20]])
    digests = [p.run.digest[:12] for p in Publication.objects.order_by("number")]
    assert [line for line in said if "发布第" in line] == [
        f"<时间>  {OFFICE}  发布第1号：公示（评分结果摘要 {digests[0]}）",
        f"<时间>  {OFFICE}  发布第2号：最终结果（评分结果摘要 {digests[1]}）",
    ]


# --- a whole round, played once per backend; each test below gets its own copy ---------------------------------


@contextmanager
def database_copy(original: str, request, folder: Path):
    """A copy of a round database (a SQLite file, or a PostgreSQL database made from it as a template)."""
    if not original.startswith("postgresql://"):
        copy = folder / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copy(original, copy)
        yield str(copy)
        close_connections()
        return
    with postgres_copy(request.getfixturevalue("postgres_url"), original) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def entries_original(request, tmp_path_factory):
    """11 units submitted, every judged and department row given, 苍南县 adjusted; played once per backend."""
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("entries") / "round.sqlite3")
        play_round(path, until="entries")
        close_connections()
        yield path
        return
    from tests.postgres import fresh_database
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        play_round(url, until="entries")
        close_connections()
        yield url
        close_connections()


@pytest.fixture(scope="module")
def played_original(entries_original, request, tmp_path_factory):
    """… and then the 公示, two appeals (one upheld, one rejected) and the final result."""
    with database_copy(entries_original, request, tmp_path_factory.mktemp("played")) as db:
        open_db(db)
        publish_round()
        close_connections()
        yield db


@pytest.fixture
def entries(entries_original, request, tmp_path):
    """A copy of the round before anything was published, open."""
    with database_copy(entries_original, request, tmp_path) as db:
        open_db(db)
        yield db


@pytest.fixture
def played(played_original, request, tmp_path):
    """A copy of the whole played round, open."""
    with database_copy(played_original, request, tmp_path) as db:
        open_db(db)
        yield db


def verify_findings(db: str) -> list[str]:
    """`kaohe round verify` found problems: exit 1, the findings (stdout, one a line after the count)."""
    result = kaohe(db, "verify")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"核验发现 {len(lines) - 1} 个问题："
    return [line.removeprefix("  ") for line in lines[1:]]


def sealed_by(record: str, pk: int):
    from kaohe.round.models import AuditEntry
    return AuditEntry.objects.get(record=record, record_id=pk)


REPUBLISHED = [f"[发布] 轮次 wz 第{n}号发布 {what}" for n in (1, 2)
               for what in ("所用的材料与记录中的报送、评定和调整不一致", "重新评分的结果与发布的结果不一致")]


def test_the_played_round_verifies(played):
    out = ok(kaohe(played, "verify"))
    entries = audit_count()
    assert entries == 103
    assert out == "核验通过：日志 103 条、记录 103 条相符；2 次发布按保存的材料重新评分，结果完全一致\n"


def test_verify_finds_an_edited_submission(played):
    from kaohe.round.models import Submission
    row = Submission.objects.get(unit="鹿城区", version=1)
    edited = row.data.replace('"value":93.6', '"value":99')
    assert edited != row.data
    assert execute("UPDATE round_submission SET data = %s WHERE id = %s", [edited, row.pk]) == 1
    entry = sealed_by("Submission", row.pk)
    findings = verify_findings(played)
    assert findings[0] == (f"[记录] 报送 #{row.pk} 与日志第 {entry.seq} 条记下的内容不符（被改动）："
                           "鹿城区 报送第1版 01-鹿城区.yaml：通过校验")
    # 93.6 and 99 both score the full 5 for 一.1, but the evidence (and its digest in the document) differ.
    assert findings[1:] == REPUBLISHED


def test_verify_finds_an_edited_inspection_entry(played):
    from kaohe.round.models import Entry
    row = Entry.objects.get(unit="龙湾区", item_id="二.7")
    edited = row.data.replace('"score":4', '"score":2')
    assert edited != row.data
    assert execute("UPDATE round_entry SET data = %s WHERE id = %s", [edited, row.pk]) == 1
    entry = sealed_by("Entry", row.pk)
    findings = verify_findings(played)
    assert findings[0] == (f"[记录] 评定 #{row.pk} 与日志第 {entry.seq} 条记下的内容不符（被改动）："
                           "考核组 第一组 评定 龙湾区 二.7 工程质量安全隐患排查和专项整治")
    assert findings[1:] == REPUBLISHED


def test_verify_finds_an_edited_audit_entry(played):
    from kaohe.round.models import AuditEntry
    entry = AuditEntry.objects.get(action="adjust", summary__contains="苍南县")
    edited = entry.summary.replace("实地核查", "电话核实")
    assert execute("UPDATE round_auditentry SET summary = %s WHERE seq = %s", [edited, entry.seq]) == 1
    assert verify_findings(played) == [f"[日志] 日志第 {entry.seq} 条的内容被改动（{edited}）"]


def test_verify_finds_an_edited_row_whose_seal_was_rewritten_too(played):
    """Editing the row and the digest its audit entry sealed breaks the entry's hash."""
    from kaohe.round.models import Adjustment, AuditEntry
    row = Adjustment.objects.get(unit="苍南县")
    edited = row.after.replace('"value":76', '"value":90')
    assert edited != row.after
    execute("UPDATE round_adjustment SET after = %s WHERE id = %s", [edited, row.pk])
    entry = sealed_by("Adjustment", row.pk)
    execute("UPDATE round_auditentry SET record_digest = %s WHERE seq = %s",
            [Adjustment.objects.get(pk=row.pk).seal_digest(), entry.seq])
    findings = verify_findings(played)
    assert findings[0] == f"[日志] 日志第 {entry.seq} 条的内容被改动（{entry.summary}）"
    assert findings[1:] == REPUBLISHED
    assert AuditEntry.objects.count() == 103


def test_verify_finds_a_deleted_adjustment(played):
    from kaohe.round.models import Adjustment
    row = Adjustment.objects.get(unit="苍南县")
    entry = sealed_by("Adjustment", row.pk)
    assert execute("DELETE FROM round_adjustment WHERE id = %s", [row.pk]) == 1
    assert verify_findings(played) == [
        f"[记录] 日志第 {entry.seq} 条写入的调整 #{row.pk} 已不存在（被删除）："
        "调整 苍南县 一.6 服务质量满意度 的填报值：实地核查取得测评报告",
        *REPUBLISHED,  # without it 苍南县's 一.6 is unscored again
    ]


def test_verify_finds_a_deleted_audit_entry(played):
    from kaohe.round.models import Entry
    row = Entry.objects.get(unit="龙湾区", item_id="二.7")
    entry = sealed_by("Entry", row.pk)
    assert execute("DELETE FROM round_auditentry WHERE seq = %s", [entry.seq]) == 1
    findings = verify_findings(played)
    assert findings[:2] == [
        f"[日志] 日志第 {entry.seq} 条缺失（被删除）",
        f"[日志] 日志第 {entry.seq + 1} 条与前一条的链接不符（前面的记录被改动或删除）",
    ]
    assert findings[2] == f"[记录] 评定 #{row.pk} 没有对应的日志（不是通过 kaohe 写入的）"
    assert findings[3:] == REPUBLISHED


def test_verify_finds_an_edited_published_document(played):
    from kaohe.round.models import Publication
    run = Publication.objects.get(number=1).run
    edited = run.document.replace('"total":"89.5"', '"total":"90"', 1)
    assert edited != run.document
    assert execute("UPDATE round_scoringrun SET document = %s WHERE id = %s", [edited, run.pk]) == 1
    entry = sealed_by("ScoringRun", run.pk)
    findings = verify_findings(played)
    assert findings[0] == f"[记录] 评分 #{run.pk} 与日志第 {entry.seq} 条记下的内容不符（被改动）：第1次评分（11个单位）"
    assert findings[1:] == ["[发布] 轮次 wz 第1号发布 重新评分的结果与发布的结果不一致"]


def test_verify_finds_a_row_written_behind_its_back(played):
    from kaohe.round.models import Deadline, Round
    round_id = Round.objects.get(code="wz").pk
    execute("INSERT INTO round_deadline (at, actor, round_id, due, reason) VALUES (%s, %s, %s, %s, %s)",
            ["2015-01-01 00:00:00+00:00", "某人", round_id, "2015-06-30 00:00:00+00:00", "悄悄延期"])
    forged = Deadline.objects.order_by("-pk").first()
    findings = verify_findings(played)
    assert len(findings) == 1
    assert findings[0] == f"[记录] 报送截止时间 #{forged.pk} 没有对应的日志（不是通过 kaohe 写入的）"


# --- append-only ---------------------------------------------------------------------------------------------


def test_history_rows_refuse_to_change(played):
    from django.apps import apps

    from kaohe.round.models import Appeal, AppendOnlyError, Submission

    counts = table_counts()
    for model in apps.get_app_config("round").get_models():
        row = model.objects.order_by("pk").first()
        assert row is not None, model.__name__
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
    submission = Submission.objects.get(unit="乐清市")
    submission.data = "{}"
    with pytest.raises(AppendOnlyError, match="Submission .* is history and cannot be changed"):
        submission.save()
    appeal = Appeal.objects.get(number=1)
    with pytest.raises(AppendOnlyError, match="Appeal .* is history and cannot be deleted"):
        appeal.delete()
    # Bulk changes, which never call save() or delete(), are refused as well.
    for model in apps.get_app_config("round").get_models():
        with pytest.raises(AppendOnlyError, match=f"{model.__name__} rows are history and cannot be changed"):
            model.objects.filter(pk=model.objects.order_by("pk").first().pk).update(at=submission.at)
        with pytest.raises(AppendOnlyError, match=f"{model.__name__} rows are history and cannot be deleted"):
            model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Submission.objects.bulk_update([submission], ["data"])
    assert table_counts() == counts
    assert ok(kaohe(played, "verify")).startswith("核验通过")


# --- a publication reproduced after the ruleset files on disk changed --------------------------------------------


def test_a_publication_is_reproduced_after_the_ruleset_files_change(db, tmp_path):
    rulesets = tmp_path / "rulesets"
    copy = rulesets / "wenzhou-2014"
    shutil.copytree(WENZHOU, copy, ignore=shutil.ignore_patterns("samples", "cases"))
    shutil.copytree(NATIONAL, rulesets / "national-2013", ignore=shutil.ignore_patterns("samples", "cases"))
    frozen = {path.relative_to(rulesets).as_posix(): path.read_bytes() for path in rulesets.rglob("*.yaml")}
    play_round(db, ruleset=copy)
    from kaohe.round.actions import compute
    from kaohe.round.models import AuditEntry, Publication, Round, RulesetFile
    published = list(Publication.objects.order_by("number"))
    assert table(json.loads(published[1].run.document)) == PLAYED_FINAL

    # Change the copy on disk: A now starts at 95 (national-2013, which wenzhou-2014 extends), and 一.7's
    # target rises from 64 to 70 %. Scored from the files, the result is now different …
    national = rulesets / "national-2013" / "ruleset.yaml"
    text = national.read_text(encoding="utf-8")
    assert "{label: A, min: 90, text: 90分及以上为A级}" in text
    national.write_text(text.replace("{label: A, min: 90, text: 90分及以上为A级}", "{label: A, min: 95, text: 95分及以上为A级}"),
                        encoding="utf-8")
    text = (copy / "ruleset.yaml").read_text(encoding="utf-8")
    assert text.count("          target: 64\n") == 1
    (copy / "ruleset.yaml").write_text(text.replace("          target: 64\n", "          target: 70\n"), encoding="utf-8")
    from kaohe.cli.main import cli
    result = CliRunner().invoke(cli, ["score", str(copy), *(str(SAMPLES[u]) for u in UNITS), "--json", "--provisional"])
    assert result.exit_code == 0, result.output
    on_disk = {u["unit"]: (u["total"], u["grade"]) for u in json.loads(result.stdout)["units"]}
    assert on_disk["鹿城区"] == ("88", "B")  # 一.7: 62 % was 1 below 64 (−1 → 2 of 3), is 8 below 70 (0 of 3)

    # … but the round scores with its frozen files: verify re-scores both publications byte for byte,
    assert ok(kaohe(db, "verify")) == (f"核验通过：日志 {audit_count()} 条、记录 {audit_count()} 条相符；"
                                       "2 次发布按保存的材料重新评分，结果完全一致\n")
    round_ = Round.objects.get(code="wz")
    for publication in published:
        seq = AuditEntry.objects.get(record="Publication", record_id=publication.pk).seq
        again = compute(round_, provisional=False, upto=seq)
        assert (again.document, again.digest) == (publication.run.document, publication.run.digest)
    # a new scoring now gives the final result again, to the byte,
    out = ok(kaohe(db, "score", "wz"))
    assert out.splitlines() == [f"第3次评分（结果摘要 {published[1].run.digest[:12]}）", *table_lines(PLAYED_FINAL)]
    # and the round holds the files as they were when it was created.
    assert {f.path: bytes(f.content) for f in RulesetFile.objects.all()} == frozen
    assert all(f.digest == hashlib.sha256(bytes(f.content)).hexdigest() for f in RulesetFile.objects.all())

    # With the folder gone altogether, nothing changes.
    shutil.rmtree(rulesets)
    assert ok(kaohe(db, "verify")).startswith("核验通过")


# --- bad input: a clear Chinese message, exit 1, nothing written ----------------------------------------------------


@contextmanager
def nothing_written(db: str):
    """The record (and, for SQLite, the file's bytes) is the same after the block as before it."""
    counts = table_counts()
    raw = None if db.startswith("postgresql://") else Path(db).read_bytes()
    yield
    assert table_counts() == counts
    if raw is not None:
        assert Path(db).read_bytes() == raw


def refusal(db: str, *args, by: str = OFFICE) -> list[str]:
    """`kaohe round ARGS` is refused and writes nothing: the lines of its message."""
    with nothing_written(db):
        lines = refused(kaohe(db, *args, by=by)).splitlines()
    assert lines[-1] == "共 1 个问题。"
    return lines[:-1]


def test_bad_input_is_refused_and_nothing_is_written(entries, tmp_path):
    db = entries  # 11 units submitted and judged, 苍南县 adjusted; nothing published
    adjusted = "轮次 wz › 苍南县 › 一.6: 调整必须写明理由"
    assert refusal(db, "adjust", "wz", "苍南县", "一.6", "--value", "77") == [
        adjusted, "  提示：用 --reason 写明理由，如 实地核查发现台账不全"]
    assert refusal(db, "adjust", "wz", "苍南县", "一.6", "--value", "77", "--reason", "  ")[0] == adjusted
    assert refusal(db, "adjust", "wz", "苍南县", "一.6", "--value", "77", "--score", "3", "--reason", "核查")[0] == (
        "轮次 wz › 苍南县 › 一.6: 调整应给出新的填报值（--value）或新的得分（--score），二者选一")
    assert refusal(db, "adjust", "wz", "苍南县", "一.6", "--score", "5", "--reason", "核查")[0] == (
        "轮次 wz › 苍南县 › 一.6: 调整后的得分 5 超出本项分值范围 0–4")
    assert refusal(db, "adjust", "wz", "苍南", "一.6", "--value", "77", "--reason", "核查")[0] == (
        '轮次 wz: 单位 "苍南" 不在本轮次的名单中')
    assert refusal(db, "judge", "wz", "鹿城区", "二.7", "3", "--group", "第一组")[0] == (
        "轮次 wz › 鹿城区 › 二.7: 考核组为 二.7 工程质量安全隐患排查和专项整治 评分必须写明理由")
    assert refusal(db, "judge", "wz", "鹿城区", "一.10", "0.3", "--department", "市环保局")[0] == (
        "轮次 wz › 鹿城区 › 一.10: 指标 一.10 特种设备万台事故率 的牵头部门是 市质监局，不是 市环保局")
    assert refusal(db, "judge", "wz", "鹿城区", "一.1", "95", "--department", "市质监局")[0] == (
        "轮次 wz › 鹿城区 › 一.1: 指标 一.1 制造业产品质量合格率 由单位自己填报，不由考核组或牵头部门评定")
    assert refusal(db, "appeal", "wz", "龙湾区", "--item", "一.7", "--reason", "数据有误")[0] == (
        "轮次 wz › 龙湾区: 本轮次还没有公示，不能申诉")
    assert refusal(db, "decide", "wz", "7", "--reject", "--reason", "不予受理") == [
        "轮次 wz › 第7号申诉: 没有这个申诉", "  提示：本轮次还没有申诉"]
    assert refusal(db, "publish", "wz", "--final")[0] == "轮次 wz: 还没有公示，不能公布最终结果"
    assert refusal(db, "publish", "wz", "--notice")[0] == "轮次 wz: 公示应写明申诉截止时间"
    assert refusal(db, "status", "wz-2015")[0] == "轮次 wz-2015: 没有这个考核轮次"

    # A 公示 whose appeal window has already closed: an appeal is out of time.
    ok(kaohe(db, "publish", "wz", "--notice", "--appeal-until", "2015-03-20"))
    assert refusal(db, "appeal", "wz", "龙湾区", "--item", "一.7", "--reason", "数据有误", by="龙湾区联络员") == [
        "轮次 wz › 龙湾区: 申诉期已于 2015-03-20 23:59 结束，不能再申诉", "  提示：公示期内未提出的申诉不予受理"]
    assert refusal(db, "decide", "wz", "1", "--uphold", "--value", "64", "--reason", "属实")[0] == (
        "轮次 wz › 第1号申诉: 没有这个申诉")
    # Publishing again with nothing changed.
    assert refusal(db, "publish", "wz", "--notice", "--appeal-until", "2015-03-20") == [
        "轮次 wz: 与上一次公示（第1号）相比没有任何变化，不再重复发布"]
    ok(kaohe(db, "publish", "wz", "--final"))
    assert refusal(db, "publish", "wz", "--final")[0] == "轮次 wz: 本轮次已公布最终结果，不能再发布"
    assert refusal(db, "submit", "wz", tmp_path / "没有这个文件.yaml")[0].endswith("没有这个文件.yaml: 文件不存在")
    assert ok(kaohe(db, "verify")).startswith("核验通过")


def test_a_file_that_is_not_a_round_database_is_refused_untouched(tmp_path):
    verbs = [("status", "wz"), ("verify",), ("log",), ("new", WENZHOU, "--code", "wz")]
    noise = tmp_path / "random.sqlite3"
    noise.write_bytes(random.Random(2014).randbytes(8192))
    for verb in verbs:
        assert refused(kaohe(str(noise), *verb)).splitlines() == [
            f"{noise}: 不是考核轮次数据库（不是 SQLite 数据库文件，或文件已损坏）",
            "  提示：请确认 --db 指向的是 kaohe round new 建立的数据库文件", "共 1 个问题。"]
    assert noise.read_bytes() == random.Random(2014).randbytes(8192)

    # A real round database with its pages overwritten.
    damaged = tmp_path / "damaged.sqlite3"
    ok(kaohe(str(damaged), "new", WENZHOU, "--code", "wz"))
    close_connections()
    raw = bytearray(damaged.read_bytes())
    noise_bytes = random.Random(9).randbytes(len(raw))
    for offset in range(4096, len(raw), 3 * 4096):
        raw[offset:offset + 2048] = noise_bytes[offset:offset + 2048]
    damaged.write_bytes(bytes(raw))
    for verb in verbs:
        lines = refused(kaohe(str(damaged), *verb)).splitlines()
        assert lines[0].startswith(f"{damaged}: 考核轮次数据库已损坏"), lines
        assert lines[1:] == ["  提示：请用备份的数据库文件", "共 1 个问题。"]
    assert damaged.read_bytes() == bytes(raw)


@pytest.mark.parametrize("backend", BACKENDS)
def test_another_programs_database_is_refused_untouched(backend, request, tmp_path):
    db = backend_database(backend, request, tmp_path)
    if backend == "sqlite":
        with sqlite3.connect(db) as connection:
            connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            connection.execute("INSERT INTO customers (name) VALUES ('张三')")
        connection.close()
        before = Path(db).read_bytes()
        message = [f"{db}: 这是另一个程序的 SQLite 数据库，不是考核轮次数据库",
                   "  提示：请用 --db 指定 kaohe round new 建立的数据库文件", "共 1 个问题。"]
    else:
        with psycopg.connect(db, autocommit=True) as connection:
            connection.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text)")
        message = [f"{db}: 这个数据库里有别的程序的表，不是考核轮次数据库", "  提示：请为考核轮次单独建一个数据库",
                   "共 1 个问题。"]
    for verb in [("status", "wz"), ("new", WENZHOU, "--code", "wz"), ("verify",)]:
        assert refused(kaohe(db, *verb)).splitlines() == message
    close_connections()
    if backend == "sqlite":
        assert Path(db).read_bytes() == before
    else:
        with psycopg.connect(db) as connection:
            tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        assert tables == [("customers",)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_missing_database_is_refused_and_not_created(backend, request, tmp_path):
    db = backend_database(backend, request, tmp_path)
    if backend == "sqlite":
        message = [f"{db}: 考核轮次数据库不存在", "  提示：先用 kaohe round new 建立轮次，或用 --db 指定数据库文件"]
    else:
        message = [f"{db}: 数据库中还没有考核轮次", "  提示：先用 kaohe round new 建立轮次"]
    for verb in [("status", "wz"), ("verify",), ("log",), ("submit", "wz", SAMPLES["鹿城区"]),
                 ("adjust", "wz", "苍南县", "一.6", "--value", "76", "--reason", "核查"),
                 ("publish", "wz", "--notice", "--appeal-until", "2099-03-20"), ("deadline", "wz", "2099-01-31")]:
        assert refused(kaohe(db, *verb)).splitlines() == [*message, "共 1 个问题。"], verb
    close_connections()
    if backend == "sqlite":
        assert not Path(db).exists()
        return
    with psycopg.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    # A server database that does not exist at all.
    nowhere = db.rsplit("/", 1)[0] + "/kaohe_no_such_database"
    lines = refused(kaohe(nowhere, "status", "wz")).splitlines()
    assert lines[0] == f"{nowhere}: 无法连接考核轮次数据库", lines
    assert lines[1].startswith("  提示：请确认数据库服务器已启动、地址和用户名正确"), lines
    assert 'database "kaohe_no_such_database" does not exist' in lines[1]


def test_nothing_is_published_while_inspection_groups_and_departments_owe_scores(db):
    open_db(db, creating=True)
    from kaohe.round import actions
    actions.new_round(WENZHOU, "wz", "", OFFICE)
    for unit in UNITS:
        actions.submit("wz", SAMPLES[unit], f"{unit}联络员")
    assert timeless(ok(kaohe(db, "status", "wz")))[-2:] == ["（未分配考核组） 还欠 33 项评分", "市质监局 还欠 22 项评分"]
    with nothing_written(db):
        result = kaohe(db, "publish", "wz", "--notice", "--appeal-until", "2099-03-20")
        assert result.exit_code == 1, result.stdout
    assert ("轮次 wz: 还有 11 个单位有未评分的指标（鹿城区：一.10、一.11 待牵头部门（市质监局）评分，"
            "二.7、二.14、二.15 待考核组评分；") in result.stderr


def test_an_inspection_group_scores_only_its_own_units(db):
    open_db(db, creating=True)
    from kaohe.round import actions
    actions.new_round(WENZHOU, "wz", "", OFFICE, groups={"鹿城区": "第一组", "龙湾区": "第二组"})
    with nothing_written(db):
        message = refused(kaohe(db, "judge", "wz", "龙湾区", "二.7", "4", "--group", "第一组", "--reason", "现场核查"))
    assert message.splitlines()[0] == "轮次 wz › 龙湾区 › 二.7: 龙湾区 由 第二组 考核，不是 第一组"
    ok(kaohe(db, "judge", "wz", "鹿城区", "二.7", "4", "--group", "第一组", "--reason", "现场核查"))
    # a unit no group was assigned to may be scored by whichever group the office sends
    ok(kaohe(db, "judge", "wz", "瓯海区", "二.7", "4", "--group", "第三组", "--reason", "现场核查"))


def test_a_value_the_office_supplied_is_no_longer_missing(db):
    open_db(db, creating=True)
    from kaohe.round import actions
    actions.new_round(WENZHOU, "wz", "", OFFICE)
    actions.submit("wz", SAMPLES["苍南县"], "苍南县联络员")
    before = json.loads(ok(kaohe(db, "status", "wz", "--json")))
    cangnan = next(u for u in before["units"] if u["unit"] == "苍南县")
    assert (cangnan["state"], cangnan["missing_values"]) == ("材料不全", ["一.6"])
    ok(kaohe(db, "adjust", "wz", "苍南县", "一.6", "--value", "76", "--reason", "实地核查取得测评报告"))
    after = json.loads(ok(kaohe(db, "status", "wz", "--json")))
    cangnan = next(u for u in after["units"] if u["unit"] == "苍南县")
    assert cangnan["missing_values"] == []
