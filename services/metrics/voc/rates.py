"""Statistics on keyword shares: intervals, the rising test and false-discovery control.

A keyword's share is the fraction of a group's comments that mention it (each comment counts once),
so a window is a binomial sample of comments and two windows form a 2x2 table per keyword.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

_HALF = 0.5  # Haldane-Anscombe correction: keeps the ratio finite when a count is zero


@dataclass(frozen=True)
class RiseTest:
    """Vectorized result of `rise_test`, one entry per keyword.

    Attributes
    ----------
    ratio : numpy.ndarray
        Continuity-corrected share ratio, current over previous.
    ratio_ci_low : numpy.ndarray
        One-sided lower confidence bound of the ratio.
    z : numpy.ndarray
        Log ratio over its standard error.
    p_value : numpy.ndarray
        One-sided p-value of Fisher's exact test (H1: the current share is larger).
    """

    ratio: np.ndarray
    ratio_ci_low: np.ndarray
    z: np.ndarray
    p_value: np.ndarray


def share_interval(count: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval for the share ``count / n`` (Wilson 1927).

    Returns ``(nan, nan)`` when ``n`` is zero.
    """
    if n <= 0:
        return float("nan"), float("nan")
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    share = count / n
    denominator = 1.0 + z * z / n
    centre = (share + z * z / (2.0 * n)) / denominator
    half_width = z * math.sqrt(share * (1.0 - share) / n + z * z / (4.0 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def rise_test(
    current: np.ndarray,
    n_current: int,
    previous: np.ndarray,
    n_previous: int,
    confidence: float,
) -> RiseTest:
    """Test, per keyword, whether its share of comments rose from the previous window.

    Parameters
    ----------
    current, previous : numpy.ndarray of int
        Comments mentioning each keyword in the current and in the previous window.
    n_current, n_previous : int
        Comments in each window (both positive).
    confidence : float
        Level of the one-sided lower bound of the ratio.

    Returns
    -------
    RiseTest

    Notes
    -----
    The ratio is the risk ratio with 0.5 added to each count and to each total,
    ``r = ((x1 + .5) / (n1 + .5)) / ((x0 + .5) / (n0 + .5))``, with the standard error of
    ``log r`` from Katz et al. (1978), ``sqrt(1/(x1+.5) - 1/(n1+.5) + 1/(x0+.5) - 1/(n0+.5))``;
    the lower bound is ``exp(log r - z_conf * se)``. The p-value is that of Fisher's exact test
    (one-sided): given the ``x0 + x1`` comments that mention the keyword, the chance that at
    least ``x1`` of them fall in the current window under equal shares, a hypergeometric tail.
    Being exact, it gives a keyword seen once (1 vs 0) p = n1 / (n0 + n1), never significance.

    References
    ----------
    Katz D, Baptista J, Azen SP, Pike MC (1978). Obtaining confidence intervals for the risk ratio
    in cohort studies. Biometrics 34(3):469-474.
    Fisher RA (1935). The logic of inductive inference. J R Stat Soc 98(1):39-82.
    """
    x1 = np.asarray(current, dtype=np.int64)
    x0 = np.asarray(previous, dtype=np.int64)
    if n_current <= 0 or n_previous <= 0:
        raise ValueError("both windows need at least one comment to compare shares")
    if np.any(x1 < 0) or np.any(x0 < 0) or np.any(x1 > n_current) or np.any(x0 > n_previous):
        raise ValueError("keyword counts must lie between 0 and the number of comments")
    a1, m1 = x1 + _HALF, n_current + _HALF
    a0, m0 = x0 + _HALF, n_previous + _HALF
    log_ratio = np.log(a1 / m1) - np.log(a0 / m0)
    se = np.sqrt(1.0 / a1 - 1.0 / m1 + 1.0 / a0 - 1.0 / m0)
    # se is 0 only when every comment of both windows mentions the keyword: then log_ratio is 0.
    z = np.divide(log_ratio, se, out=np.zeros_like(log_ratio), where=se > 0)
    z_conf = float(stats.norm.ppf(confidence))
    p_value = stats.hypergeom.sf(x1 - 1, n_current + n_previous, x1 + x0, n_current)
    return RiseTest(
        ratio=np.exp(log_ratio),
        ratio_ci_low=np.exp(log_ratio - z_conf * se),
        z=z,
        p_value=np.clip(p_value, 0.0, 1.0),
    )


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the ascending p-values
    (Benjamini & Hochberg 1995, J R Stat Soc B 57(1):289-300).
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q
