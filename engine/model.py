"""The data the engine works on: frozen dataclasses, built once by the loaders.

Points and values are `Decimal` everywhere; a ruleset is never executed, only read.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from .errors import Location

# Who provides an item's value: the unit itself (单位自填), an inspection group (考核组评定) or the lead department
# (牵头部门评定). A judged item is the inspection group's unless the ruleset says otherwise.
PROVIDERS = {"unit": "单位", "inspection": "考核组", "department": "牵头部门"}
# Between department names; not inside brackets: 各县（市、区）政府 is one name.
_DEPARTMENT_SEPARATORS = re.compile(r"[、，,;；](?![^（(]*[）)])")


@dataclass(frozen=True)
class Source:
    """A document the ruleset draws on."""

    id: str
    title: str
    document_number: str = ""  # 文号, only where the document has one
    date: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Citation:
    """The clause a band, item or outcome rule comes from."""

    source: str  # a Source id
    clause: str  # 第五条; 附件2 一(一)1.1 …
    text: str  # the clause text, verbatim
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class Rounding:
    """How the total is rounded before it is compared with the band edges."""

    step: Decimal | None  # None: no rounding
    mode: str = "half_up"  # half_up, half_even, down, up

    def short(self) -> str:
        """按1分四舍五入."""
        names = {"half_up": "四舍五入", "half_even": "四舍六入五成双", "down": "舍去", "up": "进位"}
        return f"按{_plain(self.step)}分{names[self.mode]}" if self.step is not None else "不取舍"

    def describe(self) -> str:
        if self.step is None:
            return "总分不取舍，按原值定级"
        return f"总分{self.short()}后定级"


@dataclass(frozen=True)
class Band:
    """One grade band: the total (after rounding) at or above `min` (or above, if not inclusive)."""

    label: str
    min: Decimal | None  # None: everything below the previous band
    inclusive: bool = True
    text: str = ""  # the band as the document words it, e.g. 90分及以上为A级
    citation: Citation | None = None
    location: Location = field(default=Location(), compare=False)  # where its `min` is written

    def contains(self, total: Decimal) -> bool:
        if self.min is None:
            return True
        return total >= self.min if self.inclusive else total > self.min


@dataclass(frozen=True)
class RankBand:
    """Grading by rank: the next `count` units, or the next `share` of the cohort."""

    label: str
    count: int | None = None
    share: Decimal | None = None
    text: str = ""
    vacancy: str = "pass_on"  # a place a unit may not take: pass_on (to the next eligible unit) or stay_empty


@dataclass(frozen=True)
class Quota:
    """At most this many units (or this share of the batch, rounded down) in a score band: 优秀比例不超过30%."""

    label: str
    count: int | None = None
    share: Decimal | None = None
    text: str = ""


@dataclass(frozen=True)
class Grading:
    labels: tuple[str, ...]  # best first; downgrades and caps move along this order
    by: str  # "score" or "rank"
    bands: tuple[Band, ...] = ()
    rank_bands: tuple[RankBand, ...] = ()
    rounding: Rounding = Rounding(None)
    citation: Citation | None = None
    reserved: tuple[str, ...] = ()  # grades only outcome rules give (D by veto), after the rank tiers
    quotas: tuple[Quota, ...] = ()


@dataclass(frozen=True)
class Item:
    """A node of the item tree: a section with children, or a scored leaf."""

    id: str
    title: str
    points: Decimal
    citation: Citation | None
    children: tuple["Item", ...] = ()
    bonus: bool = False
    standard: str = ""  # 评分标准, verbatim
    content: str = ""  # 考核内容
    method: str = ""  # scoring method name, for leaves
    params: Any = None  # the method's own frozen parameter dataclass
    value_kind: str = ""  # what evidence the method reads
    unit: str = ""  # unit of measure of the value: %, 万元, 家 …
    value_range: tuple[Decimal | None, Decimal | None] = (None, None)
    target: Decimal | None = None  # ruleset default; a unit's filed target overrides it
    materials: tuple[str, ...] = ()  # 需提交的佐证材料
    department: str = ""  # 考核牵头部门, as the table words it: 市住建委、市交通运输局
    provider: str = "unit"  # a key of PROVIDERS: who gives the value (for a section: what its leaves inherit)
    last_year: str = ""  # the target is the unit's own value of this item (this id) last year
    target_filed: bool = False  # 目标备案: the unit may file its own target for this item
    max: Decimal | None = None  # 本项最高N分: the item's own cap above its points
    excess_is_bonus: bool = False  # the part above the points counts with the bonus items, under bonus_cap
    penalty: bool = False  # inside a penalty section (扣分项): scores are deductions, outside the scale
    key: bool = False  # 关键项, ★ on the sheet
    zero_if: tuple["Condition", ...] = ()  # preconditions: any that holds sets the item (or section) to 0
    events: "EventSelection | None" = None  # the value is the unit's reported events of a fact, not an entry
    value_of: str = ""  # the value is the one filed for this other item
    weight: Decimal | None = None  # a top-level section folded into the scale: 日常考核占30%
    may_not_apply: bool = False  # the unit may answer 不适用 (no port, no mine; an optional task not chosen)
    rescale: bool = False  # a section that folds its not-applicable items out: 按得分率折算
    unit_required: bool = False  # a bare number is refused: the value must say its unit (万元, 亿元 …)
    from_results: "ResultsInput | None" = None  # the value is taken from another assessment's results file
    location: Location = field(default=Location(), compare=False)
    points_location: Location = field(default=Location(), compare=False)  # where its points are written

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def cap(self) -> Decimal:
        """The most the item can score: its own cap where it has one (本项最高15分), else its points."""
        return self.max if self.max is not None else self.points

    @property
    def takes_entry(self) -> bool:
        """Whether the item reads a value of its own from `values:` (not events, not another item's value)."""
        return self.events is None and not self.value_of

    @property
    def provider_label(self) -> str:
        """Who gives the value, in words: 单位, 考核组, 牵头部门（市环保局）."""
        name = PROVIDERS.get(self.provider, self.provider)
        return f"{name}（{self.department}）" if self.provider == "department" and self.department else name

    @property
    def departments(self) -> tuple[str, ...]:
        """The lead departments one by one: 市住建委、市交通运输局 → (市住建委, 市交通运输局)."""
        return tuple(name.strip() for name in _DEPARTMENT_SEPARATORS.split(self.department) if name.strip())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


# The types an event attribute may declare; a list of choices is the fifth.
ATTRIBUTE_TYPES = {"yes_no": "是/否", "number": "数值", "count": "个数", "text": "文字"}


@dataclass(frozen=True)
class Attribute:
    """A declared attribute of a fact's events: deaths (count), responsible (yes_no), sector (one of a list)."""

    name: str
    type: str  # a key of ATTRIBUTE_TYPES, or "choice"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactSpec:
    """An evidence field read by outcome rules or items rather than filed for one item (e.g. incidents)."""

    name: str
    title: str
    kind: str  # yes_no, events, number, count
    kinds: tuple[str, ...] = ()  # allowed event kinds
    attributes: tuple[Attribute, ...] = ()  # events only
    location: Location = field(default=Location(), compare=False)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class AttributeTest:
    """One attribute test of `where:`: equal to a value (yes/no, a choice, text) or compared with a number."""

    name: str
    equals: Any = None  # bool or str
    op: str = ""  # ">=", ">", "<=", "<" for numbers
    threshold: Decimal | None = None


@dataclass(frozen=True)
class EventSelection:
    """Which of a fact's events count: of these kinds (all when empty), whose attributes pass every test."""

    fact: str
    kinds: tuple[str, ...] = ()
    where: tuple[AttributeTest, ...] = ()
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class ResultsInput:
    """An item whose value is a figure of another assessment's results (results.json of `kaohe score`): a county's
    assessment of its townships feeding the city's assessment of the county."""

    ruleset: str  # the id of the ruleset the results must come from
    take: str  # average (平均总分), share (等次为 grade 的比例, %), count (等次为 grade 的个数)
    grade: str = ""


@dataclass(frozen=True)
class Condition:
    """A precondition (zero_if): on a fact (yes/no, number, count, events counted) or on an item's value."""

    fact: str = ""
    item: str = ""
    is_value: bool | None = None
    events: EventSelection | None = None  # a fact of events: count those selected
    op: str = ""  # ">=", ">", "<=", "<"
    threshold: Decimal | None = None
    text: str = ""  # the document's wording: 未制定年度方案的，本项不得分
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class Trigger:
    """When an outcome rule fires. Exactly one form is used."""

    fact: str = ""
    is_value: bool | None = None  # yes_no: fires when the fact equals this
    any_kind: tuple[str, ...] = ()  # events: count only these kinds
    at_least: Decimal | None = None
    above: Decimal | None = None
    at_most: Decimal | None = None
    below: Decimal | None = None
    where: tuple[AttributeTest, ...] = ()  # events: count only those whose attributes pass
    key_items: tuple[str, ...] = ()  # resolved: `all` becomes every item marked key
    min_share: Decimal | None = None
    scope: str = ""  # for a section among key_items: "whole" (its total) or "each" (each leaf under it)
    all: tuple["Trigger", ...] = ()  # every one of these holds
    any: tuple["Trigger", ...] = ()  # at least one of these holds
    grade: tuple[str, ...] = ()  # the grade (after the grade-changing rules) is one of these
    last_year_grade: tuple[str, ...] = ()  # last year's final grade was one of these: 连续两年被评为D级

    def parts(self):
        """This condition and every one nested in its all/any, depth first."""
        yield self
        for part in self.all + self.any:
            yield from part.parts()


@dataclass(frozen=True)
class OutcomeRule:
    """Applied after the score: 一票否决, 降级, 封顶 … triggered by evidence or by key items."""

    id: str
    title: str
    trigger: Trigger
    effect: str  # force_grade, downgrade, cap_grade; "" when the rule does not move the grade itself
    grade: str = ""  # for force_grade and cap_grade
    levels: int = 1  # for downgrade
    consequence: str = ""  # 约谈, 通报批评 …: recorded on the result and the sheet
    exclude: tuple[str, ...] = ()  # grades the unit may not be given: 不得评为优秀, 取消评优资格
    citation: Citation | None = None
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    events_until: dt.date | None = None  # events up to this day still count (before publication)


@dataclass(frozen=True)
class Ruleset:
    id: str
    title: str
    version: str
    status: str  # draft or published
    issuer: str
    document_number: str
    level: str  # the level assessed, e.g. 县（市、区）
    units: tuple[str, ...]
    period: Period
    sources: tuple[Source, ...]
    scale: Decimal
    bonus_cap: Decimal
    grading: Grading
    items: tuple[Item, ...]
    facts: tuple[FactSpec, ...]
    outcomes: tuple[OutcomeRule, ...]
    note: str = ""  # e.g. that the ruleset is a reconstruction
    rescale: bool = False  # not-applicable items fold out of the whole scale: 按得分率折算
    extends: str = ""  # id@version of the parent
    digest: str = ""  # sha256 over the files read, in order
    file: str = ""

    def all_items(self):
        for item in self.items:
            yield from item.walk()

    def leaves(self):
        return [i for i in self.all_items() if i.is_leaf]

    # Asked once per unit while scoring: worked out once per ruleset (the dataclass is frozen, its items never change)
    @cached_property
    def conditioned(self) -> tuple[Item, ...]:
        """Items with preconditions (zero_if), in document order."""
        return tuple(i for i in self.all_items() if i.zero_if)

    @cached_property
    def moves_excess_to_bonus(self) -> bool:
        """Whether any item counts its part above its points with the bonus items (excess: bonus)."""
        return any(i.excess_is_bonus for i in self.all_items())

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.all_items() if i.id == item_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def document_name(self, citation: Citation) -> str:
        """The cited document as people name it: 文号 where it has one, else its title."""
        source = self.source(citation.source)
        if source is None:
            return citation.source
        return f"{source.document_number}《{source.title}》" if source.document_number else f"《{source.title}》"

    def cite(self, citation: Citation | None) -> str:
        """依据：国办发〔2013〕47号《质量工作考核办法》第五条."""
        if citation is None:
            return ""
        return f"{self.document_name(citation)}{citation.clause}"


def _plain(value: Decimal) -> str:
    return format_points(value)


@lru_cache(maxsize=8192)
def format_points(value: Decimal) -> str:
    """2.50 → 2.5, 100 → 100, 0.30 → 0.3 — decimal text, never via float."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


# --- Evidence: what one unit submits for one year ---------------------------------


@dataclass(frozen=True)
class Judgement:
    """An inspector's score for a judged item, with the mandatory written reason."""

    score: Decimal
    reason: str
    inspector: str = ""


@dataclass(frozen=True)
class Event:
    """A reported event, e.g. a quality-safety incident with kind 区域性 or 系统性."""

    kind: str
    date: dt.date | None = None
    title: str = ""
    files: tuple[str, ...] = ()
    attributes: tuple[tuple[str, Any], ...] = ()  # declared attributes, in the fact's order: (deaths, 2) …

    def attribute(self, name: str) -> Any:
        return dict(self.attributes).get(name)


class NotApplicable:
    """The value 不适用: the item does not apply to this unit."""

    def __repr__(self) -> str:
        return "不适用"

    def __eq__(self, other) -> bool:
        return isinstance(other, NotApplicable)

    def __hash__(self) -> int:
        return hash("不适用")


NOT_APPLICABLE = NotApplicable()


@dataclass(frozen=True)
class Entry:
    """The unit's value for one item, its 佐证材料 references and its own 自评得分 and 备注."""

    item_id: str
    value: Any  # bool, str, tuple[str, ...], int, Decimal, Judgement or None when not given
    files: tuple[str, ...] = ()
    self_score: Decimal | None = None
    note: str = ""
    derived: str = ""  # where a value not typed by the unit came from: 取自 … 的评分结果（文件、摘要）
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class ScoreAdjustment:
    """The office set an item's score after 实地核查 or an appeal: the engine's score is kept beside it."""

    score: Decimal
    reason: str
    by: str = ""
    at: str = ""  # as the record shows it, e.g. 2015-03-02 10:15


@dataclass(frozen=True)
class Evidence:
    unit: str
    ruleset_id: str
    entries: dict  # item id → Entry
    targets: dict  # item id → Decimal, the unit's own filed targets (目标备案)
    facts: dict  # fact name → bool, Decimal, int or tuple[Event, ...]
    sample: bool = False
    self_total: Decimal | None = None
    note: str = ""
    file: str = ""
    digest: str = ""
    ignored: tuple[str, ...] = ()  # values for items this ruleset does not have (re-scoring under a draft)
    adjustments: dict = field(default_factory=dict)  # item id → ScoreAdjustment
    target_sources: dict = field(default_factory=dict)  # item id → where a target came from (上年值，取自……)
    history: dict = field(default_factory=dict)  # year (str) → final grade of that year: 2013 → D
    warnings: tuple = ()  # Problems that do not stop scoring: a value likely in the wrong scale (0.936 in %)


# --- Results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    item: Item
    score: Decimal | None  # None: could not be scored (a required value is missing)
    reason: str
    children: tuple["ItemResult", ...] = ()
    entry: Entry | None = None
    adjustment: ScoreAdjustment | None = None  # then `computed` is what the rules alone gave
    computed: Decimal | None = None
    not_applicable: bool = False  # the unit answered 不适用: neither scored nor missing
    unapplied: Decimal = Decimal(0)  # points of not-applicable items below, not yet folded out by a rescale

    @property
    def scored(self) -> bool:
        return self.score is not None

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class FiredOutcome:
    rule: OutcomeRule
    detail: str  # what in the evidence made it fire


@dataclass(frozen=True)
class UnitResult:
    unit: str
    evidence: Evidence
    items: tuple[ItemResult, ...]
    regular_total: Decimal
    bonus_total: Decimal
    total: Decimal
    graded_total: Decimal  # the total after the ruleset's rounding
    band_grade: str  # from the score bands (or rank) alone
    grade: str  # after the outcome rules
    grade_reason: str
    fired: tuple[FiredOutcome, ...] = ()
    unscored: tuple[str, ...] = ()  # item ids and fact names that lack a value
    rank: int = 0
    penalty_total: Decimal = Decimal(0)  # ≤ 0: the penalty sections' deductions, already in `total`
    quota_from: str = ""  # the grade a quota moved the unit down from (优秀比例不超过30%: A→B), "" when none did

    @property
    def consequences(self) -> tuple[FiredOutcome, ...]:
        """The fired rules that record a consequence (约谈, 通报批评 …), in rule order."""
        return tuple(f for f in self.fired if f.rule.consequence)

    @property
    def complete(self) -> bool:
        return not self.unscored

    def all_items(self):
        for result in self.items:
            yield from result.walk()
