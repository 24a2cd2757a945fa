"""Problems found in user input, each with the place it was found.

A `Problem` is one finding; `KaoheError` carries every problem found in one
pass so the user sees them all at once, sorted by file and line.
"""
from __future__ import annotations

import difflib
import errno
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a file and 1-based line/column, or a workbook cell."""

    file: str = ""
    line: int = 0  # for a workbook: the row
    column: int = 0  # for a workbook: the column number
    path: str = ""  # the item or field path inside the document, e.g. "一.1 › method"
    sheet: str = ""  # workbook sheet, when the input is a workbook
    cell: str = ""  # workbook cell such as F12

    def __str__(self) -> str:
        place = self.file or "<输入>"
        if self.cell:
            return f"{place} › {self.sheet} › {self.cell}"
        if self.sheet:
            return f"{place} › {self.sheet}"
        if self.line:
            place += f":{self.line}:{self.column}"
        return place

    def at(self, path: str) -> "Location":
        return Location(self.file, self.line, self.column, path, self.sheet, self.cell)


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.location.path:
            text += f"（{self.location.path}）"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text


class KaoheError(Exception):
    """Raised with every problem found in the user's input."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # raised in a worker process, it must arrive whole in the parent
        return type(self), (self.problems,)


@dataclass
class Problems:
    """Collects problems during one validation pass."""

    items: list[Problem] = field(default_factory=list)
    strict: bool = False  # rulesets and cases: a required key written null is a problem, not a silent 0 or ""

    def add(self, location: Location, message: str, hint: str = "") -> None:
        self.items.append(Problem(location, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise KaoheError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A Chinese 'did you mean' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=3, cutoff=0.6)
    if not close:
        return ""
    return "是否应为 " + "、".join(f'"{c}"' for c in close) + "？"


_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "只读的文件系统",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EFBIG: "文件过大",
    errno.EIO: "读写设备出错",
    errno.EEXIST: "已存在同名的文件或文件夹",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EMFILE: "打开的文件过多",
    errno.ELOOP: "符号链接形成了循环",
    errno.EXDEV: "不能跨磁盘移动",
}


def os_error_text(error: OSError) -> str:
    """A Chinese reason for an operating-system error, with the system's own words for the rare ones."""
    return _OS_ERRORS.get(error.errno, error.strerror or str(error) or type(error).__name__)
