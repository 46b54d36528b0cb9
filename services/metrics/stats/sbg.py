"""Shifted-beta-geometric (sBG) retention model (Fader & Hardie 2007, 2010).

Each customer churns at the end of any period with a fixed probability theta, and theta ~
Beta(alpha, beta) across customers. A customer "alive after t periods" has made t renewals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import betaln, digamma, expit, hyp2f1, logit
from scipy.stats import norm

from .estimate import Estimate, check_confidence
from .mle import LogParameterFit, maximize_log_likelihood
from .mle import weighted_sum as wsum
from .rfm import unique_rows

PARAMETER_NAMES = ("alpha", "beta")


@dataclass(frozen=True)
class SBGParameters:
    """sBG parameters: churn probability theta ~ Beta(alpha, beta)."""

    alpha: float
    beta: float

    def as_array(self) -> np.ndarray:
        """The parameters as ``[alpha, beta]``."""
        return np.array([self.alpha, self.beta])


def _periods(periods: Any, minimum: int = 0) -> np.ndarray:
    t = np.asarray(periods, dtype=float)
    if not np.isfinite(t).all() or (t < minimum).any() or (t != np.round(t)).any():
        raise ValueError(f"periods must be whole numbers >= {minimum}")
    return t


def survival(params: SBGParameters, periods: Any) -> np.ndarray:
    """S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta), Fader & Hardie (2007) eq. (7)."""
    t = _periods(periods)
    return np.exp(betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta))


def churn_probability(params: SBGParameters, periods: Any) -> np.ndarray:
    """P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) for t >= 1, F&H (2007) eq. (5)."""
    t = _periods(periods, minimum=1)
    return np.exp(betaln(params.alpha + 1, params.beta + t - 1) - betaln(params.alpha, params.beta))


def retention_rate(params: SBGParameters, periods: Any) -> np.ndarray:
    """r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1) for t >= 1, F&H (2007) eq. (8)."""
    t = _periods(periods, minimum=1)
    return (params.beta + t - 1) / (params.alpha + params.beta + t - 1)


def discounted_expected_residual_lifetime(params: SBGParameters, renewals: Any,
                                          discount_rate: float) -> np.ndarray:
    """DERL of a customer who has made ``renewals`` renewals, in payments (Fader & Hardie 2010).

    Counts the coming renewal payment undiscounted and each later one discounted by ``1/(1+d)``
    per period: ``(beta+n)/(alpha+beta+n) 2F1(1, beta+n+1; alpha+beta+n+1; 1/(1+d))``. This is
    F&H (2010) eq. (6) with their ``n`` (the renewal about to be decided) equal to
    ``renewals + 1``. The 2F1 argument is below 1 for ``d > 0`` and its series has positive
    terms, so scipy's evaluation is accurate there.
    """
    n = _periods(renewals)
    if not discount_rate > 0:
        raise ValueError("discount_rate must be > 0 (the undiscounted lifetime can be infinite)")
    a, b = params.alpha, params.beta
    return (b + n) / (a + b + n) * hyp2f1(1.0, b + n + 1, a + b + n + 1, 1.0 / (1.0 + discount_rate))


def _weighted_log_likelihood(t: np.ndarray, churned: np.ndarray, w: np.ndarray):
    """Total log-likelihood and gradient w.r.t. log-parameters on merged rows."""
    tc, wc = t[churned], w[churned]
    ts, ws = t[~churned], w[~churned]
    total = w.sum()

    def log_likelihood(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = theta = np.exp(log_theta)
        value = wsum(wc, betaln(a + 1, b + tc - 1)) + wsum(ws, betaln(a, b + ts)) - total * betaln(a, b)
        psi_c, psi_s, psi_ab = digamma(a + b + tc), digamma(a + b + ts), digamma(a + b)
        grad = np.array([
            wsum(wc, digamma(a + 1) - psi_c) + wsum(ws, digamma(a) - psi_s)
            - total * (digamma(a) - psi_ab),
            wsum(wc, digamma(b + tc - 1) - psi_c) + wsum(ws, digamma(b + ts) - psi_s)
            - total * (digamma(b) - psi_ab),
        ])
        return float(value), grad * theta

    return log_likelihood


@dataclass(frozen=True)
class RetentionProjection:
    """Projected survival and retention curves with pointwise delta-method intervals.

    ``survival[i]`` is S(periods[i]); ``retention[i]`` is r(periods[i]) (NaN at period 0).
    Intervals are built on the logit scale from the log-parameter covariance.
    """

    periods: np.ndarray
    survival: np.ndarray
    survival_low: np.ndarray
    survival_high: np.ndarray
    retention: np.ndarray
    retention_low: np.ndarray
    retention_high: np.ndarray
    confidence: float
    method: str = "delta_logit"


class SBGFitter:
    """Maximum-likelihood fitter of the shifted-beta-geometric model (Fader & Hardie 2007).

    Parameters
    ----------
    gtol : float
        Convergence threshold on the gradient norm of the mean log-likelihood.

    Attributes
    ----------
    params_ : SBGParameters
        Maximum-likelihood estimates of (alpha, beta).
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
        Number of customers (total weight).

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
    Interactive Marketing 21(1), 76-90.
    Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
    the perils of ignoring heterogeneity. Marketing Science 29(1), 85-93.
    """

    def __init__(self, *, gtol: float = 1e-10) -> None:
        self.gtol = gtol

    def fit(self, lifetimes: Any, churned: Any, weights: Any = None) -> SBGFitter:
        """Fit to per-customer lifetimes.

        Parameters
        ----------
        lifetimes : array_like of int
            The period in which the customer churned (``churned`` True; >= 1), or the number
            of renewals seen so far (``churned`` False: still active, censored; >= 0).
        churned : array_like of bool
            Whether the churn was observed.
        weights : array_like, optional
            Customers per row (default 1).

        Returns
        -------
        SBGFitter
            ``self``, fitted.
        """
        t = _periods(lifetimes).ravel()
        event = np.asarray(churned)
        if (event.shape != np.shape(lifetimes) or event.dtype.kind not in "bi"
                or ((event != 0) & (event != 1)).any()):
            raise ValueError("churned must be booleans (or 0/1) with the shape of lifetimes")
        event = event.astype(bool).ravel()
        if (t[event] < 1).any():
            raise ValueError("a churned customer's lifetime must be >= 1 period")
        w = np.ones_like(t) if weights is None else np.broadcast_to(np.asarray(weights, float), t.shape)
        w = w.ravel()
        if not (np.isfinite(w).all() and (w >= 0).all()) or not (w[event] > 0).any():
            raise ValueError("weights must be finite and >= 0, and some churn must be observed")
        first, inverse, _ = unique_rows(t, event.astype(float))
        w = np.bincount(inverse, weights=w, minlength=first.size)
        fit = maximize_log_likelihood(
            _weighted_log_likelihood(t[first], event[first], w), [1.0, 1.0], PARAMETER_NAMES,
            total_weight=float(w.sum()), gtol=self.gtol,
        )
        self.fit_: LogParameterFit = fit
        self.params_ = SBGParameters(*map(float, fit.values))
        self.log_likelihood_ = fit.log_likelihood
        self.converged_, self.message_ = fit.converged, fit.message
        self.n_iter_, self.gradient_norm_ = fit.n_iter, fit.gradient_norm
        self.covariance_log_, self.covariance_ = fit.covariance_log, fit.covariance
        self.standard_errors_ = fit.standard_errors
        self.n_ = float(w.sum())
        return self

    def fit_survivors(self, survivors: Any) -> SBGFitter:
        """Fit to a cohort's survivor counts ``[n_0, n_1, ..., n_k]`` (alive after 0..k renewals).

        ``n_{t-1} - n_t`` customers churned in period t and ``n_k`` are censored after k
        periods, as in Fader & Hardie (2007), Table 1.
        """
        s = np.asarray(survivors, dtype=float)
        if (s.ndim != 1 or s.size < 2 or not np.isfinite(s).all() or s[0] <= 0
                or (np.diff(s) > 0).any() or s[-1] < 0):
            raise ValueError("survivors must be a non-increasing sequence of >= 2 counts starting above 0")
        k = s.size - 1
        lifetimes = np.r_[np.arange(1, k + 1), k]
        churned = np.r_[np.ones(k, dtype=bool), False]
        return self.fit(lifetimes, churned, weights=np.r_[-np.diff(s), s[-1]])

    def estimates(self, confidence: float = 0.95) -> dict[str, Estimate]:
        """Fitted parameters as :class:`Estimate` objects with log-scale Wald intervals."""
        return self.fit_.estimates(confidence, n=int(round(self.n_)))

    def project(self, periods: Any, confidence: float = 0.95) -> RetentionProjection:
        """Survival S(t) and retention r(t) at ``periods`` with delta-method intervals (logit scale)."""
        z = norm.ppf(0.5 + check_confidence(confidence) / 2.0)
        t = _periods(periods).ravel()
        a, b = self.params_.alpha, self.params_.beta
        cov = self.covariance_log_
        s = survival(self.params_, t)
        # d log S / d (log alpha, log beta); logit S = log S - log(1 - S)
        dlog = np.stack([a * (digamma(a + b) - digamma(a + b + t)),
                         b * (digamma(b + t) - digamma(b) + digamma(a + b) - digamma(a + b + t))], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = dlog / (1 - s)[:, None]
            se = np.sqrt(np.einsum("ij,jk,ik->i", g, cov, g))
            s_low, s_high = (np.where(t > 0, expit(logit(s) + sign * z * se), 1.0) for sign in (-1, 1))
            rt = np.where(t >= 1, (b + t - 1) / (a + b + t - 1), np.nan)
            # logit r(t) = log(beta + t - 1) - log(alpha)
            gr = np.stack([-np.ones_like(t), b / (b + t - 1)], axis=1)
            se_r = np.sqrt(np.einsum("ij,jk,ik->i", gr, cov, gr))
            r_low, r_high = (expit(logit(rt) + sign * z * se_r) for sign in (-1, 1))
        return RetentionProjection(t, s, s_low, s_high, rt, r_low, r_high, confidence)

    def residual_lifetime(self, renewals: int, discount_rate: float, confidence: float = 0.95) -> Estimate:
        """DERL after ``renewals`` renewals, with a delta-method interval on the log scale."""
        return self._delta_log(lambda params: discounted_expected_residual_lifetime(params, renewals, discount_rate),
                               confidence, {"renewals": int(renewals), "discount_rate": float(discount_rate)})

    def residual_value(self, renewals: Any, weights: Any, discount_rate: float,
                       confidence: float = 0.95) -> Estimate:
        """``sum_i weights_i * DERL(renewals_i)``: the discounted value still to come from many
        contracts (weights: their recurring values), with a delta-method interval on the log scale.

        All contracts share the fitted parameters, so the total's uncertainty is not the sum of the
        contracts' own intervals (that would assume every gradient points the same way); the
        gradient of the total is taken instead, as ``residual_lifetime`` does for one contract.
        """
        n, w = _periods(renewals), np.asarray(weights, dtype=float)
        if n.shape != w.shape or not n.size or (w < 0).any() or not w.sum() > 0:
            raise ValueError("renewals and weights must be equally long, with positive weights")
        counts, inverse = np.unique(n, return_inverse=True)
        grouped = np.bincount(inverse, weights=w)
        return self._delta_log(lambda params: grouped @ discounted_expected_residual_lifetime(params, counts,
                                                                                            discount_rate),
                               confidence, {"contracts": int(n.size), "discount_rate": float(discount_rate)})

    def _delta_log(self, quantity, confidence: float, parts: dict) -> Estimate:
        """``quantity(params)`` at the estimate, with an interval from the delta method on its log,
        the gradient taken numerically over the log-parameters."""
        z = norm.ppf(0.5 + check_confidence(confidence) / 2.0)
        log_theta = np.log(self.params_.as_array())

        def log_quantity(lt: np.ndarray) -> float:
            return float(np.log(quantity(SBGParameters(*np.exp(lt)))))

        h = 1e-5
        grad = np.array([(log_quantity(log_theta + h * e) - log_quantity(log_theta - h * e)) / (2 * h)
                         for e in np.eye(2)])
        se = float(np.sqrt(grad @ self.covariance_log_ @ grad))
        value = float(np.exp(log_quantity(log_theta)))
        return Estimate(value=value, ci_low=value * float(np.exp(-z * se)), ci_high=value * float(np.exp(z * se)),
                        n=int(round(self.n_)), confidence=confidence, method="delta_log", parts=parts)
