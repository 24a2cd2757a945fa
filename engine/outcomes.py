"""Outcome rules change the grade after the score: 降级, 封顶, 一票否决.

Order, so that the result never depends on how rules are listed: all
downgrades first, then grade caps, then forced grades (a veto overrides all).
"""
from __future__ import annotations

from .model import FiredOutcome

EFFECT_NAMES = {"force_grade": "一票否决", "downgrade": "降级", "cap_grade": "等次封顶"}


def apply_outcomes(grade: str, fired: list[FiredOutcome], labels: tuple[str, ...], ruleset) -> tuple[str, list[str]]:
    """The final grade and one line per rule that changed it."""
    worst = len(labels) - 1
    position = labels.index(grade)
    notes = []
    for f in sorted(fired, key=lambda f: f.rule.id):
        if f.rule.effect == "downgrade":
            new = min(position + f.rule.levels, worst)
            notes.append(f"{_name(f, ruleset)}：降{f.rule.levels}级，{labels[position]}→{labels[new]}")
            position = new
    for f in sorted(fired, key=lambda f: f.rule.id):
        if f.rule.effect == "cap_grade":
            cap = labels.index(f.rule.grade)
            if position < cap:
                notes.append(f"{_name(f, ruleset)}：最高为{f.rule.grade}，{labels[position]}→{f.rule.grade}")
                position = cap
            else:
                notes.append(f"{_name(f, ruleset)}：最高为{f.rule.grade}，现为{labels[position]}，不变")
    forced = [f for f in fired if f.rule.effect == "force_grade"]
    if forced:
        target = max(labels.index(f.rule.grade) for f in forced)
        for f in sorted(forced, key=lambda f: f.rule.id):
            notes.append(f"{_name(f, ruleset)}：直接定为{f.rule.grade}")
        position = target
    return labels[position], notes


def _name(fired: FiredOutcome, ruleset) -> str:
    cite = ruleset.cite(fired.rule.citation)
    return f"{fired.rule.title}（依据：{cite}）" if cite else fired.rule.title
