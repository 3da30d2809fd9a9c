"""Request bodies as the API accepts them: JSON that no view has to distrust.

Every JSON body is parsed once, here, before any view sees it, by a stricter reader
than the standard library's: it refuses what ``json.loads`` lets through but nothing
behind it can store or compute with. Each refusal is a 400 naming the problem:

- objects nested deeper than :data:`MAX_DEPTH` (the standard reader recurses until
  Python's own limit, about 1,000, and then fails with a ``RecursionError``);
- a key given twice in one object (the standard reader keeps the last one silently,
  so two readers of one body could disagree on what it says);
- ``NaN``, ``Infinity`` and numbers too large for a float or for a 64-bit integer;
- strings (values or keys) with NUL, which PostgreSQL cannot store in text, or with
  a lone UTF-16 surrogate (``"\\ud800"``), which is not a character and cannot be
  encoded as UTF-8.

Path and query strings are held to the same rule on characters.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Request
from werkzeug.exceptions import BadRequest

MAX_DEPTH = 32
# A BIGINT column's range: a larger integer can be no id, count or amount of ours.
MAX_INTEGER = 2**63 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class RefusedJSON(ValueError):
    """A body that is JSON but not JSON the API takes; the message says why."""


def refusal_of_text(text: str, what: str) -> str | None:
    """Why ``text`` cannot be stored (NUL, lone surrogate), or None if it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return f"{what} contains a NUL character."
    return f"{what} contains a lone surrogate (\\u{ord(found.group()):04x}), which is not text."


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise RefusedJSON(f"The key {key!r} appears twice in one object.")
        result[key] = value
    return result


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RefusedJSON(f"The number {text[:20]} is too large.")
    return value


def _integer(text: str) -> int:
    # Checked on the digits first: int() of thousands of digits is slow (and refused
    # beyond 4,300 digits with a ValueError of its own).
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > MAX_INTEGER:
        raise RefusedJSON(f"The integer {text[:20]} is too large.")
    return value


def _constant(name: str) -> float:
    raise RefusedJSON(f"{name} is not a JSON number.")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_float=_float, parse_int=_integer, parse_constant=_constant
)


def _check_values(document: Any) -> None:
    """Depth and characters of everything parsed, without recursion."""
    pending: list[tuple[Any, int]] = [(document, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if reason := refusal_of_text(value, "A string"):
                raise RefusedJSON(reason)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise RefusedJSON(f"The body is nested more than {MAX_DEPTH} levels deep.")
            if isinstance(value, dict):
                for key in value:
                    if reason := refusal_of_text(key, "A key"):
                        raise RefusedJSON(reason)
                items = value.values()
            else:
                items = value
            pending.extend((item, depth + 1) for item in items)


def loads(data: str | bytes) -> Any:
    """Parse a request body, refusing what the API cannot take (:class:`RefusedJSON`)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        document = _DECODER.decode(text)
    except RecursionError:
        raise RefusedJSON(f"The body is nested more than {MAX_DEPTH} levels deep.") from None
    _check_values(document)
    return document


class ApiRequest(Request):
    """Flask's request, answering a refused body with a 400 that says why.

    (Flask reads bodies with the app's JSON provider, whose ``loads`` is :func:`loads`.)
    """

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, RefusedJSON):
            raise BadRequest(str(e))
        if e is None:
            return super().on_json_loading_failed(e)  # not JSON at all: 415
        raise BadRequest("The body is not valid JSON (UTF-8).")
