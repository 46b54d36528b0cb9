"""One customer's predictive spread: means against the closed forms, P(no purchase), coverage by simulation.

Monte Carlo tolerances are four simulated standard errors (a false failure about once in 16,000
runs at a fixed seed that passes, never by chance on a later run: the seeds are fixed).
"""

from __future__ import annotations

import numpy as np
import pytest

from services.metrics.stats import clv_predictive
from services.metrics.stats.bgnbd import BGNBDParameters
from services.metrics.stats.bgnbd_predict import conditional_expected_purchases, probability_alive
from services.metrics.stats.clv import (
    ParameterDraws,
    customer_lifetime_value,
    discount_factor,
    draw_parameters,
    expected_lifetime_value,
)
from services.metrics.stats.clv_predictive import predictive_lifetime_value, simulate_future, summarize_future
from services.metrics.stats.customer_simulation import simulate_bgnbd
from services.metrics.stats.gamma_gamma import GammaGammaParameters
from tests.metrics.stats._cdnow import cdnow_fits

# CDNOW-like parameters: FHL (2005) BG/NBD and Fader & Hardie (2013) Gamma-Gamma, weeks
PURCHASE = BGNBDParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
SPEND = GammaGammaParameters(p=6.25, q=3.74, gamma=15.44)
WEEKLY = dict(horizon=52, annual_discount_rate=0.10, time_unit="week")
PROFILES = [  # (x, t_x, T, m): new, FHL's example customer, regular, heavy, long quiet
    (0, 0.0, 38.0, 0.0), (2, 30.43, 38.86, 22.35), (7, 35.0, 38.0, 40.0), (20, 37.0, 39.0, 60.0),
    (5, 5.0, 38.0, 30.0),
]


def _within(samples: np.ndarray, expected: float, ses: float = 4.0) -> None:
    se = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - expected) < ses * se + 1e-12, (samples.mean(), expected, se)


@pytest.mark.parametrize("profile", PROFILES)
def test_point_means_equal_the_closed_form_expectations(profile):
    x, t_x, age, m = profile
    future = simulate_future((PURCHASE, SPEND), x, t_x, age, m, rng=np.random.default_rng(20050),
                             n_paths=40_000, **WEEKLY)
    purchases = float(np.ravel(conditional_expected_purchases(PURCHASE, 52, x, t_x, age))[0])
    value = float(np.ravel(expected_lifetime_value(PURCHASE, SPEND, x, t_x, age, m, **WEEKLY))[0])
    _within(future.purchases, purchases)
    _within(future.value, value)
    assert future.purchases.dtype.kind == "i" and (future.value >= 0).all()
    assert not future.parameter_uncertainty


def test_mean_with_parameter_draws_is_the_mean_of_the_closed_form_over_the_draws():
    draws = draw_parameters(*cdnow_fits(), n_draws=40, rng=np.random.default_rng(3))
    x, t_x, age, m = PROFILES[2]
    future = simulate_future(draws, x, t_x, age, m, rng=np.random.default_rng(4), n_paths=40_000, **WEEKLY)
    each = [float(np.ravel(expected_lifetime_value(BGNBDParameters(*bg), GammaGammaParameters(*gg),
                                                   x, t_x, age, m, **WEEKLY))[0])
            for bg, gg in zip(draws.purchase, draws.spend, strict=True)]
    _within(future.value, float(np.mean(each)))
    assert future.parameter_uncertainty


@pytest.mark.parametrize("age", [0.0, 10.0, 38.0])
def test_no_purchase_probability_of_a_customer_without_repeat_purchases(age):
    # x = 0: alive for sure, lambda ~ Gamma(r, alpha + T); dropout only follows a purchase, so
    # P(no purchase in H) = E[exp(-lambda H)] = ((alpha + T) / (alpha + T + H)) ** r
    r, alpha = PURCHASE.r, PURCHASE.alpha
    exact = ((alpha + age) / (alpha + age + 52)) ** r
    reply = predictive_lifetime_value((PURCHASE, SPEND), 0, 0.0, age, 0.0, rng=np.random.default_rng(5),
                                      n_paths=40_000, **WEEKLY)
    se = np.sqrt(exact * (1 - exact) / 40_000)
    assert abs(reply.purchases.probability_zero - exact) < 4 * se
    assert reply.value.probability_zero == reply.purchases.probability_zero  # spend > 0 per purchase


def test_no_purchase_probability_of_a_repeat_customer():
    # dead with 1 - P(alive); alive: no Poisson point in H, E[exp(-lambda H)] under Gamma(r + x, alpha + T)
    x, t_x, age, m = PROFILES[1]
    alive = float(np.ravel(probability_alive(PURCHASE, x, t_x, age))[0])
    exact = 1 - alive + alive * ((PURCHASE.alpha + age) / (PURCHASE.alpha + age + 52)) ** (PURCHASE.r + x)
    reply = predictive_lifetime_value((PURCHASE, SPEND), x, t_x, age, m, rng=np.random.default_rng(6),
                                      n_paths=40_000, **WEEKLY)
    assert abs(reply.purchases.probability_zero - exact) < 4 * np.sqrt(exact * (1 - exact) / 40_000)


def test_predictive_interval_is_wider_than_the_parameter_interval():
    fits = cdnow_fits()
    draws = draw_parameters(*fits, n_draws=200, rng=np.random.default_rng(7))
    x, t_x, age, m = PROFILES[2]
    parameter = customer_lifetime_value(draws, [x], [t_x], [age], [m], **WEEKLY)
    predictive = predictive_lifetime_value(draws, x, t_x, age, m, rng=np.random.default_rng(8), **WEEKLY)
    assert predictive.value.ci_low < parameter.ci_low[0] and predictive.value.ci_high > parameter.ci_high[0]
    assert predictive.value.ci_high - predictive.value.ci_low > 3 * (parameter.ci_high[0] - parameter.ci_low[0])
    assert predictive.value.quantiles[0.05] <= predictive.value.quantiles[0.5] <= predictive.value.quantiles[0.95]
    assert predictive.paths == 10_000 and predictive.parameter_uncertainty


def test_a_customer_almost_surely_gone_will_almost_surely_spend_nothing():
    x, t_x, age, m = 12, 2.0, 39.0, 30.0  # twelve purchases in two weeks, then 37 quiet weeks
    alive = float(np.ravel(probability_alive(PURCHASE, x, t_x, age))[0])
    assert alive < 1e-3
    reply = predictive_lifetime_value((PURCHASE, SPEND), x, t_x, age, m, rng=np.random.default_rng(9), **WEEKLY)
    assert reply.value.probability_zero > 0.995
    assert reply.value.ci_high == 0 and reply.purchases.quantiles[0.95] == 0


def test_same_seed_same_reply_and_bounded_work(monkeypatch):
    x, t_x, age, m = PROFILES[3]
    once, again = (predictive_lifetime_value((PURCHASE, SPEND), x, t_x, age, m, rng=np.random.default_rng(10),
                                             **WEEKLY) for _ in range(2))
    assert once == again
    # a small work budget keeps fewer paths (at least MIN_PATHS), and small blocks give the same law
    monkeypatch.setattr(clv_predictive, "BLOCK_PURCHASES", 500)
    future = simulate_future((PURCHASE, SPEND), x, t_x, age, m, rng=np.random.default_rng(11), n_paths=20_000,
                             max_purchases=100_000, **WEEKLY)
    assert 1_000 < future.value.size < 20_000 and future.purchases.sum() <= 110_000
    _within(future.value, float(np.ravel(expected_lifetime_value(PURCHASE, SPEND, x, t_x, age, m, **WEEKLY))[0]))


@pytest.mark.parametrize("bad", [dict(n_paths=10), dict(horizon=0), dict(horizon=2.5), dict(max_purchases=0),
                                 dict(frequency=[1, 2]), dict(recency=50.0), dict(rng=3)])
def test_bad_input_is_a_clear_value_error(bad):
    args = dict(frequency=2, recency=30.0, age=38.0, monetary=20.0, rng=np.random.default_rng(0), **WEEKLY)
    with pytest.raises(ValueError):
        simulate_future((PURCHASE, SPEND), **{**args, **bad})
    with pytest.raises(ValueError):
        summarize_future(simulate_future((PURCHASE, SPEND), **args), confidence=1.0)
    with pytest.raises(ValueError):
        simulate_future(("r", "a"), **args)  # type: ignore[arg-type]


def _realised_futures(n: int, rng: np.random.Generator, *, horizon: int, delta: float):
    """Customers simulated from the models with known traits, and what each really spends next."""
    purchase, spend = COVERAGE_MODELS
    base = simulate_bgnbd(purchase, rng.uniform(10, 30, n), rng)
    nu = rng.gamma(spend.q, 1 / spend.gamma, n)
    x = base["frequency"]
    m = np.array([rng.gamma(spend.p, 1 / nu[i], k).mean() if k else 0.0 for i, k in enumerate(x)])
    realised = np.zeros(n)
    for i in np.flatnonzero(base["alive"]):
        clock = rng.exponential(1 / base["rate"][i])
        while clock <= horizon:
            realised[i] += delta ** np.ceil(clock) * rng.gamma(spend.p, 1 / nu[i])
            if rng.random() < base["dropout"][i]:
                break
            clock += rng.exponential(1 / base["rate"][i])
    return x, base["recency"], base["age"], m, realised


# active customers (a purchase a week, dropout ~2% a purchase): most have P(no purchase) < 10%
COVERAGE_MODELS = (BGNBDParameters(r=3.0, alpha=3.0, a=0.5, b=40.0), SPEND)


def test_the_80_percent_predictive_interval_holds_the_realised_spend_80_percent_of_the_time():
    horizon, n = 13, 900
    x, t_x, age, m, realised = _realised_futures(n, np.random.default_rng(2026), horizon=horizon,
                                                 delta=discount_factor(0.1, "week"))
    inside, continuous = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for i in range(n):
        reply = predictive_lifetime_value(COVERAGE_MODELS, x[i], t_x[i], age[i], m[i], horizon=horizon,
                                          annual_discount_rate=0.1, time_unit="week", confidence=0.8,
                                          rng=np.random.default_rng(i), n_paths=1_000)
        inside[i] = reply.value.ci_low <= realised[i] <= reply.value.ci_high
        continuous[i] = reply.value.probability_zero < 0.1  # both ends in the continuous part
    k = int(continuous.sum())
    assert k > 500
    se = np.sqrt(0.8 * 0.2 / k)
    assert abs(inside[continuous].mean() - 0.8) < 3 * se, inside[continuous].mean()
    assert inside.mean() > 0.8 - 3 * np.sqrt(0.8 * 0.2 / n)  # a mass at zero only adds coverage


def test_parameter_draws_object_is_accepted_as_is():
    draws = ParameterDraws(PURCHASE, SPEND, PURCHASE.as_array()[None, :].repeat(3, 0),
                           SPEND.as_array()[None, :].repeat(3, 0), 0)
    x, t_x, age, m = PROFILES[1]
    with_draws = simulate_future(draws, x, t_x, age, m, rng=np.random.default_rng(12), n_paths=30_000, **WEEKLY)
    _within(with_draws.value, float(np.ravel(expected_lifetime_value(PURCHASE, SPEND, x, t_x, age, m, **WEEKLY))[0]))
