"""Coherence checks a policy drafter runs on a draft, beyond what loading already refuses.

Loading (engine/ruleset.py) already rejects, as errors: points that do not add up at any
level, a citation of an undeclared source, an item without a citation, a level worth more
than its item, a base above its cap, an outcome rule reading an undefined fact. This module
adds what makes a ruleset legal but doubtful, sorted into errors and warnings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .diff import condition_text
from .errors import KaoheError, Location
from .methods import needs_target
from .model import Condition, Item, Ruleset
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
        if not item.penalty:  # a penalty row's points are a limit on its deduction, not a score to reach
            findings += _method(item)
    findings += _patterns(ruleset)
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
    if (item.method == "deduct_per" and p.required is not None and p.required * p.per < item.points
            and not p.zero_if_none):  # 均未开展的不得分: none done reaches 0 that way
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
        if item.target_filed:
            out.append(Finding("warning", where, "未设默认目标：每个单位都必须备案目标，否则本项不评分"))
        else:
            out.append(Finding("error", where, "未设默认目标，也不允许单位备案目标（target_filed），本项无法评分"))
    if item.method == "checklist" and p.kind == "gains" and not any(e.per for e in p.entries):
        most = sum((e.amount for e in p.entries), Decimal(0))
        if most < item.cap:
            out.append(Finding("warning", where, f"所有加分情形都具备也只加 {pts(most)} 分，达不到本项"
                                                 f"{'最高分' if item.max is not None else '分值'} {pts(item.cap)} 分"))
    if item.method in ("deduct_per", "add_per", "rank") and getattr(p, "per", Decimal(1)) == 0:
        out.append(Finding("error", where, "每项（每名）分值为0"))
    return out


def _facts(ruleset: Ruleset) -> list[Finding]:
    read = {rule.trigger.fact for rule in ruleset.outcomes if rule.trigger.fact}
    by_items = {item.events.fact for item in ruleset.all_items() if item.events is not None}
    by_items |= {c.fact for item in ruleset.all_items() for c in item.zero_if if c.fact}
    readers = "指标、前提条件或结果规则" if by_items else "结果规则"  # other rulesets keep their wording
    return [Finding("warning", spec.location.at(f"facts › {spec.name}"), f"事实 {spec.name} 没有被任何{readers}读取")
            for spec in ruleset.facts if spec.name not in read | by_items]


# Methods whose best score is the item's points whatever the value: an own cap (max) above them is never reached.
_AT_MOST_POINTS = {"all_or_nothing", "threshold", "deduct_per", "deduct_below_target", "rank"}


def _best(item: Item) -> Decimal | None:
    """The most the item's method can give, when the parameters fix it (None: up to the item's cap)."""
    p = item.params
    if item.method in _AT_MOST_POINTS or (item.method == "checklist" and p.kind == "faults"):
        return item.points
    if item.method == "levels" and p.levels:
        return max(worth for _, worth in p.levels)
    if item.method == "parts" and p.parts:
        return sum((worth for _, worth in p.parts), Decimal(0))
    if item.method == "brackets" and p.brackets:
        return max(b.points for b in p.brackets)
    return None


def _patterns(ruleset: Ruleset) -> list[Finding]:
    """Own caps, preconditions, key items and penalty sections that load but look unintended."""
    out: list[Finding] = []
    parents = {child.id: item for item in ruleset.all_items() for child in item.children}

    def ancestors(item: Item):
        while item.id in parents:
            item = parents[item.id]
            yield item

    for item in ruleset.all_items():
        where = item.location.at(item.id)
        if item.max is not None:
            best = _best(item) if item.is_leaf else None
            if item.bonus:
                out.append(Finding("warning", where, f"加分项中的指标设了本项最高分 {pts(item.max)} 分：超出分值"
                                                     f" {pts(item.points)} 分的部分计入总分，不受加分上限"
                                                     f" {pts(ruleset.bonus_cap)} 分限制，请确认"))
            if best is not None and best <= item.points:
                out.append(Finding("warning", where, f"本项最高分 {pts(item.max)} 分不起作用：评分方法 {item.method}"
                                                     f" 最多得 {pts(best)} 分，不超过本项分值 {pts(item.points)} 分"))
        out += _conditions(ruleset, item, list(ancestors(item)))
        if item.penalty and item.is_leaf and item.points > 0:
            section = next((a for a in ancestors(item) if a in ruleset.items), None)
            if section is not None and 0 < section.points < item.points:
                out.append(Finding("warning", where, f"本行最多扣 {pts(item.points)} 分，超过扣分项 {section.id}"
                                                     f" 合计最多扣的 {pts(section.points)} 分"))
    out += _key_items(ruleset)
    return out




def _same(a: Condition, b: Condition) -> bool:
    return (a.fact, a.item, a.is_value, a.events, a.op, a.threshold) == (b.fact, b.item, b.is_value, b.events, b.op,
                                                                          b.threshold)


def _conditions(ruleset: Ruleset, item: Item, ancestors: list[Item]) -> list[Finding]:
    out = []
    for cond in item.zero_if:
        where = cond.location if cond.location.path or cond.location.line else item.location.at(item.id)
        words = f"前提条件“{cond.text}”" if cond.text else f"前提条件（{condition_text(cond, ruleset)}）"
        if not cond.text.strip():
            out.append(Finding("warning", where, "前提条件没有写原文（text）：评分表上只能按条件本身说明不得分的原因"))
        if cond.item == item.id and item.method in ("all_or_nothing", "threshold") and cond.is_value is False:
            out.append(Finding("warning", where, f"{words}读取本项自己的值：本项为“否”时按评分方法"
                                                 f"本来就不得分，这一条件多余"))
        twin = next((a for a in ancestors if any(_same(cond, c) for c in a.zero_if)), None)
        if twin is not None:
            out.append(Finding("warning", where, f"上级 {twin.id}「{twin.title}」已有相同的前提条件：条件成立时"
                                                 f"整个 {twin.id} 不得分，本项的{words}多余"))
        source = ruleset.item(cond.item) if cond.item else None
        if source is not None and cond.op and cond.threshold is not None:
            low, high = source.value_range
            never = ((cond.op == "<" and low is not None and cond.threshold <= low)
                     or (cond.op == "<=" and low is not None and cond.threshold < low)
                     or (cond.op == ">" and high is not None and cond.threshold >= high)
                     or (cond.op == ">=" and high is not None and cond.threshold > high))
            if never:
                out.append(Finding("warning", where, f"{words}永远不成立：{source.id} 的取值范围是"
                                                     f" {pts(low) if low is not None else '…'}～"
                                                     f"{pts(high) if high is not None else '…'}{source.unit}"))
        if source is not None and source.provider != "unit" and item.provider == "unit":
            out.append(Finding("warning", where, f"{words}读取 {source.id}「{source.title}」，它由"
                                                 f"{source.provider_label}评定：评定之前本项无法评分"))
    return out


def _key_items(ruleset: Ruleset) -> list[Finding]:
    """Items marked key that no outcome rule reads, and items an outcome rule reads as key without the mark."""
    out = []
    rules = [rule for rule in ruleset.outcomes if rule.trigger.key_items]
    read: set[str] = set()
    for rule in rules:
        for item_id in rule.trigger.key_items:
            named = ruleset.item(item_id)
            if named is None:
                continue
            read |= {i.id for i in named.walk()}
            if not named.key and not any(a.key for a in ruleset.all_items() if named in tuple(a.walk())):
                out.append(Finding("warning", rule.location.at(rule.id),
                                   f"结果规则“{rule.title}”把 {item_id}「{named.title}」作为关键项读取，"
                                   f"但它没有标 key: true：评分表上不显示★"))
    for item in ruleset.all_items():
        if item.key and not (read & {i.id for i in item.walk()}):
            out.append(Finding("warning", item.location.at(item.id),
                               "标为关键项（★），但没有结果规则读取它：关键项只在评分表上显示★，不影响等次"
                               if not rules else
                               "标为关键项（★），但读取关键项的结果规则都没有包括它：它只在评分表上显示★"))
    return out
