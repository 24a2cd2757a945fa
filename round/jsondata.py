"""Evidence data as canonical JSON text: keys sorted, numbers as exact decimal text (never via float).

The engine's loaders read numbers as Decimal and dates as dates; this writes them back so that reading
the text again gives the same values, and the same data always gives the same bytes (and digest).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

from kaohe.engine import format_points


def dump(value) -> str:
    return "".join(_parts(value))


def _parts(value):
    if value is None or isinstance(value, bool) or isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, Decimal):
        yield format_points(value) if value.is_finite() else json.dumps(str(value))
    elif isinstance(value, dt.date):
        yield json.dumps(value.isoformat())
    elif isinstance(value, Mapping):
        yield "{"
        for index, key in enumerate(sorted(value, key=str)):
            yield ("," if index else "") + json.dumps(str(key), ensure_ascii=False) + ":"
            yield from _parts(value[key])
        yield "}"
    elif isinstance(value, Sequence):
        yield "["
        for index, element in enumerate(value):
            if index:
                yield ","
            yield from _parts(element)
        yield "]"
    else:
        raise TypeError(f"not evidence data: {type(value).__name__}")


def load(text: str):
    """Numbers come back as Decimal, as the engine's own loader reads them."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)
