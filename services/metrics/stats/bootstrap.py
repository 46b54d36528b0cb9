"""BCa bootstrap interval for the mean of answers on a discrete scale, from per-level counts.

With answers restricted to a few levels, a bootstrap resample is fully described by how many
times each level was drawn: a multinomial draw with the observed shares. That needs no raw rows
and costs O(levels) per resample; the jackknife for the acceleration has one distinct
leave-one-out value per level, so it is exact from the counts too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from .estimate import check_confidence
from .score_inputs import check_count, check_level_counts

NAN = float("nan")
MIN_RESAMPLES = 100


def _acceleration(counts: np.ndarray, levels: np.ndarray) -> float:
    """Jackknife acceleration a = sum(u^3) / (6 (sum(u^2))^1.5), grouped by level."""
    n = counts.sum()
    leave_one_out = (counts @ levels - levels) / (n - 1)
    u = (counts @ leave_one_out) / n - leave_one_out  # identical for every answer at one level
    spread = counts @ u**2
    return float(counts @ u**3 / (6.0 * spread**1.5)) if spread > 0 else 0.0


def bca_mean_interval(
    counts: Any,
    levels: Any,
    *,
    rng: np.random.Generator,
    confidence: float = 0.95,
    n_resamples: int = 2000,
) -> tuple[float, float]:
    """BCa bootstrap interval for the mean, resampling per-level counts as multinomial draws.

    Parameters
    ----------
    counts : sequence of int
        ``counts[i]`` is the number of answers equal to ``levels[i]``.
    levels : sequence of float
        The answer values, one per count.
    rng : numpy.random.Generator
        Source of randomness; the result is reproducible for a given generator state.
    confidence : float
        Two-sided confidence level in (0, 1).
    n_resamples : int
        Number of bootstrap resamples, at least 100 (Efron & Tibshirani advise >= 1000 for
        BCa).

    Returns
    -------
    (low, high) : tuple of float
        ``(nan, nan)`` for an empty sample; ``(m, m)`` when every answer equals ``m``.

    Notes
    -----
    Bias-corrected and accelerated percentile interval (Efron 1987, JASA 82:171-185; Efron &
    Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 14):
    :math:`\\alpha_{1,2} = \\Phi\\big(z_0 + (z_0 + z_{\\alpha/2,\\,1-\\alpha/2}) /
    (1 - a(z_0 + z_{\\alpha/2,\\,1-\\alpha/2}))\\big)`, bounds are those quantiles of the
    bootstrap means. Because means of discrete answers tie with the observed mean often,
    :math:`z_0 = \\Phi^{-1}\\big((\\#\\{\\theta^* < \\hat\\theta\\} + \\tfrac12
    \\#\\{\\theta^* = \\hat\\theta\\}) / B\\big)` counts ties as half, and the proportion is
    kept within :math:`[1/2B, 1 - 1/2B]` so :math:`z_0` stays finite.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    values = np.asarray(levels, dtype=float)
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise ValueError("levels must be a 1-D sequence of finite numbers")
    weights = check_level_counts(counts, values.size)
    confidence = check_confidence(confidence)
    resamples = check_count(n_resamples, "n_resamples")
    if resamples < MIN_RESAMPLES:
        raise ValueError(f"n_resamples must be at least {MIN_RESAMPLES}, got {resamples}")
    n = int(weights.sum())
    if n == 0:
        return NAN, NAN
    observed = float(weights @ values) / n
    if np.count_nonzero(weights) == 1:
        return observed, observed
    draws = rng.multinomial(n, weights / n, size=resamples) @ values / n
    # Round-off in the matrix product would break exact ties with the observed mean.
    draws = np.round(draws, 12)
    observed_rounded = round(observed, 12)
    below = np.count_nonzero(draws < observed_rounded) + 0.5 * np.count_nonzero(draws == observed_rounded)
    share_below = min(max(below / resamples, 0.5 / resamples), 1.0 - 0.5 / resamples)
    z0 = float(ndtri(share_below))
    a = _acceleration(weights.astype(float), values)
    z_tails = ndtri(np.array([0.5 - confidence / 2.0, 0.5 + confidence / 2.0]))
    shifted = z0 + z_tails
    tail_probabilities = ndtr(z0 + shifted / (1.0 - a * shifted))
    low, high = np.quantile(draws, tail_probabilities)
    return float(low), float(high)
