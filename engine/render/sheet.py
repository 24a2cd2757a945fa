"""What a score sheet shows, computed once and laid out by both the xlsx and the HTML writer.

The columns follow the printed 细则: 序号, 考核项目, 考核内容/评分标准, 分值, 自评分, 得分,
得分/扣分说明, 依据, 佐证材料.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Item, Ruleset, UnitResult, format_points
from ..outcomes import effect_words
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
    basis: str  # document, clause and clause text
    materials: str
    level: int  # 1 for sections under the root
    is_section: bool
    unscored: bool
    mark: str = ""  # a caller's mark for the 得分 cell (render/notes.py), e.g. 经调整
    penalty: bool = False  # a row of a penalty section (扣分项): its score is a deduction


@dataclass(frozen=True)
class Outcome:
    title: str
    effect: str  # 一票否决 / 降级 / 等次封顶
    basis: str
    detail: str
    is_veto: bool


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


def basis_text(ruleset: Ruleset, citation) -> str:
    if citation is None:
        return ""
    return f"{ruleset.document_name(citation)}{citation.clause}：{citation.text}"


def year_of(ruleset: Ruleset) -> str:
    start, end = ruleset.period.start, ruleset.period.end
    if start.year == end.year:
        return f"{start.year}年度"
    return f"{start.isoformat()} 至 {end.isoformat()}"


KEY_MARK = "★"  # before a key item's title (关键项)


def points_text(item: Item) -> str:
    """The 分值 cell: 10; 10 over 最高15 for an item with its own cap; 扣分项 or 最多扣10分 in a penalty section."""
    if item.penalty:
        return f"最多扣{format_points(item.points)}分" if item.points > 0 else "扣分项"
    if item.max is not None:  # on two lines: the column is narrow
        return f"{format_points(item.points)}\n最高{format_points(item.max)}"
    return format_points(item.points)


def title_text(ruleset: Ruleset, item: Item) -> str:
    """The 考核项目 cell: ★ before a key item, （加分项） after a bonus section."""
    return ((KEY_MARK if item.key else "") + item.title
            + ("（加分项）" if item.bonus and item in ruleset.items else ""))


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


def build_sheet(ruleset: Ruleset, result: UnitResult, notes: SheetNotes | None = None) -> Sheet:
    marks = notes.marks if notes is not None else {}
    rows = []
    for item_result in result.all_items():
        item, entry = item_result.item, item_result.entry
        rows.append(SheetRow(
            number=item.id, title=title_text(ruleset, item),
            standard="\n".join(t for t in (item.content, item.standard) if t),
            max=points_text(item),
            self_score=format_points(entry.self_score) if entry and entry.self_score is not None else "",
            score="未评分" if item_result.score is None else format_points(item_result.score),
            explanation=item_result.reason + (f"\n备注：{entry.note}" if entry and entry.note else ""),
            basis=basis_text(ruleset, item.citation) if item.is_leaf or item in ruleset.items else "",
            materials="\n".join(entry.files) if entry else "",
            level=item.id.count(".") + 1, is_section=not item.is_leaf, unscored=item_result.score is None,
            mark=marks.get(item.id, ""), penalty=item.penalty,
        ))
    outcomes = tuple(Outcome(title=f.rule.title, effect=effect_words(f.rule),
                             basis=basis_text(ruleset, f.rule.citation), detail=f.detail,
                             is_veto=f.rule.effect == "force_grade") for f in result.fired)
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
    )
