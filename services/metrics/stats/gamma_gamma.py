"""Gamma-Gamma model of average transaction value (Colombo & Jiang 1999; Fader & Hardie 2013).

Each transaction of a customer is Gamma(shape p, rate nu); across customers nu ~ Gamma(shape q,
rate gamma). Only the ``x`` repeat transactions and their mean ``m`` enter the likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import digamma, gammaln, xlogy

from .estimate import Estimate
from .mle import LogParameterFit, maximize_log_likelihood
from .mle import weighted_sum as wsum
from .rfm import unique_rows

PARAMETER_NAMES = ("p", "q", "gamma")


@dataclass(frozen=True)
class GammaGammaParameters:
    """Gamma-Gamma parameters ``p`` (transaction shape), ``q`` and ``gamma`` (shape and rate of nu)."""

    p: float
    q: float
    gamma: float

    def as_array(self) -> np.ndarray:
        """The parameters as ``[p, q, gamma]``."""
        return np.array([self.p, self.q, self.gamma])


def check_spend(frequency: Any, monetary: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``(frequency, monetary)``: whole ``x >= 0``, finite ``m``, ``m > 0`` where ``x > 0``."""
    x, m = (np.asarray(v, dtype=float) for v in (frequency, monetary))
    try:
        x, m = np.broadcast_arrays(x, m)
    except ValueError:
        raise ValueError("frequency and monetary must have compatible shapes") from None
    if not (np.isfinite(x).all() and np.isfinite(m).all()):
        raise ValueError("frequency and monetary must be finite")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be a whole number >= 0")
    if (m[x > 0] <= 0).any():
        raise ValueError("monetary must be > 0 for customers with frequency > 0")
    return x, m


def gamma_gamma_log_likelihood(params: GammaGammaParameters, frequency: Any, monetary: Any) -> np.ndarray:
    """Log density of the mean ``m`` of ``x > 0`` transactions, Fader & Hardie (2013) eq. (4).

    ``lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln m + px ln x - (px+q) ln(gamma + m x)``
    """
    x, m = check_spend(frequency, monetary)
    if (x <= 0).any():
        raise ValueError("the Gamma-Gamma likelihood needs frequency > 0")
    p, q, g = params.as_array()
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * np.log(m)
            + px * np.log(x) - (px + q) * np.log(g + m * x))


def conditional_expected_spend(params: GammaGammaParameters, frequency: Any, monetary: Any) -> np.ndarray:
    """E[mean transaction value | x, m] = p (gamma + x m) / (p x + q - 1), Fader & Hardie (2013) eq. (5).

    For ``x = 0`` this is the population mean ``p gamma / (q - 1)``; it requires ``q > 1``.
    """
    x, m = check_spend(frequency, monetary)
    p, q, g = params.as_array()
    if q <= 1:
        raise ValueError("the expected spend is finite only for q > 1")
    return p * (g + x * np.where(x > 0, m, 0.0)) / (p * x + q - 1)


def _weighted_log_likelihood(x: np.ndarray, m: np.ndarray, w: np.ndarray):
    """Total log-likelihood and analytic gradient w.r.t. log-parameters on merged rows."""
    x_values, x_index = np.unique(x, return_inverse=True)
    w_x = np.bincount(x_index, weights=w)
    total = w.sum()
    log_m = np.log(m)
    # Terms linear in p: p * sum(w x (ln m + ln x)) - sum(w ln m); precomputed once.
    s_xlog = wsum(w, x * log_m + xlogy(x, x))
    s_logm = wsum(w, log_m)
    wx = w * x

    def log_likelihood(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, g = theta = np.exp(log_theta)
        pxu = p * x_values
        log_gmx = np.log(g + m * x)
        inv_gmx = 1.0 / (g + m * x)
        value = (wsum(w_x, gammaln(pxu + q) - gammaln(pxu)) + total * (q * np.log(g) - gammaln(q))
                 + p * s_xlog - s_logm - p * wsum(wx, log_gmx) - q * wsum(w, log_gmx))
        grad = np.array([
            wsum(w_x, x_values * (digamma(pxu + q) - digamma(pxu))) + s_xlog - wsum(wx, log_gmx),
            wsum(w_x, digamma(pxu + q)) - total * digamma(q) + total * np.log(g) - wsum(w, log_gmx),
            total * q / g - p * wsum(wx, inv_gmx) - q * wsum(w, inv_gmx),
        ])
        return float(value), grad * theta

    return log_likelihood


class GammaGammaFitter:
    """Maximum-likelihood fitter of the Gamma-Gamma spend model.

    Customers with ``frequency == 0`` carry no spend information and are ignored; identical
    ``(frequency, monetary)`` rows are merged. Optimisation and standard errors as in
    :func:`mle.maximize_log_likelihood`.

    Parameters
    ----------
    gtol : float
        Convergence threshold on the gradient norm of the mean log-likelihood.
    max_iter : int
        Iteration limit of L-BFGS-B.

    Attributes
    ----------
    params_ : GammaGammaParameters
        Maximum-likelihood estimates of (p, q, gamma).
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
        Customers with frequency > 0 (total weight).

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    Colombo, R. & Jiang, W. (1999). A stochastic RFM model. Journal of Interactive Marketing
    13(3), 2-12.
    """

    def __init__(self, *, gtol: float = 1e-9, max_iter: int = 2000) -> None:
        self.gtol = gtol
        self.max_iter = max_iter

    def fit(self, frequency: Any, monetary: Any, weights: Any = None,
            initial: GammaGammaParameters | None = None) -> GammaGammaFitter:
        """Fit to the repeat-purchase counts and mean repeat spend of each customer.

        Parameters
        ----------
        frequency, monetary : array_like
            ``x`` and the mean value ``m`` of the ``x`` repeat purchases; rows with ``x = 0``
            are ignored.
        weights : array_like, optional
            Customers per row (default 1).
        initial : GammaGammaParameters, optional
            Starting values (default p = q = 1 and gamma = mean of ``m``).

        Returns
        -------
        GammaGammaFitter
            ``self``, fitted.
        """
        x, m = (v.ravel() for v in check_spend(frequency, monetary))
        w = np.ones_like(x) if weights is None else np.broadcast_to(np.asarray(weights, float), x.shape)
        if not (np.isfinite(w).all() and (w >= 0).all()):
            raise ValueError("weights must be finite and >= 0")
        use = (x > 0) & (w > 0)
        if use.sum() < 2:
            raise ValueError("need at least two customers with frequency > 0")
        x, m, w = x[use], m[use], w[use]
        first, inverse, _ = unique_rows(x, m)
        w = np.bincount(inverse, weights=w, minlength=first.size)
        x, m = x[first], m[first]
        if initial is None:
            initial = GammaGammaParameters(p=1.0, q=1.0, gamma=float(np.average(m, weights=w)))
        fit = maximize_log_likelihood(
            _weighted_log_likelihood(x, m, w), initial.as_array(), PARAMETER_NAMES,
            total_weight=float(w.sum()), gtol=self.gtol, max_iter=self.max_iter,
        )
        self.fit_: LogParameterFit = fit
        self.params_ = GammaGammaParameters(*map(float, fit.values))
        self.log_likelihood_ = fit.log_likelihood
        self.converged_, self.message_ = fit.converged, fit.message
        self.n_iter_, self.gradient_norm_ = fit.n_iter, fit.gradient_norm
        self.covariance_log_, self.covariance_ = fit.covariance_log, fit.covariance
        self.standard_errors_ = fit.standard_errors
        self.n_ = float(w.sum())
        return self

    def estimates(self, confidence: float = 0.95) -> dict[str, Estimate]:
        """Fitted parameters as :class:`Estimate` objects with log-scale Wald intervals."""
        return self.fit_.estimates(confidence, n=int(round(self.n_)))
