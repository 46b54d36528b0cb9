"""Kaplan-Meier: a hand example, the 6-MP leukaemia reference values, coverage, input checks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, norm

from services.metrics.stats.kaplan_meier import kaplan_meier


def test_tiny_example_by_hand():
    km = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [True, True, False, True, False, True, False])
    assert km.times.tolist() == [1, 2, 3, 4, 5]
    assert km.at_risk.tolist() == [7, 6, 4, 3, 1]
    assert km.events.tolist() == [1, 1, 1, 1, 0]
    assert km.censored.tolist() == [0, 1, 0, 1, 1]
    np.testing.assert_allclose(km.survival, [6 / 7, 5 / 7, 15 / 28, 5 / 14, 5 / 14])
    # Greenwood at t = 3: S^2 (1/(7*6) + 1/(6*5) + 1/(4*3)) = (15/28)^2 * 59/420
    assert km.variance[2] == pytest.approx((15 / 28) ** 2 * 59 / 420)
    # log(-log) interval at t = 3, written out
    z = norm.ppf(0.975)
    se = np.sqrt(59 / 420) / abs(np.log(15 / 28))
    assert km.ci_low[2] == pytest.approx((15 / 28) ** np.exp(z * se))
    assert km.ci_high[2] == pytest.approx((15 / 28) ** np.exp(-z * se))


def test_six_mp_reference_values():
    # 6-MP arm of the Freireich et al. (1963) leukaemia trial (Gehan 1965): remission weeks,
    # 0 = censored. Reference: R survival::survfit(conf.type = "log-log"), 3 decimals.
    time = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    status = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    km = kaplan_meier(time, np.array(status, dtype=bool))
    at = [np.flatnonzero(km.times == t)[0] for t in (6, 7, 10, 13, 16, 22, 23)]
    np.testing.assert_allclose(km.survival[at], [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448], atol=5e-4)
    greenwood_se = [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346]
    np.testing.assert_allclose(np.sqrt(km.variance[at]), greenwood_se, atol=5e-5)
    np.testing.assert_allclose(km.ci_low[at], [0.620, 0.563, 0.503, 0.432, 0.368, 0.268, 0.188], atol=5e-4)
    np.testing.assert_allclose(km.ci_high[at], [0.952, 0.923, 0.889, 0.849, 0.805, 0.747, 0.680], atol=5e-4)


def test_survival_at_reads_the_step_function():
    km = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [True, True, False, True, False, True, False], confidence=0.9)
    assert km.survival_at(0.5).value == 1.0
    before, at = km.survival_at(2.99), km.survival_at(3)
    assert before.value == pytest.approx(5 / 7) and at.value == pytest.approx(15 / 28)
    assert at.ci_low < at.value < at.ci_high and at.confidence == 0.9 and at.n == 7


def test_no_events_and_all_events():
    censored = kaplan_meier([1, 2, 3], [False, False, False])
    assert censored.survival.tolist() == [1, 1, 1] and censored.ci_low.tolist() == [1, 1, 1]
    failed = kaplan_meier([1, 2], [True, True])
    assert failed.survival.tolist() == [0.5, 0.0]
    assert failed.ci_low[1] == 0 and failed.ci_high[1] == 0 and failed.variance[1] == 0


def test_weights_equal_repeated_rows():
    durations, events, weights = [1, 2, 3, 3], [True, False, True, False], [3, 2, 4, 1]
    grouped = kaplan_meier(durations, events, weights)
    expanded = kaplan_meier(np.repeat(durations, weights), np.repeat(events, weights))
    for field in ("times", "at_risk", "events", "survival", "variance", "ci_low", "ci_high"):
        np.testing.assert_allclose(getattr(grouped, field), getattr(expanded, field))


def test_log_log_interval_coverage_by_simulation():
    rng = np.random.default_rng(17)
    reps, n, t0 = 600, 80, 1.0
    truth = np.exp(-0.5 * t0)  # exponential lifetimes, rate 0.5; uniform censoring on (0, 4)
    hits = 0
    for _ in range(reps):
        life, cens = rng.exponential(2.0, n), rng.uniform(0, 4, n)
        est = kaplan_meier(np.minimum(life, cens), life <= cens).survival_at(t0)
        hits += est.ci_low <= truth <= est.ci_high
    low, high = binom.ppf([0.0005, 0.9995], reps, 0.95)
    assert low <= hits <= high, hits / reps


@pytest.mark.parametrize(("durations", "events", "kwargs"), [
    ([1, -2], [True, False], {}),
    ([1, 2], [True], {}),
    ([1, 2], [2, 0], {}),
    ([1, 2], [0.5, 1.0], {}),
    ([], [], {}),
    ([1, np.nan], [True, False], {}),
    ([1, 2], [True, False], {"weights": [1, -1]}),
    ([1, 2], [True, False], {"confidence": 1.0}),
])
def test_invalid_input_raises(durations, events, kwargs):
    with pytest.raises(ValueError):
        kaplan_meier(durations, events, **kwargs)
