"""Checks and tallies for the inputs of the score estimators (NPS, CSAT, CES).

Scores are aggregated in SQL, so the estimators take grouped counts. The functions here turn
what a query returns (integers, ``Decimal``, numpy scalars, integral floats) into plain ``int``
counts, and turn raw answer arrays into per-level counts for the convenience wrappers.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

ALTERNATIVES = ("two-sided", "less", "greater")


def check_count(value: Any, name: str) -> int:
    """Return ``value`` as a non-negative ``int``, or raise ``ValueError``.

    Integral floats and ``Decimal`` (as returned by SQL ``SUM``) are accepted; booleans,
    fractions, negatives, NaN and infinities are not.
    """
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a count, got the boolean {value!r}")
    if isinstance(value, numbers.Integral):
        count = int(value)
    else:
        try:
            as_float = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}") from None
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        count = int(as_float)
    if count < 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return count


def check_level_counts(counts: Any, n_levels: int, name: str = "counts") -> np.ndarray:
    """Return ``counts`` as an int64 array of length ``n_levels``, or raise ``ValueError``.

    ``counts[i]`` is the number of answers at the i-th level of the scale (lowest first).
    """
    array = np.asarray(counts)
    if array.ndim != 1 or array.shape[0] != n_levels:
        raise ValueError(f"{name} must be a 1-D sequence of {n_levels} counts, got shape {array.shape}")
    if np.issubdtype(array.dtype, np.integer):  # the common case, checked without a Python loop
        if array.min(initial=0) < 0:
            raise ValueError(f"{name} must be non-negative, got {array.tolist()!r}")
        return array.astype(np.int64)
    return np.array([check_count(c, f"{name}[{i}]") for i, c in enumerate(array.tolist())], dtype=np.int64)


def tally_scores(scores: Any, low: int, high: int, name: str = "scores") -> np.ndarray:
    """Count raw integer answers on the scale ``low..high``; entry i counts answer ``low + i``.

    Raises ``ValueError`` for a non 1-D input, non-integral or non-finite answers, and answers
    outside the scale. An empty input gives all-zero counts.
    """
    array = np.asarray(scores)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of answers, got shape {array.shape}")
    if array.size == 0:
        return np.zeros(high - low + 1, dtype=np.int64)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold integer answers, got dtype {array.dtype}")
    values = array.astype(float)
    if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        raise ValueError(f"{name} must hold whole-number answers")
    if values.min() < low or values.max() > high:
        raise ValueError(f"{name} must lie in {low}..{high}, got {values.min():g}..{values.max():g}")
    return np.bincount(values.astype(np.int64) - low, minlength=high - low + 1).astype(np.int64)


def check_min_n(min_n: Any) -> int:
    """Return ``min_n`` as a non-negative ``int``, or raise ``ValueError``."""
    return check_count(min_n, "min_n")


def check_alternative(alternative: str) -> str:
    """Return ``alternative`` if it is ``"two-sided"``, ``"less"`` or ``"greater"``."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    return alternative


TESTS = ("pooled", "unpooled")


def check_test(test: str) -> str:
    """Return ``test`` if it is ``"pooled"`` (variance under the null) or ``"unpooled"`` (Wald)."""
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    return test


def is_insufficient(min_n: int, *ns: int) -> bool:
    """True when any sample size is zero or below ``min_n``."""
    return any(n == 0 or n < min_n for n in ns)
