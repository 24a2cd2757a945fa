"""A scoring run's results for the pages, computed once per process.

A run stores the evidence it scored and the result document it gave. A page that shows a score sheet needs the
engine's UnitResults, which only scoring gives: for a province's roster that takes seconds, so the results of the
last few runs are kept here, keyed by the run's row and the digest of its document. Rows are append-only, so a
key never goes stale. As `kaohe round export` does, the stored evidence is scored again and must reproduce the
run's document byte for byte, or nothing is shown.

Pages are served by several threads (waitress): the cache is guarded by a lock, and a run being scored by one
thread is waited for by the others rather than scored twice.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from kaohe.engine import KaoheError, Location, Problem, UnitResult, evaluate
from kaohe.engine.render.json import dumps, results_document
from kaohe.round import jsondata
from kaohe.round.actions import collector_paused
from kaohe.round.models import Round, ScoringRun
from kaohe.round.state import Composed, evidence_of, ruleset_of

KEPT_RUNS = 3  # a unit's results take about 32 KB: 3,000 units about 100 MB a run, so only the latest few
KEPT_SCORES = 32  # the dashboard's rows are small

@dataclass(frozen=True)
class UnitScore:
    """One unit's line in a run's result document (points as the document writes them: decimal text)."""

    rank: int
    unit: str
    total: str
    graded_total: str
    grade: str
    band_grade: str  # before the outcome rules: a veto shows as D（原C）
    complete: bool


_lock = threading.Lock()
_results: OrderedDict[tuple[int, str], dict[str, UnitResult]] = OrderedDict()
_scores: OrderedDict[tuple[int, str], tuple[UnitScore, ...]] = OrderedDict()
_computing: dict[tuple[int, str], threading.Lock] = {}


def _key(run: ScoringRun) -> tuple[int, str]:
    return run.pk, run.digest


def _remember(cache: OrderedDict, key, value, kept: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > kept:
        cache.popitem(last=False)


def run_results(round_: Round, run: ScoringRun) -> dict[str, UnitResult]:
    """unit → UnitResult of the run, in the order the run scored them; KaoheError when the stored evidence no
    longer gives the stored document."""
    key = _key(run)
    with _lock:
        found = _results.get(key)
        if found is not None:
            _results.move_to_end(key)
            return found
        computing = _computing.setdefault(key, threading.Lock())
    with computing:  # one thread scores the run; the others wait here and then find it in the cache
        try:
            with _lock:
                found = _results.get(key)
            if found is None:
                found = _rescore(round_, run)
                with _lock:
                    _remember(_results, key, found, KEPT_RUNS)
            return found
        finally:
            with _lock:
                _computing.pop(key, None)


def _rescore(round_: Round, run: ScoringRun) -> dict[str, UnitResult]:
    ruleset = ruleset_of(round_)
    with collector_paused():
        stored = jsondata.load(run.evidence)  # unit → composed evidence data, in roster order
        results = evaluate(ruleset, [evidence_of(round_, ruleset, Composed(unit, data))
                                     for unit, data in stored.items()])
        document = dumps(results_document(ruleset, results), compact=True)
    if document != run.document:
        raise KaoheError([Problem(Location(f"轮次 {round_.code} › 第{run.number}次评分"),
                                  "按保存的材料和细则重新评分的结果与保存的评分结果不一致，不予显示",
                                  "数据库可能被改动；请运行 kaohe round verify 查看")])
    return {r.unit: r for r in results}


def run_scores(run: ScoringRun) -> tuple[UnitScore, ...]:
    """The run's totals and grades, read from its stored document (no scoring), best rank first."""
    key = _key(run)
    with _lock:
        found = _scores.get(key)
        if found is not None:
            _scores.move_to_end(key)
            return found
    document = json.loads(run.document)  # totals are decimal strings in the document: never floats
    found = tuple(sorted((UnitScore(u["rank"], u["unit"], u["total"], u["graded_total"], u["grade"], u["band_grade"],
                                    u["complete"])
                          for u in document["units"]), key=lambda s: (s.rank, s.unit)))
    with _lock:
        _remember(_scores, key, found, KEPT_SCORES)
    return found
