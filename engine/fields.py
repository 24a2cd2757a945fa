"""Typed reading of one located mapping, collecting every problem instead of stopping.

Each loader (ruleset, evidence, method parameters) reads its mappings through a
`Fields`, so every message has the same shape: place, what was found, what was
expected, and a close-name hint for unknown keys.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Iterable

from .errors import Location, Problems, did_you_mean
from .loading import Mapping, Sequence, location_of

_MISSING = object()
REQUIRED = _MISSING  # pass as a default to say "no default: the key must be written"


def describe(value: Any) -> str:
    """How a found value is named in messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否值 {str(value).lower()}"
    if isinstance(value, Decimal):
        return f"数字 {value}"
    if isinstance(value, str):
        return f'文字 "{value}"'
    if isinstance(value, (list, Sequence)):
        return "列表"
    if isinstance(value, (dict, Mapping)):
        return "映射"
    if isinstance(value, dt.date):
        return f"日期 {value.isoformat()}"
    return type(value).__name__


# What a Chinese input method types in place of ASCII: full-width digits, point, percent, signs, slash and space.
# The ideographic full stop 。 is not among them: "93。5" is refused (see full_stop_problem), never read as 93.5.
_HALF_WIDTH = str.maketrans({**{chr(0xFF10 + digit): str(digit) for digit in range(10)},
                             "．": ".", "％": "%", "－": "-", "\u2212": "-", "＋": "+", "／": "/", "\u3000": " "})
_PLAIN_NUMBER = re.compile(r"^[-+]?\d{1,18}(?:\.\d{1,18})?$")
_FULL_STOP = re.compile(r"(\d)\s*。\s*(\d)")


def half_width(text: str) -> str:
    """"９３．５％" → "93.5%": full-width digits and signs as typed by a Chinese input method, made ASCII."""
    return text.translate(_HALF_WIDTH)


def number_text(text: str) -> Decimal | None:
    """A number written as text ("９３．５", " 12 ") as Decimal; None when the text is not just a number."""
    plain = half_width(text).strip()
    return Decimal(plain) if _PLAIN_NUMBER.match(plain) else None


def full_stop_problem(text: str) -> str:
    """Why "93。5" is refused ('' for any other text): the full stop 。 is not a decimal point."""
    plain = half_width(text).strip()
    if not _FULL_STOP.search(plain):
        return ""
    meant = _FULL_STOP.sub(r"\1.\2", plain)
    return f"“{text.strip()}”中的“。”是句号，不是小数点：若指 {meant}，请把“。”改为小数点“.”"


# Dates with the year first are unambiguous: 2014年7月29日, 2014年07月29日, 2014-7-29, 2014.7.29, 2014/7/29.
# A date with the year last (7/29/2014, 29.7.2014) could be month-first or day-first, so it is refused.
_DATE = re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|([-./])(\d{1,2})\4(\d{1,2}))$")
_YEAR_LAST = re.compile(r"^\d{1,2}([-./])\d{1,2}\1\d{4}$")
DATE_FORMS = "日期写作 2014-07-29、2014年7月29日 或 2014.7.29（年份在前）"


def date_text(text: str) -> dt.date | str | None:
    """A date written as text: the date, a problem (a day that does not exist), or None when it is not a date."""
    plain = half_width(text).strip()
    found = _DATE.match(plain)
    if not found:
        if _YEAR_LAST.match(plain):
            return f"日期“{text.strip()}”的年份写在最后，分不清哪个是月、哪个是日"
        return None
    year, month, day = found.group(1), found.group(2) or found.group(5), found.group(3) or found.group(6)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return f"日期“{text.strip()}”不存在（{int(year)} 年 {int(month)} 月没有 {int(day)} 日）" \
            if 1 <= int(month) <= 12 else f"日期“{text.strip()}”不存在（没有 {int(month)} 月）"


def strict_problems() -> Problems:
    """A collector whose Fields treat a required key written null as a problem, never as a silent 0 or ""."""
    return Problems(strict=True)


class Fields:
    """Reads the keys of one mapping; `done()` reports the keys nobody asked for."""

    def __init__(self, data: Any, path: str, problems: Problems, what: str = "", at: Location | None = None,
                 strict: bool | None = None):
        """`at` places data that cannot say where it is: a scalar, or a mapping made up for a missing one
        (pass the location of the list element or key it came from). `strict`: a required key written null
        is a problem, as in rulesets and cases; otherwise null stands for "not given" (an unfilled value).
        By default a Fields is as strict as its collector (`strict_problems()`), so that every mapping read
        for a ruleset, method parameters included, is."""
        self.problems = problems
        self.strict = problems.strict if strict is None else strict
        self.path = path
        self.ok = isinstance(data, dict)
        self.data: dict = data if self.ok else {}
        self.read: set[str] = set()
        self.at = location_of(data, fallback=at) if isinstance(data, (Mapping, Sequence)) else at or Location()
        if not self.ok:
            problems.add(self.at.at(path), f"应为{what or '映射（键: 值）'}，实际为{describe(data)}")

    @property
    def loc(self) -> Location:
        """The mapping itself, with the current path (loaders set the path once they know the id)."""
        return self.at.at(self.path)

    def where(self, key: str) -> Location:
        return location_of(self.data, key, self.at).at(f"{self.path} › {key}" if self.path else key)

    def element(self, key: str, index: int) -> Location:
        """Where element `index` of the list under `key` was written (the key itself if the element cannot say)."""
        return location_of(self.data.get(key), index, self.where(key))

    def nested(self, key: str, path: str, default: Any = _MISSING) -> "Fields":
        """The mapping under `key` read as Fields of its own. When it is missing or not a mapping (reported
        here), an empty one that stands at the key and reports nothing more: no missing keys of a missing map."""
        value = self.mapping(key, default)
        nested = Fields({} if value is None else value, path, self.problems, at=self.where(key), strict=self.strict)
        nested.ok = value is not None
        return nested

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING, what: str = "") -> Any:
        self.read.add(key)
        if key not in self.data:
            if default is _MISSING and self.ok:
                self.problems.add(self.loc, f'缺少必填字段 "{key}"')
            return None if default is _MISSING else default
        value = self.data[key]
        if value is None and default is _MISSING and self.strict:
            self.problems.add(self.where(key), f"应为{what or '一个值'}，实际为空值")
        return value

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self.raw(key, default, "文字")
        if value is None:
            return "" if default is _MISSING or default is None else default
        if isinstance(value, (Decimal, dt.date)) and not isinstance(value, bool):
            return str(value)  # 1.1 or 2014-07-29 written bare are still text here
        if not isinstance(value, str):
            self.problems.add(self.where(key), f"应为文字，实际为{describe(value)}")
            return ""
        return value

    def decimal(self, key: str, default: Any = _MISSING, minimum: Decimal | None = None,
                maximum: Decimal | None = None) -> Decimal | None:
        value = self.raw(key, default, "数字")
        if value is None:
            return None
        if isinstance(value, str) and number_text(value) is not None:
            value = number_text(value)  # "９" typed with a Chinese input method
        if isinstance(value, bool) or not isinstance(value, Decimal):
            self.problems.add(self.where(key), full_stop_problem(value) if isinstance(value, str)
                              and full_stop_problem(value) else f"应为数字，实际为{describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problems.add(self.where(key), f"数值 {value} 小于允许的最小值 {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.problems.add(self.where(key), f"数值 {value} 超出允许的最大值 {maximum}")
            return None
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int = 0) -> int | None:
        value = self.decimal(key, default, minimum=Decimal(minimum))
        if value is None:
            return None
        if value != value.to_integral_value():
            self.problems.add(self.where(key), f"应为整数，实际为 {value}")
            return None
        return int(value)

    def boolean(self, key: str, default: Any = _MISSING) -> bool | None:
        value = self.raw(key, default, "是/否（true/false）")
        if value is None or isinstance(value, bool):
            return value
        self.problems.add(self.where(key), f"应为是/否（true/false），实际为{describe(value)}")
        return None

    def date(self, key: str, default: Any = _MISSING) -> dt.date | None:
        value = self.raw(key, default, "日期（如 2014-07-29）")
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
            parsed = date_text(value)
            if isinstance(parsed, dt.date):
                return parsed
            if parsed:
                self.problems.add(self.where(key), parsed, DATE_FORMS)
                return None
        self.problems.add(self.where(key), f"应为日期（如 2014-07-29），实际为{describe(value)}",
                          DATE_FORMS if isinstance(value, str) else "")
        return None

    def choice(self, key: str, choices: Iterable[str], default: Any = _MISSING) -> str:
        choices = list(choices)
        value = self.text(key, default)
        if value and value not in choices:
            self.problems.add(self.where(key), f'不允许的取值 "{value}"，可选：{"、".join(choices)}',
                              did_you_mean(value, choices))
            return ""
        return value

    def mapping(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default, "映射（键: 值）")
        if value is None or isinstance(value, dict):
            return value
        self.problems.add(self.where(key), f"应为映射（键: 值），实际为{describe(value)}")
        return None

    def sequence(self, key: str, default: Any = _MISSING) -> list:
        value = self.raw(key, default, "列表")
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.problems.add(self.where(key), f"应为列表，实际为{describe(value)}")
        return []

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of text, or a single text taken as a list of one."""
        value = self.raw(key, None)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.problems.add(self.where(key), f"应为文字列表，实际为{describe(value)}")
            return ()
        for index, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, (str, Decimal)):
                self.problems.add(location_of(value, index, self.where(key)).at(self.where(key).path),
                                  f"应为文字列表，第{index + 1}项为{describe(v)}")
                return ()
        return tuple(str(v) for v in value)

    def done(self, allowed_extra: Iterable[str] = ()) -> None:
        """Report keys that no reader asked for (typos are the usual cause)."""
        known = self.read | set(allowed_extra)
        for key in self.data:
            if key not in known:
                self.problems.add(self.where(key), f'未知的字段 "{key}"', did_you_mean(key, known))
