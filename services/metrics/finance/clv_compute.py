"""CLV computations on a customer base: fit both models, point values, draws, intervals.

This wraps the pure models in ``services.metrics.stats`` with what the API needs: parameters
as stored JSON, draws rebuilt from a stored fit with a seed derived from its id (so a customer's
interval is the same on every page and every call), and the per-customer factors with intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from services.metrics.stats.bgnbd import BGNBDFitter, BGNBDParameters
from services.metrics.stats.bgnbd_predict import (
    alive_expected_purchases,
    discounted_alive_purchases,
    frequency_check,
    probability_alive,
)
from services.metrics.stats.clv import ParameterDraws, customer_lifetime_value, discount_factor, draw_parameters
from services.metrics.stats.gamma_gamma import GammaGammaFitter, GammaGammaParameters, conditional_expected_spend
from services.metrics.stats.rfm import unique_rows

DEFAULT_HORIZON = {"day": 365, "week": 52, "month": 12}
PURCHASE_NAMES = ("r", "alpha", "a", "b")
SPEND_NAMES = ("p", "q", "gamma")
# The spend functions need m > 0 for repeat buyers; a customer whose repeat purchases were all free
# (mean 0) is left out of the Gamma-Gamma fit and predicted with this stand-in mean.
FREE_SPEND = 1e-9


@dataclass(frozen=True)
class StoredModel:
    """What ``draw_parameters`` reads from a fitter, rebuilt from a stored fit."""

    params_: Any
    covariance_log_: np.ndarray


def spend_input(frequency: np.ndarray, monetary: np.ndarray) -> np.ndarray:
    """Monetary values the spend functions accept (see ``FREE_SPEND``)."""
    return np.where((frequency > 0) & (monetary <= 0), FREE_SPEND, monetary)


def _finite(values) -> list:
    return [float(v) if np.isfinite(v) else None for v in np.ravel(values)]


def _diagnostics(fitter, customers: int) -> dict:
    return {"converged": bool(fitter.converged_), "message": fitter.message_, "iterations": int(fitter.n_iter_),
            "gradient_norm": float(fitter.gradient_norm_), "log_likelihood": float(fitter.log_likelihood_),
            "customers": customers}


def fit_models(frequency: np.ndarray, recency: np.ndarray, age: np.ndarray, monetary: np.ndarray) -> dict:
    """Fit BG/NBD and Gamma-Gamma by maximum likelihood; the JSON-ready result (raises ValueError)."""
    purchase = BGNBDFitter().fit(frequency, recency, age)
    paying = (frequency > 0) & (monetary > 0)
    spend = GammaGammaFitter().fit(frequency[paying], monetary[paying])
    check = frequency_check(purchase.params_, frequency, age)
    names = PURCHASE_NAMES + SPEND_NAMES
    return {
        "params": dict(zip(names, map(float, np.r_[purchase.params_.as_array(), spend.params_.as_array()]), strict=False)),
        "standard_errors": dict(zip(names, _finite(np.r_[purchase.standard_errors_, spend.standard_errors_]), strict=False)),
        "log_likelihood": {"purchase": float(purchase.log_likelihood_), "spend": float(spend.log_likelihood_)},
        "diagnostics": {"purchase": _diagnostics(purchase, int(frequency.size)),
                        "spend": _diagnostics(spend, int(paying.sum()))},
        "covariance_log": {"purchase": np.asarray(purchase.covariance_log_).tolist(),
                           "spend": np.asarray(spend.covariance_log_).tolist()},
        "covariance": {"purchase": np.asarray(purchase.covariance_).tolist(),
                       "spend": np.asarray(spend.covariance_).tolist()},
        "calibration": [{"repeat_purchases": label, "actual": int(a), "expected": float(e)}
                        for label, a, e in zip(check.labels, check.actual, check.expected, strict=False)],
        "converged": bool(purchase.converged_ and spend.converged_),
        "convergence_message": "; ".join(f"{model}: {fit.message_}" for model, fit in
                                         (("BG/NBD", purchase), ("Gamma-Gamma", spend)) if not fit.converged_),
    }


def stored_parameters(result: dict) -> tuple[BGNBDParameters, GammaGammaParameters]:
    """The point estimates of a stored fit."""
    params = result["params"]
    return (BGNBDParameters(*(params[n] for n in PURCHASE_NAMES)),
            GammaGammaParameters(*(params[n] for n in SPEND_NAMES)))


def stored_draws(result: dict, *, seed: int, n_draws: int) -> ParameterDraws:
    """Parameter draws of a stored fit, reproducible from ``seed`` (raises ValueError without covariance)."""
    purchase, spend = stored_parameters(result)
    covariance = result["covariance_log"]
    return draw_parameters(StoredModel(purchase, np.array(covariance["purchase"], dtype=float)),
                           StoredModel(spend, np.array(covariance["spend"], dtype=float)),
                           n_draws=n_draws, rng=np.random.default_rng(seed))


def point_values(result: dict, frequency, recency, age, monetary, *, horizon: int, annual_discount_rate: float,
                 time_unit: str) -> dict[str, np.ndarray]:
    """P(alive), expected purchases and spend, and discounted CLV of each customer at the estimates."""
    purchase, spend = stored_parameters(result)
    delta = discount_factor(annual_discount_rate, time_unit)
    alive = probability_alive(purchase, frequency, recency, age)
    first, inverse, _ = unique_rows(np.asarray(frequency, float), np.asarray(age, float))
    x_pair, age_pair = np.asarray(frequency, float)[first], np.asarray(age, float)[first]
    discounted = discounted_alive_purchases(purchase, x_pair, age_pair, horizon=horizon, discount_factor=delta)
    expected = alive_expected_purchases(purchase, horizon, x_pair, age_pair)
    spend_mean = conditional_expected_spend(spend, frequency, spend_input(frequency, monetary))
    return {"probability_alive": alive, "expected_purchases": alive * expected[inverse],
            "expected_spend": spend_mean, "clv": alive * discounted[inverse] * spend_mean}


def intervals(draws: ParameterDraws, frequency, recency, age, monetary, *, horizon: int,
              annual_discount_rate: float, time_unit: str, confidence: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals over parameter draws of the four per-customer quantities (a page at a time)."""
    m = spend_input(frequency, monetary)
    values = customer_lifetime_value(draws, frequency, recency, age, m, horizon=horizon,
                                     annual_discount_rate=annual_discount_rate, time_unit=time_unit,
                                     confidence=confidence)
    n = np.size(frequency)
    alive, expected, spend = (np.empty((draws.n_draws, n)) for _ in range(3))
    for j in range(draws.n_draws):
        purchase = BGNBDParameters(*draws.purchase[j])
        alive[j] = probability_alive(purchase, frequency, recency, age)
        expected[j] = alive[j] * alive_expected_purchases(purchase, horizon, frequency, age)
        spend[j] = conditional_expected_spend(GammaGammaParameters(*draws.spend[j]), frequency, m)
    q = [50 * (1 - confidence), 50 * (1 + confidence)]
    out = {name: tuple(np.percentile(samples, q, axis=0))
           for name, samples in (("probability_alive", alive), ("expected_purchases", expected),
                                 ("expected_spend", spend))}
    out["clv"] = (values.ci_low, values.ci_high)
    return out
