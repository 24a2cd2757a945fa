"""Competition ranking (1, 2, 2, 4): each place is 1 + the number of strictly better values."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal


def places(values: list[Decimal], higher_is_better: bool = True) -> list[int]:
    ordered = sorted(values)
    if higher_is_better:
        return [1 + len(ordered) - bisect_right(ordered, v) for v in values]
    return [1 + bisect_left(ordered, v) for v in values]
