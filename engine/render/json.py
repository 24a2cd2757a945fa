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


def _items(ruleset: Ruleset, results, parent: str | None, level: int) -> list[dict]:
    rows = []
    for r in results:
        entry = r.entry
        rows.append({
            "id": r.item.id, "title": r.item.title, "parent": parent, "level": level, "bonus": r.item.bonus,
            "max": _points(r.item.points), "score": _points(r.score), "reason": r.reason,
            "standard": r.item.standard, "method": r.item.method or None,
            "citation": _citation(ruleset, r.item.citation),
            "self_score": _points(entry.self_score) if entry else None,
            "files": list(entry.files) if entry else [], "note": entry.note if entry else "",
            "adjustment": _adjustment(r),
        })
        rows.extend(_items(ruleset, r.children, r.item.id, level + 1))
    return rows


def _adjustment(result) -> dict | None:
    a = result.adjustment
    if a is None:
        return None
    return {"computed": _points(result.computed), "score": _points(a.score), "reason": a.reason, "by": a.by,
            "at": a.at}


def result_document(ruleset: Ruleset, result: UnitResult) -> dict:
    e = result.evidence
    return {
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
        "outcomes": [{
            "id": f.rule.id, "title": f.rule.title, "effect": f.rule.effect,
            "grade": f.rule.grade or None, "levels": f.rule.levels if f.rule.effect == "downgrade" else None,
            "detail": f.detail, "citation": _citation(ruleset, f.rule.citation),
        } for f in result.fired],
        "items": _items(ruleset, result.items, None, 1),
    }


def results_document(ruleset: Ruleset, results: list[UnitResult]) -> dict:
    return {"format": FORMAT, "ruleset": ruleset_header(ruleset),
            "units": [result_document(ruleset, r) for r in results]}


def dumps(document: dict, compact: bool = False) -> str:
    """Indented for people (stdout); compact for files, where it is ten times faster to write for large batches."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
