"""CSAT: the share of satisfied answers (top-2, 4 or 5 on a 1-5 scale), in percent."""

from __future__ import annotations

from typing import Any

from .estimate import Estimate
from .proportions import BinaryCounts, proportion, proportion_difference
from .score_inputs import check_level_counts, tally_scores

CSAT_LEVELS = 5


def _percent(estimate: Estimate, parts: dict[str, Any]) -> Estimate:
    return Estimate(
        value=100.0 * estimate.value, ci_low=100.0 * estimate.ci_low,
        ci_high=100.0 * estimate.ci_high, n=estimate.n, confidence=estimate.confidence,
        method=estimate.method, insufficient=estimate.insufficient, parts=parts,
    )


def csat(satisfied: int, n: int, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """CSAT in percent (0-100) from the count of top-2 answers, with a Wilson interval.

    Parameters
    ----------
    satisfied : int
        Number of answers 4 or 5.
    n : int
        Number of answers, ``satisfied <= n``.
    confidence : float
        Two-sided confidence level in (0, 1).
    min_n : int
        Below this sample size the estimate is flagged ``insufficient`` (value still given).

    Returns
    -------
    Estimate
        ``method="wilson"``; parts ``satisfied`` and ``not_satisfied`` (counts). When
        ``n == 0`` the value and bounds are NaN and the estimate is ``insufficient``.

    Notes
    -----
    :math:`100\\,k/n` with the Wilson (1927) score interval scaled by 100; see
    :func:`.proportions.wilson_interval`.
    """
    estimate = proportion(satisfied, n, confidence=confidence, min_n=min_n)
    parts = {"satisfied": estimate.parts["successes"], "not_satisfied": estimate.parts["failures"]}
    return _percent(estimate, parts)


def csat_from_counts(counts: Any, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """CSAT from the five answer counts ``counts[i]`` = number of answers ``i + 1``."""
    levels = check_level_counts(counts, CSAT_LEVELS)
    return csat(int(levels[3] + levels[4]), int(levels.sum()), confidence=confidence, min_n=min_n)


def csat_from_scores(scores: Any, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """CSAT from raw answers on 1-5 (convenience wrapper over :func:`csat_from_counts`)."""
    return csat_from_counts(tally_scores(scores, 1, CSAT_LEVELS), confidence=confidence, min_n=min_n)


def csat_difference(
    current: BinaryCounts | tuple[int, int],
    previous: BinaryCounts | tuple[int, int],
    *,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    min_n: int = 30,
    test: str = "pooled",
) -> Estimate:
    """Change in CSAT, current minus previous, in percentage points, with a z test.

    Parameters
    ----------
    current, previous : BinaryCounts or (satisfied, n)
        Top-2 counts and sample sizes of two independent samples.
    confidence, alternative, min_n, test
        As in :func:`.proportions.proportion_difference`; the interval is always two-sided.

    Returns
    -------
    Estimate
        ``value`` in [-100, 100]; Newcombe (1998) hybrid score interval; parts ``current`` and
        ``previous`` (CSAT in percent), ``z``, ``p_value`` (pooled two-proportion z test) and
        ``alternative``. NaN throughout when either sample is empty.
    """
    estimate = proportion_difference(
        current, previous, confidence=confidence, alternative=alternative, min_n=min_n, test=test
    )
    parts = dict(estimate.parts)
    parts["current"] = 100.0 * parts["current"]
    parts["previous"] = 100.0 * parts["previous"]
    return _percent(estimate, parts)
