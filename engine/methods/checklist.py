"""扣分清单（或加分清单）：每种情形有自己的分值，逐条相加。细则例：未建立台账扣0.5分；台账不全扣0.2分；
未按时报送每次扣0.3分……扣完为止。

`faults` deduct from the item's points and the sum may exceed them (the score stops at 0);
`gains` add from 0 up to the item's cap. An entry written `{per: 0.3, counted: 次}` counts per occurrence.
The value is what was found: a list of names (each once) or name → number of occurrences.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import Fields
from ..loading import location_of
from .common import ItemScore, ScoringContext, pts

NAME = "checklist"
VALUE_KIND = "checklist"
ZERO = Decimal(0)
KINDS = {"faults": "扣", "gains": "加"}


@dataclass(frozen=True)
class Entry:
    name: str
    amount: Decimal
    per: bool = False  # per occurrence: 每次扣0.3分
    counted: str = "次"


@dataclass(frozen=True)
class Params:
    kind: str  # "faults" or "gains"
    entries: tuple[Entry, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)


def read_params(fields: Fields, points: Decimal) -> Params:
    given = [key for key in KINDS if fields.has(key)]
    if len(given) != 1:
        fields.problems.add(fields.loc, "扣分清单须写 faults（扣分情形）或 gains（加分情形）之一",
                            "例如 faults: {未建立台账: 0.5, 未按时报送: {per: 0.3, counted: 次}}")
        for key in given:
            fields.raw(key)
        return Params("faults", ())
    kind = given[0]
    table = fields.mapping(kind) or {}
    entries = []
    for name, raw in table.items():
        at = location_of(table, name, fields.where(kind)).at(f"{fields.path} › {kind} › {name}")
        if isinstance(raw, Decimal) and not isinstance(raw, bool):
            amount, per, counted = raw, False, "次"
        elif isinstance(raw, dict):
            e = Fields(raw, f"{fields.path} › {kind} › {name}", fields.problems, at=at)
            amount, per, counted = e.decimal("per", minimum=ZERO), True, e.text("counted", "次")
            e.done()
        else:
            fields.problems.add(at, f"情形「{name}」应写分值（如 0.5），或按次计的 {{per: 0.3, counted: 次}}")
            continue
        if amount is not None and amount <= 0:
            fields.problems.add(at, f"情形「{name}」的分值必须大于0")
        entries.append(Entry(str(name), amount or ZERO, per, counted))
    if not entries and table is not None:
        fields.problems.add(fields.where(kind), "至少要列出一种情形")
    return Params(kind, tuple(entries))


def _lines(p: Params, value: tuple[tuple[str, int], ...]) -> tuple[list[str], Decimal]:
    verb = KINDS[p.kind]
    lines, total = [], ZERO
    for name, times in value:
        entry = p.entry(name)
        amount = entry.amount * times
        total += amount
        if entry.per:
            lines.append(f"{name}{times}{entry.counted}，每{entry.counted}{verb}{pts(entry.amount)}分，"
                         f"{verb}{pts(amount)}分")
        else:
            lines.append(f"{name}{verb}{pts(amount)}分")
    return lines, total


def score(item, value: tuple[tuple[str, int], ...], ctx: ScoringContext) -> ItemScore:
    p = item.params
    lines, total = _lines(p, value)
    if p.kind == "gains":
        if not lines:
            return ItemScore(ZERO, "无加分情形，得0分")
        if total > item.cap:
            return ItemScore(item.cap, "；".join(lines) + f"；共加{pts(total)}分，最多加{pts(item.cap)}分，"
                                                          f"得{pts(item.cap)}分")
        return ItemScore(total, "；".join(lines) + f"；共加{pts(total)}分，得{pts(total)}分")
    if not lines:
        return ItemScore(item.points, f"无扣分情形，得满分{pts(item.points)}分")
    if total >= item.points:
        return ItemScore(ZERO, "；".join(lines) + f"；共扣{pts(total)}分，扣完为止，得0分")
    return ItemScore(item.points - total, "；".join(lines) + f"；共扣{pts(total)}分，得{pts(item.points - total)}分")


def deduct(item, value: tuple[tuple[str, int], ...], ctx: ScoringContext) -> ItemScore:
    """In a penalty section: the deduction itself, as a negative score, within the row's limit if it has one."""
    lines, total = _lines(item.params, value)
    if not lines:
        return ItemScore(ZERO, "无扣分情形，不扣分")
    return ItemScore(-total, "；".join(lines) + f"；共扣{pts(total)}分")
