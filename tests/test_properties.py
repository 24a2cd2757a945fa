"""Properties over generated evidence (hypothesis): bounds, sums, vetoes, determinism."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import unit_name, write_ruleset
from kaohe.engine import evaluate, evidence_from_data, results_document


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    # 2 sections × 11 leaves: every scoring method twice, plus the bonus section and all outcome rules
    return write_ruleset(tmp_path_factory.mktemp("prop"), sections=2, per_section=11, units=6)


def decimals(low, high, places=2):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False,
                       allow_infinity=False)


def value_strategy(item):
    method = item.method
    if method == "all_or_nothing":
        return st.booleans()
    if method == "levels":
        return st.sampled_from(item.params.names())
    if method == "parts":
        return st.lists(st.sampled_from(item.params.names()), unique=True)
    if method in ("deduct_per", "add_per"):
        return st.integers(0, 40).map(Decimal)
    if method in ("threshold", "deduct_below_target", "base_step"):
        return decimals(0, 100)
    if method in ("brackets", "rank"):
        return decimals(0, 200, 1)
    if method == "judged":
        return st.integers(0, int(item.points * 2)).map(lambda n: {"score": Decimal(n) / 2, "reason": "核查"})
    raise AssertionError(method)


def unit_strategy(ruleset, index):
    values = st.fixed_dictionaries({leaf.id: value_strategy(leaf) for leaf in ruleset.leaves()})
    incidents = st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["区域性", "系统性", "一般"]),
                                                "date": st.sampled_from(["2013-06-01", "2014-05-01", "2015-06-01"])}),
                         max_size=2)
    facts = st.fixed_dictionaries({"incidents": incidents, "late_report": st.booleans(),
                                   "complaints": st.integers(0, 5).map(Decimal)})
    return st.fixed_dictionaries({"unit": st.just(unit_name(index)), "ruleset": st.just("synthetic"),
                                  "values": values, "facts": facts})


def batches(ruleset):
    return st.integers(1, 6).flatmap(lambda n: st.tuples(*[unit_strategy(ruleset, i) for i in range(n)]))


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.data())
def test_bounds_sums_and_vetoes(ruleset, data):
    raw = data.draw(batches(ruleset))
    batch = [evidence_from_data(d, ruleset, f"{d['unit']}.yaml", "") for d in raw]
    for result, evidence in zip(evaluate(ruleset, batch), batch, strict=True):
        for item_result in result.all_items():
            item = item_result.item
            assert Decimal(0) <= item_result.score <= item.points
            if item_result.children:
                total = sum(c.score for c in item_result.children)
                assert item_result.score == (min(total, item.points) if item.bonus else total)
        assert result.bonus_total == min(sum(r.score for r in result.items if r.item.bonus), ruleset.bonus_cap)
        assert result.total == result.regular_total + result.bonus_total
        vetoed = any(i.kind in ("区域性", "系统性") and i.date.year == 2014 for i in evidence.facts["incidents"])
        assert any(f.rule.id == "veto" for f in result.fired) == vetoed
        if vetoed:
            assert result.grade == "D"
        assert result.grade in ruleset.grading.labels


@SETTINGS
@given(data=st.data())
def test_same_input_same_output(ruleset, data):
    raw = data.draw(batches(ruleset))
    batch = [evidence_from_data(d, ruleset, f"{d['unit']}.yaml", "") for d in raw]
    first = results_document(ruleset, evaluate(ruleset, batch))
    again = results_document(ruleset, evaluate(ruleset, list(batch)))
    assert first == again
