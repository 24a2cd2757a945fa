"""`extends:` — a ruleset built on an earlier one, with per-item override, removal and addition.

Works on the located raw data, before the model is built, so every merged
value keeps the file and line it came from. Top-level keys of the child replace
the parent's; `sources` merge by id and `facts` by name; `item_changes` and `outcome_changes` edit
the inherited item tree and outcome rules.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KaoheError, Location, Problem, Problems, did_you_mean
from .fields import Fields, describe
from .loading import Mapping, Sequence, location_of, read_document

CHANGE_KEYS = ("item_changes", "outcome_changes")


MAX_CHAIN = 20  # rulesets in one extends chain; real chains are a few years long


def _exists(path: Path) -> bool:
    try:
        return path.exists() or path.with_suffix(".yaml").exists()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL in it
        return False


def ruleset_file(path: Path) -> Path:
    """A ruleset is named by its folder or its file; the file is what is read."""
    return path / "ruleset.yaml" if path.is_dir() else path


@dataclass
class Resolved:
    """A ruleset file with every ruleset it extends merged in."""

    data: Mapping
    digests: list[str]  # one per file, the oldest first
    parent: str  # "id@version" of the ruleset extended, "" when none
    problems: list[Problem] = field(default_factory=list)  # in the changes; the merge went on without them
    own: Mapping | None = None  # this file's own data, before the merge
    parent_path: Path | None = None
    parent_data: Mapping | None = None  # the ruleset extended, merged up its own chain


def resolve(path: Path, seen: tuple[Path, ...] = ()) -> Resolved:
    """Read a ruleset file and every ruleset it extends. Problems in a file's changes are collected, not raised, so
    they are listed with everything else found; a file that cannot be read at all still raises."""
    path = ruleset_file(Path(path))
    data, digest = read_document(path)
    if not isinstance(data, Mapping):
        raise KaoheError([Problem(Location(str(path), 1, 1), "细则文件的顶层应为映射（键: 值）")])
    if "extends" not in data:
        return Resolved(data, [digest], "", own=data)
    parent_ref = data["extends"]
    where = data.key_locs["extends"]
    if not isinstance(parent_ref, str) or not parent_ref:
        raise KaoheError([Problem(where, "extends 应为上一版细则的路径（相对于本文件）")])
    parent_path = Path(os.path.normpath(path.parent / parent_ref))  # kept relative, as the user wrote it
    if not _exists(parent_path):
        raise KaoheError([Problem(where, f"extends 指向的细则不存在：{parent_ref}", "路径相对于本文件所在文件夹")])
    parent_file = ruleset_file(parent_path)
    chain = seen + (path.resolve(),)
    if parent_file.resolve() in chain:
        raise KaoheError([Problem(where, f"extends 形成了循环引用：{parent_ref} 就是本细则或其下级版本",
                                  "extends 应指向上一版细则的文件夹或文件")])
    if len(chain) >= MAX_CHAIN:
        raise KaoheError([Problem(where, f"extends 链过长（超过 {MAX_CHAIN} 层）")])
    try:
        parent = resolve(parent_path, chain)
    except KaoheError as error:
        unreadable = [p for p in error.problems if p.location.file == str(parent_file) and not p.location.line]
        if not unreadable:
            raise
        raise KaoheError(error.problems + [Problem(where, f"extends 指向的细则无法读取：{parent_ref}",
                                                   "extends 应指向上一版细则的文件夹或其 ruleset.yaml")]) from None
    merged, problems = _merge(parent.data, data)
    label = f"{parent.data.get('id', '')}@{parent.data.get('version', '')}"
    return Resolved(merged, parent.digests + [digest], label, parent.problems + problems, data, parent_path,
                    parent.data)


def chain_files(path: Path) -> list[Path]:
    """The files a ruleset is read from: its own and every one up its `extends` chain (call after it loaded)."""
    files = [ruleset_file(Path(path))]
    while len(files) <= MAX_CHAIN:
        data, _ = read_document(files[-1])
        parent_ref = data.get("extends") if isinstance(data, Mapping) else None
        if not isinstance(parent_ref, str) or not parent_ref:
            break
        files.append(ruleset_file(Path(os.path.normpath(files[-1].parent / parent_ref))))
    return files


def _merge(parent: Mapping, child: Mapping) -> tuple[Mapping, list[Problem]]:
    problems = Problems()
    merged = copy.copy(parent)
    merged.key_locs = dict(parent.key_locs)
    for key, value in child.items():
        if key in CHANGE_KEYS or key == "extends":
            continue
        if key == "sources" and isinstance(value, list) and isinstance(parent.get("sources"), list):
            value = _merge_by_id(parent["sources"], value)
        if key == "facts" and isinstance(value, Mapping) and isinstance(parent.get("facts"), Mapping):
            value = _merge_by_key(parent["facts"], value)
        merged[key] = value
        merged.key_locs[key] = child.key_locs[key]
    changes = Fields(child, "", problems)
    item_changes = changes.mapping("item_changes", None)
    if item_changes is not None and _is_list(merged, "items", problems):
        merged["items"] = _apply_item_changes(merged.get("items"), item_changes, problems)
    outcome_changes = changes.mapping("outcome_changes", None)
    if outcome_changes is not None and _is_list(merged, "outcomes", problems):
        merged["outcomes"] = _apply_flat_changes(merged.get("outcomes"), outcome_changes, problems, "结果规则")
    return merged, problems.items


def _is_list(merged: Mapping, key: str, problems: Problems) -> bool:
    """Changes apply to an inherited list (or to none yet); anything else is reported where it was written."""
    if merged.get(key) is None or isinstance(merged[key], Sequence):
        return True
    problems.add(merged.key_locs.get(key, merged.loc), f"{key} 应为列表，实际为{describe(merged[key])}，无法在其上修改")
    return False


def _is_id(value) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _empty(loc: Location) -> Sequence:
    out = Sequence()
    out.loc, out.item_locs = loc, []
    return out


def _merge_by_id(old: Sequence, new: Sequence) -> Sequence:
    out = copy.copy(old)
    out.item_locs = list(old.item_locs)
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in out]
    for index, entry in enumerate(new):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        if entry_id is not None and entry_id in ids:
            out[ids.index(entry_id)] = entry
            out.item_locs[ids.index(entry_id)] = new.item_locs[index]
        else:
            out.append(entry)
            out.item_locs.append(new.item_locs[index])
    return out


def _merge_by_key(old: Mapping, new: Mapping) -> Mapping:
    """facts: a key the child writes replaces the parent's declaration, a new key is added, `key: null` removes it."""
    out = Mapping(old)
    out.loc, out.key_locs = new.loc, dict(old.key_locs)
    _patch(out, new)
    return out


def _index_items(items, found=None):
    """id → (the list holding the item, its index) over the whole tree."""
    found = {} if found is None else found
    if isinstance(items, list):
        for index, entry in enumerate(items):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                found[entry["id"]] = (items, index)
                _index_items(entry.get("children"), found)
    return found


def _deep_copy(node):
    """Copy located data, keeping locations, so the parent file's data is never modified."""
    if isinstance(node, Mapping):
        out = Mapping((k, _deep_copy(v)) for k, v in node.items())
        out.loc, out.key_locs = node.loc, dict(node.key_locs)
        return out
    if isinstance(node, Sequence):
        out = Sequence(_deep_copy(v) for v in node)
        out.loc, out.item_locs = node.loc, list(node.item_locs)
        return out
    return node


def _patch(target: Mapping, patch: Mapping) -> None:
    """Set each patched key; a key patched to null is removed (e.g. `method: null` when adding children)."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
            target.key_locs.pop(key, None)
        else:
            target[key] = value
            target.key_locs[key] = patch.key_locs[key]


def _apply_item_changes(items, changes: Mapping, problems: Problems):
    items = _deep_copy(items) if items is not None else _empty(changes.loc)
    fields = Fields(changes, "item_changes", problems)
    for index, item_id in enumerate(fields.sequence("remove", None)):
        table = _index_items(items)
        where = location_of(changes["remove"], index)
        if not _is_id(item_id):
            problems.add(where, f"要删除的指标应写指标编号，实际为{describe(item_id)}")
            continue
        if item_id not in table:
            problems.add(where, f'要删除的指标 "{item_id}" 在上一版细则中不存在', did_you_mean(item_id, table))
            continue
        holder, position = table[item_id]
        del holder[position]
        del holder.item_locs[position]
    overrides = fields.mapping("override", None) or {}
    for item_id, patch in overrides.items():
        table = _index_items(items)
        where = location_of(overrides, item_id)
        if item_id not in table:
            problems.add(where, f'要修改的指标 "{item_id}" 在上一版细则中不存在', did_you_mean(item_id, table))
            continue
        if not isinstance(patch, Mapping):
            problems.add(where, "修改内容应为映射（字段: 新值）")
            continue
        holder, position = table[item_id]
        target = holder[position]
        _patch(target, patch)
    for index, addition in enumerate(fields.sequence("add", None)):
        add_fields = Fields(addition, f"item_changes › add[{index + 1}]", problems,
                            at=location_of(changes.get("add"), index, changes.loc))
        under = add_fields.text("under", None)
        after = add_fields.text("after", None)
        item = add_fields.mapping("item")
        add_fields.done()
        if item is None:
            continue
        table = _index_items(items)
        if under:
            if under not in table:
                problems.add(add_fields.where("under"), f'上级指标 "{under}" 不存在', did_you_mean(under, table))
                continue
            holder, position = table[under]
            parent = holder[position]
            if not isinstance(parent.get("children"), Sequence):
                fresh = Sequence()
                fresh.loc, fresh.item_locs = parent.loc, []
                parent["children"] = fresh
                parent.key_locs["children"] = parent.loc
            siblings = parent["children"]
        else:
            siblings = items
        position = len(siblings)
        if after:
            ids = [s.get("id") for s in siblings]
            if after not in ids:
                problems.add(add_fields.where("after"), f'同级中没有指标 "{after}"',
                             did_you_mean(after, [i for i in ids if i]))
                continue
            position = ids.index(after) + 1
        siblings.insert(position, item)
        siblings.item_locs.insert(position, location_of(addition, "item"))
    fields.done()
    return items


def _apply_flat_changes(entries, changes: Mapping, problems: Problems, what: str):
    entries = _deep_copy(entries) if entries is not None else _empty(changes.loc)
    fields = Fields(changes, "outcome_changes", problems)
    ids = lambda: [e.get("id") if isinstance(e, dict) else None for e in entries]  # noqa: E731
    for index, entry_id in enumerate(fields.sequence("remove", None)):
        if not _is_id(entry_id):
            problems.add(location_of(changes["remove"], index), f"要删除的{what}应写编号，实际为{describe(entry_id)}")
            continue
        if entry_id not in ids():
            problems.add(location_of(changes["remove"], index), f'要删除的{what} "{entry_id}" 不存在',
                         did_you_mean(entry_id, [i for i in ids() if i]))
            continue
        position = ids().index(entry_id)
        del entries[position]
        del entries.item_locs[position]
    overrides = fields.mapping("override", None) or {}
    for entry_id, patch in overrides.items():
        if entry_id not in ids() or not isinstance(patch, Mapping):
            problems.add(location_of(overrides, entry_id), f'要修改的{what} "{entry_id}" 不存在',
                         did_you_mean(entry_id, [i for i in ids() if i]))
            continue
        target = entries[ids().index(entry_id)]
        _patch(target, patch)
    for index, entry in enumerate(fields.sequence("add", None)):
        entries.append(entry)
        entries.item_locs.append(location_of(changes["add"], index))
    fields.done()
    return entries
