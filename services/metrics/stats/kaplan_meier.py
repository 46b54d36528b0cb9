"""Kaplan-Meier survival curve with Greenwood variance and the log(-log) confidence interval."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import norm

from .estimate import Estimate, check_confidence


@dataclass(frozen=True)
class KaplanMeierCurve:
    """Kaplan-Meier estimate at each distinct observed time (event or censoring).

    Attributes
    ----------
    times : ndarray
        Distinct durations, ascending.
    at_risk : ndarray
        Number (weight) with duration >= time: censored at ``t`` counts as at risk at ``t``.
    events, censored : ndarray
        Number (weight) of events and of censorings at each time.
    survival : ndarray
        S(t) just after ``t`` (a right-continuous step function).
    variance : ndarray
        Greenwood variance ``S(t)^2 sum_{t_j <= t} d_j / (n_j (n_j - d_j))``.
    ci_low, ci_high : ndarray
        log(-log) interval: ``S(t) ** exp(-+ z se)`` with
        ``se = sqrt(sum d_j / (n_j (n_j - d_j))) / |log S(t)|``. Equal to 1 before the first
        event and 0 once S(t) = 0.
    confidence : float
    """

    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    survival: np.ndarray
    variance: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    confidence: float

    def survival_at(self, time: float) -> Estimate:
        """S(time) with its interval, reading the step function (1 before the first time)."""
        i = int(np.searchsorted(self.times, time, side="right")) - 1
        n = int(round(self.at_risk[0])) if self.at_risk.size else 0
        if i < 0:
            return Estimate(1.0, 1.0, 1.0, n, self.confidence, "kaplan_meier_loglog")
        return Estimate(float(self.survival[i]), float(self.ci_low[i]), float(self.ci_high[i]), n,
                        self.confidence, "kaplan_meier_loglog",
                        parts={"at_risk": float(self.at_risk[i]),
                               "standard_error": float(np.sqrt(self.variance[i]))})


def kaplan_meier(durations: Any, events: Any, weights: Any = None, *,
                 confidence: float = 0.95) -> KaplanMeierCurve:
    """Kaplan-Meier product-limit estimate of the survival function.

    Parameters
    ----------
    durations : array_like
        Time to the event or to censoring (>= 0); discrete periods are fine.
    events : array_like of bool
        True when the event (churn) was observed, False when censored.
    weights : array_like, optional
        Number of subjects per row (for grouped data), default 1.
    confidence : float
        Nominal coverage of the pointwise interval.

    Returns
    -------
    KaplanMeierCurve

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    JASA 53, 457-481. Greenwood, M. (1926). The natural duration of cancer. Reports on Public
    Health and Medical Subjects 33. Kalbfleisch, J. D. & Prentice, R. L. (2002). The
    Statistical Analysis of Failure Time Data, 2nd ed., sec. 1.4 (log(-log) interval).
    """
    z = norm.ppf(0.5 + check_confidence(confidence) / 2.0)
    t = np.asarray(durations, dtype=float).ravel()
    e = np.asarray(events)
    if e.shape != np.shape(durations) or e.dtype.kind not in "bi" or ((e != 0) & (e != 1)).any():
        raise ValueError("events must be booleans (or 0/1) with the shape of durations")
    e = e.astype(bool).ravel()
    if t.size == 0 or not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("durations must be a non-empty array of finite values >= 0")
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != t.shape or not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite, >= 0 and one per duration")

    times, index = np.unique(t, return_inverse=True)
    events_at = np.bincount(index, weights=w * e, minlength=times.size)
    censored_at = np.bincount(index, weights=w * ~e, minlength=times.size)
    leaving = events_at + censored_at
    at_risk = leaving[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, events_at / at_risk, 0.0)
        surv = np.cumprod(1.0 - hazard)
        # Greenwood terms; infinite once everyone at risk has failed (S = 0)
        term = np.where(events_at > 0, events_at / (at_risk * (at_risk - events_at)), 0.0)
        greenwood = np.cumsum(term)
        variance = surv**2 * greenwood
        log_s = np.log(surv)
        se_loglog = np.sqrt(greenwood) / np.abs(log_s)
        low = surv ** np.exp(z * se_loglog)
        high = surv ** np.exp(-z * se_loglog)
    no_event_yet = greenwood == 0
    low = np.where(no_event_yet, 1.0, np.where(surv <= 0, 0.0, low))
    high = np.where(no_event_yet, 1.0, np.where(surv <= 0, 0.0, high))
    variance = np.where(surv <= 0, 0.0, variance)
    return KaplanMeierCurve(times, at_risk, events_at, censored_at, surv, variance, low, high, confidence)
