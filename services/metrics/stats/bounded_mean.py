"""Interval for the mean of answers on a bounded discrete scale from a Dirichlet posterior.

The answers' distribution over the scale's levels gets a Dirichlet prior; given the counts the
posterior is Dirichlet too, and the scale's mean is a linear function of it whose first two
moments are exact. Rescaled to [0, 1] that mean is approximated by the Beta distribution with
the same two moments, which keeps the interval inside the scale and lets it lean away from the
end the answers crowd against, where the symmetric t interval under-covers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betaincinv

from .estimate import check_confidence
from .score_inputs import check_level_counts

NAN = float("nan")
# Total prior weight, spread evenly over the levels (Perks 1947): one pseudo-answer in all.
PERKS_WEIGHT = 1.0


def dirichlet_mean_interval(
    counts: Any,
    levels: Any,
    *,
    confidence: float = 0.95,
    prior_weight: float = PERKS_WEIGHT,
) -> tuple[float, float]:
    """Posterior interval for the mean on a bounded scale, from per-level counts.

    Parameters
    ----------
    counts : sequence of int
        ``counts[i]`` is the number of answers equal to ``levels[i]``.
    levels : sequence of float
        The scale's answer values, strictly increasing; the first and last are its ends.
    confidence : float
        Two-sided level in (0, 1); the bounds are the equal-tailed posterior quantiles.
    prior_weight : float
        Total Dirichlet prior weight, split evenly over the levels. The default 1 is the
        Perks (1947) prior, which for a two-level scale is Jeffreys' Beta(1/2, 1/2).

    Returns
    -------
    (low, high) : tuple of float
        ``(nan, nan)`` for an empty sample. The interval always contains the sample mean.

    Notes
    -----
    With :math:`K` levels :math:`x_k`, rescaled :math:`y_k = (x_k - x_1)/(x_K - x_1)`, counts
    :math:`c_k` and prior weight :math:`w`, the posterior is Dirichlet with
    :math:`\\alpha_k = c_k + w/K`, :math:`S = n + w` (Ferguson 1973, Ann. Statist. 1:209-230;
    with :math:`w \\to 0` this is Rubin's 1981 Bayesian bootstrap, Ann. Statist. 9:130-134).
    The mean :math:`\\mu = \\sum_k p_k y_k` has posterior moments
    :math:`M = \\sum_k \\alpha_k y_k / S` and
    :math:`V = (\\sum_k \\alpha_k y_k^2 / S - M^2)/(S + 1)` (Dirichlet moments; Kotz,
    Balakrishnan & Johnson 2000, *Continuous Multivariate Distributions*, ch. 49). It is
    approximated by :math:`\\mathrm{Beta}(M\\nu, (1-M)\\nu)` with :math:`\\nu = M(1-M)/V - 1`,
    which matches both moments and is exact for a two-level scale (where the default prior
    gives the Jeffreys interval, Brown, Cai & DasGupta 2001, Statist. Sci. 16:101-133). The
    bounds are its :math:`(1 \\mp \\text{confidence})/2` quantiles, mapped back to the scale.
    When every answer sits at one end of the scale the posterior quantile falls short of the
    sample mean; as Brown, Cai & DasGupta do for Jeffreys, that bound is moved to the end.
    """
    values = np.asarray(levels, dtype=float)
    if values.ndim != 1 or values.size < 2 or not np.all(np.isfinite(values)):
        raise ValueError("levels must be a 1-D sequence of at least two finite numbers")
    if not np.all(np.diff(values) > 0):
        raise ValueError("levels must be strictly increasing")
    weights = check_level_counts(counts, values.size).astype(float)
    confidence = check_confidence(confidence)
    if not (np.isfinite(prior_weight) and prior_weight > 0):
        raise ValueError(f"prior_weight must be a positive number, got {prior_weight!r}")
    n = weights.sum()
    if n == 0:
        return NAN, NAN
    bottom, span = values[0], values[-1] - values[0]
    rescaled = (values - bottom) / span
    alpha = weights + prior_weight / values.size
    total = alpha.sum()
    mean = alpha @ rescaled / total
    variance = (alpha @ rescaled**2 / total - mean**2) / (total + 1.0)
    # V <= M(1 - M)/(S + 1) on [0, 1], so nu >= S > 0: the Beta is always proper.
    nu = mean * (1.0 - mean) / variance - 1.0
    tails = np.array([0.5 - confidence / 2.0, 0.5 + confidence / 2.0])
    low, high = bottom + span * betaincinv(mean * nu, (1.0 - mean) * nu, tails)
    sample_mean = float(weights @ values / n)
    return float(min(low, sample_mean)), float(max(high, sample_mean))
