"""A municipality's self-check before the deadline: what is missing, what disagrees, what the next grade takes.

Items an inspection group or a lead department provides are not the unit's to give: without a value they are
pending (待评定), counted 0 in the provisional total, and never hold the submission back."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .evaluate import evaluate
from .methods import needs_cohort
from .model import Band, Evidence, Item, ItemResult, Ruleset, UnitResult, format_points
from .outcomes import apply_outcomes
from .scoring import preconditions


@dataclass(frozen=True)
class Difference:
    item: ItemResult
    self_score: Decimal


@dataclass(frozen=True)
class Headroom:
    item: ItemResult
    points: Decimal  # what the item can still add


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

    @property
    def ready(self) -> bool:
        """Nothing the unit itself must give is missing: it can submit."""
        return not (self.missing_values or self.missing_facts or self.missing_files)

    @property
    def pending_points(self) -> Decimal:
        """What the pending items can still add to the total, at most (they count 0 now)."""
        return sum((r.item.cap for r in self.pending if not r.item.penalty), Decimal(0))

    def verdict(self) -> str:
        """可以报送, or 还不能报送： and what is missing."""
        if self.ready:
            return "可以报送"
        lacking = [f"{len(found)}项{what}" for found, what in ((self.missing_values, "填报值"),
                                                              (self.missing_facts, "事实"),
                                                              (self.missing_files, "佐证材料")) if found]
        return f"还不能报送：缺少{'、'.join(lacking)}"


def self_check(ruleset: Ruleset, evidence: Evidence) -> SelfCheck:
    result = evaluate(ruleset, [evidence])[0]
    leaves = [r for r in result.all_items() if r.item.is_leaf]
    checks = preconditions(ruleset, evidence)
    parents = _parents(ruleset)
    pending = tuple(r for r in leaves if r.score is None and _pending(r))
    missing_values = tuple(r for r in leaves if r.score is None and not _pending(r)
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
    headroom = tuple(sorted(_headroom(ruleset, result, checks, parents),
                            key=lambda h: (-h.points, _order(ruleset, h.item.item.id))))
    readers = tuple((name, _readers(ruleset, name)) for name in missing_facts)
    lowering = tuple(name for name in missing_facts if _can_lower(ruleset, name))
    return SelfCheck(result, missing_values, missing_facts, missing_files, differences, cohort, next_grade, blocked,
                     headroom, pending, readers, lowering)


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
    out += [f"结果规则“{rule.title}”读取此项" for rule in ruleset.outcomes if rule.trigger.fact == name]
    return tuple(out)


def _can_lower(ruleset: Ruleset, name: str) -> bool:
    """Whether giving the fact can take points off what the rest of the sheet shows: a penalty row deducts by it, a
    precondition zeroes by it (the provisional total leaves those rows out until it is given)."""
    return any((item.events is not None and item.events.fact == name and item.penalty)
               or any(c.fact == name for c in item.zero_if) for item in ruleset.all_items())


def _headroom(ruleset: Ruleset, result: UnitResult, checks, parents) -> list[Headroom]:
    """What each item can still add: up to its cap; a penalty row, the deduction it made. Leaves zeroed by a
    section's precondition are one entry, the section's."""
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

