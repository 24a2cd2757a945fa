"""A municipality's self-check before the deadline: what is missing, what disagrees, what the next grade takes.

Items an inspection group or a lead department provides are not the unit's to give: without a value they are
pending (待评定), counted 0 in the provisional total, and never hold the submission back."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .diff import trigger_facts
from .evaluate import evaluate
from .methods import needs_cohort
from .model import Band, Evidence, Item, ItemResult, Quota, Ruleset, Trigger, UnitResult, format_points
from .outcomes import apply_outcomes
from .scoring import preconditions, weight
from .selection import excluded_events
from .triggers import last_year

ONE = Decimal(1)


@dataclass(frozen=True)
class Difference:
    item: ItemResult
    self_score: Decimal


@dataclass(frozen=True)
class Headroom:
    item: ItemResult
    points: Decimal  # what the item can still add
    on_total: Decimal | None = None  # what that adds to the total, where weights or 按得分率折算 make it differ

    @property
    def gain(self) -> Decimal:
        return self.points if self.on_total is None else self.on_total


@dataclass(frozen=True)
class NextGrade:
    grade: str  # the grade aimed at
    band: Band  # the score band that gives it
    needed: Decimal  # points still needed on the total
    threshold: str  # the total to reach, in words


@dataclass(frozen=True)
class SelfCheck:
    result: UnitResult
    missing_values: tuple[ItemResult, ...]  # the unit's own items without a value
    missing_facts: tuple[str, ...]
    missing_files: tuple[ItemResult, ...]  # items whose ruleset asks for 佐证材料 and none is referenced
    differences: tuple[Difference, ...]
    cohort_items: tuple[ItemResult, ...]  # rank-based: scored as 1st of 1 here, the real place comes later
    next_grade: NextGrade | None
    blocked: str  # why no better grade is reachable, if so
    headroom: tuple[Headroom, ...]
    pending: tuple[ItemResult, ...] = ()  # items others provide, not given yet: in ruleset order
    fact_readers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each missing fact: who reads it, in words
    lowering: tuple[str, ...] = ()  # missing facts whose giving can lower the score (deductions, preconditions)
    not_applicable: tuple[ItemResult, ...] = ()  # leaves the unit answered 不适用: not scored, not missing
    unjudged: tuple[str, ...] = ()  # outcome rules that read last year's grade, which the evidence does not give
    quota: Quota | None = None  # the grade's quota (优秀比例不超过30%): settled among all units, not here
    factors: dict = field(default_factory=dict)  # item id → what one point of it brings to the total, where not 1
    unscored: tuple[ItemResult, ...] = ()  # the unit's own leaves not scored yet (a value or a fact missing): 0 now
    lowering_values: tuple[ItemResult, ...] = ()  # missing values whose giving can lower the score (deductions …)
    outcome_facts: tuple[str, ...] = ()  # missing facts an outcome rule reads: a veto or downgrade could fire
    excluded_events: tuple = ()  # (fact name, event, why) of events given but outside the counted period

    @property
    def warnings(self) -> tuple:
        """Values likely in the wrong scale (0.936 in a % item): Problems of severity warning, with their place."""
        return tuple(sorted(self.result.evidence.warnings))

    @property
    def ready(self) -> bool:
        """Nothing the unit itself must give is missing: it can submit."""
        return not (self.missing_values or self.missing_facts or self.missing_files)

    @property
    def unscored_points(self) -> Decimal:
        """What the unit's own unscored items can still add to the total, at most (they count 0 now)."""
        return sum((r.item.cap * self.factors.get(r.item.id, ONE) for r in self.unscored if not r.item.penalty),
                   Decimal(0))

    @property
    def can_lower(self) -> bool:
        """Whether giving what is missing can take points off or lower the grade: a deduction, a precondition, a
        veto or downgrade that reads a missing fact."""
        return bool(self.lowering or self.lowering_values or self.outcome_facts)

    @property
    def pending_points(self) -> Decimal:
        """What the pending items can still add to the total, at most (they count 0 now)."""
        return sum((r.item.cap * self.factors.get(r.item.id, ONE) for r in self.pending if not r.item.penalty),
                   Decimal(0))

    def verdict(self) -> str:
        """可以报送, or 还不能报送： and what is missing."""
        if self.ready:
            return "可以报送"
        lacking = [f"{len(found)}项{what}" for found, what in ((self.missing_values, "填报值"),
                                                              (self.missing_facts, "事实"),
                                                              (self.missing_files, "佐证材料")) if found]
        return f"还不能报送：缺少{'、'.join(lacking)}"


def self_check(ruleset: Ruleset, evidence: Evidence) -> SelfCheck:
    # A grade quota (优秀比例不超过30%) is shared among all the units: one unit checked alone would always be
    # beyond a share of a batch of one. The check grades without it and says so.
    alone = replace(ruleset, grading=replace(ruleset.grading, quotas=())) if ruleset.grading.quotas else ruleset
    result = evaluate(alone, [evidence])[0]
    leaves = [r for r in result.all_items() if r.item.is_leaf]
    checks = preconditions(ruleset, evidence)
    parents = _parents(ruleset)
    pending = tuple(r for r in leaves if r.score is None and _pending(r))
    missing_values = tuple(r for r in leaves if r.score is None and not r.not_applicable and not _pending(r)
                           and _owes_value(r, ruleset, evidence, checks, parents))
    missing_facts = tuple(u.removeprefix("facts › ") for u in result.unscored if u.startswith("facts › "))
    missing_facts += tuple(sorted(_unread_facts(ruleset, evidence, leaves, checks, parents) - set(missing_facts)))
    missing_files = tuple(r for r in leaves if r.item.materials and r.score is not None
                          and not (r.entry and r.entry.files))
    differences = tuple(Difference(r, r.entry.self_score) for r in leaves
                        if r.entry and r.entry.self_score is not None and r.score is not None
                        and r.entry.self_score != r.score)
    cohort = tuple(r for r in leaves if needs_cohort(r.item.method) and r.score is not None)
    next_grade, blocked = _next_grade(ruleset, result)
    factors = _factors(ruleset, result, parents)
    headroom = tuple(sorted(_headroom(ruleset, result, checks, parents, factors),
                            key=lambda h: (-h.gain, _order(ruleset, h.item.item.id))))
    readers = tuple((name, _readers(ruleset, name)) for name in missing_facts)
    lowering = tuple(name for name in missing_facts if _can_lower(ruleset, name))
    unscored = tuple(r for r in leaves if r.score is None and not r.not_applicable and not _pending(r))
    read_by_conditions = {c.item for item in ruleset.all_items() for c in item.zero_if if c.item}
    lowering_values = tuple(r for r in missing_values if r.item.penalty or r.item.id in read_by_conditions)
    outcome_facts = tuple(name for name in missing_facts
                          if any(name in trigger_facts(rule.trigger) for rule in ruleset.outcomes))
    return SelfCheck(result, missing_values, missing_facts, missing_files, differences, cohort, next_grade, blocked,
                     headroom, pending, readers, lowering,
                     not_applicable=tuple(r for r in leaves if r.not_applicable),
                     unjudged=_unjudged(ruleset, evidence, result.grade), quota=_quota(ruleset, result),
                     factors=factors, unscored=unscored, lowering_values=lowering_values,
                     outcome_facts=outcome_facts, excluded_events=excluded_events(ruleset, evidence))


def reads_last_year(trigger: Trigger) -> bool:
    return any(part.last_year_grade for part in trigger.parts())


def _unjudged(ruleset: Ruleset, evidence: Evidence, grade: str) -> tuple[str, ...]:
    """Outcome rules reading last year's grade (连续两年被评为D级) when the evidence does not give it; not those that
    also need a grade this year the unit does not have."""
    year = last_year(ruleset)
    if year in evidence.history:
        return ()
    return tuple(f"结果规则“{rule.title}”读取本单位{year}年度的等次，材料中没有（history），无法判断，按未触发计"
                 for rule in ruleset.outcomes if reads_last_year(rule.trigger)
                 and not any(t.grade and grade not in t.grade for t in _conjuncts(rule.trigger)))


def _conjuncts(trigger: Trigger) -> list[Trigger]:
    """The conditions that must all hold (nested all: flattened); an any: group is one of them."""
    return [part for t in trigger.all for part in _conjuncts(t)] if trigger.all else [trigger]


def _quota(ruleset: Ruleset, result: UnitResult) -> Quota | None:
    """A quota on the grade the unit reaches here: 优秀比例不超过30% is settled when all units are graded."""
    return next((q for q in ruleset.grading.quotas if q.label == result.grade), None)


def _factors(ruleset: Ruleset, result: UnitResult, parents: dict[str, Item]) -> dict[str, Decimal]:
    """What one point of each item brings to the total, where that is not one point: a weighted top-level section
    (权重30%), a section or ruleset that folds not-applicable items out (按得分率折算)."""
    results = {r.item.id: r for r in result.all_items()}
    top_unapplied = sum((r.unapplied * weight(r.item) for r in result.items
                         if not r.item.bonus and not r.item.penalty), Decimal(0))
    out = {}
    for item in ruleset.all_items():  # a section's factor is that of what lies above it: its own folding is done
        factor, line = ONE, _line(item, parents)
        for section in line[1:]:
            if section.rescale:
                folded = sum((results[c.id].unapplied for c in section.children), Decimal(0))
                if folded and folded < section.points:
                    factor = factor * section.points / (section.points - folded)
        top = line[-1]
        if not top.bonus and not top.penalty:
            factor *= weight(top)
            if ruleset.rescale and top_unapplied and top_unapplied < ruleset.scale:
                factor = factor * ruleset.scale / (ruleset.scale - top_unapplied)
        if factor != ONE:
            out[item.id] = factor
    return out


def _parents(ruleset: Ruleset) -> dict[str, Item]:
    return {child.id: item for item in ruleset.all_items() for child in item.children}


def _line(item: Item, parents: dict[str, Item]) -> list[Item]:
    """The item and the sections above it, nearest first."""
    out = [item]
    while out[-1].id in parents:
        out.append(parents[out[-1].id])
    return out


def _owes_value(r: ItemResult, ruleset: Ruleset, evidence: Evidence, checks, parents) -> bool:
    """An unscored leaf the unit must put right itself: its own value (or target) is missing. Not one that waits
    for a fact (its events, a precondition's) or for another item's value: those are listed once, as what is
    missing."""
    item = r.item
    if item.takes_entry and (r.entry is None or r.entry.value is None):
        return True
    if item.events is not None and evidence.facts.get(item.events.fact) is None:
        return False
    if item.value_of:
        source = evidence.entries.get(item.value_of)
        if source is None or source.value is None:
            return False  # the item whose value it reads is listed
    if any(checks.get(x.id, (False, ""))[0] is None for x in _line(item, parents)):
        return False  # a precondition cannot be told: what it reads is listed
    return True


def _unread_facts(ruleset: Ruleset, evidence: Evidence, leaves, checks, parents) -> set[str]:
    """Facts the unit has not given that an unscored item counts, or a precondition that cannot be told reads."""
    names = {r.item.events.fact for r in leaves if r.score is None and r.item.events is not None}
    names |= {c.fact for item in ruleset.all_items() if checks.get(item.id, (False, ""))[0] is None
              for c in item.zero_if if c.fact}
    return {name for name in names if evidence.facts.get(name) is None}


def _readers(ruleset: Ruleset, name: str) -> tuple[str, ...]:
    """Who reads a fact, in words: 二.1 按此计分；四.1 按此扣分；一 的前提条件读取此项（……）；结果规则“……”读取此项."""
    out = []
    for item in ruleset.all_items():
        if item.events is not None and item.events.fact == name:
            out.append(f"{item.id} 按此{'扣分' if item.penalty else '计分'}")
        if any(c.fact == name for c in item.zero_if):
            out.append(f"{item.id} 的前提条件读取此项（成立则 {item.id} 不得分）")
    out += [f"结果规则“{rule.title}”读取此项" for rule in ruleset.outcomes if name in trigger_facts(rule.trigger)]
    return tuple(out)


def _can_lower(ruleset: Ruleset, name: str) -> bool:
    """Whether giving the fact can take points off what the rest of the sheet shows: a penalty row deducts by it, a
    precondition zeroes by it (the provisional total leaves those rows out until it is given)."""
    return any((item.events is not None and item.events.fact == name and item.penalty)
               or any(c.fact == name for c in item.zero_if) for item in ruleset.all_items())


def _headroom(ruleset: Ruleset, result: UnitResult, checks, parents, factors=None) -> list[Headroom]:
    """What each item can still add: up to its cap; a penalty row, the deduction it made. Leaves zeroed by a
    section's precondition are one entry, the section's. Where a point of the item is not a point of the total
    (weights, 按得分率折算), also what it adds to the total."""
    out = _room(ruleset, result, checks, parents)
    if not factors:
        return out
    with_total = []
    for h in out:
        factor = factors.get(h.item.item.id, ONE)
        with_total.append(replace(h, on_total=h.points * factor) if factor != ONE else h)
    return with_total


def _room(ruleset: Ruleset, result: UnitResult, checks, parents) -> list[Headroom]:
    out, zeroed = [], set()
    for r in result.all_items():
        item = r.item
        if item.id in zeroed or r.score is None:
            continue
        held = checks.get(item.id, (False, ""))[0]
        if held and not item.is_leaf:
            zeroed |= {x.id for x in item.walk()}
            if not item.penalty and item.cap > r.score:
                out.append(Headroom(r, item.cap - r.score))
            continue
        if not item.is_leaf:
            continue
        if item.penalty:
            if r.score < 0:
                out.append(Headroom(r, -r.score))
        elif r.score < item.cap:
            out.append(Headroom(r, item.cap - r.score))
    return out


def _pending(result: ItemResult) -> bool:
    """Another party's item whose value has not come. Given, yet unscored (a target the unit must file is missing,
    say), it is the unit's to put right."""
    return result.item.provider != "unit" and (result.entry is None or result.entry.value is None)


def _order(ruleset: Ruleset, item_id: str) -> int:
    return [item.id for item in ruleset.all_items()].index(item_id)


def _next_grade(ruleset: Ruleset, result: UnitResult) -> tuple[NextGrade | None, str]:
    grading = ruleset.grading
    labels = grading.labels
    if grading.by == "rank":
        return None, "本细则按名次定级，须与其他单位一起评定"
    forced = [f for f in result.fired if f.rule.effect == "force_grade"]
    if forced:
        return None, f"已触发“{forced[0].rule.title}”，无论得分多少均为{forced[0].rule.grade}"
    current = labels.index(result.grade)
    if current == 0:
        return None, "已是最高等次"
    band_index = labels.index(result.band_grade)
    for band in reversed(grading.bands[:band_index]):  # nearest better band first
        final, _ = apply_outcomes(band.label, list(result.fired), labels, ruleset)
        if labels.index(final) < current:
            total, words = _threshold(band, grading.rounding)
            return NextGrade(final, band, max(total - result.total, Decimal(0)), words), ""
    caps = [f.rule.title for f in result.fired if f.rule.effect == "cap_grade"]
    return None, f"受“{'、'.join(caps)}”限制，得分再高也不能提高等次" if caps else ""


def _threshold(band: Band, rounding) -> tuple[Decimal, str]:
    """The lowest raw total that lands in `band` after the ruleset's rounding, and how to say it."""
    edge = band.min
    step = rounding.step
    if step is None or rounding.mode == "down":
        low = edge
    elif rounding.mode in ("half_up", "half_even"):
        low = edge - step / 2  # half_even may round that exact half down; it is said as “约”
    else:  # up: anything above edge − step rounds up to edge
        low = edge - step
    words = f"总分{'达到' if band.inclusive and rounding.mode != 'up' else '超过'}{format_points(low)}分"
    if step is not None:
        words += f"（{rounding.short()}为{format_points(edge)}分）"
    return low, words

