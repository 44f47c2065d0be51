"""JSON from servers and from disk, parsed so that no input can crash the caller.

``json.loads`` alone raises ``RecursionError`` on deep nesting, returns ``nan``/``inf`` that
``int()`` then chokes on, and keeps lone surrogates no file can store. Here a non-finite number
becomes ``None`` (what a field that is "not there" looks like to every reader), and nesting
too deep (or a document of absurd size in objects) is a ``ValueError`` like any other
malformed input.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any


def _float(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _constant(_name: str) -> None:
    return None


# Objects and arrays one document may hold: each costs Python far more than its two bytes of
# text (16 MB of "{}," would take 400 MB), and no real answer comes near this.
MAX_CONTAINERS = 200_000
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def loads(data: bytes | bytearray | str, *, max_containers: int = MAX_CONTAINERS) -> Any:
    """Parsed JSON; ``ValueError`` for anything that is not (deep nesting included). A lone
    surrogate escape (``"\\ud800"``) becomes U+FFFD: as it is, no file or database could take it."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if raw.count(b"{") + raw.count(b"[") > max_containers:
        raise ValueError("the JSON holds too many objects")
    try:
        # Integers stay with the C parser (fast); one of thousands of digits makes the whole
        # document malformed, a ValueError like any other.
        value = json.loads(raw, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError("the JSON is not valid UTF-8") from exc
    return _scrubbed(value) if _SURROGATE_ESCAPE.search(raw) else value


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def _scrubbed(value: Any) -> Any:
    """The same document with every string free of lone surrogates (iteratively: the
    document may be as deep as the parser allows)."""
    if isinstance(value, str):
        return _clean(value)
    if not isinstance(value, dict | list):
        return value
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, Any]] = [(root, 0, value)]
    while stack:
        parent, key, node = stack.pop()
        if isinstance(node, str):
            parent[key] = _clean(node)
        elif isinstance(node, list):
            stack.extend((node, index, item) for index, item in enumerate(node))
        elif isinstance(node, dict):
            for name in list(node):
                item = node.pop(name)
                clean = _clean(name) if isinstance(name, str) else name
                node[clean] = item
                stack.append((node, clean, item))
    return root[0]


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
