"""The stable JSON result document (format "kaohe.result/1"), documented in README.md.

Points are decimal strings ("89.99"), never binary floats; an unscored item has
score null. Keys and order are fixed so the same inputs give the same bytes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..model import Citation, Ruleset, UnitResult, format_points
from .sheet import quota_moved, quota_text

FORMAT = "kaohe.result/1"


def _points(value) -> str | None:
    return None if value is None else format_points(value)


def _citation(ruleset: Ruleset, citation: Citation | None) -> dict | None:
    if citation is None:
        return None
    return {"source": citation.source, "document": ruleset.document_name(citation),
            "clause": citation.clause, "text": citation.text}


def ruleset_header(ruleset: Ruleset) -> dict:
    return {"id": ruleset.id, "title": ruleset.title, "version": ruleset.version, "status": ruleset.status,
            "digest": ruleset.digest}


@dataclass(frozen=True)
class Uses:
    """Which features of the ruleset language the ruleset uses: only then do the documents carry their keys, so the
    documents of other rulesets keep their bytes."""

    key: bool = False  # key items: `key` on each item
    penalty: bool = False  # penalty sections: `penalty` on each item, the unit's `penalty_total`
    cap: bool = False  # items with their own cap: `cap` on each item
    weight: bool = False  # weighted top-level sections: `weight` on each item (null below the top)
    not_applicable: bool = False  # items that may not apply: `not_applicable` on each item
    derived: bool = False  # values taken from another assessment's results: `derived` on each item
    consequences: bool = False  # outcome rules that record consequences: the unit's `consequences`
    quotas: bool = False  # grade quotas: the unit's `quota` (the quota that moved it, or null)


def _uses(ruleset: Ruleset) -> Uses:
    items = list(ruleset.all_items())
    return Uses(key=any(i.key for i in items), penalty=any(i.penalty for i in items),
                cap=any(i.max is not None for i in items), weight=any(i.weight is not None for i in items),
                not_applicable=any(i.may_not_apply for i in items),
                derived=any(i.from_results is not None for i in items),
                consequences=any(rule.consequence for rule in ruleset.outcomes),
                quotas=bool(ruleset.grading.quotas))


def _items(ruleset: Ruleset, results, parent: str | None, level: int, uses: Uses | None = None) -> list[dict]:
    uses = uses if uses is not None else _uses(ruleset)
    rows = []
    for r in results:
        entry = r.entry
        row = {"id": r.item.id, "title": r.item.title, "parent": parent, "level": level, "bonus": r.item.bonus}
        if uses.key:
            row["key"] = r.item.key
        if uses.penalty:
            row["penalty"] = r.item.penalty
        row["max"] = _points(r.item.points)
        if uses.cap:
            row["cap"] = _points(r.item.max)  # 本项最高分, null where the item has none
        if uses.weight:
            row["weight"] = _points(r.item.weight)  # 权重, null where the item has none
        if uses.not_applicable:
            row["not_applicable"] = r.not_applicable  # 不适用: score null, yet not unscored
        rows.append(row | {
            "score": _points(r.score), "reason": r.reason,
            "standard": r.item.standard, "method": r.item.method or None,
            "citation": _citation(ruleset, r.item.citation),
            "self_score": _points(entry.self_score) if entry else None,
            "files": list(entry.files) if entry else [], "note": entry.note if entry else "",
            "adjustment": _adjustment(r),
        } | ({"derived": entry.derived if entry else ""} if uses.derived else {}))
        rows.extend(_items(ruleset, r.children, r.item.id, level + 1, uses))
    return rows


def _outcome(ruleset: Ruleset, fired) -> dict:
    rule = fired.rule
    found = {"id": rule.id, "title": rule.title, "effect": rule.effect or None, "grade": rule.grade or None,
             "levels": rule.levels if rule.effect == "downgrade" else None}
    if rule.exclude:  # only where a ruleset uses them: the documents of other rulesets stay as they were
        found["exclude"] = list(rule.exclude)
    if rule.consequence:
        found["consequence"] = rule.consequence
    return found | {"detail": fired.detail, "citation": _citation(ruleset, rule.citation)}


def _adjustment(result) -> dict | None:
    a = result.adjustment
    if a is None:
        return None
    return {"computed": _points(result.computed), "score": _points(a.score), "reason": a.reason, "by": a.by,
            "at": a.at}


def result_document(ruleset: Ruleset, result: UnitResult) -> dict:
    e = result.evidence
    document = {
        "unit": result.unit,
        "ruleset": {"id": ruleset.id, "version": ruleset.version, "digest": ruleset.digest},
        "evidence": {"file": e.file, "digest": e.digest, "sample": e.sample} | (
            {"warnings": warnings_list(e.warnings)} if e.warnings else {}),
        "complete": result.complete,
        "unscored": list(result.unscored),
        "total": _points(result.total),
        "regular_total": _points(result.regular_total),
        "bonus_total": _points(result.bonus_total),
        "graded_total": _points(result.graded_total),
        "rank": result.rank,
        "band_grade": result.band_grade,
        "grade": result.grade,
        "grade_reason": result.grade_reason,
        "self_total": _points(e.self_total),
        "outcomes": [_outcome(ruleset, f) for f in result.fired],
        "items": _items(ruleset, result.items, None, 1),
    }
    uses = _uses(ruleset)
    if uses.penalty:  # after bonus_total, where a reader looks for the parts of the total
        document = _after(document, "bonus_total", "penalty_total", _points(result.penalty_total))
    if uses.quotas:  # beside the grade it explains
        moved = quota_moved(ruleset, result)
        document = _after(document, "grade", "quota", None if moved is None else {
            "label": moved.label, "text": quota_text(moved)})
    if uses.consequences:
        document = _after(document, "outcomes", "consequences", [f.rule.consequence for f in result.consequences])
    return document


def warnings_list(warnings) -> list[dict]:
    """Evidence warnings (a value likely in the wrong scale): where, what, and the hint."""
    return [{"location": str(w.location), "path": w.location.path, "message": w.message, "hint": w.hint}
            for w in sorted(warnings)]


def _after(document: dict, key: str, new: str, value) -> dict:
    """The document with `new` inserted right after `key`."""
    at = list(document).index(key) + 1
    pairs = list(document.items())
    return dict(pairs[:at] + [(new, value)] + pairs[at:])


def results_document(ruleset: Ruleset, results: list[UnitResult]) -> dict:
    return {"format": FORMAT, "ruleset": ruleset_header(ruleset),
            "units": [result_document(ruleset, r) for r in results]}


def dumps(document: dict, compact: bool = False) -> str:
    """Indented for people (stdout); compact for files, where it is ten times faster to write for large batches."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
