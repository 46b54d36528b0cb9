"""Means of rating-scale answers from sufficient statistics: Student t interval and Welch test.

SQL returns ``COUNT(x)``, ``SUM(x)`` and ``SUM(x * x)``; that is all these functions need.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy.special import stdtr, stdtrit

from .estimate import Estimate, check_confidence
from .score_inputs import check_alternative, check_count, check_level_counts, check_min_n, is_insufficient

NAN = float("nan")
# Relative slack for sum-of-squares round-off when checking sum_sq >= total**2 / n.
_ROUNDING = 1e-9


class MeanStats(NamedTuple):
    """Sufficient statistics of a sample: count, sum and sum of squares."""

    n: int
    total: float
    total_sq: float

    @classmethod
    def from_counts(cls, counts: Any, levels: Any) -> MeanStats:
        """Statistics of a sample with ``counts[i]`` answers equal to ``levels[i]``."""
        values = np.asarray(levels, dtype=float)
        if values.ndim != 1 or not np.all(np.isfinite(values)):
            raise ValueError("levels must be a 1-D sequence of finite numbers")
        weights = check_level_counts(counts, values.size).astype(float)
        return cls(int(weights.sum()), float(weights @ values), float(weights @ values**2))

    @classmethod
    def from_scores(cls, scores: Any) -> MeanStats:
        """Statistics of raw numeric answers."""
        values = np.asarray(scores, dtype=float)
        if values.ndim != 1 or not np.all(np.isfinite(values)):
            raise ValueError("scores must be a 1-D sequence of finite numbers")
        return cls(values.size, float(values.sum()), float(values @ values))


def _checked(stats: Any, label: str = "") -> tuple[int, float, float]:
    """Validate ``stats`` and return ``(n, mean, variance)``; variance is NaN when ``n < 2``."""
    if not isinstance(stats, (tuple, list)) or len(stats) != 3:
        raise ValueError(f"{label}stats must be (n, total, total_sq), got {stats!r}")
    n = check_count(stats[0], f"{label}n")
    try:
        total, total_sq = float(stats[1]), float(stats[2])
    except (TypeError, ValueError):
        raise ValueError(f"{label}total and total_sq must be numbers, got {stats!r}") from None
    if not (math.isfinite(total) and math.isfinite(total_sq)):
        raise ValueError(f"{label}total and total_sq must be finite, got {stats!r}")
    if n == 0:
        if total != 0 or total_sq != 0:
            raise ValueError(f"{label}an empty sample must have zero sums, got {stats!r}")
        return 0, NAN, NAN
    mean = total / n
    centred = total_sq - total * mean  # sum of squared deviations
    if centred < -_ROUNDING * max(1.0, total_sq):
        raise ValueError(f"{label}total_sq is smaller than total**2 / n: not a sample's statistics")
    return n, mean, (max(centred, 0.0) / (n - 1) if n > 1 else NAN)


def _clip(x: float, low: float, high: float) -> float:
    """Clip ``x`` to [low, high], keeping NaN (builtin max/min would drop it)."""
    return x if math.isnan(x) else min(max(x, low), high)


def _check_scale(scale: tuple[float, float] | None) -> tuple[float, float]:
    if scale is None:
        return -math.inf, math.inf
    low, high = (float(b) for b in scale)
    if not low < high:
        raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}")
    return low, high


def t_p_value(t: float, df: float, alternative: str) -> float:
    """P-value of a Student t statistic; ``"less"``/``"greater"`` for a negative/positive effect."""
    check_alternative(alternative)
    if alternative == "less":
        return float(stdtr(df, t))
    if alternative == "greater":
        return float(stdtr(df, -t))
    return float(min(1.0, 2.0 * stdtr(df, -abs(t))))


def mean_interval(
    stats: MeanStats | tuple[int, float, float],
    *,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
    min_n: int = 30,
) -> Estimate:
    """Sample mean with its Student t interval, from ``(n, sum, sum of squares)``.

    Parameters
    ----------
    stats : MeanStats or (n, total, total_sq)
        Sufficient statistics of the sample.
    scale : (low, high), optional
        Range of the answers; the mean must lie in it and the interval is clipped to it.
    confidence : float
        Two-sided confidence level in (0, 1).
    min_n : int
        Below this sample size the estimate is flagged ``insufficient`` (value still given).

    Returns
    -------
    Estimate
        ``method="student_t"``; parts ``sd`` (sample standard deviation) and ``se``. With
        ``n == 0`` everything is NaN; with ``n == 1`` the value is given, the bounds are NaN.

    Notes
    -----
    :math:`\\bar x \\pm t_{n-1,\\,1-\\alpha/2}\\, s/\\sqrt n` with
    :math:`s^2 = (\\sum x^2 - (\\sum x)^2/n)/(n-1)` (Student 1908; e.g. Casella & Berger 2002,
    Sec. 9.2). Clipping to the scale changes no coverage of a mean inside the scale.
    """
    n, mean, variance = _checked(stats)
    low, high = _check_scale(scale)
    confidence = check_confidence(confidence)
    if n and not low - _ROUNDING <= mean <= high + _ROUNDING:
        raise ValueError(f"mean {mean:g} lies outside the scale {scale!r}")
    se = math.sqrt(variance / n) if n > 1 else NAN
    half_width = float(stdtrit(n - 1, 0.5 + confidence / 2.0)) * se if n > 1 else NAN
    return Estimate(
        value=mean, ci_low=_clip(mean - half_width, low, high),
        ci_high=_clip(mean + half_width, low, high),
        n=n, confidence=confidence, method="student_t",
        insufficient=is_insufficient(check_min_n(min_n), n),
        parts={"sd": math.sqrt(variance), "se": se},
    )


def mean_difference(
    current: MeanStats | tuple[int, float, float],
    previous: MeanStats | tuple[int, float, float],
    *,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    min_n: int = 30,
) -> Estimate:
    """Difference of two independent means (current - previous) with Welch's t test.

    Parameters
    ----------
    current, previous : MeanStats or (n, total, total_sq)
        Sufficient statistics of the two samples.
    scale : (low, high), optional
        Range of the answers; the interval is clipped to ``[-(high - low), high - low]``.
    confidence : float
        Level of the two-sided interval (two-sided whatever ``alternative``).
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis: the difference is non-zero, negative, positive.
    min_n : int
        Flags the estimate ``insufficient`` when either sample is smaller.

    Returns
    -------
    Estimate
        ``method="welch_t"``; parts ``current``, ``previous`` (means), ``se``, ``df``, ``t``,
        ``p_value``, ``alternative``. Bounds, ``t`` and ``p_value`` are NaN when either sample
        has fewer than 2 answers. When both samples have zero variance the difference is
        exact: the interval is ``[d, d]``, ``t`` is 0 or +-inf and ``df`` is NaN.

    Notes
    -----
    :math:`SE^2 = s_1^2/n_1 + s_2^2/n_2`, Welch-Satterthwaite
    :math:`\\nu = SE^4 / [(s_1^2/n_1)^2/(n_1-1) + (s_2^2/n_2)^2/(n_2-1)]`,
    :math:`t = (\\bar x_1 - \\bar x_2)/SE`, interval :math:`d \\pm t_{\\nu,1-\\alpha/2} SE`
    (Welch 1947, Biometrika 34:28-35). Matches ``scipy.stats.ttest_ind_from_stats(...,
    equal_var=False)``.
    """
    n1, mean1, var1 = _checked(current, "current ")
    n2, mean2, var2 = _checked(previous, "previous ")
    low, high = _check_scale(scale)
    confidence = check_confidence(confidence)
    check_alternative(alternative)
    diff = mean1 - mean2 if n1 and n2 else NAN
    parts: dict[str, Any] = {"current": mean1, "previous": mean2, "se": NAN, "df": NAN,
                             "t": NAN, "p_value": NAN, "alternative": alternative}
    ci_low = ci_high = NAN
    if n1 > 1 and n2 > 1:
        w1, w2 = var1 / n1, var2 / n2
        se = math.sqrt(w1 + w2)
        if se > 0:
            df = (w1 + w2) ** 2 / (w1**2 / (n1 - 1) + w2**2 / (n2 - 1))
            t = diff / se
            half_width = float(stdtrit(df, 0.5 + confidence / 2.0)) * se
            parts.update(se=se, df=df, t=t, p_value=t_p_value(t, df, alternative))
            ci_low, ci_high = diff - half_width, diff + half_width
        else:
            t = 0.0 if diff == 0 else math.copysign(math.inf, diff)
            parts.update(se=0.0, t=t, p_value=t_p_value(t, 1.0, alternative))
            ci_low = ci_high = diff
    span = high - low
    return Estimate(
        value=diff, ci_low=_clip(ci_low, -span, span), ci_high=_clip(ci_high, -span, span), n=n1 + n2,
        confidence=confidence, method="welch_t",
        insufficient=is_insufficient(check_min_n(min_n), n1, n2), parts=parts,
    )
