"""Discounted CLV: the formula by hand, blocking, segment totals from the same draws, coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from services.metrics.stats import clv
from services.metrics.stats.bgnbd import BGNBDFitter, BGNBDParameters
from services.metrics.stats.bgnbd_predict import conditional_expected_purchases
from services.metrics.stats.clv import (
    customer_lifetime_value,
    discount_factor,
    draw_parameters,
    expected_lifetime_value,
    segment_lifetime_value,
)
from services.metrics.stats.customer_simulation import simulate_bgnbd, simulate_mean_spend
from services.metrics.stats.gamma_gamma import (
    GammaGammaFitter,
    GammaGammaParameters,
    conditional_expected_spend,
)
from tests.metrics.stats._cdnow import cdnow_fits, cdnow_summary

WEEKLY_10PCT = dict(horizon=52, annual_discount_rate=0.10, time_unit="week")


def test_discount_factor():
    assert discount_factor(0.10, "week") == pytest.approx(1.1 ** (-7 / 365.25))
    assert discount_factor(0.10, "month") == pytest.approx(1.1 ** (-1 / 12))
    assert discount_factor(0.0, "day") == 1.0


def test_single_customer_by_hand():
    bg, gg = (f.params_ for f in cdnow_fits())
    x, tx, T, m = 2, 30.43, 38.86, 22.35
    d = 1.1 ** (-7 / 365.25)
    cumulative = [float(conditional_expected_purchases(bg, k, x, tx, T)) if k else 0.0 for k in range(53)]
    purchases = sum(d**k * (cumulative[k] - cumulative[k - 1]) for k in range(1, 53))
    by_hand = purchases * float(conditional_expected_spend(gg, x, m))
    assert expected_lifetime_value(bg, gg, x, tx, T, m, **WEEKLY_10PCT) == pytest.approx(by_hand, rel=1e-12)


def test_undiscounted_value_is_expected_purchases_times_spend():
    bg, gg = (f.params_ for f in cdnow_fits())
    s = cdnow_summary()
    value = expected_lifetime_value(bg, gg, s.frequency, s.recency, s.age, s.monetary,
                                    horizon=39, annual_discount_rate=0.0, time_unit="week")
    expected = (conditional_expected_purchases(bg, 39, s.frequency, s.recency, s.age)
                * conditional_expected_spend(gg, s.frequency, s.monetary))
    np.testing.assert_allclose(value, expected, rtol=1e-10)


@pytest.fixture(scope="module")
def cdnow_values():
    bg, gg = cdnow_fits()
    draws = draw_parameters(bg, gg, n_draws=100, rng=np.random.default_rng(2024))
    s = cdnow_summary()
    return draws, s, customer_lifetime_value(draws, s.frequency, s.recency, s.age, s.monetary, **WEEKLY_10PCT)


def test_customer_values_point_and_factors(cdnow_values):
    draws, s, values = cdnow_values
    point = expected_lifetime_value(draws.purchase_point, draws.spend_point, s.frequency, s.recency, s.age,
                                    s.monetary, **WEEKLY_10PCT)
    np.testing.assert_allclose(values.value, point, rtol=1e-12)
    np.testing.assert_allclose(values.value, values.probability_alive * values.discounted_purchases
                               * values.expected_spend, rtol=1e-12)
    assert (values.ci_low <= values.ci_high).all()
    assert ((values.ci_low <= values.value) & (values.value <= values.ci_high)).mean() > 0.99
    assert values.n_draws == 100 and values.confidence == 0.95


def test_intervals_are_percentiles_of_the_per_draw_values(cdnow_values):
    draws, s, values = cdnow_values
    pick = np.array([0, 1, 5, 100, 2000])
    per_draw = np.array([
        expected_lifetime_value(BGNBDParameters(*b), GammaGammaParameters(*g), s.frequency[pick],
                                s.recency[pick], s.age[pick], s.monetary[pick], **WEEKLY_10PCT)
        for b, g in zip(draws.purchase, draws.spend, strict=True)
    ])
    low, high = np.percentile(per_draw, [2.5, 97.5], axis=0)
    np.testing.assert_allclose(values.ci_low[pick], low, rtol=1e-10)
    np.testing.assert_allclose(values.ci_high[pick], high, rtol=1e-10)


def test_blocking_does_not_change_the_result(cdnow_values, monkeypatch):
    draws, s, values = cdnow_values
    monkeypatch.setattr(clv, "_BLOCK_ROWS", 37)
    monkeypatch.setattr(clv, "_BLOCK_PAIRS", 5)
    small = customer_lifetime_value(draws, s.frequency, s.recency, s.age, s.monetary, **WEEKLY_10PCT)
    fields = ("value", "ci_low", "ci_high", "probability_alive", "discounted_purchases", "expected_spend")
    for field in fields:
        np.testing.assert_allclose(getattr(small, field), getattr(values, field), rtol=1e-12)


def test_segment_totals_come_from_the_same_draws(cdnow_values):
    draws, s, values = cdnow_values
    segments = np.where(s.frequency > 0, "repeat", "one-off")
    result = segment_lifetime_value(draws, s.frequency, s.recency, s.age, s.monetary, segments=segments,
                                    **WEEKLY_10PCT)
    per_draw = np.array([
        expected_lifetime_value(BGNBDParameters(*b), GammaGammaParameters(*g), s.frequency, s.recency, s.age,
                                s.monetary, **WEEKLY_10PCT)
        for b, g in zip(draws.purchase, draws.spend, strict=True)
    ])
    for label in ("repeat", "one-off"):
        members = segments == label
        seg = result[label]
        totals = per_draw[:, members].sum(axis=1)
        assert seg.total.value == pytest.approx(values.value[members].sum(), rel=1e-10)
        assert seg.total.ci_low == pytest.approx(np.percentile(totals, 2.5), rel=1e-10)
        assert seg.total.ci_high == pytest.approx(np.percentile(totals, 97.5), rel=1e-10)
        assert seg.mean.value == pytest.approx(seg.total.value / members.sum())
        assert seg.total.n == members.sum()
        # the bound of a sum is not the sum of the customers' bounds (unless they move together)
        assert seg.total.ci_high <= values.ci_high[members].sum() * (1 + 1e-12)
    repeat = segments == "repeat"
    assert result["repeat"].total.ci_high < 0.999 * values.ci_high[repeat].sum()
    whole = segment_lifetime_value(draws, s.frequency, s.recency, s.age, s.monetary, **WEEKLY_10PCT)[None]
    assert whole.total.value == pytest.approx(values.value.sum(), rel=1e-10)


def test_identical_customers_get_identical_values(cdnow_values):
    draws, s, _ = cdnow_values
    twice = customer_lifetime_value(draws, np.r_[s.frequency[:50], s.frequency[:50]],
                                    np.r_[s.recency[:50], s.recency[:50]], np.r_[s.age[:50], s.age[:50]],
                                    np.r_[s.monetary[:50], s.monetary[:50]], **WEEKLY_10PCT)
    np.testing.assert_array_equal(twice.value[:50], twice.value[50:])
    np.testing.assert_array_equal(twice.ci_high[:50], twice.ci_high[50:])


def test_draws_are_reproducible_and_keep_q_above_one():
    bg, gg = cdnow_fits()
    a = draw_parameters(bg, gg, n_draws=50, rng=np.random.default_rng(1))
    b = draw_parameters(bg, gg, n_draws=50, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.purchase, b.purchase)
    assert (a.spend[:, 1] > 1).all() and a.spend.shape == (50, 3)


TRUE_BG = BGNBDParameters(r=0.25, alpha=4.0, a=0.8, b=2.5)
TRUE_GG = GammaGammaParameters(p=6.0, q=4.0, gamma=15.0)


def test_segment_interval_coverage_by_simulation():
    """The total CLV at the true parameters lies in the interval about 95% of the time."""
    rng = np.random.default_rng(31)
    reps, hits = 80, 0
    for _ in range(reps):
        sim = simulate_bgnbd(TRUE_BG, rng.choice([26.0, 30.0, 34.0, 39.0], 2000), rng)
        x, tx, T = sim["frequency"], sim["recency"], sim["age"]
        m = simulate_mean_spend(TRUE_GG, x, rng)
        fits = BGNBDFitter().fit(x, tx, T), GammaGammaFitter().fit(x, m)
        draws = draw_parameters(*fits, n_draws=100, rng=rng)
        kwargs = dict(horizon=26, annual_discount_rate=0.1, time_unit="week")
        total = segment_lifetime_value(draws, x, tx, T, m, **kwargs)[None].total
        truth = expected_lifetime_value(TRUE_BG, TRUE_GG, x, tx, T, m, **kwargs).sum()
        hits += total.ci_low <= truth <= total.ci_high
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95)
    assert low <= hits <= high, hits / reps


@pytest.mark.parametrize("kwargs", [
    dict(horizon=0, annual_discount_rate=0.1, time_unit="week"),
    dict(horizon=2.5, annual_discount_rate=0.1, time_unit="week"),
    dict(horizon=52, annual_discount_rate=-0.1, time_unit="week"),
    dict(horizon=52, annual_discount_rate=0.1, time_unit="fortnight"),
    dict(horizon=52, annual_discount_rate=0.1, time_unit="week", confidence=0.0),
])
def test_invalid_settings_raise(cdnow_values, kwargs):
    draws, s, _ = cdnow_values
    with pytest.raises(ValueError):
        customer_lifetime_value(draws, s.frequency, s.recency, s.age, s.monetary, **kwargs)


def test_invalid_customers_and_draws_raise(cdnow_values):
    draws, _, _ = cdnow_values
    bg, gg = cdnow_fits()
    with pytest.raises(ValueError):
        customer_lifetime_value(draws, [1], [2.0], [1.0], [5.0], **WEEKLY_10PCT)  # recency > age
    with pytest.raises(ValueError):
        # no spend for a repeat buyer
        customer_lifetime_value(draws, [1], [0.5], [1.0], [0.0], **WEEKLY_10PCT)
    with pytest.raises(ValueError):
        segment_lifetime_value(draws, [1, 0], [0.5, 0], [1.0, 1.0], [5.0, 0], segments=["a"], **WEEKLY_10PCT)
    with pytest.raises(ValueError):
        draw_parameters(bg, gg, n_draws=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError):
        draw_parameters(bg, gg, n_draws=10, rng=np.random.RandomState(0))
