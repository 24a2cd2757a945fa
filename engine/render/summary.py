"""The readable Chinese summary `kaohe score` prints by default."""
from __future__ import annotations

import unicodedata

from ..model import Evidence, Ruleset, UnitResult, format_points
from ..scoring import preconditions
from .order import summary_order
from .sheet import quota_moved, quota_text, score_text, title_text, total_breakdown
from .xlsx import writable


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
    for r in summary_order(ruleset, results):
        remarks = []
        if r.fired:
            remarks.append("；".join(f"{f.rule.title}" for f in r.fired))
        quota = quota_moved(ruleset, r)
        if quota is not None:
            remarks.append(f"名额限制（{quota_text(quota)}）")
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
            then = f"；后果：{f.rule.consequence}" if f.rule.consequence else ""
            lines.append(f"  {r.unit}：{f.rule.title}（依据：{ruleset.cite(f.rule.citation)}）— {f.detail}{then}")
    missing = [r for r in results if r.unscored]
    if missing:
        lines.append("")
        lines.append("未能评分（缺少的值不按0分计）：")
        for r in missing:
            lines.append(f"  {r.unit}（{r.evidence.file}）：{owed_text(ruleset, r.unscored, r.evidence)}")
    return writable("\n".join(lines) + "\n")


def owed_text(ruleset: Ruleset, unscored: tuple[str, ...], evidence: Evidence | None = None) -> str:
    """Who still owes each unscored value: 一.6 缺填报值，二.7、二.14 待考核组评分，一.10 待牵头部门（市质监局）评分;
    二.1 缺事实「生产安全事故」 for an item counting events, 三.2 缺 一.3 的填报值 for one reading another's value.
    With the evidence, a leaf whose own value is there waits for what a precondition (zero_if) reads."""
    leaves = {leaf.id: leaf for leaf in ruleset.leaves()}
    facts = {spec.name: spec.title for spec in ruleset.facts}
    parents = {child.id: item for item in ruleset.all_items() for child in item.children}
    checks = preconditions(ruleset, evidence) if evidence is not None else {}
    groups: dict[str, list[str]] = {}
    for key in unscored:
        item = leaves.get(key)
        if item is None:
            groups.setdefault("缺事实", []).append(key.removeprefix("facts › "))
        elif item.events is not None and (evidence is None or evidence.facts.get(item.events.fact) is None):
            fact = item.events.fact
            groups.setdefault(f"缺事实「{facts.get(fact, fact)}」", []).append(key)
        elif item.value_of and (evidence is None or _given(evidence, item.value_of) is None):
            groups.setdefault(f"缺 {item.value_of} 的填报值", []).append(key)
        elif ((not item.takes_entry or _given(evidence, item.id) is not None)
              and _waits_for_condition(item, parents, checks)):
            groups.setdefault("缺前提条件所读的值", []).append(key)
        elif item.provider == "inspection":
            groups.setdefault("待考核组评分", []).append(key)
        elif item.provider == "department":
            groups.setdefault(f"待牵头部门（{item.department}）评分", []).append(key)
        else:
            groups.setdefault("缺填报值", []).append(key)
    return "，".join(f"{'、'.join(keys)} {what}" for what, keys in groups.items())


def _given(evidence: Evidence | None, item_id: str):
    entry = evidence.entries.get(item_id) if evidence is not None else None
    return None if entry is None else entry.value


def _waits_for_condition(item, parents, checks) -> bool:
    """A precondition (zero_if) of the leaf, or of a section above it, cannot be told: that is what it waits for."""
    line = [item]
    while line[-1].id in parents:
        line.append(parents[line[-1].id])
    return any(checks.get(x.id, (False, ""))[0] is None for x in line)


def unit_detail_text(ruleset: Ruleset, result: UnitResult) -> str:
    """One unit, item by item: score of max, the reason with its arithmetic, and the clause."""
    breakdown = total_breakdown(ruleset, result)
    lines = [f"{result.unit} — {ruleset.title}（版本 {ruleset.version}）",
             f"总分 {format_points(result.total)}（{breakdown or '其中加分 ' + format_points(result.bonus_total)}），"
             f"等次 {result.grade}{'（暂定）' if result.unscored else ''}",
             f"定级：{result.grade_reason}", ""]
    for item_result in result.all_items():
        item = item_result.item
        depth = item.id.count(".")
        score = score_text(item_result)
        if item.penalty:  # said once: a section titled 扣分项 is not followed by （扣分项）
            said = "" if "扣分" in item.title else "扣分项，"
            of = (f"（{said}最多扣{format_points(item.points)}分）" if item.points > 0
                  else f"（{said.rstrip('，')}）" if said else "")
        else:
            of = f"/{format_points(item.points)}"
            if item.max is not None:
                of += f"（最高{format_points(item.max)}）"
            if item.weight is not None:
                brought = ("" if item_result.score is None else
                           f"，计入总分{format_points(item_result.score * item.weight)}分")
                of += f"（权重{format_points(item.weight * 100)}%{brought}）"
            if item_result.not_applicable:
                of = f"（本项{format_points(item.points)}分）"
        title = title_text(ruleset, item).removesuffix("（加分项）")
        lines.append(f"{'  ' * depth}{item.id} {title}  {score}{of}"
                     f"{'（加分）' if item.bonus and not depth and '加分' not in item.title else ''}")
        if item.is_leaf:
            lines.append(f"{'  ' * depth}  {item_result.reason}")
            if item.citation:
                lines.append(f"{'  ' * depth}  依据：{ruleset.cite(item.citation)}")
    for fired in result.fired:
        lines += ["", f"结果规则：{fired.rule.title}（依据：{ruleset.cite(fired.rule.citation)}）", f"  {fired.detail}"]
        if fired.rule.consequence:
            lines.append(f"  后果：{fired.rule.consequence}")
    lines += ["", f"细则摘要 {ruleset.digest}", f"材料摘要 {result.evidence.digest}（{result.evidence.file}）"]
    return writable("\n".join(lines) + "\n")
