"""BG/NBD purchase model (Fader, Hardie & Lee 2005): log-likelihood and maximum-likelihood fit.

Predictions (P(alive), expected purchases) live in :mod:`bgnbd_predict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import digamma, expit, gammaln

from .estimate import Estimate
from .mle import LogParameterFit, maximize_log_likelihood
from .mle import weighted_sum as wsum
from .rfm import unique_rows

PARAMETER_NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BGNBDParameters:
    """BG/NBD parameters: purchase rate ~ Gamma(shape r, rate alpha), dropout ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> np.ndarray:
        """The parameters as ``[r, alpha, a, b]``."""
        return np.array([self.r, self.alpha, self.a, self.b])


def check_summary(frequency: Any, recency: Any, age: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a repeat-purchase summary and return it as float arrays of one common shape.

    Raises ``ValueError`` unless ``frequency`` is a whole number >= 0, ``0 <= recency <= age``,
    ``recency == 0`` where ``frequency == 0``, and all values are finite.
    """
    x, t_x, age_ = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
    try:
        x, t_x, age_ = np.broadcast_arrays(x, t_x, age_)
    except ValueError:
        raise ValueError("frequency, recency and age must have compatible shapes") from None
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(age_).all()):
        raise ValueError("frequency, recency and age must be finite")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be a whole number >= 0")
    if (t_x < 0).any() or (t_x > age_ * (1 + 1e-12)).any():
        raise ValueError("recency must satisfy 0 <= recency <= age")
    if (t_x[x == 0] != 0).any():
        raise ValueError("recency must be 0 where frequency is 0")
    return x, t_x, age_


def bgnbd_log_likelihood(params: BGNBDParameters, frequency: Any, recency: Any, age: Any) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood, FHL (2005) eq. (6), evaluated in log space.

    ``log L = lnG(r+x) - lnG(r) + r ln(alpha) + lnB(a, b+x) - lnB(a, b) - (r+x) ln(alpha+T)
    + [x > 0] log1p(exp(d))`` with ``d = ln a - ln(b+x-1) + (r+x) ln((alpha+T)/(alpha+t_x))``.
    No power is formed, so heavy buyers (large ``x``) cannot overflow.
    """
    x, t_x, age_ = check_summary(frequency, recency, age)
    r, alpha, a, b = params.as_array()
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(b + x) - gammaln(a + b + x)
          - gammaln(b) + gammaln(a + b) - (r + x) * np.log(alpha + age_))
    rep = x > 0
    x_r = x[rep]
    d = np.log(a) - np.log(b + x_r - 1) + (r + x_r) * (np.log(alpha + age_[rep]) - np.log(alpha + t_x[rep]))
    ll[rep] += np.logaddexp(0.0, d)
    return ll


def _weighted_log_likelihood(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray):
    """Total log-likelihood and analytic gradient w.r.t. log-parameters, on merged rows.

    Rows are put in frequency order (``unique_rows`` already does it) so that repeat buyers are
    a tail slice.
    """
    if (np.diff(x) < 0).any():
        order = np.argsort(x, kind="stable")
        x, t_x, age, w = x[order], t_x[order], age[order], w[order]
    x_values, x_index = np.unique(x, return_inverse=True)
    w_x = np.bincount(x_index, weights=w)  # weight of each distinct frequency
    total = w.sum()
    rep = slice(int(np.searchsorted(x, 0.5)), None)
    x_r, t_r, w_r = x[rep], t_x[rep], w[rep]
    w_xr = w * x  # for sums of (r + x) * ... = r * sum(w ...) + sum(w x ...)

    def log_likelihood(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = theta = np.exp(log_theta)
        log_age = np.log(alpha + age)
        log_rec = np.log(alpha + t_r)
        d = np.log(a) - np.log(b + x_r - 1) + (r + x_r) * (log_age[rep] - log_rec)
        s = expit(d)  # share of the "dropped out after the last purchase" term
        value = (wsum(w_x, gammaln(r + x_values) + gammaln(b + x_values) - gammaln(a + b + x_values))
                 + total * (r * np.log(alpha) - gammaln(r) - gammaln(b) + gammaln(a + b))
                 - r * wsum(w, log_age) - wsum(w_xr, log_age) + wsum(w_r, np.logaddexp(0.0, d)))
        ws = w_r * s
        inv_age = 1.0 / (alpha + age)
        grad = np.array([
            wsum(w_x, digamma(r + x_values)) + total * (np.log(alpha) - digamma(r)) - wsum(w, log_age)
            + wsum(ws, log_age[rep] - log_rec),
            total * r / alpha - r * wsum(w, inv_age) - wsum(w_xr, inv_age)
            + wsum(ws, (r + x_r) * (inv_age[rep] - 1.0 / (alpha + t_r))),
            -wsum(w_x, digamma(a + b + x_values)) + total * digamma(a + b) + ws.sum() / a,
            wsum(w_x, digamma(b + x_values) - digamma(a + b + x_values))
            - total * (digamma(b) - digamma(a + b)) - wsum(ws, 1.0 / (b + x_r - 1)),
        ])
        return float(value), grad * theta

    return log_likelihood


class BGNBDFitter:
    """Maximum-likelihood fitter of the BG/NBD model (Fader, Hardie & Lee 2005).

    Identical ``(frequency, recency, age)`` rows are merged into weighted rows before fitting;
    the log-likelihood uses ``gammaln``/``digamma`` over the distinct frequencies only, and the
    analytic gradient drives L-BFGS-B on log-parameters (see :func:`mle.maximize_log_likelihood`).

    Parameters
    ----------
    gtol : float
        Convergence threshold on the gradient norm of the mean log-likelihood.
    max_iter : int
        Iteration limit of L-BFGS-B.

    Attributes
    ----------
    params_ : BGNBDParameters
        Maximum-likelihood estimates of (r, alpha, a, b).
    log_likelihood_ : float
        Maximised log-likelihood.
    converged_ : bool
        Optimiser success, small gradient and no parameter on a bound.
    message_ : str
        Optimiser message, with the reason when not converged.
    n_iter_ : int
        L-BFGS-B iterations plus Newton polishing steps.
    gradient_norm_ : float
        Norm of the mean log-likelihood's gradient (log-parameters) at the estimate.
    covariance_log_, covariance_ : ndarray
        Parameter covariance on the log scale (inverse observed information) and on the natural
        scale (delta method).
    standard_errors_ : ndarray
        Natural-scale standard errors.
    fit_ : LogParameterFit
        All of the above in one object.
    n_ : float
        Total weight (customers).
    n_unique_ : int
        Distinct (frequency, recency, age) rows fitted.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
    """

    def __init__(self, *, gtol: float = 1e-9, max_iter: int = 2000) -> None:
        self.gtol = gtol
        self.max_iter = max_iter

    def fit(self, frequency: Any, recency: Any, age: Any, weights: Any = None,
            initial: BGNBDParameters | None = None) -> BGNBDFitter:
        """Fit to a repeat-purchase summary.

        Parameters
        ----------
        frequency, recency, age : array_like
            ``x``, ``t_x`` and ``T`` of each row (:func:`rfm.summarize_transactions`).
        weights : array_like, optional
            Customers per row (default 1); identical rows are merged anyway.
        initial : BGNBDParameters, optional
            Starting values (default r = a = b = 1 and alpha from the mean purchase rate).

        Returns
        -------
        BGNBDFitter
            ``self``, fitted.
        """
        x, t_x, age_ = (v.ravel() for v in check_summary(frequency, recency, age))
        w = np.ones_like(x) if weights is None else np.broadcast_to(np.asarray(weights, float), x.shape)
        if not (np.isfinite(w).all() and (w >= 0).all()) or w.sum() <= 0:
            raise ValueError("weights must be finite, >= 0 and not all zero")
        if x.size == 0:
            raise ValueError("cannot fit BG/NBD to an empty summary")
        first, inverse, _ = unique_rows(x, t_x, age_)
        w_merged = np.bincount(inverse, weights=w, minlength=first.size)
        keep = w_merged > 0
        x, t_x, age_, w_merged = x[first][keep], t_x[first][keep], age_[first][keep], w_merged[keep]
        if initial is None:
            rate = wsum(w_merged, x + 1) / max(wsum(w_merged, age_), 1e-12)
            initial = BGNBDParameters(r=1.0, alpha=1.0 / max(rate, 1e-12), a=1.0, b=1.0)
        fit = maximize_log_likelihood(
            _weighted_log_likelihood(x, t_x, age_, w_merged), initial.as_array(), PARAMETER_NAMES,
            total_weight=float(w_merged.sum()), gtol=self.gtol, max_iter=self.max_iter,
        )
        self.fit_: LogParameterFit = fit
        self.params_ = BGNBDParameters(*map(float, fit.values))
        self.log_likelihood_ = fit.log_likelihood
        self.converged_, self.message_ = fit.converged, fit.message
        self.n_iter_, self.gradient_norm_ = fit.n_iter, fit.gradient_norm
        self.covariance_log_, self.covariance_ = fit.covariance_log, fit.covariance
        self.standard_errors_ = fit.standard_errors
        self.n_, self.n_unique_ = float(w_merged.sum()), int(x.size)
        return self

    def estimates(self, confidence: float = 0.95) -> dict[str, Estimate]:
        """Fitted parameters as :class:`Estimate` objects with log-scale Wald intervals."""
        return self.fit_.estimates(confidence, n=int(round(self.n_)))
