"""The stable JSON result document (format "kaohe.result/1"), documented in README.md.

Points are decimal strings ("89.99"), never binary floats; an unscored item has
score null. Keys and order are fixed so the same inputs give the same bytes.
"""
from __future__ import annotations

import json

from ..model import Citation, Ruleset, UnitResult, format_points

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


def _uses(ruleset: Ruleset) -> tuple[bool, bool, bool]:
    """Whether the ruleset has key items, penalty sections, items with their own cap: only then do the documents
    carry `key`, `penalty` (and the unit's `penalty_total`), `cap`, so those of other rulesets keep their bytes."""
    items = list(ruleset.all_items())
    return (any(i.key for i in items), any(i.penalty for i in items), any(i.max is not None for i in items))


def _items(ruleset: Ruleset, results, parent: str | None, level: int, uses=None) -> list[dict]:
    key, penalty, cap = uses if uses is not None else _uses(ruleset)
    rows = []
    for r in results:
        entry = r.entry
        row = {"id": r.item.id, "title": r.item.title, "parent": parent, "level": level, "bonus": r.item.bonus}
        if key:
            row["key"] = r.item.key
        if penalty:
            row["penalty"] = r.item.penalty
        row["max"] = _points(r.item.points)
        if cap:
            row["cap"] = _points(r.item.max)  # 本项最高分, null where the item has none
        rows.append(row | {
            "score": _points(r.score), "reason": r.reason,
            "standard": r.item.standard, "method": r.item.method or None,
            "citation": _citation(ruleset, r.item.citation),
            "self_score": _points(entry.self_score) if entry else None,
            "files": list(entry.files) if entry else [], "note": entry.note if entry else "",
            "adjustment": _adjustment(r),
        })
        rows.extend(_items(ruleset, r.children, r.item.id, level + 1, (key, penalty, cap)))
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
        "evidence": {"file": e.file, "digest": e.digest, "sample": e.sample},
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
    if _uses(ruleset)[1]:  # after bonus_total, where a reader looks for the parts of the total
        at = list(document).index("bonus_total") + 1
        pairs = list(document.items())
        document = dict(pairs[:at] + [("penalty_total", _points(result.penalty_total))] + pairs[at:])
    return document


def results_document(ruleset: Ruleset, results: list[UnitResult]) -> dict:
    return {"format": FORMAT, "ruleset": ruleset_header(ruleset),
            "units": [result_document(ruleset, r) for r in results]}


def dumps(document: dict, compact: bool = False) -> str:
    """Indented for people (stdout); compact for files, where it is ten times faster to write for large batches."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
