"""The readable Chinese summary `kaohe score` prints by default."""
from __future__ import annotations

import unicodedata

from ..model import Ruleset, UnitResult, format_points


def width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


def summary_text(ruleset: Ruleset, results: list[UnitResult]) -> str:
    lines = [f"{ruleset.title}（{ruleset.id} 版本 {ruleset.version}，"
             f"{'草案' if ruleset.status == 'draft' else '已发布'}，摘要 {ruleset.digest[:12]}）"]
    header = ["名次", "单位", "总分", "定级分", "等次", "说明"]
    rows = []
    for r in sorted(results, key=lambda r: (r.rank, r.unit)):
        remarks = []
        if r.fired:
            remarks.append("；".join(f"{f.rule.title}" for f in r.fired))
        if r.unscored:
            remarks.append(f"未评分{len(r.unscored)}项，等次为暂定")
        if r.evidence.sample:
            remarks.append("样例数据")
        grade = r.grade if r.grade == r.band_grade else f"{r.grade}（原{r.band_grade}）"
        rows.append([str(r.rank), r.unit, format_points(r.total), format_points(r.graded_total), grade,
                     "；".join(remarks)])
    widths = [max(width(row[i]) for row in [header] + rows) for i in range(len(header) - 1)]
    for row in [header] + rows:
        lines.append("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    fired = [(r, f) for r in results for f in r.fired]
    if fired:
        lines.append("")
        lines.append("触发的结果规则：")
        for r, f in fired:
            lines.append(f"  {r.unit}：{f.rule.title}（依据：{ruleset.cite(f.rule.citation)}）— {f.detail}")
    missing = [r for r in results if r.unscored]
    if missing:
        lines.append("")
        lines.append("未能评分（缺少填报值）：")
        for r in missing:
            lines.append(f"  {r.unit}（{r.evidence.file}）：{'、'.join(r.unscored)}")
    return "\n".join(lines) + "\n"
