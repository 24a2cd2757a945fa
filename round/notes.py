"""The round's notes on the score sheets and the summary (kaohe.engine.render.notes): the 得分 cell of each
adjusted item marked, and a section 调整与申诉 listing each adjustment and each appeal with its decision.
"""
from __future__ import annotations

from kaohe.engine import UnitResult, format_points
from kaohe.engine.render.notes import Notes, NoteTable, SheetNotes

from .history import UNFILLED, AdjustmentNote, AppealNote

TITLE = "调整与申诉"
MARK_ADJUSTED, MARK_APPEAL = "经调整", "经申诉"
LEGEND = (f"得分注“{MARK_ADJUSTED}”的指标由考核办公室调整，注“{MARK_APPEAL}”的指标因申诉维持而调整；"
          "调整的原值、新值、理由、调整人和时间见下表。")
ADJUSTMENT_COLUMNS = ("指标", "原值/计算得分", "新值/调整后得分", "理由", "调整人", "时间")
ADJUSTMENT_WIDTHS = (14, 12, 12, 30, 8, 10)
APPEAL_COLUMNS = ("编号", "指标", "申诉理由", "提出时间", "决定", "决定理由", "决定人", "决定时间")
APPEAL_WIDTHS = (6, 14, 24, 10, 5, 24, 8, 10)


def _computed(result: UnitResult, item_id: str) -> str:
    for item in result.all_items():
        if item.item.id == item_id and item.adjustment is not None:
            return "计算得分 " + ("未能评分" if item.computed is None else f"{format_points(item.computed)}分")
    return ""


def _adjustment_row(note: AdjustmentNote, result: UnitResult | None) -> tuple[str, ...]:
    if note.kind == "value":
        before, after = (f"填报值 {v}" if v != UNFILLED else v for v in (note.before, note.after))
    else:
        before = f"调整后得分 {note.before}" if note.before else _computed(result, note.item_id) if result else ""
        after = f"调整后得分 {note.after}"
    return (f"{note.item_id} {note.item_title}", before, after, note.reason, note.by, note.at)


def _appeal_row(note: AppealNote) -> tuple[str, ...]:
    return (f"第{note.number}号", note.items_text, note.reason, note.at, note.decision, note.decision_reason,
            note.decided_by, note.decided_at)


def unit_notes(result: UnitResult | None, adjustments: list[AdjustmentNote], appeals: list[AppealNote]) -> SheetNotes:
    marks = {n.item_id: MARK_APPEAL if n.appeal is not None else MARK_ADJUSTED for n in adjustments}
    return SheetNotes(
        title=TITLE, legend=LEGEND if marks else "",
        marks=marks,
        tables=(NoteTable("调整", ADJUSTMENT_COLUMNS, ADJUSTMENT_WIDTHS,
                          tuple(_adjustment_row(n, result) for n in adjustments), empty="无调整"),
                NoteTable("申诉", APPEAL_COLUMNS, APPEAL_WIDTHS, tuple(_appeal_row(n) for n in appeals),
                          empty="无申诉")))


def round_notes(results: list[UnitResult], adjustments: list[AdjustmentNote], appeals: list[AppealNote]) -> Notes:
    """Every unit's notes (each unit's own adjustments and appeals) and the summary's (all of them)."""
    by_unit = {r.unit: r for r in results}
    units = {unit: unit_notes(result, [n for n in adjustments if n.unit == unit],
                              [n for n in appeals if n.unit == unit]) for unit, result in by_unit.items()}
    summary = SheetNotes(
        title=TITLE,
        tables=(NoteTable("调整", ("单位", *ADJUSTMENT_COLUMNS), (8, *ADJUSTMENT_WIDTHS),
                          tuple((n.unit, *_adjustment_row(n, by_unit.get(n.unit))) for n in adjustments),
                          empty="无调整"),
                NoteTable("申诉", ("单位", *APPEAL_COLUMNS), (8, *APPEAL_WIDTHS),
                          tuple((n.unit, *_appeal_row(n)) for n in appeals), empty="无申诉")))
    return Notes(units=units, summary=summary)
