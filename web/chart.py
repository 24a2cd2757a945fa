"""The grade distribution as a bar chart the server draws (inline SVG): no script, nothing fetched."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kaohe.engine.render.distribution import GRADE_COLORS


@dataclass(frozen=True)
class GradeBar:
    label: str
    count: int
    x: int
    y: int
    width: int
    height: int
    color: str

    @property
    def center(self) -> int:
        return self.x + self.width // 2

    @property
    def top(self) -> int:
        """Where the count is written, just above the bar."""
        return self.y - 5


@dataclass(frozen=True)
class GradeChart:
    """Vertical bars, one per grade."""

    width: int
    height: int
    baseline: int
    bars: tuple[GradeBar, ...]
    title: str

    @property
    def label_y(self) -> int:
        return self.baseline + 17


def grade_chart(labels: tuple[str, ...], grades: list[str]) -> GradeChart:
    counts = Counter(grades)
    top = max([counts.get(label, 0) for label in labels] + [1])
    plot, bar, gap, left, baseline = 120, 56, 28, 24, 150
    bars = []
    for index, label in enumerate(labels):
        count = counts.get(label, 0)
        height = round(plot * count / top)
        bars.append(GradeBar(label, count, left + index * (bar + gap), baseline - height, bar, height,
                             "#" + GRADE_COLORS[min(index, len(GRADE_COLORS) - 1)]))
    title = "等次分布：" + "，".join(f"{b.label} {b.count}个" for b in bars)
    return GradeChart(left * 2 + len(labels) * (bar + gap) - gap, baseline + 24, baseline, tuple(bars), title)
