"""Coherence checks a policy drafter runs on a draft, beyond what loading already refuses.

Loading (engine/ruleset.py) already rejects, as errors: points that do not add up at any
level, a citation of an undeclared source, an item without a citation, a level worth more
than its item, a base above its cap, an outcome rule reading an undefined fact. This module
adds what makes a ruleset legal but doubtful, sorted into errors and warnings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .diff import condition_text, simple_triggers, trigger_facts, trigger_text
from .errors import Location, Problem
from .methods import needs_target
from .model import Condition, Item, Ruleset, Trigger
from .model import format_points as pts
from .ruleset import read_ruleset


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "error" or "warning"
    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return str(Problem(self.location, self.message, self.hint))


def lint_path(path) -> list[Finding]:
    """Everything loading refuses and everything lint doubts, in one pass: a draft with three mistakes takes one
    run. A ruleset that loads with errors is linted as far as it was built; what lint would say about an item or
    rule that already has a loading error is left out, as a consequence of that error."""
    _, problems = read_ruleset(path, checks=_lint_problems)
    findings = [Finding(p.severity, p.location, p.message, p.hint) for p in problems]
    return sorted(findings, key=lambda f: (f.severity != "error", f.location, f.message))


def _lint_problems(ruleset: Ruleset, loading: list[Problem]) -> list[Problem]:
    # an item or rule refused by loading; a problem elsewhere (the grading's citation) says nothing about the bands
    named = {item.id for item in ruleset.all_items()} | {rule.id for rule in ruleset.outcomes}
    troubled = {_subject(p.location) for p in loading} & named
    findings = lint(ruleset, partial=bool(loading))
    return [Problem(f.location, f.message, f.hint, f.severity) for f in findings
            if not (loading and _subject(f.location) in troubled)]


def _subject(location: Location) -> str:
    """The item or rule a location is about (the first step of its path), "" for the ruleset as a whole."""
    return location.path.split(" › ", 1)[0]


def lint(ruleset: Ruleset, partial: bool = False) -> list[Finding]:
    """`partial`: the ruleset was built despite loading errors, so some of its parts may be missing; a check that
    cannot run on what was built is skipped, the others still report."""
    findings: list[Finding] = []
    for check in CHECKS:
        if not partial:
            findings += check(ruleset)
            continue
        try:
            findings += check(ruleset)
        except Exception:  # noqa: BLE001 - a part loading refused is missing; loading's own errors say why
            continue
    return sorted(findings, key=lambda f: (f.severity != "error", f.location, f.message))


def _methods(ruleset: Ruleset) -> list[Finding]:
    findings: list[Finding] = []
    for item in ruleset.leaves():
        if not item.penalty:  # a penalty row's points are a limit on its deduction, not a score to reach
            try:
                findings += _method(item)
            except Exception:  # noqa: BLE001 - only an item whose method loading refused may lack its parameters
                if item.params is not None:
                    raise
    return findings


def _bands(ruleset: Ruleset) -> list[Finding]:
    out = []
    grading = ruleset.grading
    where = grading.citation.location if grading.citation else Location(ruleset.file)
    top = ruleset.scale + ruleset.bonus_cap
    for band in grading.bands:
        if band.min is None:
            continue
        at = (band.location if band.location.line else where).at(f"grading › {band.label}")
        if band.min < 0:
            out.append(Finding("error", at, f"等次 {band.label} 的下限 {pts(band.min)} 低于0分"))
        elif band.min > top:
            out.append(Finding("error", at, f"等次 {band.label} 的下限 {pts(band.min)} 分高于"
                                            f"可能的最高分 {pts(top)} 分，无法达到"))
        step = grading.rounding.step
        if step is not None and (band.min / step) != (band.min / step).to_integral_value():
            out.append(Finding("warning", at,
                               f"等次 {band.label} 的下限 {pts(band.min)} 不是取舍单位 {pts(step)} 的"
                               f"整数倍：取舍后的总分落不到这条边界上，实际边界是下一个整数倍"))
        if step is not None and not band.inclusive:
            out.append(Finding("warning", at,
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
    read = set().union(*(trigger_facts(rule.trigger) for rule in ruleset.outcomes))
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


def _key_ids(rule) -> list[str]:
    """The items a rule reads as key items, inside all: and any: too."""
    return list(dict.fromkeys(i for t in simple_triggers(rule.trigger) for i in t.key_items))


def _key_items(ruleset: Ruleset) -> list[Finding]:
    """Items marked key that no outcome rule reads, and items an outcome rule reads as key without the mark."""
    out = []
    rules = [rule for rule in ruleset.outcomes if _key_ids(rule)]
    read: set[str] = set()
    for rule in rules:
        for item_id in _key_ids(rule):
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


def _regular(ruleset: Ruleset) -> list[Item]:
    return [item for item in ruleset.items if not item.bonus and not item.penalty]


def _weights(ruleset: Ruleset) -> list[Finding]:
    """Weights (日常考核占30%) that do not add up to 100%, or on some top-level sections only."""
    regular = _regular(ruleset)
    weighted = [item for item in regular if item.weight is not None]
    if not weighted:
        return []
    where = weighted[0].location.at(weighted[0].id)
    if len(weighted) == len(regular):
        total = sum((item.weight for item in weighted), Decimal(0))
        if total != 1:
            shares = "、".join(f"{i.id} {pts(i.weight * 100)}%" for i in weighted)
            return [Finding("warning", where, f"各顶层指标的权重合计为 {pts(total * 100)}%（{shares}），不是100%："
                                              f"请核对文件中的比例")]
        return []
    bare = "、".join(f"{i.id}「{i.title}」" for i in regular if i.weight is None)
    return [Finding("warning", where, f"只有部分顶层指标设了权重：{bare} 没有权重，按分值全额计入总分；"
                                      f"若文件给各部分都规定了比例，请都写上 weight")]


def _quotas(ruleset: Ruleset) -> list[Finding]:
    """Grade quotas that limit nothing, leave no place at all, sit on a band no total reaches, or are applied in an
    order that lets a moved unit past a lower quota."""
    grading = ruleset.grading
    where = (grading.citation.location if grading.citation else Location(ruleset.file)).at("grading › quotas")
    roster = len(ruleset.units)
    top = ruleset.scale + ruleset.bonus_cap
    bands = {band.label: band for band in grading.bands}
    out = []
    for index, quota in enumerate(grading.quotas):
        said = f"等次 {quota.label} 的名额（{quota.text or _quota_words(quota)}）"
        places = quota.count if quota.count is not None else int(quota.share * roster) if roster else None
        if (quota.share is not None and quota.share >= 1) or (quota.count is not None and roster
                                                                and quota.count >= roster):
            out.append(Finding("warning", where, f"{said}不少于被考核单位数（名单 {roster} 个）：不起限制作用"))
        elif places == 0:
            out.append(Finding("warning", where, f"{said}按名单 {roster} 个单位计为0个：没有单位能评为{quota.label}"))
        band = bands.get(quota.label)
        if band is not None and band.min is not None and band.min > top:
            out.append(Finding("warning", where, f"{said}所限的等次下限 {pts(band.min)} 分高于可能的最高分"
                                                 f" {pts(top)} 分：没有单位能达到，名额不起作用"))
        labels = grading.labels
        later = [q for q in grading.quotas[index + 1:] if labels.index(q.label) + 1 == labels.index(quota.label)]
        if later:
            out.append(Finding("warning", where, f"名额按书写顺序处理：{quota.label} 的名额写在 {later[0].label} 之前，"
                                                 f"{later[0].label} 超出名额降为{quota.label}的单位不再受"
                                                 f" {quota.label} 的名额限制；请把较高等次的名额写在前面"))
    return out


def _quota_words(quota) -> str:
    if quota.count is not None:
        return f"至多{quota.count}个"
    return f"比例不超过{pts(quota.share * 100)}%"


def _not_applicable(ruleset: Ruleset) -> list[Finding]:
    """A section holding items that may not apply, folded out (按得分率折算) only further up: the section's own score
    is not folded, and where the folding happens changes the total."""
    out = []
    parents = {child.id: item for item in ruleset.all_items() for child in item.children}
    for section in ruleset.all_items():
        movable = [c for c in section.children if c.may_not_apply]
        if not movable or section.rescale:
            continue
        above, item = None, section
        while item.id in parents and above is None:
            item = parents[item.id]
            above = item if item.rescale else None
        where = f"上级 {above.id}「{above.title}」" if above is not None else "细则顶层"
        ids = "、".join(c.id for c in movable)
        out.append(Finding("warning", section.location.at(section.id),
                           f"{ids} 可以不适用，折算（rescale）写在{where}，本项「{section.title}」自身不折算："
                           f"不适用时本项按适用指标得分之和计，"
                           f"在{'总分' if above is None else f'{above.id}「{above.title}」的得分'}中按得分率折算；"
                           f"若文件要求在本项内折算，在本项写 rescale: true（两种写法总分不同）"))
    return out


def _excess(ruleset: Ruleset) -> list[Finding]:
    """Items whose part above their points counts as bonus (excess: bonus), when the bonus items alone can fill the
    bonus cap: the excess then competes for a cap that may be full."""
    bonus_points = sum((item.points for item in ruleset.items if item.bonus), Decimal(0))
    if not bonus_points or bonus_points < ruleset.bonus_cap:
        return []
    return [Finding("warning", item.location.at(item.id),
                    f"超出分值的部分计入加分（excess: bonus），而加分项合计最多 {pts(bonus_points)} 分，已可达加分上限"
                    f" {pts(ruleset.bonus_cap)} 分：加分项得满时，本项超出的部分不再计入总分")
            for item in ruleset.all_items() if item.excess_is_bonus]


def _conjuncts(trigger: Trigger) -> list[Trigger]:
    """The simple conditions that must all hold (nested all: flattened); an any: group counts as one."""
    if trigger.all:
        return [part for t in trigger.all for part in _conjuncts(t)]
    return [trigger]


_BOUNDS = (("at_least", ">="), ("above", ">"), ("at_most", "<="), ("below", "<"))


def _impossible(trigger: Trigger, ruleset: Ruleset) -> str:
    """Why the conditions of an all: group can never hold together, in words; "" when they can."""
    parts = _conjuncts(trigger)
    for key, name in (("grade", "本年度等次"), ("last_year_grade", "上年度等次")):
        sets = [getattr(t, key) for t in parts if getattr(t, key)]
        if len(sets) > 1 and not set.intersection(*(set(x) for x in sets)):
            return "；".join(f"{name}为{'、'.join(x)}" for x in sets) + "，不可能同时成立"
    seen: dict[str, bool] = {}
    ranges: dict[tuple, list] = {}
    kinds = {spec.name: spec.kind for spec in ruleset.facts}
    for t in parts:
        if (t.fact and kinds.get(t.fact) == "events" and t.is_value is None
                and all(getattr(t, key) is None for key, _ in _BOUNDS)):
            ranges.setdefault((t.fact, t.any_kind, t.where), []).append((">=", Decimal(1), t))  # 发生…: at least one
        if t.fact and t.is_value is not None:
            if seen.get(t.fact, t.is_value) != t.is_value:
                return f"事实 {t.fact} 既要为“是”又要为“否”"
            seen[t.fact] = t.is_value
        for key, op in _BOUNDS:
            value = getattr(t, key)
            if t.fact and value is not None:
                ranges.setdefault((t.fact, t.any_kind, t.where), []).append((op, value, t))
    for bounds in ranges.values():
        low = max(((v, op) for op, v, _ in bounds if op in (">=", ">")), default=None)
        high = min(((v, op) for op, v, _ in bounds if op in ("<=", "<")), default=None)
        if low is None or high is None:
            continue
        empty = low[0] > high[0] or (low[0] == high[0] and (low[1] == ">" or high[1] == "<"))
        if empty:
            return "；".join(trigger_text(t, ruleset) for _, _, t in bounds) + "，不可能同时成立"
    return ""


def _outcome_rules(ruleset: Ruleset) -> list[Finding]:
    """Outcome rules that can never fire (all: conditions that contradict each other), exclusions of the lowest grade
    (nothing below to move to), reserved grades no rule gives."""
    out = []
    labels = ruleset.grading.labels
    for rule in ruleset.outcomes:
        where = rule.location.at(rule.id)
        why = _impossible(rule.trigger, ruleset) if rule.trigger.all else ""
        if why:
            out.append(Finding("warning", where, f"结果规则“{rule.title}”永远不会触发：{why}"))
        if labels and labels[-1] in rule.exclude:
            out.append(Finding("warning", where, f"结果规则“{rule.title}”不得评为{labels[-1]}，但{labels[-1]}已是最低"
                                                 f"等次，无处可降：这一条不起作用"))
    given = {rule.grade for rule in ruleset.outcomes if rule.effect == "force_grade"}
    for label in ruleset.grading.reserved:
        if label not in given:
            grading = ruleset.grading
            at = (grading.citation.location if grading.citation else Location(ruleset.file)).at("grading › reserved")
            out.append(Finding("warning", at, f"等次 {label} 只能由结果规则给出（reserved），但没有结果规则"
                                              f"直接定为{label}（force_grade）：没有单位会评为{label}"))
    return out


# Every check lint runs, in this order (lint() reads this at call time, so it can stand after the checks)
CHECKS: tuple[Callable[[Ruleset], list[Finding]], ...] = (
    _bands, _citations, _methods, _patterns, _weights, _quotas, _not_applicable, _excess, _outcome_rules, _facts)
