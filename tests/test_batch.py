"""A batch of 3,000 generated units: every unit and every item comes back scored.

durable-rules can drop facts silently in a long-lived session; the engine
counts every unit back, and this test checks the whole batch independently.
"""
from collections import Counter

from benchmarks.synthetic import random_batch, write_ruleset
from kaohe.engine import evaluate
from kaohe.engine.scoring import score_leaf


def test_three_thousand_units_all_scored(tmp_path):
    ruleset = write_ruleset(tmp_path, units=3000)
    batch = random_batch(ruleset, 3000, seed=7)
    results = evaluate(ruleset, batch)
    assert [r.unit for r in results] == [e.unit for e in batch]
    leaves = [leaf.id for leaf in ruleset.leaves()]
    assert len(leaves) == 127
    for result in results:
        scored = {r.item.id: r.score for r in result.all_items() if r.item.is_leaf}
        assert list(scored) == leaves
        assert None not in scored.values()
        assert result.complete
    # outcome rules fired where the evidence says they should, computed here without durable-rules
    vetoed = {e.unit for e in batch if any(i.kind in ("区域性", "系统性") for i in e.facts["incidents"])}
    assert {r.unit for r in results if any(f.rule.id == "veto" for f in r.fired)} == vetoed
    assert all(r.grade == "D" for r in results if r.unit in vetoed)
    late = {e.unit for e in batch if e.facts["late_report"]}
    assert {r.unit for r in results if any(f.rule.id == "late" for f in r.fired)} == late
    capped = {e.unit for e in batch if e.facts["complaints"] >= 3}
    assert {r.unit for r in results if any(f.rule.id == "complaints" for f in r.fired)} == capped
    assert len(vetoed) > 20 and len(late) > 50 and len(capped) > 300  # the batch does exercise each rule
    assert len(Counter(r.grade for r in results)) >= 3


def test_non_cohort_items_match_scoring_one_unit_alone(tmp_path):
    ruleset = write_ruleset(tmp_path, units=200)
    batch = random_batch(ruleset, 200, seed=3)
    results = evaluate(ruleset, batch)
    for evidence, result in zip(batch, results, strict=True):
        for item_result in result.all_items():
            leaf = item_result.item
            if leaf.is_leaf and leaf.method != "rank":
                assert score_leaf(leaf, evidence).score == item_result.score
