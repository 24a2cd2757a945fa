"""Outcome rules change the grade after the score: 降级, 封顶, 不得评为某等次, 一票否决; or record a consequence
(约谈, 通报批评) without touching it.

Order, so that the result never depends on how rules are listed: all
downgrades first, then grade caps, then exclusions, then forced grades (a veto overrides all).
"""
from __future__ import annotations

from .model import FiredOutcome

EFFECT_NAMES = {"force_grade": "一票否决", "downgrade": "降级", "cap_grade": "等次封顶"}



def apply_outcomes(grade: str, fired: list[FiredOutcome], labels: tuple[str, ...], ruleset) -> tuple[str, list[str]]:
    """The final grade and one line per rule that changed it or recorded a consequence."""
    worst = len(labels) - 1
    position = labels.index(grade)
    notes = []
    ordered = sorted(fired, key=lambda f: f.rule.id)
    for f in ordered:
        if f.rule.effect == "downgrade":
            new = min(position + f.rule.levels, worst)
            notes.append(f"{_name(f, ruleset)}：降{f.rule.levels}级，{labels[position]}→{labels[new]}")
            position = new
    for f in ordered:
        if f.rule.effect == "cap_grade":
            cap = labels.index(f.rule.grade)
            if position < cap:
                notes.append(f"{_name(f, ruleset)}：最高为{f.rule.grade}，{labels[position]}→{f.rule.grade}")
                position = cap
            else:
                notes.append(f"{_name(f, ruleset)}：最高为{f.rule.grade}，现为{labels[position]}，不变")
    for f in ordered:
        if f.rule.exclude:
            barred = "、".join(f.rule.exclude)
            start = position
            while position < worst and labels[position] in f.rule.exclude:
                position += 1
            change = f"{labels[start]}→{labels[position]}" if position != start else f"现为{labels[position]}，不变"
            notes.append(f"{_name(f, ruleset)}：不得评为{barred}，{change}")
    forced = [f for f in fired if f.rule.effect == "force_grade"]
    if forced:
        target = max(labels.index(f.rule.grade) for f in forced)
        for f in sorted(forced, key=lambda f: f.rule.id):
            notes.append(f"{_name(f, ruleset)}：直接定为{f.rule.grade}")
        position = target
    for f in ordered:
        if f.rule.consequence and not f.rule.effect and not f.rule.exclude:
            notes.append(f"{_name(f, ruleset)}：{f.rule.consequence}")
        elif f.rule.consequence:
            notes.append(f"{f.rule.title}：另{f.rule.consequence}")
    return labels[position], notes


def consequence_notes(fired: list[FiredOutcome], ruleset) -> list[str]:
    """Rules of the second phase (they read the settled grade) only record consequences."""
    return [f"{_name(f, ruleset)}：{f.rule.consequence}" for f in sorted(fired, key=lambda f: f.rule.id)]


def _name(fired: FiredOutcome, ruleset) -> str:
    cite = ruleset.cite(fired.rule.citation)
    return f"{fired.rule.title}（依据：{cite}）" if cite else fired.rule.title
