"""What the record says had happened by a given point (an audit sequence number, e.g. a publication's):
the adjustments and the appeals with their decisions, and the entries and submissions after another point —
as plain values ready to print, in the order they were written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kaohe.engine import PROVIDERS, Ruleset, format_points

from . import jsondata
from .models import Adjustment, Appeal, AuditEntry, Decision, Entry, Publication, Record, Round, Submission
from .state import shown

UPHELD, REJECTED, PENDING = "维持", "驳回", "未决定"
UNFILLED = "未填报"


def chinese_date(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.year}年{local.month}月{local.day}日"


def sequence_of(publication: Publication) -> int:
    """The audit entry that wrote the publication: everything up to it is what the publication saw."""
    return AuditEntry.objects.get(record="Publication", record_id=publication.pk).seq


def _sequences(model: type[Record], ids) -> dict[int, int]:
    rows = AuditEntry.objects.filter(record=model.__name__, record_id__in=list(ids)).values_list("record_id", "seq")
    return dict(rows)


def _between(model: type[Record], rows, after: int, upto: int) -> list[tuple[int, Record]]:
    """(seq, row) of the rows written after `after` and up to `upto`, in the order they were written."""
    rows = list(rows)
    seqs = _sequences(model, (r.pk for r in rows))
    return sorted(((seqs[r.pk], r) for r in rows if r.pk in seqs and after < seqs[r.pk] <= upto),
                  key=lambda pair: pair[0])


def value_text(value, unit: str = "") -> str:
    """A value of the evidence as a person writes it: 63%, 是, 开展试点, 4分（现场核查……）."""
    if isinstance(value, dict):
        if "score" in value and "reason" in value:  # an inspection group's judgement
            return f"{value_text(value['score'])}分（{value['reason']}）"
        if "value" in value:
            return value_text(value["value"], unit)
        return jsondata.dump(value)
    if value is None:
        return UNFILLED
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int):
        return f"{format_points(Decimal(value))}{unit}"
    if isinstance(value, list | tuple):
        return "、".join(value_text(v) for v in value) or "（空）"
    return str(value)


def _item_title(ruleset: Ruleset, item_id: str) -> str:
    item = ruleset.item(item_id)
    return item.title if item is not None else ""


@dataclass(frozen=True)
class AdjustmentNote:
    seq: int
    unit: str
    item_id: str
    item_title: str
    kind: str  # value or score
    before: str  # the value before; for a score: the earlier adjusted score, or "" (then the computed score)
    after: str
    reason: str
    by: str
    at: str
    appeal: int | None  # the upheld appeal's number

    @property
    def what(self) -> str:
        return "填报值" if self.kind == "value" else "得分"

    @property
    def change(self) -> str:
        """填报值 63% → 64%, or 得分调整为 3分."""
        if self.kind == "value":
            return f"填报值 {self.before} → {self.after}"
        return f"得分 {self.before} → {self.after}" if self.before else f"得分调整为 {self.after}"


@dataclass(frozen=True)
class AppealNote:
    seq: int
    number: int
    unit: str
    items: tuple[str, ...]
    titles: tuple[str, ...]  # of the items
    reason: str
    by: str
    at: str
    decision: str  # 维持 / 驳回 / 未决定
    decision_reason: str
    decided_by: str
    decided_at: str

    @property
    def items_text(self) -> str:
        return "、".join(f"{i} {t}".strip() for i, t in zip(self.items, self.titles, strict=True))


def adjustment_notes(round_: Round, ruleset: Ruleset, upto: int, after: int = 0) -> list[AdjustmentNote]:
    appeals = dict(Appeal.objects.filter(round=round_).values_list("pk", "number"))
    notes = []
    for seq, row in _between(Adjustment, Adjustment.objects.filter(round=round_), after, upto):
        item = ruleset.item(row.item_id)
        unit = item.unit if item is not None else ""
        before, after_value = jsondata.load(row.before), jsondata.load(row.after)
        if row.kind == "value":
            old, new = value_text(before, unit), value_text(after_value, unit)
        else:
            old = f"{format_points(before['score'])}分" if isinstance(before, dict) else ""
            new = f"{format_points(after_value['score'])}分"
        notes.append(AdjustmentNote(seq, row.unit, row.item_id, _item_title(ruleset, row.item_id), row.kind, old,
                                    new, row.reason, row.actor, shown(row.at), appeals.get(row.appeal_id)))
    return notes


def appeal_notes(round_: Round, ruleset: Ruleset, upto: int, after: int = 0) -> list[AppealNote]:
    """The appeals made by `upto`, each with its decision if that too was made by `upto`."""
    decisions = {d.appeal_id: (seq, d) for seq, d in
                 _between(Decision, Decision.objects.filter(appeal__round=round_), 0, upto)}
    notes = []
    for seq, row in _between(Appeal, Appeal.objects.filter(round=round_), after, upto):
        decision = decisions.get(row.pk, (0, None))[1]
        word = PENDING if decision is None else UPHELD if decision.upheld else REJECTED
        items = tuple(jsondata.load(row.items))
        notes.append(AppealNote(seq, row.number, row.unit, items, tuple(_item_title(ruleset, i) for i in items),
                                row.reason, row.actor, shown(row.at), word, decision.reason if decision else "",
                                decision.actor if decision else "", shown(decision.at) if decision else ""))
    return notes


def decisions_between(round_: Round, ruleset: Ruleset, after: int, upto: int) -> dict[int, AppealNote]:
    """Appeals (by number) decided after `after` and by `upto`, with their decisions."""
    decided = {d.appeal_id for _, d in
               _between(Decision, Decision.objects.filter(appeal__round=round_), after, upto)}
    numbers = set(Appeal.objects.filter(pk__in=decided).values_list("number", flat=True))
    return {a.number: a for a in appeal_notes(round_, ruleset, upto) if a.number in numbers}


@dataclass(frozen=True)
class EntryNote:
    seq: int
    unit: str
    item_id: str
    text: str  # 考核组 第一组 评定为 4分（…），录入人 …，2015-03-12 10:00


def entry_notes(round_: Round, ruleset: Ruleset, after: int, upto: int) -> list[EntryNote]:
    notes = []
    for seq, row in _between(Entry, Entry.objects.filter(round=round_), after, upto):
        item = ruleset.item(row.item_id)
        value = value_text(jsondata.load(row.data), item.unit if item is not None else "")
        who = f"，录入人 {row.entered_by}" if row.entered_by else ""
        notes.append(EntryNote(seq, row.unit, row.item_id,
                               f"{PROVIDERS[row.kind]} {row.party} 评定为 {value}（{shown(row.at)}{who}）"))
    return notes


@dataclass(frozen=True)
class SubmissionNote:
    seq: int
    unit: str
    version: int
    text: str  # 单位重新报送第2版（文件名，时间）


def submission_notes(round_: Round, after: int, upto: int) -> list[SubmissionNote]:
    rows = Submission.objects.filter(round=round_, accepted=True).defer("content", "data", "incomplete")
    return [SubmissionNote(seq, row.unit, row.version,
                           f"单位报送第{row.version}版（{row.file_name}，{shown(row.at)}）")
            for seq, row in _between(Submission, rows, after, upto)]
