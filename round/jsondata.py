"""Evidence data as canonical JSON text: keys sorted, numbers as exact decimal text (never via float).

The engine's loaders read numbers as Decimal and dates as dates; this writes them back so that reading
the text again gives the same values, and the same data always gives the same bytes (and digest).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from kaohe.engine import format_points
from kaohe.engine.loading import MAX_DEPTH, number_problem, text_problem

_NUMBER = "\x00n"  # marks a Decimal's text while the stdlib encoder writes everything else; no text has U+0000
_NUMBER_IN_JSON = re.compile(r'"\\u0000n([^"]*)"')


def dump(value) -> str:
    return _NUMBER_IN_JSON.sub(r"\1", json.dumps(_plain(value), ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":")))


def _plain(value):
    if isinstance(value, Decimal):
        return _NUMBER + (format_points(value) if value.is_finite() else str(value))
    if isinstance(value, str) or value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_plain(v) for v in value]
    raise TypeError(f"not evidence data: {type(value).__name__}")


def load(text: str):
    """Numbers come back as Decimal, as the engine's own loader reads them."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


class _Unsure(Exception):
    pass


def _unique(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _Unsure
    return dict(pairs)


def load_plain(text: str):
    """A quick read of a JSON document that has nothing the engine's own loader would refuse or warn about,
    or None: then read it with the engine's loader, which locates every problem by line and column.

    The engine's loader is exact but pure Python (YAML); this keeps a province's batch of JSON quick."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_unique)
        _check(data, 0)
    except (ValueError, RecursionError, _Unsure):
        return None
    return data


def _check(value, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Unsure
    if isinstance(value, dict):
        for key, element in value.items():
            if text_problem(key):
                raise _Unsure
            _check(element, depth + 1)
    elif isinstance(value, list):
        for element in value:
            _check(element, depth + 1)
    elif isinstance(value, Decimal):
        if number_problem(value):
            raise _Unsure
    elif isinstance(value, str) and text_problem(value):
        raise _Unsure
