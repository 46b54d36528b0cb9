"""CES: Customer Effort Score, the mean answer on a 1-7 scale, plus the share of answers 5-7."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from .bootstrap import bca_mean_interval
from .bounded_mean import dirichlet_mean_interval
from .estimate import Estimate
from .means import MeanStats, mean_difference, mean_interval
from .proportions import wilson_interval
from .score_inputs import check_level_counts, tally_scores

CES_LEVELS = np.arange(1, 8, dtype=float)
CES_SCALE = (1.0, 7.0)
METHODS = ("dirichlet", "t", "bca")


def ces(
    counts: Any,
    *,
    confidence: float = 0.95,
    min_n: int = 30,
    method: str = "dirichlet",
    rng: np.random.Generator | None = None,
    n_resamples: int = 2000,
) -> Estimate:
    """CES mean on 1-7 with a Dirichlet-posterior, t or BCa interval, from the seven answer counts.

    Parameters
    ----------
    counts : sequence of 7 int
        ``counts[i]`` is the number of answers ``i + 1``.
    confidence : float
        Two-sided confidence level in (0, 1).
    min_n : int
        Below this sample size the estimate is flagged ``insufficient`` (value still given).
    method : {"dirichlet", "t", "bca"}
        ``"dirichlet"`` (default): equal-tailed interval of the mean's posterior under a
        Dirichlet model of the answer shares with one pseudo-answer spread over the seven
        levels, Beta-approximated (:func:`.bounded_mean.dirichlet_mean_interval`). It covers
        93-97 % for 30 answers and up even when three in four answer 7, where t does not.
        ``"t"``: Student t interval (:func:`.means.mean_interval`), clipped to [1, 7].
        ``"bca"``: BCa bootstrap (:func:`.bootstrap.bca_mean_interval`); needs ``rng``.
    rng : numpy.random.Generator, optional
        Required when ``method="bca"``.
    n_resamples : int
        Bootstrap resamples for ``method="bca"``.

    Returns
    -------
    Estimate
        ``value`` is the sample mean whatever the method; ``method`` is ``"dirichlet_beta"``,
        ``"student_t"`` or ``"bca_bootstrap"``. Parts:
        ``mean``, ``sd``, ``share_5_7`` (percent of answers 5-7) with its Wilson (1927) bounds
        ``share_5_7_ci_low`` / ``share_5_7_ci_high`` in percent. An empty sample gives NaN
        value, bounds and share, flagged ``insufficient``; one answer gives NaN t bounds (the
        Dirichlet interval is still defined, and wide). When all answers are equal the t and BCa
        intervals collapse to a point; the Dirichlet one does not.

    Notes
    -----
    Only counts are needed: the Dirichlet posterior is the counts plus the prior, the t interval
    uses :math:`n, \\sum x, \\sum x^2` derived from them, and the bootstrap resamples the
    counts as multinomial draws. Simulated coverage of every method is in
    ``tests/metrics/stats/test_score_coverage.py``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    levels = check_level_counts(counts, CES_LEVELS.size)
    estimate = mean_interval(
        MeanStats.from_counts(levels, CES_LEVELS), scale=CES_SCALE, confidence=confidence, min_n=min_n
    )
    n, high_effort = int(levels.sum()), int(levels[4:].sum())
    share_low, share_high = wilson_interval(high_effort, n, confidence)
    parts = {
        "mean": estimate.value, "sd": estimate.parts["sd"],
        "share_5_7": 100.0 * high_effort / n if n else float("nan"),
        "share_5_7_ci_low": 100.0 * share_low, "share_5_7_ci_high": 100.0 * share_high,
    }
    if method == "t":
        return replace(estimate, parts=parts)
    if method == "dirichlet":
        low, high = dirichlet_mean_interval(levels, CES_LEVELS, confidence=confidence)
        return replace(estimate, ci_low=low, ci_high=high, method="dirichlet_beta", parts=parts)
    if rng is None:
        raise ValueError('method="bca" needs rng, a numpy.random.Generator')
    low, high = bca_mean_interval(
        levels, CES_LEVELS, rng=rng, confidence=confidence, n_resamples=n_resamples
    )
    return replace(estimate, ci_low=low, ci_high=high, method="bca_bootstrap", parts=parts)


def ces_from_scores(
    scores: Any,
    *,
    confidence: float = 0.95,
    min_n: int = 30,
    method: str = "dirichlet",
    rng: np.random.Generator | None = None,
    n_resamples: int = 2000,
) -> Estimate:
    """CES from raw 1-7 answers (convenience wrapper over :func:`ces`)."""
    return ces(tally_scores(scores, 1, 7), confidence=confidence, min_n=min_n, method=method,
               rng=rng, n_resamples=n_resamples)


def ces_difference(
    current: Any,
    previous: Any,
    *,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    min_n: int = 30,
) -> Estimate:
    """Change in mean CES, current minus previous, with Welch's t test, from answer counts.

    ``current`` and ``previous`` are the seven counts of answers 1..7 of two independent
    samples. See :func:`.means.mean_difference` (Welch 1947) for the formulas, the parts
    (``p_value``, ``t``, ``df``, ...) and the degenerate cases; the interval is clipped to
    [-6, 6]. When SQL returns ``(n, sum, sum of squares)`` instead, call
    :func:`.means.mean_difference` with ``scale=(1, 7)`` directly.
    """
    first = MeanStats.from_counts(check_level_counts(current, 7, "current"), CES_LEVELS)
    second = MeanStats.from_counts(check_level_counts(previous, 7, "previous"), CES_LEVELS)
    return mean_difference(first, second, scale=CES_SCALE, confidence=confidence,
                           alternative=alternative, min_n=min_n)
