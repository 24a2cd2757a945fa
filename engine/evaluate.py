"""Score a batch of units: the only module that touches durable-rules.

Compilation, once per ruleset version: the item table stays data (scored in
Python by the method table); the outcome rules become a small fixed set of
durable-rules rules over one fact per unit, plus one rule that sees every unit
so a fact that triggers nothing is still handled. Rank-based items and rank
grades need the whole batch, so scoring runs in passes: leaves, cohort ranks,
outcome rules, grades.

durable-rules keeps ruleset names global and cannot unload them, is not
thread-safe, and can drop facts silently in a long-lived session state; so
each ruleset digest gets its own name, evaluation holds a lock, each chunk of
units uses a fresh session state that is deleted afterwards, and every unit is
counted back before results are returned.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import count

from durable import lang

from .errors import KaoheError, Location, Problem
from .grading import apply_quotas, band_for, explain_band, rank_grades, round_total
from .methods import needs_cohort
from .model import Evidence, FiredOutcome, ItemResult, Ruleset, UnitResult
from .outcomes import apply_outcomes, consequence_notes
from .ranking import places
from .scoring import (
    apply_preconditions,
    assemble,
    penalties,
    preconditions,
    rescale_note,
    score_leaf,
    totals,
    weighted_reason,
)
from .selection import item_value
from .triggers import GRADE_FIELD, Comparison, Group, RuleCondition, conditions, encode, explain

# durable-rules logs any exception raised inside an action (one of ours, or Ctrl-C) before handing it back, and we
# report it ourselves: without a handler of its own, logging's last resort would print its traceback on the terminal.
logging.getLogger("durable").addHandler(logging.NullHandler())

CHUNK = 500  # units per durable-rules session state (it misbehaves past ~46k facts in one)
_lock = threading.Lock()
_compiled: dict[str, "CompiledRuleset"] = {}
_sessions = count()


class InternalError(Exception):
    """Our bug, not the user's: shown as 内部错误."""


@dataclass
class CompiledRuleset:
    name: str
    conditions: tuple[RuleCondition, ...]
    seen: list = field(default_factory=list)
    fired: list = field(default_factory=list)


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Register the ruleset's outcome rules with durable-rules, once per digest."""
    with _lock:
        key = ruleset.digest or repr(ruleset)
        if key in _compiled:
            return _compiled[key]
        name = f"kaohe-{len(_compiled)}-{ruleset.id}-{ruleset.version}-{ruleset.digest[:12]}"
        compiled = CompiledRuleset(name, conditions(ruleset))
        with lang.ruleset(name):
            lang.when_all(+lang.m.uid)(lambda c: compiled.seen.append(c.m.uid))
            for index, cond in enumerate(compiled.conditions):
                lang.when_all(_expression(cond))(_recorder(compiled, index))
        _compiled[key] = compiled
        return compiled


def _recorder(compiled: CompiledRuleset, index: int):
    return lambda c: compiled.fired.append((c.m.uid, index))


_TERMS = {
    "==": lambda a, b: a == b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
}


def _expression(cond: RuleCondition):
    """The rule's condition tree as one durable-rules expression, only for facts of its phase."""
    return _term(cond.node) & (lang.m.phase == cond.phase)


def _term(node: Comparison | Group):
    if isinstance(node, Comparison):
        return _TERMS[node.op](getattr(lang.m, node.field), node.threshold)
    expression = None
    for part in node.parts:
        term = _term(part)
        if expression is None:
            expression = term
        else:
            expression = (expression & term) if node.op == "all" else (expression | term)
    return expression


def _fire(compiled: CompiledRuleset, facts: list[dict]) -> dict[int, list[int]]:
    """Assert each unit's fact; return unit index → indexes of the outcome rules that fired."""
    fired: dict[int, list[int]] = {i: [] for i in range(len(facts))}
    with _lock:
        # get_host() creates the host on first use and moves pending rulesets into it; two threads doing that at
        # once (a web server's) each create a host and one ruleset is lost ("Ruleset with name … not found")
        host = lang.get_host()
        for start in range(0, len(facts), CHUNK):
            sid = f"s{next(_sessions)}"
            compiled.seen.clear()
            compiled.fired.clear()
            chunk = range(start, min(start + CHUNK, len(facts)))
            for uid in chunk:
                host.assert_fact(compiled.name, dict(facts[uid], sid=sid, uid=uid))
            if sorted(compiled.seen) != list(chunk):
                lost = sorted(set(chunk) - set(compiled.seen))
                raise InternalError(f"durable-rules 未处理 {len(lost)} 个单位的事实（例：第 {lost[:5]} 个）")
            for uid, index in compiled.fired:
                if index not in fired[uid]:  # a rule of several alternatives fires once per one that holds
                    fired[uid].append(index)
            host.delete_state(compiled.name, sid)
    return fired


def evaluate(ruleset: Ruleset, batch: list[Evidence]) -> list[UnitResult]:
    """Score every unit of the batch; results come back in the order given."""
    _check_batch(batch)
    compiled = compile_ruleset(ruleset)
    leaves = ruleset.leaves()
    solo = [leaf for leaf in leaves if not needs_cohort(leaf.method)]
    cohort = [leaf for leaf in leaves if needs_cohort(leaf.method)]
    leaf_results: list[dict[str, ItemResult]] = [
        {leaf.id: score_leaf(leaf, evidence, ruleset=ruleset) for leaf in solo} for evidence in batch
    ]
    absent = _absent(ruleset, batch)
    for leaf in cohort:
        _score_cohort(ruleset, leaf, batch, leaf_results, absent)
    checks = [preconditions(ruleset, evidence) for evidence in batch]
    for check, results in zip(checks, leaf_results, strict=True):
        apply_preconditions(ruleset, check, results)
    trees = [tuple(assemble(item, results, check) for item in ruleset.items)
             for results, check in zip(leaf_results, checks, strict=True)]
    trees = [tuple(weighted_reason(r) for r in tree) for tree in trees]
    encoded = [encode(compiled.conditions, ruleset, e, r) for e, r in zip(batch, leaf_results, strict=True)]
    facts = [dict(fact, phase=1) for fact, _ in encoded]
    fired = _fire(compiled, facts)
    outcomes = [[_fired(compiled, k, ruleset, evidence, leaf_results[i], facts[i]) for k in sorted(fired[i])]
                for i, evidence in enumerate(batch)]
    excluded = [_excluded(unit, ruleset.grading.labels) for unit in outcomes]
    sums = [totals(ruleset, tree) for tree in trees]
    graded = [round_total(total, ruleset.grading.rounding) for _, _, total in sums]
    if ruleset.grading.by == "rank":
        band_grades = rank_grades(graded, ruleset.grading, excluded)
        if absent:
            band_grades = [(label, f"{reason}（{_provisional(absent)}）") for label, reason in band_grades]
    else:
        bands = [band_for(g, ruleset.grading) for g in graded]
        band_grades = [(b.label, explain_band(t, g, b, ruleset.grading))
                       for b, (_, _, t), g in zip(bands, sums, graded, strict=True)]
    settled = [apply_outcomes(band_grades[i][0], outcomes[i], ruleset.grading.labels, ruleset)
               for i in range(len(batch))]
    before_quota = ["" for _ in batch]
    if ruleset.grading.quotas:
        moved = apply_quotas([grade for grade, _ in settled], graded, ruleset.grading)
        before_quota = [old if note else "" for (_, note), (old, _) in zip(moved, settled, strict=True)]
        settled = [(grade, notes + [note] if note else notes) for (grade, note), (_, notes) in
                   zip(moved, settled, strict=True)]
    if any(cond.phase == 2 for cond in compiled.conditions):
        second = [dict(facts[i], phase=2, **{GRADE_FIELD: settled[i][0]}) for i in range(len(batch))]
        later = _fire(compiled, second)
        for i, evidence in enumerate(batch):
            recorded = [_fired(compiled, k, ruleset, evidence, leaf_results[i], second[i]) for k in sorted(later[i])]
            outcomes[i] += recorded
            settled[i] = (settled[i][0], settled[i][1] + consequence_notes(recorded, ruleset))
    ranks = places(graded)
    order = _leaf_order(ruleset)
    results = []
    for i, evidence in enumerate(batch):
        band_grade, band_reason = band_grades[i]
        grade, notes = settled[i]
        folded = rescale_note(ruleset, trees[i])
        unscored = tuple(r.item.id for r in leaf_results[i].values() if r.score is None and not r.not_applicable)
        unscored += tuple(f"facts › {name}" for name in encoded[i][1])
        regular, bonus, total = sums[i]
        results.append(UnitResult(
            unit=evidence.unit, evidence=evidence, items=trees[i], regular_total=regular, bonus_total=bonus,
            total=total, graded_total=graded[i], band_grade=band_grade, grade=grade,
            grade_reason="；".join(([folded] if folded else []) + [band_reason] + notes),
            fired=tuple(sorted(outcomes[i], key=lambda f: ruleset.outcomes.index(f.rule))),
            unscored=tuple(sorted(unscored, key=order)), rank=ranks[i], penalty_total=penalties(trees[i]),
            quota_from=before_quota[i]))
    return results


def _excluded(fired: list[FiredOutcome], labels: tuple[str, ...]) -> set[str]:
    """The grades a unit may not be given, for rank places: those its rules exclude, and those better than a grade
    it is forced to (一票否决) or capped at: such a unit never holds a place another unit could take."""
    barred = {label for f in fired for label in f.rule.exclude}
    for f in fired:
        if f.rule.effect in ("force_grade", "cap_grade"):
            barred |= set(labels[:labels.index(f.rule.grade)])
    return barred


def _fired(compiled: CompiledRuleset, index: int, ruleset: Ruleset, evidence: Evidence,
           leaf_results: dict[str, ItemResult], fact: dict) -> FiredOutcome:
    cond = compiled.conditions[index]
    return FiredOutcome(cond.rule, explain(cond, ruleset, evidence, leaf_results, fact))


def _leaf_order(ruleset: Ruleset):
    order = {leaf.id: n for n, leaf in enumerate(ruleset.leaves())}
    return lambda key: (order.get(key, len(order)), key)


def _absent(ruleset: Ruleset, batch: list[Evidence]) -> tuple[str, ...]:
    """Units of the ruleset's roster not in this batch: places and rank grades among the others are provisional."""
    present = {e.unit for e in batch}
    return tuple(u for u in ruleset.units if u not in present)


def _provisional(absent: tuple[str, ...]) -> str:
    return f"暂定：名单中还有{len(absent)}个单位未参评，名次可能变化"


def _score_cohort(ruleset: Ruleset, leaf, batch: list[Evidence], leaf_results: list[dict[str, ItemResult]],
                  absent: tuple[str, ...] = ()) -> None:
    """Rank-based leaves: places among the units that gave a value."""
    found = [item_value(leaf, ruleset, e)[0] for e in batch]
    given = [i for i, value in enumerate(found) if value is not None]
    values: list[Decimal] = [Decimal(found[i]) for i in given]
    spots = dict(zip(given, places(values, leaf.params.order == "higher_better"), strict=True))
    for i, evidence in enumerate(batch):
        result = score_leaf(leaf, evidence, (spots[i], len(given)) if i in spots else None, ruleset)
        if absent and result.score is not None:
            result = replace(result, reason=f"{result.reason}（{_provisional(absent)}）")
        leaf_results[i][leaf.id] = result


def _check_batch(batch: list[Evidence]) -> None:
    seen: dict[str, Evidence] = {}
    problems = []
    for evidence in batch:
        if evidence.unit in seen:
            problems.append(Problem(Location(evidence.file), f'单位 "{evidence.unit}" 在本批中提交了不止一份材料'
                                                    f"（另一份：{seen[evidence.unit].file}）"))
        seen.setdefault(evidence.unit, evidence)
    if problems:
        raise KaoheError(problems)
