"""The bundled sample evidence, scored in full; expected scores worked out by hand from the sample files."""
from pathlib import Path

import pytest

from kaohe.engine import evaluate, load_evidence, load_ruleset
from tests.helpers import D

ROOT = Path(__file__).parent.parent / "rulesets"


def score_folder(name):
    ruleset = load_ruleset(ROOT / name)
    batch = [load_evidence(p, ruleset) for p in sorted((ROOT / name / "samples").glob("*.yaml"))]
    return ruleset, {r.unit: r for r in evaluate(ruleset, batch)}


@pytest.fixture(scope="module")
def wenzhou():
    return score_folder("wenzhou-2014")


def leaf_scores(result):
    return {r.item.id: r.score for r in result.all_items() if r.item.is_leaf}


def test_lucheng_scores_exactly_90_and_gets_a(wenzhou):
    _, results = wenzhou
    r = results["鹿城区"]
    assert leaf_scores(r) == {k: (D(v) if v is not None else None) for k, v in {
        "一.1": 5,     # 93.6% ≥ 92%
        "一.2": 5,     # 96.5% ≥ 96%
        "一.3": 4,     # 55.2% ≥ 53%
        "一.4": 4, "一.5": 4,  # 100%
        "一.6": 4,     # 78.5 ≥ 75
        "一.7": 2,     # 62% is 2 points below 64%: 3 − 2 × 0.5
        "一.8": 3, "一.9": 3,  # 90% ≥ 87%, 66% ≥ 65%
        "一.10": 3, "一.11": 2,  # 0.31 and 0.12 per 10,000 units ≤ 0.42
        "二.1": "3.5",  # 57% is 1 below 58%: 4 − 0.5
        "二.2": "3.5",  # 9 firms against its own filed target of 10: 4 − 0.5
        "二.3": 3,     # pilot with certified firms
        "二.4": 4,     # 12 new brands ≥ 10
        "二.5": "2.5",  # 3 standards: 4th of 11 (6, 5, 4, 3 …), 3 places behind × 0.5
        "二.6": 4,     # all three parts
        "二.7": "3.5",  # judged
        "二.8": 2,     # two of three parts
        "二.9": 4,     # no activity missing
        "二.10": 4,    # a firm won the government quality award
        "二.11": "3.5",  # one complaint overdue: 4 − 0.5
        "二.12": 3,    # own assessment in place
        "二.13": "3.5",  # 9.1% against filed GDP growth 8.1%: 1 whole step × 0.5 above base 3
        "二.14": "3.5", "二.15": "3.5",  # judged
        "三.1": 0, "三.2": 0,
    }.items()}
    sections = {x.item.id: x.score for x in r.items}
    assert sections == {"一": D(39), "二": D(51), "三": D(0)}
    assert (r.total, r.graded_total, r.band_grade, r.grade, r.fired, r.unscored) == (D(90), D(90), "A", "A", (), ())
    assert r.grade_reason == "总分90分（不取舍），90分及以上为A级（即90分及以上），定为A"


def test_dongtou_is_vetoed_to_d(wenzhou):
    ruleset, results = wenzhou
    r = results["洞头县"]
    scores = leaf_scores(r)
    assert sum(scores[k] for k in scores if k.startswith("一.")) == D(40)  # every target met
    assert {k: scores[k] for k in ("二.2", "二.3", "二.4", "二.5", "二.8", "二.10", "二.11", "二.13")} == {
        "二.2": D("3.5"),  # 3 firms against its filed 4
        "二.3": D("1.5"), "二.4": D("1.5"),  # pilot only; 3 new brands
        "二.5": D(0),      # no standards: 9th of 11, 8 places × 0.5 = 4, floor 0
        "二.8": D(1), "二.10": D(0), "二.11": D(3),
        "二.13": D(3),     # 7.9% against 7.5%: 0.4 is less than one whole step, base 3
    }
    assert (r.total, r.band_grade, r.grade) == (D(78), "C", "D")
    assert [f.rule.id for f in r.fired] == ["veto-regional-systemic"]
    assert r.fired[0].detail == "质量安全事件：计入1起（2014-10-16 区域性 某镇小型船用柴油机配件区域性质量问题）"
    citation = r.fired[0].rule.citation
    assert (ruleset.document_name(citation), citation.clause, citation.text) == (
        "国办发〔2013〕47号《质量工作考核办法》", "第五条", "发生区域性、系统性产品质量安全事件的，考核结果一律为D级。")


def test_cangnan_has_a_missing_value_and_a_provisional_grade(wenzhou):
    _, results = wenzhou
    r = results["苍南县"]
    scores = leaf_scores(r)
    assert scores["一.6"] is None
    assert {x.item.id: x.score for x in r.items} == {"一": D("35.5"), "二": D(44), "三": D(0)}
    assert scores["一.7"] == D("2.5") and scores["一.10"] == D(3)  # 63% vs 64%; 0.42 is still ≤ 0.42
    assert (r.total, r.grade, r.unscored, r.complete) == (D("79.5"), "C", ("一.6",), False)
    item = next(x for x in r.all_items() if x.item.id == "一.6")
    assert item.reason == "缺少填报值，无法评分"
    assert item.entry.note == "测评报告尚未出具，待补"


def test_every_wenzhou_unit(wenzhou):
    _, results = wenzhou
    assert {u: (str(r.total), r.grade) for u, r in results.items()} == {
        "鹿城区": ("90.0", "A"), "龙湾区": ("89.5", "B"), "瓯海区": ("99.5", "A"), "洞头县": ("78.0", "D"),
        "瑞安市": ("100.5", "A"), "乐清市": ("81.55", "B"), "永嘉县": ("60.0", "C"), "平阳县": ("59.5", "D"),
        "苍南县": ("79.5", "C"), "文成县": ("69.5", "C"), "泰顺县": ("66.45", "C"),
    }


def test_bonus_lets_a_total_pass_the_scale(wenzhou):
    _, results = wenzhou
    r = results["瑞安市"]
    assert (r.regular_total, r.bonus_total, r.total) == (D("97.5"), D(3), D("100.5"))


def test_a_unit_filed_target_is_used_and_said(wenzhou):
    _, results = wenzhou
    item = next(x for x in results["瓯海区"].all_items() if x.item.id == "二.2")
    assert item.reason == "目标≥10家（本单位备案目标），实际10家，达到目标，得4分"


def test_an_event_before_the_period_does_not_veto(wenzhou):
    _, results = wenzhou
    assert (results["泰顺县"].grade, results["泰顺县"].fired) == ("C", ())


def test_every_hubei_unit():
    _, results = score_folder("hubei-2014")
    edges = {u: (str(r.total), r.grade) for u, r in results.items() if u in ("武汉市", "宜昌市", "鄂州市", "天门市", "荆州市")}
    assert edges == {"武汉市": ("90", "A"), "宜昌市": ("89.5", "B"), "鄂州市": ("60.00", "C"),
                     "天门市": ("59.50", "D"), "荆州市": ("84", "D")}
    assert results["荆州市"].fired[0].rule.citation.clause == "十四"
    assert results["潜江市"].unscored == ("二.9",)
    assert all(r.complete for u, r in results.items() if u != "潜江市")
    assert len(results) == 17
