"""The log-rank test of equal survival in k groups, and the difference of two Kaplan-Meier curves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2, norm

from .estimate import Estimate, check_confidence
from .kaplan_meier import KaplanMeierCurve


@dataclass(frozen=True)
class LogRankTest:
    """Result of :func:`logrank_test`: ``observed`` and ``expected`` events per group (in ``labels`` order)."""

    statistic: float
    df: int
    p_value: float
    labels: tuple
    observed: np.ndarray
    expected: np.ndarray


def logrank_test(durations: Any, events: Any, groups: Any) -> LogRankTest:
    """Log-rank (Mantel-Cox) test that k groups share one survival function.

    At each distinct event time ``t`` with ``n_t`` at risk (duration >= t: censored at ``t`` still
    counts as at risk at ``t``, as in :func:`kaplan_meier`) and ``d_t`` events, group ``g`` expects
    ``E_g = sum_t d_t n_gt / n_t`` events, with the hypergeometric covariance
    ``V_gh = sum_t d_t (n_t - d_t) / (n_t - 1) * n_gt / n_t * (delta_gh - n_ht / n_t)``.
    The statistic ``(O - E)' V^- (O - E)`` over the first k - 1 groups is chi-square with k - 1
    degrees of freedom under the null.

    Parameters
    ----------
    durations : array_like
        Time to the event or to censoring (>= 0).
    events : array_like of bool
        True when the event was observed.
    groups : array_like
        The group label of each subject; at least two distinct labels.

    References
    ----------
    Mantel, N. (1966). Cancer Chemotherapy Reports 50(3), 163-170. Kalbfleisch, J. D. & Prentice,
    R. L. (2002). The Statistical Analysis of Failure Time Data, 2nd ed., sec. 7.2 (k samples).
    """
    t = np.asarray(durations, dtype=float).ravel()
    e = np.asarray(events).astype(bool).ravel()
    g = np.asarray(groups).ravel()
    if not (t.shape == e.shape == g.shape) or t.size == 0:
        raise ValueError("durations, events and groups must be non-empty and of one length")
    if not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("durations must be finite and >= 0")
    labels, member = np.unique(g, return_inverse=True)
    if labels.size < 2:
        raise ValueError("the log-rank test needs at least two groups")
    times, index = np.unique(t, return_inverse=True)
    k, m = labels.size, times.size
    deaths = np.zeros((k, m))
    leaving = np.zeros((k, m))
    np.add.at(deaths, (member, index), e.astype(float))
    np.add.at(leaving, (member, index), 1.0)
    at_risk = leaving[:, ::-1].cumsum(axis=1)[:, ::-1]  # (k, m): duration >= time
    n = at_risk.sum(axis=0)
    d = deaths.sum(axis=0)
    share = at_risk / n
    expected = (d * share).sum(axis=1)
    observed = deaths.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(n > 1, d * (n - d) / (n - 1), 0.0)
    covariance = np.einsum("m,gm,hm->gh", factor, share, -share)
    covariance[np.diag_indices(k)] += (factor * share).sum(axis=1)
    diff = (observed - expected)[:-1]
    statistic = float(diff @ np.linalg.pinv(covariance[:-1, :-1]) @ diff)
    df = k - 1
    return LogRankTest(statistic=statistic, df=df, p_value=float(chi2.sf(statistic, df)),
                       labels=tuple(labels.tolist()), observed=observed, expected=expected)


def survival_difference(first: KaplanMeierCurve, second: KaplanMeierCurve, time: float, *,
                        confidence: float = 0.95) -> Estimate:
    """``S_first(time) - S_second(time)`` of two independent curves, Greenwood variances added (Wald interval).

    The interval is clipped to [-1, 1]; ``n`` is the smaller of the two groups.
    """
    z = norm.ppf(0.5 + check_confidence(confidence) / 2.0)
    a, b = first.survival_at(time), second.survival_at(time)
    se = float(np.sqrt(_variance_at(first, time) + _variance_at(second, time)))
    value = a.value - b.value
    return Estimate(value, max(-1.0, value - z * se), min(1.0, value + z * se), min(a.n, b.n), confidence,
                    "kaplan_meier_greenwood_difference", parts={"standard_error": se})


def _variance_at(curve: KaplanMeierCurve, time: float) -> float:
    i = int(np.searchsorted(curve.times, time, side="right")) - 1
    return 0.0 if i < 0 else float(curve.variance[i])
