"""What a score sheet shows, computed once and laid out by both the xlsx and the HTML writer.

The columns follow the printed 细则: 序号, 考核项目, 考核内容/评分标准, 分值, 自评分, 得分,
得分/扣分说明, 依据, 佐证材料.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Item, OutcomeRule, Quota, Ruleset, UnitResult, format_points
from ..outcomes import EFFECT_NAMES
from .notes import SheetNotes

COLUMNS = ("序号", "考核项目", "考核内容/评分标准", "分值", "自评分", "得分", "得分/扣分说明", "依据", "佐证材料")


@dataclass(frozen=True)
class SheetRow:
    number: str  # 序号: the item id as printed
    title: str
    standard: str
    max: str
    self_score: str
    score: str
    explanation: str
    basis: str  # the document and clause (its text is printed once, under 依据条款)
    materials: str
    level: int  # 1 for sections under the root
    is_section: bool
    unscored: bool
    mark: str = ""  # a caller's mark for the 得分 cell (render/notes.py), e.g. 经调整
    penalty: bool = False  # a row of a penalty section (扣分项): its score is a deduction
    not_applicable: bool = False  # the unit answered 不适用: neither scored nor missing


@dataclass(frozen=True)
class Outcome:
    title: str
    effect: str  # 一票否决 / 降级 / 等次封顶 / 不得评为A; 后果 for a rule that only records a consequence
    basis: str
    detail: str
    is_veto: bool
    consequence: str = ""  # 约谈主要负责人, 通报批评: what follows besides the grade

    @property
    def line(self) -> str:
        """【降级】title。detail。后果：通报批评。依据：…"""
        then = f"后果：{self.consequence}。" if self.consequence else ""
        return f"【{self.effect}】{self.title}。{self.detail}。{then}依据：{self.basis}"


@dataclass(frozen=True)
class Sheet:
    heading: str  # e.g. 2014年度温州市…评分细则 考核评分表
    unit: str
    year: str
    ruleset: str  # title, id and version
    total: str
    grade: str
    grade_rule: str
    provisional: bool
    outcomes: tuple[Outcome, ...]
    rows: tuple[SheetRow, ...]
    unscored: tuple[str, ...]
    ruleset_digest: str
    evidence_digest: str
    evidence_file: str
    sample: bool
    note: str  # e.g. that the ruleset is a reconstruction
    notes: SheetNotes | None = None  # a caller's section after the table (render/notes.py)
    breakdown: str = ""  # how the total is made up, only where the ruleset has penalty sections: 基本分 88 + …
    penalty: bool = False  # the ruleset has penalty sections (扣分项)
    consequences: tuple[str, ...] = ()  # 约谈主要负责人 …: what the fired rules record, shown beside the grade
    quota: str = ""  # 原为A，优秀比例不超过30%: the unit was moved down by a grade quota
    clauses: tuple[tuple[str, str], ...] = ()  # 依据条款: each cited clause and its text, once
    scale: str = ""  # 满分, printed under 分值 in the 合计 row
    self_total: str = ""  # the unit's own 自评总分, where its evidence gives one

    @property
    def result_line(self) -> str:
        """总分：88（…）　　等次：B（暂定：…）　　后果：约谈主要负责人 — the line under the heading."""
        grade = self.grade + (f"（{self.quota}）" if self.quota else "")
        grade += f"（暂定：有{len(self.unscored)}项未能评分）" if self.provisional else ""
        total = f"{self.total}（{self.breakdown}）" if self.breakdown else self.total
        then = f"　　后果：{'；'.join(self.consequences)}" if self.consequences else ""
        return f"总分：{total}　　等次：{grade}{then}"


def basis_text(ruleset: Ruleset, citation) -> str:
    if citation is None:
        return ""
    return f"{basis_ref(ruleset, citation)}：{citation.text}"


def basis_ref(ruleset: Ruleset, citation) -> str:
    """温政办〔2014〕98号《……》一、2: the document and the clause, without the clause's text."""
    return f"{ruleset.document_name(citation)}{citation.clause}" if citation is not None else ""


def clause_texts(ruleset: Ruleset, items) -> tuple[tuple[str, str], ...]:
    """(document and clause, its text) of every clause the rows cite, once each, in the order first cited."""
    found: dict[str, str] = {}
    for item in items:
        if item.citation is not None:
            found.setdefault(basis_ref(ruleset, item.citation), item.citation.text)
    return tuple(found.items())


def year_of(ruleset: Ruleset) -> str:
    start, end = ruleset.period.start, ruleset.period.end
    if start.year == end.year:
        return f"{start.year}年度"
    return f"{start.isoformat()} 至 {end.isoformat()}"


KEY_MARK = "★"  # before a key item's title (关键项)


def points_text(item: Item) -> str:
    """The 分值 cell: 10; 10 over 最高15 for an item with its own cap; 扣分项 or 最多扣10分 in a penalty section;
    100 over 权重30% for a weighted top-level section."""
    if item.weight is not None:
        return f"{format_points(item.points)}\n权重{format_points(item.weight * 100)}%"
    if item.penalty:
        return f"最多扣{format_points(item.points)}分" if item.points > 0 else "扣分项"
    if item.max is not None:  # on two lines: the column is narrow
        return f"{format_points(item.points)}\n最高{format_points(item.max)}"
    return format_points(item.points)


def title_text(ruleset: Ruleset, item: Item) -> str:
    """The 考核项目 cell: ★ before a key item, （加分项） after a bonus section whose title does not already say so
    (never 加分项（加分项）)."""
    return ((KEY_MARK if item.key else "") + item.title
            + ("（加分项）" if item.bonus and item in ruleset.items and "加分" not in item.title else ""))


def quota_moved(ruleset: Ruleset, result: UnitResult) -> Quota | None:
    """The grade quota that first moved the unit to a lower grade (优秀比例不超过30%), or None."""
    return next((q for q in ruleset.grading.quotas if q.label == result.quota_from), None)


def quota_text(quota: Quota) -> str:
    """The quota as the document words it, or as kaohe does: A比例不超过30%; A不超过3个."""
    if quota.text:
        return quota.text
    if quota.count is not None:
        return f"{quota.label}不超过{quota.count}个"
    return f"{quota.label}比例不超过{format_points(quota.share * 100)}%"


def has_penalty(ruleset: Ruleset) -> bool:
    return any(item.penalty for item in ruleset.items)


def total_breakdown(ruleset: Ruleset, result: UnitResult) -> str:
    """基本分 88 + 加分 2 − 扣分项 6, for a ruleset with penalty sections (else empty: other sheets keep their text).
    When the deductions would take the total below 0, says that it stops at 0."""
    if not has_penalty(ruleset):
        return ""
    parts = [f"基本分 {format_points(result.regular_total)}"]
    if any(item.bonus for item in ruleset.items):
        parts.append(f"加分 {format_points(result.bonus_total)}")
    text = " + ".join(parts) + f" − 扣分项 {format_points(-result.penalty_total)}"
    if result.regular_total + result.bonus_total + result.penalty_total < 0 <= result.total:
        text += "，扣完为止，总分最低为0分"
    return text


def outcome_effect(rule: OutcomeRule) -> str:
    """The bracketed word of an outcome line: what the rule does to the grade (一票否决, 降级, 等次封顶, 不得评为A),
    or 后果 for a rule that only records a consequence."""
    said = [EFFECT_NAMES[rule.effect]] if rule.effect else []
    if rule.exclude:
        said.append(f"不得评为{'、'.join(rule.exclude)}")
    return "，".join(said) or "后果"


def score_text(item_result) -> str:
    """The 得分 cell: the score, 不适用, or 未评分."""
    if item_result.score is not None:
        return format_points(item_result.score)
    return "不适用" if item_result.not_applicable else "未评分"


def unapplied_note(ruleset: Ruleset, item_result, parents: dict[str, Item]) -> str:
    """For a section holding not-applicable items it does not fold out itself: where they are folded out, so that
    a section row of 45 out of 100 is not read as lost points. Empty elsewhere."""
    if not item_result.unapplied or item_result.not_applicable or item_result.item.is_leaf:
        return ""
    above, item = None, item_result.item
    while item.id in parents and above is None:
        item = parents[item.id]
        above = item if item.rescale else None
    where = f"{above.id}「{above.title}」中" if above is not None else "总分中"
    return f"；其中不适用的指标{format_points(item_result.unapplied)}分不计，在{where}按得分率折算"


def build_sheet(ruleset: Ruleset, result: UnitResult, notes: SheetNotes | None = None) -> Sheet:
    marks = notes.marks if notes is not None else {}
    parents = {child.id: item for item in ruleset.all_items() for child in item.children}
    rows = []
    for item_result in result.all_items():
        item, entry = item_result.item, item_result.entry
        rows.append(SheetRow(
            number=item.id, title=title_text(ruleset, item),
            standard="\n".join(t for t in (item.content, item.standard) if t),
            max=points_text(item),
            self_score=format_points(entry.self_score) if entry and entry.self_score is not None else "",
            score=score_text(item_result),
            explanation=item_result.reason + unapplied_note(ruleset, item_result, parents)
            + (f"\n备注：{entry.note}" if entry and entry.note else ""),
            basis=basis_ref(ruleset, item.citation) if item.is_leaf or item in ruleset.items else "",
            materials="\n".join(entry.files) if entry else "",
            level=item.id.count(".") + 1, is_section=not item.is_leaf,
            unscored=item_result.score is None and not item_result.not_applicable,
            mark=marks.get(item.id, ""), penalty=item.penalty, not_applicable=item_result.not_applicable,
        ))
    outcomes = tuple(Outcome(title=f.rule.title, effect=outcome_effect(f.rule),
                             basis=basis_text(ruleset, f.rule.citation), detail=f.detail,
                             is_veto=f.rule.effect == "force_grade", consequence=f.rule.consequence)
                     for f in result.fired)
    draft = "，草案" if ruleset.status == "draft" else ""
    return Sheet(
        heading=f"{ruleset.title} 考核评分表", unit=result.unit, year=year_of(ruleset),
        ruleset=f"{ruleset.title}（{ruleset.id}，版本 {ruleset.version}{draft}）",
        total=format_points(result.total), grade=result.grade, grade_rule=result.grade_reason,
        provisional=bool(result.unscored), outcomes=outcomes, rows=tuple(rows), unscored=result.unscored,
        ruleset_digest=ruleset.digest, evidence_digest=result.evidence.digest, evidence_file=result.evidence.file,
        sample=result.evidence.sample, note=ruleset.note,
        notes=notes if notes is not None and not notes.empty else None,
        breakdown=total_breakdown(ruleset, result), penalty=has_penalty(ruleset),
        consequences=tuple(dict.fromkeys(f.rule.consequence for f in result.consequences)),
        quota=quota_words(ruleset, result), scale=format_points(ruleset.scale),
        clauses=clause_texts(ruleset, [x.item for x in result.all_items()
                                       if x.item.is_leaf or x.item in ruleset.items]),
        self_total=format_points(result.evidence.self_total) if result.evidence.self_total is not None else "",
    )


def quota_words(ruleset: Ruleset, result: UnitResult) -> str:
    """原为A，优秀比例不超过30% — for a unit a grade quota moved down; else empty."""
    quota = quota_moved(ruleset, result)
    return f"原为{quota.label}，{quota_text(quota)}" if quota is not None else ""
