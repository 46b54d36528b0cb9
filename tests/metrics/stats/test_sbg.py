"""sBG retention model: Fader & Hardie (2007) estimates, formulas, recovery, coverage, input checks.

Published values are compared to half a unit in their last published digit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln, logit
from scipy.stats import binom, norm

from services.metrics.stats.customer_simulation import simulate_sbg
from services.metrics.stats.kaplan_meier import kaplan_meier
from services.metrics.stats.sbg import (
    SBGFitter,
    SBGParameters,
    churn_probability,
    discounted_expected_residual_lifetime,
    retention_rate,
    survival,
)

# Fader & Hardie (2007), Table 1: customers (of 1,000) still active after 0..7 years.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def _log_likelihood_by_hand(alpha, beta, survivors):
    """sum_t (n_{t-1} - n_t) ln P(T = t) + n_7 ln S(7), each term from its Beta-function formula."""
    s = np.asarray(survivors, float)
    t = np.arange(1, s.size)
    churn = np.exp(betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta))
    alive = np.exp(betaln(alpha, beta + t[-1]) - betaln(alpha, beta))
    return float(-np.diff(s) @ np.log(churn) + s[-1] * np.log(alive))


@pytest.mark.parametrize(("survivors", "alpha", "beta", "ll"), [
    (REGULAR, 0.704, 1.182, -1680.3),
    (HIGH_END, 0.668, 3.806, -1611.2),
])
def test_published_estimates(survivors, alpha, beta, ll):
    fit = SBGFitter().fit_survivors(survivors)
    assert fit.params_.alpha == pytest.approx(alpha, abs=5e-4)
    assert fit.params_.beta == pytest.approx(beta, abs=5e-4)
    assert fit.log_likelihood_ == pytest.approx(ll, abs=0.05)
    assert _log_likelihood_by_hand(alpha, beta, survivors) == pytest.approx(ll, abs=0.05)
    assert fit.converged_ and fit.n_ == 1000


def test_survival_churn_and_retention_are_consistent():
    p = SBGParameters(0.704, 1.182)
    t = np.arange(1, 20)
    np.testing.assert_allclose(survival(p, t - 1) - survival(p, t), churn_probability(p, t), rtol=1e-12)
    np.testing.assert_allclose(survival(p, t) / survival(p, t - 1), retention_rate(p, t), rtol=1e-12)
    assert survival(p, 0) == 1.0
    assert retention_rate(p, 1) == pytest.approx(1.182 / (0.704 + 1.182))  # 1 - E[theta]
    assert (np.diff(retention_rate(p, t)) > 0).all()  # F&H (2007): retention rises with tenure


def test_kaplan_meier_on_the_cohort_reproduces_the_survivors():
    s = np.asarray(REGULAR, float)
    lifetimes = np.r_[np.arange(1, 8), 7]
    churned = np.r_[np.ones(7, bool), False]
    km = kaplan_meier(lifetimes, churned, weights=np.r_[-np.diff(s), s[-1]])
    np.testing.assert_allclose(km.survival, s[1:] / 1000)


def test_projection_intervals():
    fit = SBGFitter().fit_survivors(REGULAR)
    proj = fit.project(np.arange(0, 13), confidence=0.95)
    assert proj.survival[0] == 1 and proj.survival_low[0] == 1 and np.isnan(proj.retention[0])
    assert (proj.survival_low[1:] < proj.survival[1:]).all()
    assert (proj.survival[1:] < proj.survival_high[1:]).all()
    width = logit(proj.survival_high[1:]) - logit(proj.survival_low[1:])  # periods 1..12
    assert width[11] > width[6] > width[0]  # on the logit scale, extrapolation is less certain
    # F&H (2007) Figure 3: the fitted curve follows the observed survivors closely
    np.testing.assert_allclose(proj.survival[1:8] * 1000, REGULAR[1:], atol=12)


def test_derl_matches_the_series_and_its_limit():
    p = SBGParameters(0.704, 1.182)
    for n in (0, 1, 5):
        t = np.arange(n + 1, 4000)
        series = (survival(p, t) / survival(p, n) / 1.1 ** (t - n - 1)).sum()
        assert discounted_expected_residual_lifetime(p, n, 0.10) == pytest.approx(series, rel=1e-10)
    q = SBGParameters(2.5, 4.0)  # alpha > 1: the undiscounted residual lifetime (beta+n)/(alpha-1) is finite
    assert discounted_expected_residual_lifetime(q, 3, 1e-10) == pytest.approx((4.0 + 3) / 1.5, rel=1e-6)


def test_derl_estimate_has_an_interval():
    fit = SBGFitter().fit_survivors(HIGH_END)
    est = fit.residual_lifetime(renewals=2, discount_rate=0.1)
    assert est.ci_low < est.value < est.ci_high and est.method == "delta_log" and est.n == 1000
    assert est.value == pytest.approx(float(discounted_expected_residual_lifetime(fit.params_, 2, 0.1)))


TRUE = SBGParameters(0.7, 1.2)


def test_per_customer_fit_equals_survivor_fit():
    rng = np.random.default_rng(1)
    lifetimes, churned = simulate_sbg(TRUE, 3000, 7, rng)
    survivors = [int((lifetimes > t).sum() + 0) if t < 7 else int((~churned).sum()) for t in range(8)]
    a = SBGFitter().fit(lifetimes, churned)
    b = SBGFitter().fit_survivors(survivors)
    np.testing.assert_allclose(a.params_.as_array(), b.params_.as_array(), rtol=1e-8)


def test_parameter_recovery():
    fit = SBGFitter().fit(*simulate_sbg(TRUE, 50_000, 7, np.random.default_rng(2)))
    z = (fit.params_.as_array() - TRUE.as_array()) / fit.standard_errors_
    assert np.abs(z).max() < 3.5, z


def test_coverage_of_parameters_projection_and_derl():
    rng = np.random.default_rng(3)
    reps, z = 200, norm.ppf(0.975)
    true_s12 = survival(TRUE, 12)
    true_derl = discounted_expected_residual_lifetime(TRUE, 3, 0.1)
    hits = np.zeros(4)
    for _ in range(reps):
        fit = SBGFitter().fit(*simulate_sbg(TRUE, 1000, 7, rng))
        se = np.sqrt(np.diag(fit.covariance_log_))
        hits[:2] += np.abs(np.log(fit.params_.as_array() / TRUE.as_array())) <= z * se
        proj = fit.project([12])
        hits[2] += proj.survival_low[0] <= true_s12 <= proj.survival_high[0]
        derl = fit.residual_lifetime(3, 0.1)
        hits[3] += derl.ci_low <= true_derl <= derl.ci_high
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95) / reps
    assert ((hits / reps >= low) & (hits / reps <= high)).all(), hits / reps


def test_portfolio_value_is_the_weighted_sum_with_a_joint_interval():
    fit = SBGFitter().fit_survivors(HIGH_END)
    one = fit.residual_lifetime(renewals=2, discount_rate=0.1)
    same = fit.residual_value([2, 2], [20.0, 10.0], 0.1)
    assert same.value == pytest.approx(30 * one.value, rel=1e-9)
    assert (same.ci_low, same.ci_high) == pytest.approx((30 * one.ci_low, 30 * one.ci_high), rel=1e-6)
    renewals, weights = np.array([0, 1, 1, 5, 12]), np.array([10.0, 20.0, 5.0, 40.0, 15.0])
    mixed = fit.residual_value(renewals, weights, 0.1)
    expected = float(weights @ discounted_expected_residual_lifetime(fit.params_, renewals, 0.1))
    assert mixed.value == pytest.approx(expected, rel=1e-12)
    parts = [fit.residual_lifetime(int(n), 0.1) for n in renewals]
    summed_width = sum(w * (p.ci_high - p.ci_low) for w, p in zip(weights, parts, strict=False))
    assert mixed.ci_low < mixed.value < mixed.ci_high
    assert mixed.ci_high - mixed.ci_low <= summed_width * (1 + 1e-9)  # shared parameters: never wider
    for bad in (([1, 2], [1.0]), ([1], [-1.0]), ([], []), ([1.5], [1.0]), ([1], [0.0])):
        with pytest.raises(ValueError):
            fit.residual_value(*bad, 0.1)


def test_coverage_of_the_portfolio_value():
    rng = np.random.default_rng(4)
    reps = 200
    renewals, weights = np.array([0, 1, 3, 6, 10, 24]), np.array([30.0, 10.0, 25.0, 5.0, 50.0, 15.0])
    truth = float(weights @ discounted_expected_residual_lifetime(TRUE, renewals, 0.01))
    hits = 0
    for _ in range(reps):
        fit = SBGFitter().fit(*simulate_sbg(TRUE, 1000, 7, rng))
        total = fit.residual_value(renewals, weights, 0.01)
        hits += total.ci_low <= truth <= total.ci_high
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95) / reps
    assert low <= hits / reps <= high, hits / reps


@pytest.mark.parametrize(("lifetimes", "churned"), [
    ([0, 2], [True, False]),  # churn in period 0
    ([1.5, 2], [True, False]),
    ([-1, 2], [False, True]),
    ([1, 2], [1.0, 0.0]),  # not booleans
    ([1, 2], [2, 0]),  # not 0/1
    ([1, 2], [True]),
    ([3, 4], [False, False]),  # no churn observed: beta is not identified
])
def test_invalid_lifetimes_raise(lifetimes, churned):
    with pytest.raises(ValueError):
        SBGFitter().fit(lifetimes, churned)


@pytest.mark.parametrize("survivors", [[1000], [1000, 1100], [0, 0], [1000, -5], [1000, np.nan]])
def test_invalid_survivors_raise(survivors):
    with pytest.raises(ValueError):
        SBGFitter().fit_survivors(survivors)


def test_invalid_prediction_input_raises():
    with pytest.raises(ValueError):
        retention_rate(TRUE, 0)
    with pytest.raises(ValueError):
        survival(TRUE, 1.5)
    with pytest.raises(ValueError):
        discounted_expected_residual_lifetime(TRUE, 1, 0.0)
    with pytest.raises(ValueError):
        SBGFitter().fit_survivors(REGULAR).project([1], confidence=1.5)


def test_homogeneous_cohort_is_reported_not_converged():
    # Exactly geometric survival (theta = 0.5 for everyone): the MLE runs off to alpha, beta -> inf.
    assert not SBGFitter().fit_survivors([1000, 500, 250, 125, 62.5]).converged_
