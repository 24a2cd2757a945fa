"""click's own words (help pages, usage errors) in Chinese.

click marks every message it prints with gettext's `_`/`ngettext`, bound at import in each of its
modules (`from gettext import gettext as _`). The stock gettext route (a compiled .mo catalogue for the
"messages" domain, found through bindtextdomain) picks the language from LANGUAGE/LC_ALL/LANG: with
LANG=en_US, LANG=C, or nothing set (as on Windows) click would speak English again. So `install` rebinds
those names in click's modules to a lookup in MESSAGES, whatever the locale; the placeholders are
click's and click formats the translated text itself. A message missing here stays English, the worst
that can happen with another click version (tests/test_cli_chinese.py checks every key is still click's).

What click assembles outside gettext (quotes around 'RULESET', "Missing argument 'X'." with its English
full stop, the did-you-mean list) is rebuilt by `usage_message`; help pages are laid out by display width
(a Chinese character is two columns) by `HelpFormatter`, used through `Context.formatter_class`.
"""
from __future__ import annotations

import importlib
import re
import unicodedata
from contextlib import contextmanager

import click

MESSAGES = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已停用",
    "(dynamic)": "（动态）",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "请运行 {command} {option} 查看帮助。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "是否应为其中之一：{possibilities}？",
    "Option {name!r} requires an argument.": "选项 {name} 后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，实际只有 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，实际有 {len} 个。",
    "Value must be an iterable.": "应为多个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    # values
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename}：{message}",
    "{name} {filename!r} does not exist.": "{name} {filename} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename} 是文件夹，不是文件。",
    "{name} {filename!r} is a file.": "{name} {filename} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename} 不可执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的{number_type}。",
    "{value} is not in the range {range}.": "「{value}」不在允许的范围（{range}）内。",
    "{value!r} is not {choice}.": "「{value}」不是 {choice}。",
    "{value!r} is not one of {choices}.": "「{value}」不是可选的值（{choices}）之一。",
    "Choose from:\n\t{choices}": "可选：{choices}",
    "{value!r} is not a valid boolean. Recognized values: {states}": "「{value}」不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid UUID.": "「{value}」不是有效的 UUID。",
    "{value!r} does not match the format {format}.": "「{value}」不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "「{value}」不符合格式 {formats} 中的任何一种。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，实际有 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，实际有 {len_value} 个。",
    # prompts and the rest
    "Aborted!": "已中止。",
    "unknown error": "未知错误",
    "Repeat for confirmation": "再输入一次",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不提示，直接确认。",
}
MODULES = ("core", "exceptions", "parser", "formatting", "decorators", "types", "termui", "utils")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def install() -> None:
    """Make click speak Chinese in this process."""
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


# click assembles a few messages outside its gettext strings: parameter names in ASCII quotes
# ('--port', 'RULESET'), "Missing argument 'X'." with an English full stop, the did-you-mean list
# in quotes after a space. A usage error is rebuilt here from its parts before click shows it.

def param_hint(param: click.Parameter | None, ctx: click.Context | None, given=None) -> str:
    """--port, -o / --out, RULESET: as typed on the command line, without click's quotes."""
    if given is not None:
        return given if isinstance(given, str) else " / ".join(given)
    if param is None:
        return ""
    if isinstance(param, click.Argument):
        if ctx is None:
            return param.human_readable_name
        try:
            return param.make_metavar(ctx)
        except TypeError:  # click before 8.2: make_metavar()
            return param.make_metavar()
    return " / ".join(param.opts) or param.human_readable_name


def did_you_mean(possibilities: list[str] | None) -> str:
    if not possibilities:
        return ""
    if len(possibilities) == 1:
        return f"是否应为 {possibilities[0]}？"
    return f"是否应为其中之一：{'、'.join(sorted(possibilities))}？"


NO_SUCH = tuple(kind for kind in (click.NoSuchOption, getattr(click.exceptions, "NoSuchCommand", None)) if kind)


def missing_message(param: click.Parameter, ctx: click.Context | None) -> str:
    try:
        return param.type.get_missing_message(param=param, ctx=ctx) or ""
    except TypeError:  # click before 8.2: get_missing_message(param)
        return param.type.get_missing_message(param) or ""


def usage_message(error: click.UsageError) -> str:
    """The Chinese text of a usage error, from the error's parts rather than click's English assembly."""
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        hint = param_hint(error.param, error.ctx, error.param_hint)
        text = f"缺少{'选项' if kind == 'option' else '参数'}{' ' + hint if hint else ''}。"
        extra = missing_message(error.param, error.ctx) if error.param is not None else ""
        return text + "".join(part for part in (error.message, extra) if part)
    if isinstance(error, click.BadParameter):
        hint = param_hint(error.param, error.ctx, error.param_hint)
        return f"{hint} 的值无效：{error.message}" if hint else f"值无效：{error.message}"
    if isinstance(error, NO_SUCH):
        return error.message + did_you_mean(error.possibilities)
    return error.format_message()


class ChineseUsageError(click.UsageError):
    """A usage error whose text is already Chinese; exit code 2, shown by click with the usage line and the hint."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(usage_message(error), error.ctx)


def in_chinese(error: click.UsageError) -> click.UsageError:
    """The error to raise instead. `kaohe` or `kaohe round` alone is click's help page shown as an error
    (NoArgsIsHelpError, its own `show`): already Chinese, kept as it is."""
    if isinstance(error, ChineseUsageError) or type(error).__name__ == "NoArgsIsHelpError":
        return error
    return ChineseUsageError(error)


# Types whose names click puts into messages ("'x' is not a valid integer").

class Integer(click.types.IntParamType):
    name = "整数"


class IntegerRange(click.IntRange):
    name = "整数"


class Choice(click.Choice):
    """Choices listed with 、 and without click's quotes."""

    def listed(self) -> str:
        return "、".join(str(choice) for choice in self.choices)

    def get_invalid_choice_message(self, value, ctx):
        return f"「{value}」不是可选的值，可选：{self.listed()}。"

    def get_missing_message(self, param, ctx=None):
        return f"可选：{self.listed()}。"


INTEGER = Integer()


# Help pages: full-width colons after the headings, and columns and lines measured in display width,
# a Chinese character taking two columns (click counts characters, which misaligns 「--out 文件夹」).

NO_LINE_START = set("，。、；：？！）》」』】”’…%,.;:?!)]")
FULLWIDTH_PUNCTUATION = set("，。、；：？！（）《》「」『』【】“”‘’…")


def display_width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 2 if wide(c) else 1 for c in text)


def wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def join_lines(lines: list[str]) -> str:
    """A paragraph's source lines as one: no space where a line break fell between two Chinese characters."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and line:
            text += line if wide(text[-1]) and wide(line[0]) else " " + line
        else:
            text += line
    return text


def wrap_line(text: str, width: int) -> list[str]:
    """Greedy wrapping at spaces and between Chinese characters; no line starts with closing punctuation,
    and no space is kept beside full-width punctuation (click's "help  [默认：…]" would give "。 [")."""
    lines, line, space = [], "", False
    for token in re.findall(r"\s+|[\x21-\x7e]+|.", text):
        if token.isspace():
            space = bool(line)
            continue
        if space and (line[-1] in FULLWIDTH_PUNCTUATION or token[0] in FULLWIDTH_PUNCTUATION):
            space = False
        piece = (" " if space else "") + token
        space = False
        if line and display_width(line + piece) > width and token[0] not in NO_LINE_START:
            lines.append(line)
            line = token
        else:
            line += piece
    if line:
        lines.append(line)
    return lines


def short_help(help_text: str) -> str:
    """A verb's line in its group's 命令 list: the first paragraph of its help, whole (click would cut a
    Chinese sentence, which has no spaces, down to "...")."""
    paragraph = []
    for line in help_text.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line)
    return join_lines(paragraph)


def wrap_text(text: str, width: int, indent: str = "") -> str:
    """click's paragraph rules (blank lines part paragraphs, a \\b line keeps one as it is, a paragraph keeps the
    indentation of its first line), wrapped by display width."""
    paragraphs, lines = [], []

    def flush() -> None:
        if lines:
            first = lines[0]
            own = " " * (len(first) - len(first.lstrip()))
            if first.strip() == "\b":
                paragraphs.append("\n".join(indent + line for line in lines[1:]))
            else:
                joined = join_lines(lines)
                room = max(width - len(indent + own), 10)
                paragraphs.append("\n".join(indent + own + line for line in wrap_line(joined, room)))
            lines.clear()

    for line in text.expandtabs().splitlines():
        if line.strip():
            lines.append(line)
        else:
            flush()
    flush()
    return "\n\n".join(paragraphs)


class HelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_text(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((display_width(first) for first, _second in rows), default=0), col_max)
        first_col = first_width + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_width:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_text(second, max(self.width - first_col - self.current_indent, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    """Chinese help pages; and a parse error click raises without a context ("选项 --unit 后面需要一个值")
    gets this one, so that it too is shown with the verb's usage line and 请运行 … --help 查看帮助。"""

    formatter_class = HelpFormatter

    @contextmanager
    def scope(self, cleanup: bool = True):
        try:
            with super().scope(cleanup=cleanup) as ctx:
                yield ctx
        except click.UsageError as error:
            if error.ctx is None:
                error.ctx = self
            raise
