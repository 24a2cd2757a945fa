"""Notes a caller adds to the score sheets and the summary: tables of its own after the engine's content, and
a short mark in the 得分 cell of some items (a round's adjustments and appeals, for example).

The engine does not interpret them: it lays them out. Without notes every output is exactly what it was.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NoteTable:
    caption: str  # e.g. 调整
    columns: tuple[str, ...]
    widths: tuple[int, ...]  # relative column widths, one per column
    rows: tuple[tuple[str, ...], ...]
    empty: str = "无"  # shown in place of the rows when there are none

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.columns) or any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"note table {self.caption!r}: every row and the widths need one entry per column")


@dataclass(frozen=True)
class SheetNotes:
    """What is added to one sheet: a titled section of tables, and marks for items' 得分 cells."""

    title: str  # the section's heading, e.g. 调整与申诉
    tables: tuple[NoteTable, ...] = ()
    marks: Mapping[str, str] = field(default_factory=dict)  # item id → a short mark, e.g. 经调整
    legend: str = ""  # one line under the heading, e.g. what the marks mean

    @property
    def empty(self) -> bool:
        return not self.tables and not self.marks and not self.legend


@dataclass(frozen=True)
class Notes:
    """Notes for a whole set of outputs: per unit (by name), and for the summary."""

    units: Mapping[str, SheetNotes] = field(default_factory=dict)
    summary: SheetNotes | None = None

    def of(self, unit: str) -> SheetNotes | None:
        return self.units.get(unit)


def spans(widths: tuple[int, ...], grid: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Lay a table with relative `widths` over a sheet whose columns are `grid` wide: each of its columns gets
    a run of whole grid columns (first, last; 1-based), in order, as close to its share as the grid allows
    (least squared error relative to each share, so a narrow column is not given a wide run)."""
    if not widths or len(widths) > len(grid):
        raise ValueError(f"a note table needs 1 to {len(grid)} columns, not {len(widths)}")
    scale = sum(grid) / sum(widths)
    targets = [w * scale for w in widths]
    n, m = len(widths), len(grid)
    # best[k][j]: least cost of laying the first k columns over the first j grid columns, and where k-1 ended
    best: list[list[tuple[float, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, 0)
    for k in range(1, n + 1):
        for j in range(k, m - (n - k) + 1):
            options = []
            for i in range(k - 1, j):
                if best[k - 1][i] is not None:
                    error = (sum(grid[i:j]) - targets[k - 1]) ** 2 / targets[k - 1]
                    options.append((best[k - 1][i][0] + error, i))
            best[k][j] = min(options)
    edges = [m]
    for k in range(n, 0, -1):
        edges.append(best[k][edges[-1]][1])
    edges.reverse()
    return tuple((edges[i] + 1, edges[i + 1]) for i in range(n))
