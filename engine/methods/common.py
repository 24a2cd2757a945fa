"""What every scoring method shares: its inputs, its output and the wording of numbers."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..fields import Fields
from ..model import format_points

ZERO = Decimal(0)


@dataclass(frozen=True)
class ScoringContext:
    """What a method may need beyond the item and the value."""

    target: Decimal | None = None
    target_note: str = ""  # "本单位备案目标" when the unit's own target applies
    rank: int | None = None  # 1-based place in the cohort, for rank-based methods
    cohort: int = 0


@dataclass(frozen=True)
class ItemScore:
    """A raw score (the engine clamps it) and the reason that shows the arithmetic."""

    score: Decimal
    reason: str


def pts(value: Decimal) -> str:
    return format_points(value)


def measure(value: Decimal, unit: str) -> str:
    """93.5 with unit % → 93.5%; 8 with unit 万元 → 8万元."""
    return f"{pts(value)}{unit}"


def gap_unit(unit: str) -> str:
    """The word for a difference between two values: rates differ in 个百分点."""
    return "个百分点" if unit == "%" else unit


def target_text(item_unit: str, target: Decimal, direction: str, note: str) -> str:
    sign = "≥" if direction == "at_least" else "≤"
    text = f"目标{sign}{measure(target, item_unit)}"
    return f"{text}（{note}）" if note else text


PARTIAL_STEPS = {
    "proportional": "按比例计",
    "whole": "不足一步的部分不计",
    "round_up": "不足一步按一步计",
}


def count_steps(gap: Decimal, step: Decimal, partial: str) -> Decimal:
    """How many steps a gap makes under the ruleset's rule for a partial step."""
    steps = gap / step
    if partial == "whole":
        return steps.to_integral_value(rounding=ROUND_FLOOR)
    if partial == "round_up":
        return steps.to_integral_value(rounding=ROUND_CEILING)
    return steps


def signed_gap(value: Decimal, target: Decimal, direction: str) -> Decimal:
    """How far the value falls short of the target (positive) in the good direction."""
    return target - value if direction == "at_least" else value - target


def read_named_points(fields: Fields, key: str, what: str) -> tuple[tuple[str, Decimal], ...]:
    """A table of name → points in document order (levels, parts); at least one entry."""
    table = fields.mapping(key)
    entries = []
    if table is not None:
        entry_fields = Fields(table, f"{fields.path} › {key}", fields.problems, at=fields.where(key))
        for name in table:
            worth = entry_fields.decimal(name, minimum=ZERO)
            entries.append((name, worth if worth is not None else ZERO))
        if not entries:
            fields.problems.add(fields.where(key), f"至少要声明一个{what}")
    return tuple(entries)
