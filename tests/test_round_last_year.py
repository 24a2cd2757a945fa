"""Last year: an item compared with the unit's own level of last year takes that value from the previous round's
final result (the unit does not enter it again), the sheet says where it came from, and `round years` shows each
unit's score and grade over the years. In the file-based flow the unit files it under `targets`, as before."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_data, load_ruleset
from tests.helpers import ruleset_text, write

# 2014: 合格率 ≥ 90% earns 10 points, else 0; the rest is a yes/no item worth 90.
RULESET_2014 = """\
items:
  - id: 一
    title: 质量目标
    points: 100
    citation: {source: s, clause: 第二条, text: 测试条款}
    children:
      - {id: 一.1, title: 产品质量合格率, points: 10, method: threshold, target: 90, unit: "%"}
      - {id: 一.2, title: 质量工作制度, points: 90, method: all_or_nothing}
"""
# 2015: 合格率 持平上年得6分，每高1个百分点加2分，每低1个百分点减2分 (a base_step on the unit's own last year).
RULESET_2015 = """\
items:
  - id: 一
    title: 质量目标
    points: 100
    citation: {source: s, clause: 第二条, text: 测试条款}
    children:
      - id: 一.1
        title: 产品质量合格率提升
        points: 10
        method: base_step
        last_year: true
        unit: "%"
        base: 6
        step: 1
        up: 2
        down: 2
      - {id: 一.2, title: 质量工作制度, points: 90, method: all_or_nothing}
"""
UNITS = ["甲县", "乙县", "丙县", "丁县", "戊县"]
LAST_YEAR = {"甲县": "92", "乙县": "95.5", "丙县": "88", "丁县": "90", "戊县": "99"}
THIS_YEAR = {"甲县": "93", "乙县": "95", "丙县": "91", "丁县": "90", "戊县": "99.5"}


def rulesets(tmp_path):
    old = write(tmp_path / "r2014", ruleset_text(RULESET_2014, ruleset_id="t2014"))
    new = write(tmp_path / "r2015", ruleset_text(RULESET_2015, ruleset_id="t2015"))
    return old, new


def evidence(tmp_path, year: str, ruleset_id: str, unit: str, rate: str):
    path = tmp_path / f"{year}-{unit}.json"
    path.write_text(json.dumps({"unit": unit, "ruleset": ruleset_id,
                                "values": {"一.1": float(rate), "一.2": True}}, ensure_ascii=False), encoding="utf-8")
    return path


def run(db, *args):
    result = CliRunner().invoke(cli, ["round", "--db", str(db), "--by", "考核办", *args])
    assert result.exit_code == 0, result.output
    return result


def last_year_final_and_this_year(db, tmp_path) -> str:
    """Round y2014 played to its final result, and round y2015 naming it as the previous round; the 公示 deadline."""
    old, new = rulesets(tmp_path)
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    run(db, "new", str(old.parent), "--code", "y2014")
    run(db, "submit", "y2014", *(str(evidence(tmp_path, "2014", "t2014", u, LAST_YEAR[u])) for u in UNITS))
    run(db, "publish", "y2014", "--notice", "--appeal-until", until)
    run(db, "publish", "y2014", "--final")
    run(db, "new", str(new.parent), "--code", "y2015", "--previous", "y2014")
    return until


def test_last_year_from_the_previous_round(tmp_path):
    db = tmp_path / "r.sqlite3"
    until = last_year_final_and_this_year(db, tmp_path)
    submitted = run(db, "submit", "y2015", *(str(evidence(tmp_path, "2015", "t2015", u, THIS_YEAR[u])) for u in UNITS),
                    "--json")
    # the units did not file last year's value, and are not asked for it: it comes from the round before
    assert [s["accepted"] for s in json.loads(submitted.stdout)["submissions"]] == [True] * 5
    status = json.loads(run(db, "status", "y2015", "--json").stdout)
    assert status["totals"]["已报送"] == 5 and all(u["missing_values"] == [] for u in status["units"])

    result = json.loads(run(db, "score", "y2015", "--json").stdout)["result"]
    by_unit = {u["unit"]: u for u in result["units"]}
    rate = {u: next(i for i in by_unit[u]["items"] if i["id"] == "一.1") for u in UNITS}
    # 甲县 92 → 93: one point up, 6 + 2 = 8; 丙县 88 → 91: 3 up, 6 + 6 = 12, capped at 10; 乙县 95.5 → 95: down 0.5,
    # less than a step, 6; 丁县 level, 6; 戊县 99 → 99.5, half a step, 6.
    assert {u: rate[u]["score"] for u in UNITS} == {"甲县": "8", "乙县": "6", "丙县": "10", "丁县": "6", "戊县": "6"}
    assert "基准92%（上年值，取自轮次 y2014 第2号发布（最终结果））" in rate["甲县"]["reason"]
    assert {u: by_unit[u]["total"] for u in UNITS} == {"甲县": "98", "乙县": "96", "丙县": "100", "丁县": "96",
                                                      "戊县": "96"}

    run(db, "publish", "y2015", "--notice", "--appeal-until", until)
    years = json.loads(run(db, "years", "y2015", "--json").stdout)
    assert [r["code"] for r in years["rounds"]] == ["y2014", "y2015"]
    assert [r["publication"] for r in years["rounds"]] == ["最终结果", "公示（未公布最终结果）"]
    # 2014: 90% or more earns the 10 points (丙县 88% does not)
    assert years["units"][2] == {"unit": "丙县", "results": [{"total": "90", "grade": "A"},
                                                            {"total": "100", "grade": "A"}]}
    assert run(db, "verify").exit_code == 0


def test_the_file_based_flow_files_last_year_under_targets(tmp_path):
    _, new = rulesets(tmp_path)
    ruleset = load_ruleset(new)
    assert ruleset.item("一.1").last_year == "一.1"
    filed = evidence_from_data({"unit": "甲县", "ruleset": "t2015", "values": {"一.1": Decimal(93), "一.2": True},
                                "targets": {"一.1": Decimal(92)}}, ruleset, "甲县.yaml", "")
    missing = evidence_from_data({"unit": "乙县", "ruleset": "t2015", "values": {"一.1": Decimal(93), "一.2": True}},
                                 ruleset, "乙县.yaml", "")
    results = evaluate(ruleset, [filed, missing])
    item = {r.unit: next(i for i in r.all_items() if i.item.id == "一.1") for r in results}
    assert (item["甲县"].score, "基准92%（本单位上年值）" in item["甲县"].reason) == (Decimal(8), True)
    assert item["乙县"].score is None
    assert item["乙县"].reason == "本项与本单位上年的值比较，缺少上年的值（填在 targets 中，或由上一轮次取得），无法评分"


def test_last_year_only_where_a_target_is_compared(tmp_path):
    body = RULESET_2015.replace("        method: base_step\n", "        method: all_or_nothing\n")
    for key in ("unit", "base", "step", "up", "down"):
        body = "\n".join(line for line in body.splitlines() if not line.strip().startswith(f"{key}:")) + "\n"
    path = write(tmp_path / "bad", ruleset_text(body))
    with pytest.raises(KaoheError) as error:
        load_ruleset(path)
    assert "评分方法 all_or_nothing 不与目标比较，不能用 last_year" in str(error.value)


def test_the_portal_self_check_takes_last_year_from_the_previous_round(tmp_path):
    """The web self-check scores an upload as 报送 will: last year's value from the previous round's final."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.round_helpers import open_db
    from tests.web_helpers import client, django_test_environment
    db = tmp_path / "r.sqlite3"
    last_year_final_and_this_year(db, tmp_path)
    open_db(str(db))
    django_test_environment()
    from kaohe.web.accounts import NewUser, create_user
    create_user(NewUser("甲县联络员", "unit", "y2015", unit="甲县"), "kaohe-test-password-2026")
    upload = evidence(tmp_path, "2015", "t2015", "甲县", THIS_YEAR["甲县"])
    response = client("甲县联络员").post("/unit/check/", {"file": SimpleUploadedFile(upload.name,
                                                                                   upload.read_bytes())})
    text = response.content.decode("utf-8")
    assert '<h2 id="verdict">可以报送</h2>' in text
    # 92 → 93: one point above last year, 6 + 2 = 8 for 一.1, and 90 for 一.2
    assert "暂定总分 <strong>98</strong>" in text
