"""Where a round stands: per unit and in total, who has submitted, who is late or incomplete, and what the
inspection groups and departments still owe. Read from what submission stored, so it stays fast for a
province's whole roster (nothing is re-scored here).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import jsondata
from .models import Adjustment, Appeal, Entry, Round, Submission
from .state import deadline, groups, publications, roster, ruleset_of


@dataclass
class UnitStatus:
    unit: str
    group: str
    version: int = 0  # latest accepted submission; 0: none
    submitted_at: dt.datetime | None = None
    late: bool = False
    rejected: int = 0  # versions that failed validation since the last accepted one
    missing_values: list[str] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)
    missing_materials: list[str] = field(default_factory=list)
    owed_inspection: list[str] = field(default_factory=list)  # item ids the group has not scored
    owed_departments: dict[str, list[str]] = field(default_factory=dict)  # department → item ids

    @property
    def state(self) -> str:
        if not self.version:
            return "未通过校验" if self.rejected else "未报送"
        if self.missing_values or self.missing_facts or self.missing_materials:
            return "材料不全"
        return "已报送"


@dataclass
class RoundStatus:
    round: Round
    deadline: dt.datetime | None
    units: list[UnitStatus]
    publications: list
    open_appeals: int

    def count(self, state: str) -> int:
        return sum(1 for u in self.units if u.state == state)

    @property
    def late(self) -> int:
        return sum(1 for u in self.units if u.late)

    def owed_by_groups(self) -> dict[str, int]:
        owed: dict[str, int] = {}
        for u in self.units:
            if u.owed_inspection:
                key = u.group or "（未分配考核组）"
                owed[key] = owed.get(key, 0) + len(u.owed_inspection)
        return owed

    def owed_by_departments(self) -> dict[str, int]:
        owed: dict[str, int] = {}
        for u in self.units:
            for department, items in u.owed_departments.items():
                owed[department] = owed.get(department, 0) + len(items)
        return dict(sorted(owed.items()))


def round_status(round_: Round) -> RoundStatus:
    ruleset = ruleset_of(round_)
    assigned = groups(round_)
    units = {name: UnitStatus(name, assigned.get(name, "")) for name in roster(round_)}
    for row in (Submission.objects.filter(round=round_).order_by("id")
                .values("unit", "version", "accepted", "late", "at", "incomplete")):
        status = units.get(row["unit"])
        if status is None:
            continue
        if not row["accepted"]:
            status.rejected += 1
            continue
        incomplete = jsondata.load(row["incomplete"] or "{}")
        status.version, status.submitted_at, status.late, status.rejected = row["version"], row["at"], row["late"], 0
        status.missing_values = list(incomplete.get("values", []))
        status.missing_facts = list(incomplete.get("facts", []))
        status.missing_materials = list(incomplete.get("materials", []))
    # a value the office supplied after the submission (an adjustment) is no longer missing
    for unit, item_id, at, after in (Adjustment.objects.filter(round=round_, kind="value").order_by("id")
                                     .values_list("unit", "item_id", "at", "after")):
        status = units.get(unit)
        if status is not None and status.submitted_at is not None and at >= status.submitted_at:
            status.missing_values = [i for i in status.missing_values if i != item_id]
            if (jsondata.load(after) or {}).get("files"):
                status.missing_materials = [i for i in status.missing_materials if i != item_id]
    entered = set(Entry.objects.filter(round=round_).values_list("unit", "item_id"))
    inspected = [i.id for i in ruleset.leaves() if i.provider == "inspection" and i.takes_entry]
    by_department = [(i.id, i.departments[0] if i.departments else i.department)
                     for i in ruleset.leaves() if i.provider == "department" and i.takes_entry]
    for status in units.values():
        status.owed_inspection = [i for i in inspected if (status.unit, i) not in entered]
        for item_id, department in by_department:
            if (status.unit, item_id) not in entered:
                status.owed_departments.setdefault(department, []).append(item_id)
    open_appeals = Appeal.objects.filter(round=round_, decision__isnull=True).count()
    return RoundStatus(round_, deadline(round_), list(units.values()), publications(round_), open_appeals)
