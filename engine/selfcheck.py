"""A municipality's self-check before the deadline: what is missing, what disagrees, what the next grade takes.

Items an inspection group or a lead department provides are not the unit's to give: without a value they are
pending (待评定), counted 0 in the provisional total, and never hold the submission back."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .evaluate import evaluate
from .methods import needs_cohort
from .model import Band, Evidence, ItemResult, Ruleset, UnitResult, format_points
from .outcomes import apply_outcomes


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

    @property
    def ready(self) -> bool:
        """Nothing the unit itself must give is missing: it can submit."""
        return not (self.missing_values or self.missing_facts or self.missing_files)

    @property
    def pending_points(self) -> Decimal:
        """What the pending items can still add to the total, at most (they count 0 now)."""
        return sum((r.item.points for r in self.pending), Decimal(0))

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
    pending = tuple(r for r in leaves if r.score is None and _pending(r))
    missing_values = tuple(r for r in leaves if r.score is None and not _pending(r))
    missing_facts = tuple(u.removeprefix("facts › ") for u in result.unscored if u.startswith("facts › "))
    missing_files = tuple(r for r in leaves if r.item.materials and r.score is not None
                          and not (r.entry and r.entry.files))
    differences = tuple(Difference(r, r.entry.self_score) for r in leaves
                        if r.entry and r.entry.self_score is not None and r.score is not None
                        and r.entry.self_score != r.score)
    cohort = tuple(r for r in leaves if needs_cohort(r.item.method) and r.score is not None)
    next_grade, blocked = _next_grade(ruleset, result)
    headroom = tuple(sorted((Headroom(r, r.item.points - r.score) for r in leaves
                             if r.score is not None and r.score < r.item.points),
                            key=lambda h: (-h.points, _order(ruleset, h.item.item.id))))
    return SelfCheck(result, missing_values, missing_facts, missing_files, differences, cohort, next_grade, blocked,
                     headroom, pending)


def _pending(result: ItemResult) -> bool:
    """Another party's item whose value has not come. Given, yet unscored (a target the unit must file is missing,
    say), it is the unit's to put right."""
    return result.item.provider != "unit" and (result.entry is None or result.entry.value is None)


def _order(ruleset: Ruleset, item_id: str) -> int:
    return [leaf.id for leaf in ruleset.leaves()].index(item_id)


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

