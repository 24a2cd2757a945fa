"""Read YAML or JSON into plain data that remembers where every value came from.

PyYAML's composer gives nodes with marks; we build the data ourselves so that
duplicate keys are rejected (plain PyYAML keeps the last one silently) and so
that numbers become `Decimal` straight from their source text, never via float.
JSON is read by the same code: a JSON document is valid YAML.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import KaoheError, Location, Problem


class Mapping(dict):
    """A dict that knows its own location and the location of each value."""

    loc: Location
    key_locs: dict


class Sequence(list):
    """A list that knows its own location and the location of each element."""

    loc: Location
    item_locs: list


def location_of(container: Any, key: Any = None, fallback: Location | None = None) -> Location:
    """The location of container[key], or of the container itself."""
    if isinstance(container, Mapping):
        if key is not None and key in container.key_locs:
            return container.key_locs[key]
        return container.loc
    if isinstance(container, Sequence):
        if isinstance(key, int) and 0 <= key < len(container.item_locs):
            return container.item_locs[key]
        return container.loc
    return fallback or Location()




def _mark(node: yaml.Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder(yaml.constructor.SafeConstructor):
    pass


def _build(node: yaml.Node, file: str, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Mapping()
        out.loc, out.key_locs = _mark(node, file), {}
        merged = []  # `<<: *anchor`: keys written here win over merged ones, as YAML's merge key says
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    built = _build(source, file, problems)
                    if not isinstance(built, Mapping):
                        problems.append(Problem(_mark(source, file), "合并键 \"<<\" 后应为映射（或映射的别名）"))
                        continue
                    merged.append(built)
                continue
            key = _build(key_node, file, problems)
            if isinstance(key, Decimal):
                key = str(key_node.value)  # ids such as 1.1 stay as written
            if not isinstance(key, (str, int, bool, dt.date)):
                problems.append(Problem(_mark(key_node, file), "键必须是简单的文字"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                first = out.key_locs[key]
                problems.append(Problem(
                    _mark(key_node, file), f'重复的键 "{key}"（第一次出现在第 {first.line} 行）',
                    "同一层级中每个键只能出现一次；PyYAML 默认会静默保留最后一个，这里拒绝。"))
                continue
            out[key] = _build(value_node, file, problems)
            out.key_locs[key] = _mark(value_node, file)
        for source in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.key_locs[key] = source.key_locs[key]
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = Sequence()
        seq.loc, seq.item_locs = _mark(node, file), []
        for child in node.value:
            seq.append(_build(child, file, problems))
            seq.item_locs.append(_mark(child, file))
        return seq
    # Scalars: numbers become Decimal from their text, never via float.
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        text = node.value.replace("_", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            problems.append(Problem(_mark(node, file), f'无法识别的数字 "{node.value}"'))
            return None
        return number
    return _Builder().construct_object(node)


def parse_text(text: str, file: str) -> Any:
    """Parse YAML or JSON text; raise KaoheError with the file position on any problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise KaoheError([Problem(where, f"YAML/JSON 格式错误：{_describe_yaml_error(exc)}",
                                  "检查缩进、冒号后的空格、括号与引号是否成对")]) from None
    except yaml.YAMLError as exc:
        raise KaoheError([Problem(Location(file), f"YAML/JSON 格式错误：{exc}")]) from None
    if root is None:
        raise KaoheError([Problem(Location(file, 1, 1), "文件是空的")])
    problems: list[Problem] = []
    data = _build(root, file, problems)
    if problems:
        raise KaoheError(problems)
    return data


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不允许出现键值（常见原因：冒号后缺少空格或缩进错误）",
    "could not find expected ':'": "缺少冒号 \":\"",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "expected <block end>": "缩进不一致：此行的缩进与同一层级的上一行不同",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "expected ',' or ']', but got": "列表缺少 \",\" 或 \"]\"",
    "expected ',' or '}', but got": "映射缺少 \",\" 或 \"}\"",
}


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or "")
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return problem


def read_bytes(path: Path | str) -> bytes:
    """A user's input file, or a KaoheError saying why it cannot be read."""
    shown = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise KaoheError([Problem(Location(shown), "文件不存在")]) from None
    except IsADirectoryError:
        raise KaoheError([Problem(Location(shown), "这是一个文件夹，不是文件")]) from None
    except OSError as exc:
        raise KaoheError([Problem(Location(shown), f"无法读取文件：{exc.strerror}")]) from None


def read_document(path: Path | str) -> tuple[Any, str]:
    """Read a YAML/JSON file: (data, sha256 of its bytes)."""
    shown = str(path)
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KaoheError([Problem(Location(shown), f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                                  "请以 UTF-8 编码保存")]) from None
    return parse_text(text, shown), hashlib.sha256(raw).hexdigest()
