"""JSON from servers and from disk, parsed so that no input can crash the caller.

``json.loads`` alone raises ``RecursionError`` on deep nesting, returns ``nan``/``inf`` that
``int()`` then chokes on, and raises on integers longer than Python's digit limit. Here a
non-finite or oversized number becomes ``None`` (what a field that is "not there" looks like
to every reader), and nesting too deep is a ``ValueError`` like any other malformed input.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _float(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _int(text: str) -> int | None:
    # Python refuses to convert integers over 4,300 digits; nothing legitimate is that long.
    if len(text) > 40:
        return None
    return int(text)


def _constant(_name: str) -> None:
    return None


def loads(data: bytes | bytearray | str) -> Any:
    """Parsed JSON; ``ValueError`` for anything that is not (deep nesting included)."""
    try:
        return json.loads(data, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError("the JSON is not valid UTF-8") from exc


def finite_number(value: object) -> float | None:
    """A real number, or None for booleans, strings and anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_int(value: object) -> int | None:
    """A whole number from a number or a short numeric string (relays send codes both ways)."""
    if isinstance(value, str) and 0 < len(value) <= 18 and value.lstrip("-").isdigit():
        return int(value)
    number = finite_number(value)
    return int(number) if number is not None else None


def as_str(value: object, limit: int = 100_000) -> str:
    """A string field: strings as they are, numbers as text (ids often arrive as numbers),
    anything else as empty; bounded so one field can't blow up a label or a log line."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""
