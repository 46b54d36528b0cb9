"""Gamma-Gamma spend model: published CDNOW estimates, density, recovery, coverage, input checks.

Published values are compared to half a unit in their last published digit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import approx_fprime
from scipy.stats import binom, norm

from services.metrics.stats.customer_simulation import simulate_mean_spend
from services.metrics.stats.gamma_gamma import (
    GammaGammaFitter,
    GammaGammaParameters,
    _weighted_log_likelihood,
    conditional_expected_spend,
    gamma_gamma_log_likelihood,
)
from tests.metrics.stats._cdnow import cdnow_fits, cdnow_summary


def test_cdnow_published_estimates():
    fit = cdnow_fits()[1]
    assert fit.params_.p == pytest.approx(6.25, abs=5e-3)  # Fader & Hardie (2013)
    assert fit.params_.q == pytest.approx(3.74, abs=5e-3)
    assert fit.params_.gamma == pytest.approx(15.44, abs=5e-3)
    assert fit.n_ == 946  # customers with x > 0; the others are ignored
    assert fit.converged_ and fit.gradient_norm_ < 1e-8


def test_cdnow_conditional_expected_spend_is_shrunk_towards_the_mean():
    p = cdnow_fits()[1].params_
    s = cdnow_summary()
    spend = conditional_expected_spend(p, s.frequency, s.monetary)
    population = p.p * p.gamma / (p.q - 1)
    assert spend[s.frequency == 0] == pytest.approx(population)
    x, m = s.frequency[s.frequency > 0], s.monetary[s.frequency > 0]
    weight = p.p * x / (p.p * x + p.q - 1)  # F&H (2013): a weighted mean of population and customer means
    np.testing.assert_allclose(spend[s.frequency > 0], (1 - weight) * population + weight * m, rtol=1e-12)


@pytest.mark.parametrize("x", [1, 3, 12])
def test_density_of_the_mean_integrates_to_one(x):
    params = GammaGammaParameters(6.25, 3.74, 15.44)
    total, _ = quad(lambda m: np.exp(gamma_gamma_log_likelihood(params, x, m)), 0, np.inf, limit=200)
    assert total == pytest.approx(1.0, abs=1e-8)
    mean, _ = quad(lambda m: m * np.exp(gamma_gamma_log_likelihood(params, x, m)), 0, np.inf, limit=200)
    assert mean == pytest.approx(params.p * params.gamma / (params.q - 1), rel=1e-7)


def test_analytic_gradient_matches_finite_differences():
    s = cdnow_summary()
    repeat = s.frequency > 0
    x, m = s.frequency[repeat].astype(float), s.monetary[repeat]
    ll = _weighted_log_likelihood(x, m, np.ones(x.size))
    for theta in (np.log([6.0, 3.7, 15.0]), np.log([0.3, 10.0, 100.0])):
        numeric = approx_fprime(theta, lambda t: ll(t)[0], 1e-7)
        np.testing.assert_allclose(ll(theta)[1], numeric, rtol=1e-4, atol=1e-3)


TRUE = GammaGammaParameters(p=6.0, q=4.0, gamma=15.0)


def _sample(n, rng):
    x = rng.integers(1, 12, n)
    return x, simulate_mean_spend(TRUE, x, rng)


def test_parameter_recovery():
    rng = np.random.default_rng(99)
    x, m = _sample(20_000, rng)
    fit = GammaGammaFitter().fit(x, m)
    z = (fit.params_.as_array() - TRUE.as_array()) / fit.standard_errors_
    assert fit.converged_ and np.abs(z).max() < 3.5, z


def test_interval_coverage_by_simulation():
    rng = np.random.default_rng(5)
    reps, covered, z = 150, np.zeros(3), norm.ppf(0.975)
    for _ in range(reps):
        fit = GammaGammaFitter().fit(*_sample(1000, rng))
        se = np.sqrt(np.diag(fit.covariance_log_))
        covered += np.abs(np.log(fit.params_.as_array() / TRUE.as_array())) <= z * se
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95) / reps
    assert ((covered / reps >= low) & (covered / reps <= high)).all(), covered / reps


def test_estimates_have_log_scale_wald_intervals():
    est = cdnow_fits()[1].estimates(0.9)
    g = est["gamma"]
    assert g.ci_low < g.value < g.ci_high and g.confidence == 0.9 and g.method == "wald_log_scale"
    assert np.log(g.ci_high / g.value) == pytest.approx(np.log(g.value / g.ci_low))


def test_invalid_input_raises():
    with pytest.raises(ValueError):
        GammaGammaFitter().fit([1, 2], [10.0, 0.0])  # zero mean spend for a repeat buyer
    with pytest.raises(ValueError):
        GammaGammaFitter().fit([1, 0, 0], [10.0, 0.0, 0.0])  # one repeat buyer only
    with pytest.raises(ValueError):
        GammaGammaFitter().fit([1.5, 2], [10.0, 5.0])
    with pytest.raises(ValueError):
        GammaGammaFitter().fit([1, 2], [10.0, np.inf])
    with pytest.raises(ValueError):
        conditional_expected_spend(GammaGammaParameters(2.0, 0.9, 10.0), [1], [5.0])  # q <= 1
    with pytest.raises(ValueError):
        gamma_gamma_log_likelihood(TRUE, [0], [0.0])


def test_no_spread_in_spend_is_reported_not_converged():
    fit = GammaGammaFitter().fit([1, 2, 3, 4], [10.0, 10.0, 10.0, 10.0])  # nu is not identified
    assert not fit.converged_
