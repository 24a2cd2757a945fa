"""Coherence checks a policy drafter runs on a draft, beyond what loading already refuses.

Loading (engine/ruleset.py) already rejects, as errors: points that do not add up at any
level, a citation of an undeclared source, an item without a citation, a level worth more
than its item, a base above its cap, an outcome rule reading an undefined fact. This module
adds what makes a ruleset legal but doubtful, sorted into errors and warnings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import KaoheError, Location
from .methods import needs_target
from .model import Item, Ruleset
from .model import format_points as pts
from .ruleset import load_ruleset


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "error" or "warning"
    location: Location
    message: str

    def __str__(self) -> str:
        place = f"{self.location}"
        if self.location.path:
            return f"{place}: {self.message}（{self.location.path}）"
        return f"{place}: {self.message}"


def lint_path(path) -> list[Finding]:
    """Load and lint; problems that stop loading come back as errors."""
    try:
        ruleset = load_ruleset(path)
    except KaoheError as error:
        return [Finding("error", p.location, p.message + (f"；提示：{p.hint}" if p.hint else ""))
                for p in error.problems]
    return lint(ruleset)


def lint(ruleset: Ruleset) -> list[Finding]:
    findings: list[Finding] = []
    findings += _bands(ruleset)
    findings += _citations(ruleset)
    for item in ruleset.leaves():
        findings += _method(item)
    findings += _facts(ruleset)
    return sorted(findings, key=lambda f: (f.severity != "error", f.location, f.message))


def _bands(ruleset: Ruleset) -> list[Finding]:
    out = []
    grading = ruleset.grading
    where = grading.citation.location if grading.citation else Location(ruleset.file)
    top = ruleset.scale + ruleset.bonus_cap
    for band in grading.bands:
        if band.min is None:
            continue
        if band.min < 0:
            out.append(Finding("error", where.at("grading"), f"等次 {band.label} 的下限 {pts(band.min)} 低于0分"))
        elif band.min > top:
            out.append(Finding("error", where.at("grading"), f"等次 {band.label} 的下限 {pts(band.min)} 分高于"
                                                              f"可能的最高分 {pts(top)} 分，无法达到"))
        step = grading.rounding.step
        if step is not None and (band.min / step) != (band.min / step).to_integral_value():
            out.append(Finding("warning", where.at("grading"),
                               f"等次 {band.label} 的下限 {pts(band.min)} 不是取舍单位 {pts(step)} 的"
                               f"整数倍：取舍后的总分落不到这条边界上，实际边界是下一个整数倍"))
        if step is not None and not band.inclusive:
            out.append(Finding("warning", where.at("grading"),
                               f"等次 {band.label} 的下限不含本数（以上），而总分先{grading.rounding.short()}："
                               f"请确认 {pts(band.min)} 分本身应落在哪一档"))
    return out


def _citations(ruleset: Ruleset) -> list[Finding]:
    out = []
    pairs = [(item.citation, item.location.at(item.id)) for item in ruleset.all_items()]
    pairs += [(rule.citation, rule.location.at(rule.id)) for rule in ruleset.outcomes]
    for citation, where in pairs:
        if citation is not None and (not citation.clause.strip() or not citation.text.strip()):
            out.append(Finding("warning", where, "依据缺少条款路径或条款原文"))
    for item in ruleset.leaves():
        if not item.standard.strip():
            out.append(Finding("warning", item.location.at(item.id), "缺少评分标准原文（standard）"))
    return out


def _method(item: Item) -> list[Finding]:
    out = []
    p, where = item.params, item.location.at(item.id)
    if item.method == "levels" and p.levels and max(worth for _, worth in p.levels) < item.points:
        out.append(Finding("warning", where, f"没有哪一档得满分 {pts(item.points)} 分，本项满分不可达"))
    if item.method == "brackets" and p.brackets and p.brackets[0].points < item.points:
        out.append(Finding("warning", where, f"最高一档得 {pts(p.brackets[0].points)} 分，低于本项分值"
                                             f" {pts(item.points)} 分"))
    if item.method == "deduct_per" and p.required is not None and p.required * p.per < item.points:
        most = pts(p.required * p.per)
        out.append(Finding("warning", where, f"最多少 {p.required} {p.counted}，最多扣 {most} 分，"
                                             f"扣不到0分（本项 {pts(item.points)} 分）"))
    if item.method == "deduct_below_target" and item.target is not None:
        low, high = item.value_range
        edge = low if p.direction == "at_least" else high
        if edge is not None:
            worst = abs(item.target - edge) / p.step * p.per
            if worst < item.points:
                out.append(Finding("warning", where, f"即使填报值为 {pts(edge)}，也只扣 {pts(worst)} 分，"
                                                     f"扣不到0分（本项 {pts(item.points)} 分）"))
    if item.method == "base_step" and p.up == 0 and p.base < item.points:
        out.append(Finding("warning", where, f"没有加分（up 为0），基准分 {pts(p.base)} 分以上的分值不可达"))
    if needs_target(item.method) and item.target is None:
        out.append(Finding("warning", where, "未设默认目标：每个单位都必须备案目标，否则本项不评分"))
    if item.method in ("deduct_per", "add_per", "rank") and getattr(p, "per", Decimal(1)) == 0:
        out.append(Finding("error", where, "每项（每名）分值为0"))
    return out


def _facts(ruleset: Ruleset) -> list[Finding]:
    read = {rule.trigger.fact for rule in ruleset.outcomes if rule.trigger.fact}
    return [Finding("warning", spec.location.at(f"facts › {spec.name}"), f"事实 {spec.name} 没有被任何结果规则读取")
            for spec in ruleset.facts if spec.name not in read]
