"""Discounted customer lifetime value from BG/NBD purchases and Gamma-Gamma spend.

Formula (per customer, horizon ``H`` periods of one time unit each)::

    CLV = E[M | x, m] * P(alive | x, t_x, T) * sum_{k=1..H} delta**k * (G(k) - G(k-1))

where ``G(k)`` is the expected number of purchases in the next ``k`` periods given the
customer is alive (:func:`bgnbd_predict.alive_expected_purchases`), so ``P(alive) (G(k) -
G(k-1))`` is the incremental conditional expected purchases of FHL (2005) eq. (10) in period k,
``E[M | x, m]`` is the Gamma-Gamma expected spend (Fader & Hardie 2013 eq. 5), and purchases in
period k are discounted at its end: ``delta = (1 + annual_rate) ** (-days_per_unit / 365.25)``.
This follows the discrete-period CLV of Fader, Hardie & Lee (2005), "RFM and CLV: using
iso-value curves for customer base analysis", J. Marketing Research 42(4), 415-430.

Intervals propagate parameter uncertainty only: parameter vectors are drawn from the
asymptotic normal of the log-parameters (BG/NBD and Gamma-Gamma independent, as they are
fitted on separate likelihoods), every customer's CLV is recomputed per draw, and percentiles
are taken. The per-draw work is done once per distinct ``(x, t_x, T, m)`` row, and the
expensive discounted-purchases sum once per distinct ``(x, T)`` pair, in blocks of rows so
memory stays bounded (about 100 MB for 200 draws, whatever the number of customers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

from .bgnbd import BGNBDFitter, BGNBDParameters, check_summary
from .bgnbd_predict import discounted_alive_purchases, probability_alive
from .estimate import Estimate, check_confidence
from .gamma_gamma import GammaGammaFitter, GammaGammaParameters, check_spend, conditional_expected_spend
from .rfm import DAYS_PER_YEAR, time_unit_days, unique_rows

_BLOCK_ROWS = 8192  # distinct customer rows per block: 8192 x 201 draws x 8 B = 13 MB per array
_BLOCK_PAIRS = 4096  # distinct (x, T) pairs whose discounted purchases are held at once


@dataclass(frozen=True)
class ParameterDraws:
    """Point estimates and draws from the asymptotic normal of the log-parameters.

    ``purchase[j]`` is ``(r, alpha, a, b)`` and ``spend[j]`` is ``(p, q, gamma)`` of draw ``j``.
    ``redrawn`` counts spend draws with ``q <= 1`` (infinite mean spend) that were replaced.
    """

    purchase_point: BGNBDParameters
    spend_point: GammaGammaParameters
    purchase: np.ndarray
    spend: np.ndarray
    redrawn: int

    @property
    def n_draws(self) -> int:
        """Number of parameter draws."""
        return int(self.purchase.shape[0])


def draw_parameters(purchase_fit: BGNBDFitter, spend_fit: GammaGammaFitter, *, n_draws: int = 200,
                    rng: np.random.Generator) -> ParameterDraws:
    """Draw ``n_draws`` parameter vectors of both fitted models (log-normal, from the Hessians)."""
    if n_draws < 2:
        raise ValueError("n_draws must be at least 2")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    covs = (purchase_fit.covariance_log_, spend_fit.covariance_log_)
    if any(not np.isfinite(c).all() for c in covs):
        raise ValueError("a fit has no covariance (observed information not positive definite)")
    purchase = np.exp(rng.multivariate_normal(np.log(purchase_fit.params_.as_array()), covs[0], size=n_draws))
    spend = np.empty((0, 3))
    redrawn = 0
    for _ in range(100):
        batch = np.exp(rng.multivariate_normal(np.log(spend_fit.params_.as_array()), covs[1], size=n_draws))
        redrawn += int((batch[:, 1] <= 1).sum())
        spend = np.vstack([spend, batch[batch[:, 1] > 1]])[:n_draws]
        if spend.shape[0] == n_draws:
            break
    else:
        raise ValueError("q is too uncertain: most draws have q <= 1 (infinite mean spend)")
    return ParameterDraws(purchase_fit.params_, spend_fit.params_, purchase, spend, redrawn)


def discount_factor(annual_discount_rate: float, time_unit: str) -> float:
    """Per-period discount factor ``(1 + rate) ** (-days_per_unit / 365.25)``."""
    if not (np.isfinite(annual_discount_rate) and annual_discount_rate >= 0):
        raise ValueError("annual_discount_rate must be finite and >= 0")
    return float((1.0 + annual_discount_rate) ** (-time_unit_days(time_unit) / DAYS_PER_YEAR))


@dataclass(frozen=True)
class CustomerValues:
    """Per-customer CLV (at the point estimates) with percentile intervals over parameter draws.

    ``probability_alive``, ``discounted_purchases`` (given alive) and ``expected_spend`` are the
    three factors of ``value`` at the point estimates.
    """

    value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    probability_alive: np.ndarray
    discounted_purchases: np.ndarray
    expected_spend: np.ndarray
    confidence: float
    n_draws: int
    method: str = "parameter_draws_percentile"


@dataclass(frozen=True)
class SegmentValue:
    """Total and mean CLV of one segment; intervals from the same parameter draws."""

    total: Estimate
    mean: Estimate


def _validated(frequency: Any, recency: Any, age: Any, monetary: Any) -> tuple[np.ndarray, ...]:
    x, t_x, age_ = check_summary(frequency, recency, age)
    x2, m = check_spend(x, monetary)
    if m.shape != x.shape:
        raise ValueError("monetary must have the shape of frequency")
    return x.ravel(), t_x.ravel(), age_.ravel(), np.where(x2 > 0, m, 0.0).ravel()


def _value_blocks(draws: ParameterDraws, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, m: np.ndarray,
                  *, horizon: int, delta: float) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Yield ``(rows, values, point_factors)`` for blocks of distinct rows sorted by ``(x, age)``.

    ``values[:, 0]`` is the CLV at the point estimates and ``values[:, 1 + j]`` at draw ``j``;
    ``point_factors`` holds P(alive), discounted purchases and expected spend at the point
    estimates. The discounted-purchases sum is computed once per distinct ``(x, age)`` pair.
    """
    purchase = np.vstack([draws.purchase_point.as_array(), draws.purchase])
    spend = np.vstack([draws.spend_point.as_array(), draws.spend])
    r, alpha, a, b = (col[None, :] for col in purchase.T)
    g, shift = spend[None, :, 2], ((spend[:, 1] - 1) / spend[:, 0])[None, :]  # E[M] = (g + x m) / (x + shift)
    new_pair = np.r_[True, (x[1:] != x[:-1]) | (age[1:] != age[:-1])]
    pair_start, pair_id = np.flatnonzero(new_pair), np.cumsum(new_pair) - 1
    pair_end = np.r_[pair_start[1:], x.size]
    for p0 in range(0, pair_start.size, _BLOCK_PAIRS):
        p1 = min(p0 + _BLOCK_PAIRS, pair_start.size)
        px, page = x[pair_start[p0:p1]], age[pair_start[p0:p1]]
        discounted = np.empty((p1 - p0, purchase.shape[0]))
        for j, theta in enumerate(purchase):
            discounted[:, j] = discounted_alive_purchases(
                BGNBDParameters(*theta), px, page, horizon=horizon, discount_factor=delta)
        # log-odds of "alive" without the t_x term: (r+x) ln(alpha+T) + ln a - ln(b+x-1), per pair
        pair_logit = (r + px[:, None]) * np.log(alpha + page[:, None]) + np.log(a)
        pair_logit -= np.log(np.where(px[:, None] > 0, b + px[:, None] - 1, 1.0))
        for start in range(pair_start[p0], pair_end[p1 - 1], _BLOCK_ROWS):
            rows = slice(start, min(start + _BLOCK_ROWS, pair_end[p1 - 1]))
            bx, btx = x[rows], t_x[rows]
            # Rows are sorted by (x, T, t_x, m): P(alive) is computed once per (x, T, t_x) run.
            bage = age[rows]
            new_run = np.r_[True, (bx[1:] != bx[:-1]) | (bage[1:] != bage[:-1]) | (btx[1:] != btx[:-1])]
            run = np.cumsum(new_run) - 1
            run_rows = np.flatnonzero(new_run)
            run_pair = pair_id[rows][run_rows] - p0
            rx = bx[run_rows, None]
            # P(alive) = expit(-d), d = pair_logit - (r + x) ln(alpha + t_x): FHL (2005) eq. (11)
            alive = np.log(alpha + btx[run_rows, None])
            alive *= r + rx
            alive -= pair_logit[run_pair]
            expit(alive, out=alive)
            alive[rx[:, 0] == 0] = 1.0
            # value = alive * discounted * (g + x m) / (x + shift); all but (g + x m) per run
            per_run = discounted[run_pair] * alive / (rx + shift)
            spend_total = g + bx[:, None] * m[rows, None]
            values = per_run[run]
            values *= spend_total
            factors = np.stack([alive[run, 0], discounted[run_pair[run], 0],
                                spend_total[:, 0] / (bx + shift[0, 0])])
            yield rows, values, factors


def expected_lifetime_value(
    purchase_params: BGNBDParameters, spend_params: GammaGammaParameters, frequency: Any, recency: Any,
    age: Any, monetary: Any, *, horizon: int, annual_discount_rate: float, time_unit: str,
) -> np.ndarray:
    """Discounted CLV of each customer at given parameters, without an interval (formula above)."""
    x, t_x, age_, m = _validated(frequency, recency, age, monetary)
    horizon, delta = _horizon(horizon), discount_factor(annual_discount_rate, time_unit)
    first, inverse, _ = unique_rows(x, age_)
    discounted = discounted_alive_purchases(purchase_params, x[first], age_[first], horizon=horizon,
                                            discount_factor=delta)[inverse]
    return (probability_alive(purchase_params, x, t_x, age_) * discounted
            * conditional_expected_spend(spend_params, x, m))


def customer_lifetime_value(
    draws: ParameterDraws, frequency: Any, recency: Any, age: Any, monetary: Any, *,
    horizon: int, annual_discount_rate: float, time_unit: str, confidence: float = 0.95,
) -> CustomerValues:
    """Discounted CLV of each customer over ``horizon`` time units, with parameter-uncertainty intervals.

    Parameters
    ----------
    draws : ParameterDraws
        From :func:`draw_parameters`.
    frequency, recency, age, monetary : array_like
        Repeat-purchase summary (:func:`rfm.summarize_transactions`) in ``time_unit``.
    horizon : int
        Number of future periods (time units).
    annual_discount_rate : float
        For example 0.10; converted to a per-period factor (:func:`discount_factor`).
    time_unit : {"day", "week", "month"}
        Unit of ``recency``, ``age`` and ``horizon`` (that of the fit).
    confidence : float
        Coverage of the percentile interval over the draws.

    Returns
    -------
    CustomerValues
    """
    level = check_confidence(confidence)
    x, t_x, age_, m = _validated(frequency, recency, age, monetary)
    horizon, delta = _horizon(horizon), discount_factor(annual_discount_rate, time_unit)
    first, inverse, _ = unique_rows(x, age_, t_x, m)
    out = np.empty((6, first.size))  # value, ci_low, ci_high, alive, discounted, spend
    quantiles = [50 * (1 - level), 50 * (1 + level)]
    for rows, block, factors in _value_blocks(draws, x[first], t_x[first], age_[first], m[first],
                                              horizon=horizon, delta=delta):
        out[0, rows] = block[:, 0]
        out[1:3, rows] = np.percentile(block[:, 1:], quantiles, axis=1)
        out[3:, rows] = factors
    value, low, high, alive, discounted, spend = out[:, inverse]
    return CustomerValues(value, low, high, alive, discounted, spend, level, draws.n_draws)


def _horizon(horizon: Any) -> int:
    if int(horizon) != horizon or horizon < 1:
        raise ValueError("horizon must be a whole number of periods >= 1")
    return int(horizon)


def segment_lifetime_value(
    draws: ParameterDraws, frequency: Any, recency: Any, age: Any, monetary: Any, *,
    horizon: int, annual_discount_rate: float, time_unit: str, segments: Any = None,
    confidence: float = 0.95,
) -> dict[Any, SegmentValue]:
    """Total and mean CLV per segment (all customers when ``segments`` is None, key ``None``).

    The interval of a total is the percentile interval of the per-draw totals, so it carries
    the correlation of all customers' values through the shared parameters (summing customer
    intervals would be wrong). Only parameter uncertainty is reflected, not the randomness of
    future purchases.
    """
    level = check_confidence(confidence)
    x, t_x, age_, m = _validated(frequency, recency, age, monetary)
    delta = discount_factor(annual_discount_rate, time_unit)
    if segments is None:
        labels, codes = np.array([None], dtype=object), np.zeros(x.size, dtype=np.int64)
    else:
        seg = np.asarray(segments).ravel()
        if seg.shape != x.shape:
            raise ValueError("segments must have one label per customer")
        labels, codes = np.unique(seg, return_inverse=True)
    horizon = _horizon(horizon)
    totals = np.zeros((labels.size, draws.n_draws + 1))
    first, _, counts = unique_rows(x, age_, t_x, m, codes)
    row_codes = codes[first]
    for rows, block, _ in _value_blocks(draws, x[first], t_x[first], age_[first], m[first],
                                        horizon=horizon, delta=delta):
        np.add.at(totals, row_codes[rows], counts[rows, None] * block)
    sizes = np.bincount(codes, minlength=labels.size)
    q = [50 * (1 - level), 50 * (1 + level)]
    out = {}
    for label, size, row in zip(labels, sizes, totals, strict=True):
        low, high = np.percentile(row[1:], q)
        common: dict[str, Any] = {"n": int(size), "confidence": level, "method": "parameter_draws_percentile"}
        out[label] = SegmentValue(
            total=Estimate(float(row[0]), float(low), float(high), **common),
            mean=Estimate(float(row[0] / size), float(low / size), float(high / size), **common),
        )
    return out
