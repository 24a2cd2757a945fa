"""Each unit's score and grade over the years: a round and the rounds before it (Round.previous), each as its
final result says (or, before the final, its latest publication, marked so)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from .models import Publication, Round


@dataclass(frozen=True)
class Year:
    round: str
    title: str
    publication: str  # 最终结果, or 公示（未公布最终结果）, or '' when nothing is published


@dataclass(frozen=True)
class UnitYears:
    unit: str
    results: tuple[tuple[str, str] | None, ...]  # (total, grade) per year, oldest first; None: not assessed


def chain(round_: Round, limit: int = 20) -> list[Round]:
    rounds = [round_]
    while rounds[-1].previous_id is not None and len(rounds) < limit:
        rounds.append(Round.objects.get(pk=rounds[-1].previous_id))
    return rounds[::-1]


def _published(round_: Round) -> tuple[Publication | None, str]:
    latest = Publication.objects.filter(round=round_).select_related("run").order_by("-number").first()
    if latest is None:
        return None, ""
    return latest, "最终结果" if latest.kind == Publication.FINAL else "公示（未公布最终结果）"


def years(round_: Round) -> tuple[list[Year], list[UnitYears]]:
    rounds = chain(round_)
    columns, tables = [], []
    for r in rounds:
        publication, word = _published(r)
        columns.append(Year(r.code, r.title, word))
        units = json.loads(publication.run.document)["units"] if publication else []
        tables.append({u["unit"]: (u["total"], u["grade"]) for u in units})
    names = list(round_.roster.order_by("position").values_list("name", flat=True))
    return columns, [UnitYears(name, tuple(t.get(name) for t in tables)) for name in names]
