"""BG/NBD: published CDNOW estimates, formulas by hand, recovery and coverage by simulation.

Published values are compared to half a unit in their last published digit.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import approx_fprime
from scipy.special import beta as beta_fn
from scipy.special import betaln
from scipy.stats import binom, norm

from services.metrics.stats.bgnbd import (
    BGNBDFitter,
    BGNBDParameters,
    _weighted_log_likelihood,
    bgnbd_log_likelihood,
)
from services.metrics.stats.bgnbd_predict import (
    alive_expected_purchases,
    conditional_expected_purchases,
    discounted_alive_purchases,
    expected_purchases,
    frequency_check,
    probability_alive,
    purchase_count_probability,
)
from services.metrics.stats.customer_simulation import simulate_bgnbd
from tests.metrics.stats._cdnow import cdnow_fits, cdnow_summary

CDNOW = BGNBDParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL (2005), Section 4


def test_cdnow_published_estimates_from_raw_transactions():
    fit = cdnow_fits()[0]
    p = fit.params_
    assert p.r == pytest.approx(0.243, abs=5e-4)
    assert p.alpha == pytest.approx(4.414, abs=5e-4)
    assert p.a == pytest.approx(0.793, abs=5e-4)
    assert p.b == pytest.approx(2.426, abs=5e-4)
    assert fit.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert fit.converged_ and fit.gradient_norm_ < 1e-8
    assert fit.n_ == 2357 and fit.n_unique_ < 2357


def test_cdnow_published_conditional_expectation():
    # FHL (2005), Section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks.
    p = cdnow_fits()[0].params_
    assert conditional_expected_purchases(p, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)


def test_standard_errors_are_the_delta_method_of_the_log_scale():
    fit = cdnow_fits()[0]
    theta = fit.params_.as_array()
    np.testing.assert_allclose(fit.covariance_, fit.covariance_log_ * np.outer(theta, theta))
    np.testing.assert_allclose(fit.standard_errors_, theta * np.sqrt(np.diag(fit.covariance_log_)))
    assert (fit.standard_errors_ > 0).all() and (fit.standard_errors_ < theta).all()
    est = fit.estimates(0.95)
    assert est["r"].ci_low < est["r"].value < est["r"].ci_high and est["r"].n == 2357


def test_log_likelihood_written_out_with_powers():
    p = BGNBDParameters(0.6, 3.0, 0.9, 2.2)
    x, tx, T = np.array([0, 1, 4]), np.array([0.0, 2.0, 9.5]), np.array([12.0, 12.0, 12.0])
    r, al, a, b = p.as_array()
    from scipy.special import gamma as G
    nbd = [G(r + xi) * al**r / G(r) for xi in x]
    direct = [
        beta_fn(a, b + xi) / beta_fn(a, b) * n / (al + Ti) ** (r + xi)
        + (xi > 0) * beta_fn(a + 1, b + xi - 1) / beta_fn(a, b) * n / (al + ti) ** (r + xi)
        for xi, ti, Ti, n in zip(x, tx, T, nbd, strict=True)
    ]
    np.testing.assert_allclose(bgnbd_log_likelihood(p, x, tx, T), np.log(direct), rtol=1e-12)


def test_analytic_gradient_matches_finite_differences():
    s = cdnow_summary()
    ll = _weighted_log_likelihood(s.frequency.astype(float), s.recency, s.age, np.ones(s.n_customers))
    for theta in (np.log([0.3, 5.0, 0.7, 2.0]), np.log([2.0, 0.1, 3.0, 0.4])):
        numeric = approx_fprime(theta, lambda t: ll(t)[0], 1e-7)
        np.testing.assert_allclose(ll(theta)[1], numeric, rtol=1e-4, atol=1e-3)


def test_probability_alive_by_hand():
    p = CDNOW
    assert probability_alive(p, 0, 0, 38.86) == 1.0
    x, tx, T = 2, 30.43, 38.86
    by_hand = 1 / (1 + p.a / (p.b + x - 1) * ((p.alpha + T) / (p.alpha + tx)) ** (p.r + x))
    assert probability_alive(p, x, tx, T) == pytest.approx(by_hand, rel=1e-13)
    assert probability_alive(p, 5, 38.86, 38.86) > probability_alive(p, 5, 20.0, 38.86)


def test_heavy_buyers_do_not_overflow():
    x, tx, T = np.array([5000, 5000, 20000]), np.array([39.0, 1.0, 38.0]), np.array([39.0, 39.0, 39.0])
    ll = bgnbd_log_likelihood(CDNOW, x, tx, T)
    alive = probability_alive(CDNOW, x, tx, T)
    expected = conditional_expected_purchases(CDNOW, 52, x, tx, T)
    assert np.isfinite(ll).all() and np.isfinite(expected).all()
    assert alive[0] > 0.99 and alive[1] < 1e-100
    assert expected[0] == pytest.approx(alive[0] * _by_quadrature(CDNOW, 5000, 39.0, 52.0), rel=1e-7)


def _by_quadrature(p, x, T, t):
    """E[Y(t) | alive] = E_p[(1 - (A / (A + p t))^R) / p], p ~ Beta(a, b + x): FHL's integral.

    Substituting q = u^(1/a) removes the q^(a-1) singularity; logs keep (1-q)^(b+x-1) finite.
    """
    R, A, B = p.r + x, p.alpha + T, p.b + x

    def integrand(u):
        q = u ** (1 / p.a)
        if q >= 1:
            return 0.0
        core = -np.expm1(-R * np.log1p(q * t / A)) / q if q > 0 else R * t / A
        return core * np.exp((B - 1) * np.log1p(-q) - betaln(p.a, B)) / p.a

    value, _ = quad(integrand, 0, 1, points=[1e-6, 1e-4, 1e-3, 1e-2, 0.1], epsabs=0, epsrel=1e-11, limit=500)
    return value


@pytest.mark.parametrize("p", [CDNOW, BGNBDParameters(0.5, 3.0, 1.00003, 2.0),
                               BGNBDParameters(2.0, 0.5, 3.0, 0.4), BGNBDParameters(0.5, 3.0, 0.4, 0.60002)])
@pytest.mark.parametrize(("x", "T", "t"), [(0, 38.86, 39), (3, 20.0, 52), (60, 10.0, 5), (0, 0.0, 500),
                                           (400, 39.0, 104), (5000, 39.0, 52.0)])
def test_conditional_expectation_matches_quadrature(p, x, T, t):
    # 2e-7: the interpolation across a = 1 and a + b = 1 (second and last p) costs ~1e-7
    assert alive_expected_purchases(p, t, x, T) == pytest.approx(_by_quadrature(p, x, T, t), rel=2e-7)


def test_unconditional_expectation_and_pmf_agree():
    t = 39.0
    xs = np.arange(0, 4000)
    pmf = purchase_count_probability(CDNOW, xs, t)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
    assert (pmf * xs).sum() == pytest.approx(float(expected_purchases(CDNOW, t)), rel=1e-8)
    assert purchase_count_probability(CDNOW, 0, 0.0) == 1.0


def test_expected_purchases_grow_with_time():
    e = expected_purchases(CDNOW, [0.0, 1.0, 39.0, 78.0])
    assert e[0] == 0 and (np.diff(e) > 0).all()


def test_cdnow_frequency_check():
    s = cdnow_summary()
    check = frequency_check(cdnow_fits()[0].params_, s.frequency, s.age)
    assert check.labels == ("0", "1", "2", "3", "4", "5", "6", "7+")
    assert check.actual.tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert check.expected.sum() == pytest.approx(2357)
    # FHL (2005) Figure 2: the model tracks the histogram closely
    assert np.abs(check.expected - check.actual).max() < 25


def test_discounted_alive_purchases_sum_of_increments():
    p, x, T, d = CDNOW, np.array([0, 3]), np.array([30.0, 39.0]), 0.99
    cumulative = np.array([[alive_expected_purchases(p, k, xi, Ti) for k in range(0, 11)]
                           for xi, Ti in zip(x, T, strict=True)])
    by_hand = (np.diff(cumulative, axis=1) * d ** np.arange(1, 11)).sum(axis=1)
    ours = discounted_alive_purchases(p, x, T, horizon=10, discount_factor=d)
    np.testing.assert_allclose(ours, by_hand, rtol=1e-12)
    undiscounted = discounted_alive_purchases(p, x, T, horizon=10, discount_factor=1.0)
    np.testing.assert_allclose(undiscounted, cumulative[:, -1])


def test_merged_weights_equal_expanded_rows():
    s = cdnow_summary()
    weights = np.arange(s.n_customers) % 3 + 1
    merged = BGNBDFitter().fit(s.frequency, s.recency, s.age, weights=weights)
    expanded = BGNBDFitter().fit(*(np.repeat(v, weights) for v in (s.frequency, s.recency, s.age)))
    np.testing.assert_allclose(merged.params_.as_array(), expanded.params_.as_array(), rtol=1e-7)
    assert merged.log_likelihood_ == pytest.approx(expanded.log_likelihood_, rel=1e-10)


TRUE = BGNBDParameters(r=0.25, alpha=4.0, a=0.8, b=2.5)


def test_parameter_recovery():
    rng = np.random.default_rng(20240501)
    sim = simulate_bgnbd(TRUE, rng.uniform(27, 39, 30_000), rng)
    fit = BGNBDFitter().fit(sim["frequency"], sim["recency"], sim["age"])
    z = (fit.params_.as_array() - TRUE.as_array()) / fit.standard_errors_
    assert fit.converged_
    assert np.abs(z).max() < 3.5, z


def test_interval_coverage_by_simulation():
    rng = np.random.default_rng(7)
    reps, covered = 120, np.zeros(4)
    z = norm.ppf(0.975)
    for _ in range(reps):
        sim = simulate_bgnbd(TRUE, rng.uniform(27, 39, 1500), rng)
        fit = BGNBDFitter().fit(sim["frequency"], sim["recency"], sim["age"])
        se = np.sqrt(np.diag(fit.covariance_log_))
        covered += np.abs(np.log(fit.params_.as_array()) - np.log(TRUE.as_array())) <= z * se
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95) / reps
    assert ((covered / reps >= low) & (covered / reps <= high)).all(), covered / reps


def test_conditional_expectation_matches_simulated_holdout():
    rng = np.random.default_rng(11)
    sim = simulate_bgnbd(TRUE, rng.uniform(27, 39, 40_000), rng, holdout=39.0)
    predicted = conditional_expected_purchases(TRUE, 39.0, sim["frequency"], sim["recency"], sim["age"])
    assert predicted.sum() == pytest.approx(sim["holdout_purchases"].sum(), rel=0.04)
    alive = probability_alive(TRUE, sim["frequency"], sim["recency"], sim["age"])
    assert alive.mean() == pytest.approx(sim["alive"].mean(), abs=0.01)


@pytest.mark.parametrize(("x", "tx", "T"), [
    ([-1], [0], [1]), ([1.5], [0.5], [1]), ([1], [2], [1]), ([0], [0.5], [1]), ([1, 2], [0.5], [1, 2, 3]),
    ([np.nan], [0], [1]),
])
def test_invalid_summary_raises(x, tx, T):
    with pytest.raises(ValueError):
        BGNBDFitter().fit(x, tx, T)
    with pytest.raises(ValueError):
        probability_alive(CDNOW, x, tx, T)


def test_invalid_weights_and_times_raise():
    with pytest.raises(ValueError):
        BGNBDFitter().fit([0, 1], [0, 1], [2, 2], weights=[-1, 1])
    with pytest.raises(ValueError):
        alive_expected_purchases(CDNOW, -1.0, 0, 1.0)
    with pytest.raises(ValueError):
        purchase_count_probability(CDNOW, 1.5, 1.0)
    with pytest.raises(ValueError):
        frequency_check(CDNOW, [0, 1], [1, 2], max_frequency=0)


def test_unidentified_model_is_reported_not_converged():
    fit = BGNBDFitter().fit([0, 0, 0, 0], [0, 0, 0, 0], [5, 6, 7, 8])  # no repeat purchase at all
    assert not fit.converged_ and "not positive definite" in fit.message_
    assert np.isnan(fit.standard_errors_).all()
