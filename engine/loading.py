"""Read YAML or JSON into plain data that remembers where every value came from.

PyYAML's composer gives nodes with marks; we build the data ourselves so that
duplicate keys are rejected (plain PyYAML keeps the last one silently) and so
that numbers become `Decimal` straight from their source text, never via float.
JSON is read by the same code: a JSON document is valid YAML.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import KaoheError, Location, Problem, os_error_text


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




# Limits that keep a hostile or broken file from hanging kaohe or exhausting memory. Real
# rulesets are a few hundred lines nested a dozen levels; evidence files are smaller still.
MAX_FILE_BYTES = 20 * 1024 * 1024  # a YAML or JSON file
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024  # an .xlsx file
MAX_DEPTH = 100  # nesting of mappings and lists
MAX_VALUES = 200_000  # values in one document once aliases are expanded
MAX_STRING = 100_000  # characters in one text value
# Numbers in rulesets and evidence are points, percentages, counts and amounts: nothing
# near these bounds is legitimate, and Decimal arithmetic on 1e+99999999 never ends.
MAX_NUMBER = Decimal("1e15")
MAX_DECIMALS = 12
# Tags a plain YAML or JSON document resolves to; any other (!!python/…, !!binary, !!set) is refused.
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
              ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates: not encodable


def number_problem(number: Decimal) -> str:
    """Why a number cannot be used ('' when it can): not finite, too large, or too many decimal places."""
    if not number.is_finite():
        return "不是有限的数字"
    if number and number.adjusted() >= MAX_NUMBER.adjusted():
        return f"数字过大（绝对值应小于 {MAX_NUMBER:,.0f}）"
    if number and (number.adjusted() < -MAX_DECIMALS or -number.normalize().as_tuple().exponent > MAX_DECIMALS):
        return f"小数位过多（最多 {MAX_DECIMALS} 位）"
    return ""


def text_problem(text: str) -> str:
    """Why a text value cannot be used ('' when it can): control characters or excessive length."""
    bad = CONTROL.search(text)
    if bad:
        kind = "无效的字符" if "\ud800" <= bad.group() <= "\udfff" else "控制字符"
        return (f"文字中含有{kind} U+{ord(bad.group()):04X}（第 {bad.start() + 1} 个字符）："
                "请删除它（常见于从其他软件复制的文字）")
    if len(text) > MAX_STRING:
        return f"文字过长（{len(text):,} 个字符，最多 {MAX_STRING:,} 个）"
    return ""


def _mark(node: yaml.Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _TooDeep(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses nesting beyond MAX_DEPTH while composing (PyYAML's composer recurses)."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(problem="too deep", problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Builder(yaml.constructor.SafeConstructor):
    pass


class _Budget:
    """Counts values built, so that aliases cannot expand a small file into millions of values."""

    def __init__(self) -> None:
        self.left = MAX_VALUES


class _Exhausted(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _build(node: yaml.Node, file: str, problems: list[Problem], budget: _Budget, depth: int = 0) -> Any:
    budget.left -= 1
    if budget.left < 0:
        raise _Exhausted(node)
    if depth > MAX_DEPTH:  # an alias can nest a node inside itself
        problems.append(Problem(_mark(node, file), f"嵌套层数过多（最多 {MAX_DEPTH} 层；别名是否引用了自身？）"))
        return None
    if node.tag not in PLAIN_TAGS:
        problems.append(Problem(_mark(node, file), f"不支持的 YAML 标签 {_short_tag(node.tag)}",
                                "细则和填报材料只能使用普通的文字、数字、日期、列表和映射；请删除该标签"))
        return None
    if isinstance(node, yaml.MappingNode):
        out = Mapping()
        out.loc, out.key_locs = _mark(node, file), {}
        merged = []  # `<<: *anchor`: keys written here win over merged ones, as YAML's merge key says
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    built = _build(source, file, problems, budget, depth + 1)
                    if not isinstance(built, Mapping):
                        problems.append(Problem(_mark(source, file), "合并键 \"<<\" 后应为映射（或映射的别名）"))
                        continue
                    merged.append(built)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(_mark(key_node, file), "键必须是简单的文字"))
                continue
            key = _build(key_node, file, problems, budget, depth + 1)
            if isinstance(key, Decimal):
                key = str(key_node.value)  # ids such as 1.1 stay as written
            if not isinstance(key, (str, int, bool, dt.date)):
                if key is not None or key_node.tag == "tag:yaml.org,2002:null":
                    problems.append(Problem(_mark(key_node, file), "键必须是简单的文字"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                first = out.key_locs[key]
                problems.append(Problem(
                    _mark(key_node, file), f'重复的键 "{key}"（第一次出现在第 {first.line} 行）',
                    "同一层级中每个键只能出现一次；PyYAML 默认会静默保留最后一个，这里拒绝。"))
                continue
            out[key] = _build(value_node, file, problems, budget, depth + 1)
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
            seq.append(_build(child, file, problems, budget, depth + 1))
            seq.item_locs.append(_mark(child, file))
        return seq
    # Scalars: numbers become Decimal from their text, never via float.
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        text = node.value.replace("_", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None:
            problems.append(Problem(_mark(node, file), f'无法识别的数字 "{node.value}"'))
            return None
        problem = number_problem(number)
        if problem:
            problems.append(Problem(_mark(node, file), f'{problem}："{node.value[:40]}"'))
            return None
        return number
    try:
        value = _Builder().construct_object(node)
    except Exception:  # noqa: BLE001 - PyYAML fails in several ways on an explicit !!bool or !!timestamp it cannot read
        if node.tag == "tag:yaml.org,2002:timestamp":
            problems.append(Problem(_mark(node, file), f'无效的日期 "{node.value[:40]}"', "日期写作 2014-07-29"))
        else:
            problems.append(Problem(_mark(node, file), f'无法按标签 {_short_tag(node.tag)} 读取 "{node.value[:40]}"',
                                    "请删除该标签"))
        return None
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            problems.append(Problem(_mark(node, file), problem))
            return None
    return value


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def parse_text(text: str, file: str) -> Any:
    """Parse YAML or JSON text; raise KaoheError with the file position on any problem."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = f"YAML/JSON 格式错误：{_describe_yaml_error(exc)}"
        raise KaoheError([Problem(where, message, _yaml_hint(exc))]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise KaoheError([Problem(Location(file, line, column),
                                  f"文件含有不允许的字符 U+{exc.character:04X}" if isinstance(exc.character, int)
                                  else "文件含有不允许的字符",
                                  "请删除该字符（常见于从其他软件复制的文字）")]) from None
    except yaml.YAMLError as exc:  # PyYAML raises nothing else from compose; keep the text as a last resort
        raise KaoheError([Problem(Location(file), f"YAML/JSON 格式错误（{exc}）")]) from None
    if root is None:
        raise KaoheError([Problem(Location(file, 1, 1), "文件是空的")])
    problems: list[Problem] = []
    try:
        data = _build(root, file, problems, _Budget())
    except _Exhausted as exhausted:
        raise KaoheError([Problem(_mark(exhausted.node, file),
                                  f"内容过多：展开别名（*名称）后超过 {MAX_VALUES:,} 个值",
                                  "别名层层引用会成倍展开；请直接写出内容，或减少别名的嵌套")]) from None
    if problems:
        raise KaoheError(problems)
    return data


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


_YAML_PROBLEMS = (
    (r"too deep", f"嵌套层数过多（最多 {MAX_DEPTH} 层）"),
    (r"mapping values are not allowed here", "此处不允许出现键值（常见原因：冒号后缺少空格或缩进错误）"),
    (r"mapping keys are not allowed here", "此处不允许出现键（常见原因：缩进错误）"),
    (r"could not find expected ':'", "缺少冒号 \":\""),
    (r"found character '\\t' that cannot start any token", "不能用 Tab 缩进，请改用空格"),
    (r"found character (.*) that cannot start any token", "字符 {0} 不能出现在这里（文字中含有它时请加引号）"),
    (r"did not find expected key", "缩进不一致，找不到预期的键"),
    (r"expected <block end>", "缩进不一致：此行的缩进与同一层级的上一行不同"),
    (r"found unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
    (r"expected ',' or '\]', but got", "列表缺少 \",\" 或 \"]\""),
    (r"expected ',' or '\}', but got", "映射缺少 \",\" 或 \"}\""),
    (r"but found another document", "文件中只能有一个文档，这里出现了第二个（\"---\" 或 \"...\" 分隔）"),
    (r"found undefined alias '?([^']*)'?", "别名 *{0} 没有对应的锚点 &{0}"),
    (r"found duplicate anchor '?([^';]*)'?", "锚点 &{0} 重复定义"),
    (r"found undefined tag handle", "未定义的标签前缀"),
    (r"found unknown escape character '?([^']*)'?",
     "双引号文字中的转义 \\{0} 无效（反斜杠本身请写作 \\\\，或改用单引号）"),
    (r"expected escape sequence", "双引号文字中的 \\x、\\u 转义后应为十六进制数字"),
    (r"found unexpected document separator", "文字中间出现了文档分隔符 \"---\""),
    (r"expected the node content", "此处应为一个值"),
    (r"expected alphabetic or numeric character", "锚点或别名的名称只能由字母和数字组成"),
    (r"found unhashable key", "键必须是简单的文字"),
    (r"expected '<document start>'", "文档开头格式错误"),
    (r"expected a comment or a line break", "此处应换行（行尾多了内容？）"),
    (r"found duplicate YAML directive|found incompatible YAML document", "文件开头的 %YAML 指令无效"),
    (r"found non-specific tag|expected non-empty name appended to the tag|expected URI|expected '!'",
     "标签（! 开头）格式错误；普通文字以 ! 开头时请加引号"),
    (r"expected chomping or indentation indicators|expected indentation indicator",
     "多行文字（| 或 >）的标记格式错误"),
    (r"expected ' ', but found|special characters are not allowed",
     "此处的格式无法识别（文字中含有特殊字符时请加引号）"),
)


STRUCTURAL = ("缩进", "冒号", "键", "括号", "未闭合", "\",\"", "无法识别")


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or "")
    if problem == "second occurrence":  # the composer puts its real words in the context
        problem = str(exc.context or "")
    for pattern, chinese in _YAML_PROBLEMS:
        found = re.match(pattern, problem)
        if found:
            return chinese.format(*found.groups()) if found.groups() else chinese
    return "此处的格式无法识别"


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    if not any(word in _describe_yaml_error(exc) for word in STRUCTURAL):
        return ""
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        return f"与第 {exc.context_mark.line + 1} 行开始的部分有关；检查缩进、冒号后的空格、括号与引号是否成对"
    return "检查缩进、冒号后的空格、括号与引号是否成对"


def read_bytes(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A user's input file, or a KaoheError saying why it cannot be read (missing, not a file, too large)."""
    shown = str(path)
    try:
        with open(path, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise KaoheError([Problem(Location(shown), "这不是普通文件（设备、管道或套接字），无法作为输入读取")])
            raw = stream.read(limit + 1)
    except FileNotFoundError:
        raise KaoheError([Problem(Location(shown), "文件不存在")]) from None
    except IsADirectoryError:
        raise KaoheError([Problem(Location(shown), "这是一个文件夹，不是文件")]) from None
    except OSError as exc:
        raise KaoheError([Problem(Location(shown), f"无法读取文件：{os_error_text(exc)}")]) from None
    if len(raw) > limit:
        raise KaoheError([Problem(Location(shown), f"文件过大（超过 {limit // 1024 // 1024} MB）",
                                  "细则和填报材料通常只有几十 KB；请确认选对了文件")])
    return raw


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, .et: the pre-2007 Office format


def refuse_old_office(raw: bytes, shown: str) -> None:
    """An .xls saved by WPS or old Excel, named as such rather than read as broken text or a broken zip."""
    if raw.startswith(OLE_SIGNATURE):
        raise KaoheError([Problem(Location(shown), "这是旧版 Excel/WPS 文件（.xls），kaohe 读不了",
                                  "请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再提交")])


# Spreadsheets kaohe cannot read, whatever is inside: an .xls may be the old binary format, a web page or text that
# another system exported under that name; .et/.ett are WPS's own; .xlsb is Excel's binary workbook.
OLD_SPREADSHEET_SUFFIXES = {".xls": "Excel/WPS 表格文件（.xls）", ".xlt": "Excel 模板文件（.xlt）",
                            ".et": "WPS 表格文件（.et）", ".ett": "WPS 表格模板文件（.ett）",
                            ".xlsb": "Excel 二进制工作簿（.xlsb）"}
SAVE_AS_XLSX = "请另存为 .xlsx（Excel 工作簿）"


def refuse_old_spreadsheet(path: Path | str) -> None:
    """A spreadsheet named .xls, .et … refused by its name: read as YAML it would fail as 'not UTF-8'."""
    kind = OLD_SPREADSHEET_SUFFIXES.get(Path(path).suffix.lower())
    if kind:
        raise KaoheError([Problem(Location(str(path)), f"这是 {kind}，kaohe 读不了：{SAVE_AS_XLSX}",
                                  "在 Excel 或 WPS 中打开它，用“另存为”选择文件类型“Excel 工作簿（*.xlsx）”，"
                                  "再提交另存后的 .xlsx 文件")])


def read_document(path: Path | str) -> tuple[Any, str]:
    """Read a YAML/JSON file: (data, sha256 of its bytes). UTF-8 with or without BOM, or UTF-16 with BOM."""
    shown = str(path)
    raw = read_bytes(path)
    if Path(path).suffix.lower() == ".xls" or Path(path).suffix.lower() not in OLD_SPREADSHEET_SUFFIXES:
        refuse_old_office(raw, shown)  # an .et or .xlt is named as what it is, just below
    refuse_old_spreadsheet(path)
    if raw.startswith(b"PK\x03\x04"):
        raise KaoheError([Problem(Location(shown), "这是一个压缩包或 Excel 工作簿，而不是 YAML/JSON 文件",
                                  "填好的填报表请保存为 .xlsx 扩展名")])
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise KaoheError([Problem(Location(shown), f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                                  "请以 UTF-8 编码保存")]) from None
    return parse_text(text, shown), hashlib.sha256(raw).hexdigest()
