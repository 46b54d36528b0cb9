"""The one JSON loading policy for every body a service accepts.

``json.loads`` alone accepts what no service can use and then fails far from the door: ``NaN`` and
``Infinity`` (not JSON), lone UTF-16 surrogates such as ``"\\ud800"`` (no UTF-8 encoding: the
database, the logs and the reply all fail on them), integers of thousands of digits (Python refuses
to convert past 4,300 digits) and nesting deep enough to exhaust the interpreter's recursion. This
module refuses all of them with one exception type carrying a readable reason, so the HTTP layer
answers 422 (never 500).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_JSON_DEPTH = 32  # no contract nests deeper than a handful of levels
MAX_INTEGER_DIGITS = 30  # ids and counts fit in 64 bits (19 digits); money amounts fit easily


class JsonPolicyError(ValueError):
    """The body is not JSON this service accepts; ``str(error)`` says why."""


def _refuse_constant(name: str) -> Any:
    raise JsonPolicyError(f"{name} is not a JSON number; send a finite number or null")


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise JsonPolicyError(f"an integer of {digits} digits is too large (at most {MAX_INTEGER_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 400:
        raise JsonPolicyError("a number written with more than 400 characters is refused")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonPolicyError(f"the number {text[:40]} is too large for a finite float")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_parse_int, parse_float=_parse_float)


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_tree(value: Any, check_strings: bool) -> None:
    """Walk the parsed document without recursion: depth, and (when asked) lone surrogates."""
    if check_strings:
        _check_strings(value)
    level: list[Any] = [value]
    for _ in range(MAX_JSON_DEPTH):  # one level of containers per step, each step in comprehensions
        children: list[Any] = []
        for node in level:
            members = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
            children.extend([child for child in members if isinstance(child, dict | list)])
        if not children:
            return
        level = children
    raise JsonPolicyError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused")


def _check_strings(value: Any) -> None:
    """Refuse a lone UTF-16 surrogate in any key or string of the document."""
    stack: list[Any] = [[value]]  # wrapped, so a top-level string is checked too
    while stack:
        node = stack.pop()
        items: Iterable[tuple[Any, Any]] = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            if (isinstance(key, str) and _has_lone_surrogate(key)) or (
                    isinstance(child, str) and _has_lone_surrogate(child)):
                raise JsonPolicyError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
            if isinstance(child, dict | list):
                stack.append(child)


def load_json(body: bytes | str) -> Any:
    """Parse a request body under the policy; raise ``JsonPolicyError`` with the reason otherwise.

    Cheap for ordinary bodies: the tree is walked only when the body could nest past the limit (more
    opening brackets than levels allowed) or spells a surrogate escape.
    """
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonPolicyError(f"the body is not UTF-8 (byte {exc.start})") from exc
    else:
        text = body
    text = text.removeprefix("\ufeff")
    try:
        value = _DECODER.decode(text)
    except RecursionError as exc:
        raise JsonPolicyError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused") from exc
    except json.JSONDecodeError as exc:
        raise JsonPolicyError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except ValueError as exc:  # int() past sys.get_int_max_str_digits(), or our own refusals
        if isinstance(exc, JsonPolicyError):
            raise
        raise JsonPolicyError(f"a number in the body cannot be read: {exc}") from exc
    check_strings = "\\ud" in text or "\\uD" in text
    if check_strings or text.count("[") + text.count("{") > MAX_JSON_DEPTH:
        _check_tree(value, check_strings)
    return value
