"""Answer counts per window: Garwood's exact Poisson interval and the conditional test of two counts.

Response volume is a count, not a sample of scores: the number of answers in a window is modelled
as a Poisson variable whose mean is the window's rate. A window is compared with its baseline (the
previous window or the last ``k`` windows pooled) by the exact conditional binomial test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import stats

from .estimate import Estimate, check_confidence
from .score_inputs import check_alternative, check_count, check_min_n

NAN = float("nan")
TEST_NAME = "conditional_binomial"


@dataclass(frozen=True)
class CountComparison:
    """The current window's count, the baseline's mean per window and their difference."""

    current: Estimate
    baseline: Estimate
    difference: Estimate


def poisson_interval(count: Any, confidence: float = 0.95) -> tuple[float, float]:
    """Garwood's exact two-sided interval for a Poisson mean from one observed count.

    Parameters
    ----------
    count : int
        The observed count ``x >= 0``.
    confidence : float
        Nominal coverage, in (0, 1).

    Returns
    -------
    (float, float)
        ``(low, high)`` with ``low = chi2.ppf(a/2, 2x) / 2`` (0 when ``x = 0``) and
        ``high = chi2.ppf(1 - a/2, 2x + 2) / 2``, ``a = 1 - confidence``.

    Notes
    -----
    The bounds solve ``P(X >= x; low) = a/2`` and ``P(X <= x; high) = a/2``; the chi-square form
    follows from the Poisson-gamma relation. Coverage is at least ``confidence`` for every mean
    (the interval is conservative, most so at small means).

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28(3/4), 437-442.
    """
    x = check_count(count, "count")
    tail = (1.0 - check_confidence(confidence)) / 2.0
    low = 0.0 if x == 0 else stats.chi2.ppf(tail, 2 * x) / 2.0
    high = stats.chi2.ppf(1.0 - tail, 2 * x + 2) / 2.0
    return float(low), float(high)


def poisson_count(count: Any, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """One window's count as an estimate of its Poisson mean, with Garwood's exact interval.

    Parameters
    ----------
    count : int
        Answers in the window.
    confidence : float
        Nominal coverage of the interval.
    min_n : int
        Flags the estimate ``insufficient`` when the count is smaller.

    Returns
    -------
    Estimate
        ``value = n = count``, method ``garwood_exact``.

    References
    ----------
    Garwood, F. (1936). *Biometrika* 28(3/4), 437-442.
    """
    x = check_count(count, "count")
    low, high = poisson_interval(x, confidence)
    return Estimate(float(x), low, high, x, float(confidence), "garwood_exact", x < check_min_n(min_n))


def baseline_mean(total: Any, windows: int, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """Mean count per window over ``windows`` windows holding ``total`` answers in all.

    The total is a Poisson count with mean ``windows * rate``, so Garwood's interval for the total
    divided by ``windows`` is an exact interval for the rate. ``n`` is the total; ``insufficient``
    when the total is under ``min_n``; ``parts`` holds ``total`` and ``windows``.

    References
    ----------
    Garwood, F. (1936). *Biometrika* 28(3/4), 437-442.
    """
    b, k = check_count(total, "total"), _check_windows(windows)
    low, high = poisson_interval(b, confidence)
    return Estimate(b / k, low / k, high / k, b, float(confidence), "garwood_exact", b < check_min_n(min_n),
                    {"total": b, "windows": k})


def count_comparison(current: Any, baseline_total: Any, baseline_windows: int = 1, *,
                     confidence: float = 0.95, alternative: str = "two-sided",
                     min_n: int = 30) -> CountComparison:
    """The current window's count against the mean count of ``baseline_windows`` earlier windows.

    Parameters
    ----------
    current : int
        Answers in the current window, ``x``.
    baseline_total : int
        Answers in all baseline windows together, ``b``.
    baseline_windows : int
        Number ``k >= 1`` of baseline windows, each as long as the current one.
    confidence : float
        Nominal coverage of every interval (two-sided).
    alternative : {"two-sided", "less", "greater"}
        Alternative of the test: the current rate differs from, is below (a drop), is above the
        baseline's rate per window.
    min_n : int
        Flags the current and baseline estimates whose count is under ``min_n``, and the difference
        when the baseline total is (the current count is the outcome tested: 0 is an answer, not a
        missing sample).

    Returns
    -------
    CountComparison
        ``current`` (:func:`poisson_count`), ``baseline`` (:func:`baseline_mean`) and ``difference``:
        ``value = x - b / k`` in answers per window with the MOVER interval, method
        ``mover_garwood``; ``parts``: ``current``, ``previous`` (``b / k``), ``windows``, ``ratio``
        (``x k / b``) with ``ratio_ci_low`` and ``ratio_ci_high`` (exact conditional interval; the
        upper bound is infinite when ``b = 0``), ``p_value``, ``alternative`` and ``test``
        (``conditional_binomial``). Without any answer (``x + b = 0``) the p-value and ratio are NaN
        and the difference is flagged ``insufficient``.

    Notes
    -----
    *Test.* With ``X ~ Poisson(r_c)`` and ``B ~ Poisson(k * r_b)``, conditionally on ``N = X + B``
    the count ``X`` is binomial ``(N, pi)`` with ``pi = R / (R + k)``, ``R = r_c / r_b``; under
    "same rate" ``pi0 = 1 / (k + 1)``. One-sided p-values are the binomial tails ``P(X <= x)``
    (``less``) and ``P(X >= x)`` (``greater``); the two-sided p-value is twice the smaller tail,
    capped at 1 (the central test), which is the exact dual of the ratio interval below: the
    two-sided test rejects at level ``1 - confidence`` exactly when the interval excludes 1. The
    test is exact, so its size never exceeds the level (Przyborowski & Wilenski 1940; Lehmann &
    Romano 2005, sec. 4.6; Fay 2010 on matching tests and intervals).

    *Ratio interval.* The Clopper-Pearson interval for ``pi`` mapped through ``R = k pi / (1 - pi)``.

    *Difference interval.* The difference is what an alert's ``min_drop`` is stated in, so it gets
    the main interval: the method of variance estimates recovery (Zou & Donner 2008) from the two
    rates' Garwood intervals ``(l1, u1)`` and ``(l2, u2)``::

        low  = d - sqrt((x - l1)**2 + (u2 - m)**2)
        high = d + sqrt((u1 - x)**2 + (m - l2)**2),   d = x - m,  m = b / k

    the count analogue of Newcombe's hybrid score interval that CSAT differences use. Unlike the
    Wald interval it is asymmetric where the counts are, and stays near its nominal coverage for
    small counts (see the simulation in the tests).

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28, 437-442.
    Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
    series. *Biometrika* 31, 313-323.
    Clopper, C. J. & Pearson, E. S. (1934). *Biometrika* 26, 404-413.
    Lehmann, E. L. & Romano, J. P. (2005). *Testing Statistical Hypotheses*, 3rd ed. Springer.
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete data.
    *The R Journal* 2(1), 53-58.
    Zou, G. Y. & Donner, A. (2008). Construction of confidence limits about effect measures: a
    general approach. *Statistics in Medicine* 27, 1693-1702.
    Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions.
    *Statistics in Medicine* 17, 873-890.
    """
    x, b = check_count(current, "current"), check_count(baseline_total, "baseline_total")
    k, level = _check_windows(baseline_windows), check_confidence(confidence)
    check_alternative(alternative)
    min_n = check_min_n(min_n)
    now = poisson_count(x, confidence=level, min_n=min_n)
    before = baseline_mean(b, k, confidence=level, min_n=min_n)
    mean = before.value
    change = x - mean
    low = change - math.hypot(x - now.ci_low, before.ci_high - mean)
    high = change + math.hypot(now.ci_high - x, mean - before.ci_low)
    ratio_low, ratio_high = _ratio_interval(x, b, k, level)
    parts = {"current": float(x), "previous": mean, "windows": k,
             "ratio": (x * k / b) if b else (NAN if x == 0 else math.inf),
             "ratio_ci_low": ratio_low, "ratio_ci_high": ratio_high,
             "p_value": conditional_p_value(x, b, k, alternative), "alternative": alternative,
             "test": TEST_NAME}
    difference = Estimate(change, low, high, x + b, level, "mover_garwood", x + b == 0 or b < min_n, parts)
    return CountComparison(now, before, difference)


def conditional_p_value(current: int, baseline_total: int, baseline_windows: int, alternative: str) -> float:
    """P-value of the conditional binomial test of "same rate" (see :func:`count_comparison`).

    NaN when both counts are 0 (the conditional distribution is degenerate).
    """
    check_alternative(alternative)
    x, total = current, current + baseline_total
    if total == 0:
        return NAN
    null = 1.0 / (_check_windows(baseline_windows) + 1)
    lower = float(stats.binom.cdf(x, total, null))
    upper = float(stats.binom.sf(x - 1, total, null))
    if alternative == "less":
        return lower
    if alternative == "greater":
        return upper
    return min(1.0, 2.0 * min(lower, upper))


def _ratio_interval(x: int, b: int, k: int, confidence: float) -> tuple[float, float]:
    """Exact conditional interval for ``R = rate_current / rate_baseline`` (Clopper-Pearson on pi)."""
    total = x + b
    if total == 0:
        return NAN, NAN
    tail = (1.0 - confidence) / 2.0
    pi_low = 0.0 if x == 0 else float(stats.beta.ppf(tail, x, total - x + 1))
    pi_high = 1.0 if x == total else float(stats.beta.ppf(1.0 - tail, x + 1, total - x))
    return k * pi_low / (1.0 - pi_low), (math.inf if pi_high >= 1.0 else k * pi_high / (1.0 - pi_high))


def _check_windows(windows: Any) -> int:
    k = check_count(windows, "baseline_windows")
    if k < 1:
        raise ValueError(f"baseline_windows must be at least 1, got {windows!r}")
    return k
