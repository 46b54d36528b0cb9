"""Proportions: the Wilson score interval and the difference of two independent proportions.

Values here are fractions in [0, 1]; :mod:`.csat` rescales them to percent.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from scipy.special import ndtr, ndtri

from .estimate import Estimate, check_confidence
from .score_inputs import check_alternative, check_count, check_min_n, check_test, is_insufficient

NAN = float("nan")


class BinaryCounts(NamedTuple):
    """Successes out of ``n`` trials, as a grouped SQL query returns them."""

    successes: int
    n: int


def two_sided_z(confidence: float) -> float:
    """Standard normal quantile ``z`` with ``P(|Z| <= z) = confidence``."""
    return float(ndtri(0.5 + check_confidence(confidence) / 2.0))


def normal_p_value(z: float, alternative: str) -> float:
    """P-value of a z statistic; ``"less"``/``"greater"`` test for a negative/positive effect."""
    check_alternative(alternative)
    if alternative == "less":
        return float(ndtr(z))
    if alternative == "greater":
        return float(ndtr(-z))
    return float(min(1.0, 2.0 * ndtr(-abs(z))))


def _pair(counts: Any, label: str) -> BinaryCounts:
    if not isinstance(counts, (tuple, list)) or len(counts) != 2:
        raise ValueError(f"{label}must be (successes, n), got {counts!r}")
    successes, n = counts
    return _checked(successes, n, label=f"{label} ")


def _checked(successes: int, n: int, label: str = "") -> BinaryCounts:
    k = check_count(successes, f"{label}successes")
    total = check_count(n, f"{label}n")
    if k > total:
        raise ValueError(f"{label}successes ({k}) cannot exceed {label}n ({total})")
    return BinaryCounts(k, total)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    if n == 0:
        return NAN, NAN
    p = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half_width = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    # Exactly 0 when k = 0 and 1 when k = n; the subtraction would leave rounding dust.
    low = 0.0 if k == 0 else max(0.0, centre - half_width)
    high = 1.0 if k == n else min(1.0, centre + half_width)
    return low, high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n : int
        Number of successes and of trials, ``0 <= successes <= n``.
    confidence : float
        Two-sided confidence level in (0, 1).

    Returns
    -------
    (low, high) : tuple of float
        Bounds in [0, 1]; ``(nan, nan)`` when ``n == 0``.

    Notes
    -----
    With :math:`\\hat p = k/n` and :math:`z = \\Phi^{-1}(1 - \\alpha/2)`,

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    (Wilson 1927, JASA 22:209-212; recommended by Brown, Cai & DasGupta 2001, Stat. Sci.
    16:101-133). Same as ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``.
    """
    counts = _checked(successes, n)
    return _wilson(counts.successes, counts.n, two_sided_z(confidence))


def proportion(successes: int, n: int, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """Sample proportion with its Wilson interval.

    Parameters
    ----------
    successes, n : int
        Number of successes and of trials, ``0 <= successes <= n``.
    confidence : float
        Two-sided confidence level in (0, 1).
    min_n : int
        Below this sample size the estimate is flagged ``insufficient`` (value still given).

    Returns
    -------
    Estimate
        ``value`` = successes / n in [0, 1], ``method="wilson"``; parts ``successes`` and
        ``failures``. With ``n == 0`` value and bounds are NaN and ``insufficient`` is set.

    Notes
    -----
    Wilson (1927) score interval; formula in :func:`wilson_interval`.
    """
    k, total = _checked(successes, n)
    low, high = wilson_interval(k, total, confidence)
    return Estimate(
        value=k / total if total else NAN, ci_low=low, ci_high=high, n=total,
        confidence=check_confidence(confidence), method="wilson",
        insufficient=is_insufficient(check_min_n(min_n), total),
        parts={"successes": k, "failures": total - k},
    )


def proportion_difference(
    current: BinaryCounts | tuple[int, int],
    previous: BinaryCounts | tuple[int, int],
    *,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    min_n: int = 30,
    test: str = "pooled",
) -> Estimate:
    """Difference ``p_current - p_previous`` of two independent proportions, with a test.

    Parameters
    ----------
    current, previous : BinaryCounts or (successes, n)
        The two independent samples.
    confidence : float
        Level of the two-sided interval (the interval is two-sided whatever ``alternative``).
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis of the z test: the difference is non-zero, negative, positive.
    min_n : int
        Flags the estimate ``insufficient`` when either sample is smaller.
    test : {"pooled", "unpooled"}
        ``pooled`` (default): the z test with the variance pooled under the null hypothesis;
        ``unpooled``: the Wald z test with each sample's own variance.

    Returns
    -------
    Estimate
        ``value`` in [-1, 1]; ``parts`` holds ``current``, ``previous`` (the two proportions),
        ``z``, ``p_value``, ``alternative`` and ``test`` (``pooled_z`` or ``wald_z``). If either ``n`` is 0 everything numeric is NaN.

    Notes
    -----
    Interval: Newcombe's hybrid score interval (Newcombe 1998, Stat. Med. 17:873-890,
    method 10). With Wilson bounds :math:`(l_i, u_i)` of each proportion and
    :math:`d = \\hat p_1 - \\hat p_2`,

    .. math:: \\left(d - \\sqrt{(\\hat p_1 - l_1)^2 + (u_2 - \\hat p_2)^2},\\;
              d + \\sqrt{(u_1 - \\hat p_1)^2 + (\\hat p_2 - l_2)^2}\\right)

    Test: pooled two-proportion z test, :math:`z = d / \\sqrt{\\bar p(1-\\bar p)(1/n_1+1/n_2)}`
    (equal to the uncorrected Pearson chi-square test for the 2x2 table when two-sided).
    The interval and the test come from different approximations, so at the margin the
    interval may exclude 0 while the two-sided p-value is slightly above alpha, or vice versa.
    When both samples are all successes or all failures, ``z`` is 0.
    """
    k1, n1 = _pair(current, "current")
    k2, n2 = _pair(previous, "previous")
    check_alternative(alternative)
    name = "pooled_z" if check_test(test) == "pooled" else "wald_z"
    z_crit = two_sided_z(confidence)
    insufficient = is_insufficient(check_min_n(min_n), n1, n2)
    if n1 == 0 or n2 == 0:
        return Estimate(NAN, NAN, NAN, n1 + n2, float(confidence), "newcombe_hybrid_score", True,
                        {"current": NAN, "previous": NAN, "z": NAN, "p_value": NAN,
                         "alternative": alternative, "test": name})
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = _wilson(k1, n1, z_crit)
    l2, u2 = _wilson(k2, n2, z_crit)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    if test == "pooled":
        pooled = (k1 + k2) / (n1 + n2)
        se0 = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    else:
        se0 = math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    z = diff / se0 if se0 > 0 else 0.0
    return Estimate(
        value=diff, ci_low=max(-1.0, low), ci_high=min(1.0, high), n=n1 + n2,
        confidence=float(confidence), method="newcombe_hybrid_score", insufficient=insufficient,
        parts={"current": p1, "previous": p2, "z": z,
               "p_value": normal_p_value(z, alternative), "alternative": alternative, "test": name},
    )
