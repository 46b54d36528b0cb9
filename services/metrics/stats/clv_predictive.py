"""Predictive spread of ONE customer's future purchases and discounted spend (BG/NBD x Gamma-Gamma).

The CLV interval of :mod:`clv` says how sure the model is of the *average* value of customers with
this history (parameter uncertainty only). This module gives where this one customer's own future
may land: it simulates paths from the models' posterior predictive distribution.

Model, for a customer with repeat-purchase summary ``(x, t_x, T)`` and mean repeat spend ``m``, per
simulated path (Fader, Hardie & Lee 2005, "Counting your customers" the easy way, Marketing Science
24(2), 275-284; Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"):

1. parameters: one of the parameter draws (so parameter uncertainty is included), or the point
   estimates alone;
2. alive at ``T`` ~ Bernoulli(P(alive | x, t_x, T)), FHL (2005) eq. (11);
3. given alive, the posterior of the latent traits: purchase rate ``lambda ~ Gamma(shape r + x,
   rate alpha + T)`` and dropout ``p ~ Beta(a, b + x)``;
4. purchases in ``(T, T + H]`` follow a Poisson process of rate ``lambda``; after each purchase the
   customer drops out with probability ``p``. So the count is ``K = min(N, G)`` with
   ``N ~ Poisson(lambda H)`` and ``G ~ Geometric(p)`` on 1, 2, ..., and the purchases are the K
   earliest of the N points. Their times are drawn as the first K order statistics of N uniforms
   on ``(0, H]`` from exponential spacings: ``U_k = H C_k / (C_K + R)``, ``C_k`` the sum of k
   standard exponentials and ``R ~ Gamma(N + 1 - K)`` the rest of the ``N + 1`` spacings;
5. spend: ``nu ~ Gamma(shape p_gg x + q, rate gamma + x m)`` (the Gamma-Gamma posterior; for
   ``x = 0`` the prior ``Gamma(q, gamma)``), each purchase ``z ~ Gamma(shape p_gg, rate nu)``;
6. a purchase at time ``u`` is discounted at the end of its period, ``delta ** ceil(u)``, as
   :func:`clv.expected_lifetime_value` does, so the mean over paths with the point estimates is
   that expectation (and the mean count is FHL eq. 10).

Bounded work: the paths are simulated in blocks of at most ``BLOCK_PURCHASES`` purchases (about
40 MB of temporaries). When the paths hold more than ``max_purchases`` purchases in all (very heavy
buyers over long horizons), only the first ``floor(n_paths * max_purchases / total)`` paths are
kept (at least ``MIN_PATHS``); the paths are exchangeable, so this subsample stays unbiased and
the reply says how many paths were used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .bgnbd import BGNBDParameters, check_summary
from .bgnbd_predict import probability_alive
from .clv import ParameterDraws, discount_factor
from .estimate import check_confidence
from .gamma_gamma import GammaGammaParameters, check_spend

QUANTILE_LEVELS = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
DEFAULT_PATHS = 10_000
DEFAULT_MAX_PURCHASES = 5_000_000  # about one second of simulation on one core
BLOCK_PURCHASES = 1_000_000
MIN_PATHS = 100
METHOD = "posterior_predictive_simulation"


@dataclass(frozen=True)
class FutureSamples:
    """Simulated futures of one customer: purchases and discounted spend per path."""

    purchases: np.ndarray
    value: np.ndarray
    horizon: int
    parameter_uncertainty: bool


@dataclass(frozen=True)
class PredictiveSummary:
    """Mean, P(zero), quantiles (``QUANTILE_LEVELS``) and a central interval of one future quantity."""

    mean: float
    probability_zero: float
    quantiles: dict[float, float]
    ci_low: float
    ci_high: float
    confidence: float


@dataclass(frozen=True)
class CustomerPredictive:
    """The predictive spread of one customer's future purchases and discounted spend."""

    purchases: PredictiveSummary
    value: PredictiveSummary
    paths: int
    horizon: int
    parameter_uncertainty: bool
    method: str = METHOD


def _parameter_rows(parameters: ParameterDraws | tuple[BGNBDParameters, GammaGammaParameters]
                    ) -> tuple[np.ndarray, np.ndarray, bool]:
    if isinstance(parameters, ParameterDraws):
        return parameters.purchase, parameters.spend, True
    purchase, spend = parameters
    if not isinstance(purchase, BGNBDParameters) or not isinstance(spend, GammaGammaParameters):
        raise ValueError("parameters must be ParameterDraws or (BGNBDParameters, GammaGammaParameters)")
    return purchase.as_array()[None, :], spend.as_array()[None, :], False


def _one_customer(frequency: Any, recency: Any, age: Any, monetary: Any) -> tuple[float, float, float, float]:
    x, t_x, age_ = check_summary(frequency, recency, age)
    x2, m = check_spend(x, monetary)
    if x.size != 1 or m.size != 1:
        raise ValueError("the predictive spread is for one customer: give scalars")
    return float(x.ravel()[0]), float(t_x.ravel()[0]), float(age_.ravel()[0]), float(m.ravel()[0])


def simulate_future(
    parameters: ParameterDraws | tuple[BGNBDParameters, GammaGammaParameters],
    frequency: Any, recency: Any, age: Any, monetary: Any, *, horizon: int, annual_discount_rate: float,
    time_unit: str, rng: np.random.Generator, n_paths: int = DEFAULT_PATHS,
    max_purchases: int = DEFAULT_MAX_PURCHASES,
) -> FutureSamples:
    """Simulate one customer's purchases and discounted spend over ``horizon`` periods (model above).

    Parameters
    ----------
    parameters : ParameterDraws or (BGNBDParameters, GammaGammaParameters)
        Parameter draws (each path picks one at random: parameter uncertainty included), or the
        point estimates alone (for validation against the closed-form expectations).
    frequency, recency, age, monetary : float
        The customer's repeat purchases ``x``, recency ``t_x``, age ``T`` (in ``time_unit``) and
        mean repeat spend ``m`` (ignored when ``x = 0``).
    horizon : int
        Number of future periods.
    annual_discount_rate : float
        Converted to a per-period factor by :func:`clv.discount_factor`.
    time_unit : {"day", "week", "month"}
    rng : numpy.random.Generator
    n_paths : int
        Number of simulated futures.
    max_purchases : int
        Work budget: total simulated purchases kept (see the module docstring).

    Returns
    -------
    FutureSamples
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    if int(n_paths) != n_paths or n_paths < MIN_PATHS:
        raise ValueError(f"n_paths must be a whole number >= {MIN_PATHS}")
    if int(horizon) != horizon or horizon < 1:
        raise ValueError("horizon must be a whole number of periods >= 1")
    if int(max_purchases) != max_purchases or max_purchases < 1:
        raise ValueError("max_purchases must be a whole number >= 1")
    x, t_x, age_, m = _one_customer(frequency, recency, age, monetary)
    delta = discount_factor(annual_discount_rate, time_unit)
    purchase, spend, uncertain = _parameter_rows(parameters)
    n_paths, horizon = int(n_paths), int(horizon)
    pick = rng.integers(purchase.shape[0], size=n_paths)
    alive_by_row = np.array([probability_alive(BGNBDParameters(*row), x, t_x, age_)[()] for row in purchase])
    r, alpha, a, b = purchase[pick].T
    alive = rng.random(n_paths) < alive_by_row[pick]
    rate = rng.gamma(r + x, 1.0 / (alpha + age_))
    dropout = np.maximum(rng.beta(a, b + x), 1e-12)  # geometric() refuses p = 0 (underflow of tiny a)
    points = rng.poisson(rate * horizon)  # N: points of the purchase process in (T, T + H]
    count = np.where(alive, np.minimum(points, rng.geometric(dropout)), 0).astype(np.int64)
    total = int(count.sum())
    if total > max_purchases:  # keep the first paths; exchangeable, so the subsample is unbiased
        n_paths = min(n_paths, max(MIN_PATHS, int(n_paths * max_purchases / total)))
    p_gg, q, gamma = spend[pick[:n_paths]].T
    nu = rng.gamma(p_gg * x + q, 1.0 / (gamma + x * m))  # Gamma-Gamma posterior of the spend rate
    value = np.zeros(n_paths)
    for start, stop in _blocks(count[:n_paths]):
        value[start:stop] = _discounted_spend(count[start:stop], points[start:stop], p_gg[start:stop],
                                              nu[start:stop], horizon=horizon, delta=delta, rng=rng)
    return FutureSamples(count[:n_paths], value, horizon, uncertain)


def _blocks(count: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive path ranges holding at most ``BLOCK_PURCHASES`` purchases (or one path)."""
    ends = np.cumsum(count)
    blocks, start = [], 0
    while start < count.size:
        limit = (ends[start - 1] if start else 0) + BLOCK_PURCHASES
        stop = max(start + 1, int(np.searchsorted(ends, limit, side="right")))
        blocks.append((start, stop))
        start = stop
    return blocks


def _discounted_spend(count: np.ndarray, points: np.ndarray, p_gg: np.ndarray, nu: np.ndarray, *,
                      horizon: int, delta: float, rng: np.random.Generator) -> np.ndarray:
    """Sum over each path's purchases of ``delta ** ceil(u) * z`` (times from exponential spacings)."""
    path = np.repeat(np.arange(count.size), count)
    if path.size == 0:
        return np.zeros(count.size)
    spacings = rng.exponential(size=path.size)
    running = np.cumsum(spacings)
    first = np.cumsum(count) - count  # index of each path's first purchase
    has = count > 0
    before = np.zeros(count.size)
    before[has] = running[first[has]] - spacings[first[has]]
    running -= before[path]  # C_k within each path
    last = np.zeros(count.size)
    last[has] = running[first[has] + count[has] - 1]  # C_K
    rest = np.zeros(count.size)
    rest[has] = rng.gamma(points[has] + 1 - count[has])  # R: the other N + 1 - K spacings
    times = horizon * running / (last + rest)[path]
    periods = np.clip(np.ceil(times), 1, horizon)
    amounts = rng.gamma(p_gg[path], 1.0 / nu[path])
    return np.bincount(path, weights=delta ** periods * amounts, minlength=count.size)


def _summary(samples: np.ndarray, confidence: float,
             method: Literal["inverted_cdf", "linear"]) -> PredictiveSummary:
    levels = [*QUANTILE_LEVELS, (1 - confidence) / 2, (1 + confidence) / 2]
    found = np.quantile(samples, levels, method=method)
    return PredictiveSummary(mean=float(samples.mean()), probability_zero=float((samples == 0).mean()),
                             quantiles={level: float(v) for level, v in zip(QUANTILE_LEVELS, found, strict=False)},
                             ci_low=float(found[-2]), ci_high=float(found[-1]), confidence=confidence)


def summarize_future(samples: FutureSamples, confidence: float = 0.95) -> CustomerPredictive:
    """Mean, P(zero), quantiles and central ``confidence`` interval of purchases and discounted spend.

    Quantiles of the purchase count are values the count takes (inverted CDF); those of the spend
    are interpolated. With a mass at zero the central interval holds at least ``confidence``.
    """
    level = check_confidence(confidence)
    return CustomerPredictive(
        purchases=_summary(samples.purchases, level, "inverted_cdf"),
        value=_summary(samples.value, level, "linear"),
        paths=int(samples.value.size), horizon=samples.horizon,
        parameter_uncertainty=samples.parameter_uncertainty)


def predictive_lifetime_value(
    parameters: ParameterDraws | tuple[BGNBDParameters, GammaGammaParameters],
    frequency: Any, recency: Any, age: Any, monetary: Any, *, horizon: int, annual_discount_rate: float,
    time_unit: str, rng: np.random.Generator, confidence: float = 0.95, n_paths: int = DEFAULT_PATHS,
    max_purchases: int = DEFAULT_MAX_PURCHASES,
) -> CustomerPredictive:
    """:func:`simulate_future` then :func:`summarize_future`: one customer's predictive spread."""
    check_confidence(confidence)
    samples = simulate_future(parameters, frequency, recency, age, monetary, horizon=horizon,
                              annual_discount_rate=annual_discount_rate, time_unit=time_unit, rng=rng,
                              n_paths=n_paths, max_purchases=max_purchases)
    return summarize_future(samples, confidence)
