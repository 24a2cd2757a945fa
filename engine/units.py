"""Units of measure a value may be written in: 万元 against 元 or 亿元, ‰ against %, and the checks that catch a
value likely written in the wrong scale (0.936 in a % item, yuan in a 万元 item)."""
from __future__ import annotations

import re
from decimal import Decimal

from .model import format_points

# Each family: unit → its size in the family's smallest unit. A value written in one converts to any other exactly.
UNIT_FAMILIES: tuple[dict[str, Decimal], ...] = (
    {"元": Decimal(1), "千元": Decimal(10) ** 3, "万元": Decimal(10) ** 4, "亿元": Decimal(10) ** 8},
    {"%": Decimal(1), "个百分点": Decimal(1), "‰": Decimal("0.1")},
    {"人": Decimal(1), "万人": Decimal(10) ** 4},
    {"吨": Decimal(1), "万吨": Decimal(10) ** 4},
    {"平方米": Decimal(1), "万平方米": Decimal(10) ** 4},
    {"户": Decimal(1), "万户": Decimal(10) ** 4},
)
# A bare number this large in an item of this unit was most likely typed in the smaller unit: 100亿元 written as
# 1000000 in a 万元 item is a county's budget in 元; a 万亿元 in an 亿元 item is 万元.
WRONG_SCALE = {"千元": ("元", Decimal(10) ** 6), "万元": ("元", Decimal(10) ** 6), "亿元": ("万元", Decimal(10) ** 4)}
_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(\S*?)\s*$")


def family(unit: str) -> dict[str, Decimal] | None:
    return next((f for f in UNIT_FAMILIES if unit in f), None)


def convertible(unit: str) -> bool:
    return family(unit) is not None


def split(text: str) -> tuple[Decimal, str] | None:
    """"8500万元" → (8500, 万元); "93.5%" → (93.5, %); None when the text is not a number with a unit after it."""
    found = _NUMBER.match(text)
    if not found:
        return None
    return Decimal(found.group(1)), found.group(2)


def convert(number: Decimal, written: str, wanted: str) -> Decimal | None:
    """The number written in `written` expressed in `wanted`; None when the two are not of one family."""
    if written == wanted:
        return number
    units = family(wanted)
    if units is None or written not in units:
        return None
    return number * units[written] / units[wanted]


def accepted(unit: str) -> tuple[str, ...]:
    units = family(unit)
    return tuple(units) if units else ((unit,) if unit else ())


def doubtful_scale(number: Decimal, unit: str) -> str:
    """Why a value is likely in the wrong scale, or ""."""
    if unit == "%" and 0 < number < 1:
        return (f"填报值 {format_points(number)}% 可能是小数形式的比率：若指 {format_points(number * 100)}%，"
                f"应填 {format_points(number * 100)}")
    if unit in WRONG_SCALE:
        name, limit = WRONG_SCALE[unit]
        if number >= limit:
            shown = format_points(convert(number, name, unit))
            return (f"填报值 {format_points(number)}{unit} 数额很大，可能是以{name}为单位填写的"
                    f"（{format_points(number)}{name}={shown}{unit}）")
    return ""
