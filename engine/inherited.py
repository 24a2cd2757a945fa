"""Problems an `extends` child causes in what it inherits, placed at the child's own line.

A drafter edits only the newest file of a chain. When a change there breaks an inherited item (a section's points
no longer add up, a level worth more than the new points, an outcome rule reading a fact the child redeclared), the
problem is found on the parent's line. If the parent on its own does not have that problem, the child caused it:
it is reported at the child's change that touches the same item, section or rule, or at the child's key that
replaced the inherited one, with the inherited place named in the hint. A problem the parent already has on its own
stays where it is: the parent's file is where it must be fixed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import Location, Problem
from .loading import Mapping, Sequence, location_of

METADATA = ("extends", "id", "title", "version", "status", "note", "item_changes", "outcome_changes")


@dataclass(frozen=True)
class Change:
    """One place in the child's file that changes an inherited item or rule."""

    subject: str  # the item id or outcome rule id it changes
    location: Location
    fields: tuple[tuple[str, Location], ...] = ()  # an override's keys and where each is written


def relocate(problems: list[Problem], child_file: str, child: Mapping,
             parent_problems: dict[tuple[Location, str], Problem], parents: dict[str, str]) -> list[Problem]:
    """Each problem as the drafter should see it, in the same order. `parent_problems`: what loading the parent on
    its own finds, each as found → as the parent reports it.
    `parents`: item id → the id of the section it sits in, over the inherited and the merged trees."""
    items, outcomes = _changes(child, "item_changes"), _changes(child, "outcome_changes")
    out = []
    for problem in problems:
        if problem.location.file in ("", child_file):
            out.append(problem)
            continue
        if (problem.location, problem.message) in parent_problems:
            out.append(parent_problems[(problem.location, problem.message)])
            continue
        place = (_item_change(problem, items, parents) or _outcome_change(problem, outcomes)
                 or _replaced_key(problem, child) or child.key_locs.get("extends", child.loc))
        inherited = _place(problem.location)
        note = f"所指内容继承自 {inherited}，由这里的修改引起"
        out.append(replace(problem, location=place.at(problem.location.path),
                           hint=f"{note}；{problem.hint}" if problem.hint else note))
    return out


def _place(location: Location) -> str:
    return f"{location.file}:{location.line}" if location.line else location.file


def _subject(problem: Problem) -> str:
    return problem.location.path.split(" › ", 1)[0]


def _changes(child: Mapping, key: str) -> list[Change]:
    table = child.get(key)
    if not isinstance(table, Mapping):
        return []
    found: list[Change] = []
    overrides = table.get("override")
    if isinstance(overrides, Mapping):
        for subject, patch in overrides.items():
            keys = tuple((k, patch.key_locs[k]) for k in patch) if isinstance(patch, Mapping) else ()
            found.append(Change(str(subject), location_of(overrides, subject), keys))
    removed = table.get("remove")
    if isinstance(removed, Sequence):
        found += [Change(str(subject), location_of(removed, index)) for index, subject in enumerate(removed)]
    added = table.get("add")
    if isinstance(added, Sequence):
        for index, entry in enumerate(added):
            body = entry.get("item", entry) if isinstance(entry, Mapping) else None
            if isinstance(body, Mapping) and body.get("id") is not None:
                found.append(Change(str(body["id"]), location_of(added, index)))
    return found


def _ancestors(item_id: str, parents: dict[str, str]) -> list[str]:
    out = []
    while item_id in parents and item_id not in out:
        item_id = parents[item_id]
        out.append(item_id)
    return out


def _item_change(problem: Problem, changes: list[Change], parents: dict[str, str]) -> Location | None:
    """The change to the same item, else one to an item inside it (a sum), else one to a section holding it; for
    the top-level sum (`scale`), a change to a top-level item."""
    subject = _subject(problem)
    if subject == "scale":
        top = [c for c in changes if c.subject not in parents]
        with_points = [c for c in top if "points" in dict(c.fields)]
        return dict(with_points[0].fields)["points"] if with_points else (top[0].location if top else None)
    steps = problem.location.path.split(" › ")
    field_name = re.sub(r"\[\d+\]$", "", steps[1]) if len(steps) > 1 else ""  # brackets[1] → brackets
    for change in changes:
        if change.subject == subject:
            named = dict(change.fields)
            if field_name in named:
                return named[field_name]
            return named.get("points") or (change.fields[0][1] if change.fields else change.location)
    # a sum is changed by new points, or by an item added or removed (a change without fields), not by a new method
    inside = sorted((c for c in changes if subject in _ancestors(c.subject, parents)),
                    key=lambda c: 0 if "points" in dict(c.fields) else 1 if not c.fields else 2)
    if inside:
        return dict(inside[0].fields).get("points", inside[0].location)
    holding = [c for c in changes if c.subject in _ancestors(subject, parents)]
    return holding[0].location if holding else None


def _outcome_change(problem: Problem, changes: list[Change]) -> Location | None:
    subject = _subject(problem)
    return next((c.location for c in changes if c.subject == subject), None)


def _replaced_key(problem: Problem, child: Mapping) -> Location | None:
    """A top-level key the child wrote in place of the parent's: the fact it declares, or the key named in the
    problem's path (grading, units, period …)."""
    facts = child.get("facts")
    if isinstance(facts, Mapping):
        for name in facts:
            if f'"{name}"' in problem.message or f"facts › {name}" in problem.location.path:
                return location_of(facts, name)
    head = _subject(problem).split("[", 1)[0]
    if head in child.key_locs and head not in METADATA:
        return child.key_locs[head]
    return None
