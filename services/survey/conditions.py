"""Trigger conditions on event and customer attributes (pure functions).

A field is ``event.<attribute>`` or ``customer.<attribute>`` (``customer.locale`` and
``customer.time_zone`` name the contact fields). A missing field satisfies only ``exists: false``;
comparisons between values of different kinds (a number and a string) are false, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class ConditionResult:
    """One condition, the value it saw, and whether it held."""

    field: str
    op: str
    value: Any
    actual: Any
    passed: bool


def resolve(field: str, event: dict[str, Any], customer: dict[str, Any]) -> Any:
    """The value a field path names, or ``MISSING``."""
    scope, _, name = field.partition(".")
    if scope == "event":
        return event.get("attributes", {}).get(name, MISSING)
    if name in ("locale", "time_zone"):
        value = customer.get(name)
        return MISSING if value is None else value
    return customer.get("attributes", {}).get(name, MISSING)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _comparable(a: Any, b: Any) -> bool:
    return (_number(a) and _number(b)) or (isinstance(a, str) and isinstance(b, str))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def holds(op: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual <op> expected`` holds."""
    if op == "exists":
        return (actual is not MISSING and actual is not None) == bool(expected)
    if actual is MISSING:
        return False
    if op == "eq":
        return _equal(actual, expected)
    if op == "ne":
        return not _equal(actual, expected)
    if op == "in":
        return any(_equal(actual, item) for item in expected or [])
    if op == "not_in":
        return not any(_equal(actual, item) for item in expected or [])
    if op == "contains":
        if isinstance(actual, str) and isinstance(expected, str):
            return expected in actual
        if isinstance(actual, list):
            return any(_equal(item, expected) for item in actual)
        return False
    if op in ("gt", "gte", "lt", "lte"):
        if not _comparable(actual, expected):
            return False
        return {"gt": actual > expected, "gte": actual >= expected,
                "lt": actual < expected, "lte": actual <= expected}[op]
    raise ValueError(f"unknown operator {op!r}")


def evaluate(conditions: list[dict[str, Any]], event: dict[str, Any],
             customer: dict[str, Any]) -> list[ConditionResult]:
    """Every condition's result, in order."""
    results = []
    for condition in conditions:
        actual = resolve(condition["field"], event, customer)
        passed = holds(condition["op"], actual, condition.get("value"))
        results.append(ConditionResult(condition["field"], condition["op"], condition.get("value"),
                                       None if actual is MISSING else actual, passed))
    return results
