"""Ruleset test cases kept as data next to each ruleset: evidence → expected item scores, total, grade.

    rulesets/<id>/cases/*.yaml
    - name: 鹿城区样例：总分正好90分，定为A
      evidence: ../samples/01-鹿城区.yaml     # a file, relative to the case file, or the evidence written inline
      batch: ../samples                      # optional: score it with these units (rank items, rank grades)
      expect:
        total: 90
        grade: A
        items: {一.7: 2, 二.5: 2.5}          # an item expected unscored is written null
        fired: []                            # outcome rule ids
        unscored: []

Run by `kaohe test RULESET` and collected by pytest (conftest.py), failing with expected vs. got per item.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .errors import KaoheError, Location, Problem, Problems
from .evaluate import evaluate
from .evidence import evidence_from_data, load_evidence
from .fields import Fields
from .loading import location_of, read_document
from .model import Ruleset, UnitResult, format_points


@dataclass(frozen=True)
class Case:
    name: str
    location: Location
    evidence: Path | dict
    batch: Path | None
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    case: Case
    failures: tuple[str, ...]  # expected vs got, one line each

    @property
    def passed(self) -> bool:
        return not self.failures


def case_files(ruleset_path: Path) -> list[Path]:
    folder = (ruleset_path if ruleset_path.is_dir() else ruleset_path.parent) / "cases"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_cases(path: Path) -> list[Case]:
    data, _ = read_document(path)
    problems = Problems()
    if not isinstance(data, list):
        raise KaoheError([Problem(Location(str(path), 1, 1), "用例文件应为用例的列表（每项以 - name: 开头）")])
    cases = []
    for index, raw in enumerate(data):
        f = Fields(raw, f"[{index + 1}]", problems)
        name = f.text("name")
        evidence = f.raw("evidence")
        batch = f.text("batch", "")
        expect = f.mapping("expect") or {}
        f.done()
        e = Fields(expect, f"{name} › expect", problems)
        for key in ("total", "grade", "items", "fired", "unscored"):
            e.raw(key, None)
        e.done()
        if isinstance(evidence, str):
            evidence = (path.parent / evidence).resolve()
        elif not isinstance(evidence, dict):
            problems.add(f.where("evidence"), "evidence 应为材料文件的路径（相对于用例文件）或直接写出的材料")
            continue
        cases.append(Case(name, location_of(data, index).at(name), evidence,
                          (path.parent / batch).resolve() if batch else None, dict(expect)))
    problems.raise_if_any()
    return cases


def run_case(ruleset: Ruleset, case: Case) -> Outcome:
    if isinstance(case.evidence, dict):
        text = repr(sorted(case.evidence.items())).encode()
        evidence = evidence_from_data(case.evidence, ruleset, f"{case.location.file}:{case.location.line}",
                                      hashlib.sha256(text).hexdigest())
    else:
        evidence = load_evidence(case.evidence, ruleset)
    batch = [evidence]
    if case.batch is not None:
        others = sorted(p for p in case.batch.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".xlsx"))
        batch += [e for e in (load_evidence(p, ruleset) for p in others) if e.unit != evidence.unit]
    result = evaluate(ruleset, batch)[0]
    return Outcome(case, tuple(_compare(case.expect, result)))


def _points(value) -> str:
    return "未评分" if value is None else format_points(Decimal(value))


def _compare(expect: dict, result: UnitResult) -> list[str]:
    failures = []
    if "total" in expect and Decimal(expect["total"]) != result.total:
        failures.append(f"总分：期望 {_points(expect['total'])}，实际 {_points(result.total)}")
    if "grade" in expect and str(expect["grade"]) != result.grade:
        failures.append(f"等次：期望 {expect['grade']}，实际 {result.grade}（{result.grade_reason}）")
    scores = {r.item.id: r for r in result.all_items()}
    for item_id, wanted in (expect.get("items") or {}).items():
        got = scores.get(item_id)
        if got is None:
            failures.append(f"{item_id}：细则中没有这个指标")
        elif (None if wanted is None else Decimal(wanted)) != got.score:
            failures.append(f"{item_id}：期望 {_points(wanted)}，实际 {_points(got.score)}（{got.reason}）")
    if "fired" in expect and list(expect["fired"] or []) != [f.rule.id for f in result.fired]:
        failures.append(f"触发的结果规则：期望 {list(expect['fired'] or [])}，实际 {[f.rule.id for f in result.fired]}")
    if "unscored" in expect and list(expect["unscored"] or []) != list(result.unscored):
        failures.append(f"未能评分：期望 {list(expect['unscored'] or [])}，实际 {list(result.unscored)}")
    return failures
