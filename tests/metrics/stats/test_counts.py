"""Answer counts: Garwood's interval, the conditional binomial test and the difference interval.

Reference values are published (Garwood's table) or computed here another way: the bounds from
the Poisson tail equations they solve, the p-values as exact binomial sums in rational arithmetic.
Coverage and size are simulated with a fixed-seed ``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from services.metrics.stats.counts import (
    baseline_mean,
    conditional_p_value,
    count_comparison,
    poisson_count,
    poisson_interval,
)

SEED = 20261204
REPS = 4_000  # binomial standard error of a 95 % share: 0.34 points


@pytest.mark.parametrize(("count", "low", "high"), [
    (0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39), (100, 81.36, 121.6)])
def test_garwood_matches_the_published_table(count, low, high):
    """95 % limits as tabulated (Garwood 1936; Sahai & Khurshid 1993), to the table's 4 digits."""
    found = poisson_interval(count, 0.95)
    assert found == pytest.approx((low, high), rel=5e-4, abs=5e-4)


@pytest.mark.parametrize("count", [1, 3, 17, 250])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_garwood_bounds_solve_the_poisson_tail_equations(count, confidence):
    low, high = poisson_interval(count, confidence)
    tail = (1 - confidence) / 2
    assert stats.poisson.sf(count - 1, low) == pytest.approx(tail, rel=1e-9)  # P(X >= x; low)
    assert stats.poisson.cdf(count, high) == pytest.approx(tail, rel=1e-9)    # P(X <= x; high)


def exact_tail(x: int, total: int, windows: int, *, lower: bool) -> float:
    """``P(X <= x)`` or ``P(X >= x)`` for ``X ~ Binomial(total, 1 / (windows + 1))``, in fractions."""
    p = Fraction(1, windows + 1)
    terms = range(0, x + 1) if lower else range(x, total + 1)
    return float(sum(math.comb(total, i) * p ** i * (1 - p) ** (total - i) for i in terms))


@pytest.mark.parametrize(("x", "b", "k"), [(3, 20, 4), (100, 800, 4), (12, 9, 1), (0, 40, 12), (30, 120, 12)])
def test_p_values_are_the_exact_binomial_tails(x, b, k):
    less, greater = exact_tail(x, x + b, k, lower=True), exact_tail(x, x + b, k, lower=False)
    assert conditional_p_value(x, b, k, "less") == pytest.approx(less, rel=1e-9, abs=1e-300)
    assert conditional_p_value(x, b, k, "greater") == pytest.approx(greater, rel=1e-9, abs=1e-300)
    assert conditional_p_value(x, b, k, "two-sided") == pytest.approx(min(1.0, 2 * min(less, greater)), rel=1e-9)


def test_a_halved_volume_is_a_significant_drop():
    change = count_comparison(100, 800, 4, alternative="less").difference
    assert change.value == pytest.approx(-100.0) and change.parts["p_value"] < 1e-3
    assert change.ci_high < 0 and change.parts["ratio"] == pytest.approx(0.5)
    assert change.parts["ratio_ci_high"] < 1 and change.parts["test"] == "conditional_binomial"


def test_the_estimates_of_each_window():
    now = poisson_count(10, confidence=0.95, min_n=30)
    assert (now.value, now.n, now.insufficient, now.method) == (10.0, 10, True, "garwood_exact")
    before = baseline_mean(800, 4, confidence=0.95, min_n=30)
    low, high = poisson_interval(800, 0.95)
    assert (before.value, before.n, before.insufficient) == (200.0, 800, False)
    assert (before.ci_low, before.ci_high) == pytest.approx((low / 4, high / 4), rel=1e-12)


@pytest.mark.parametrize(("x", "b", "k"), [(3, 20, 4), (7, 7, 1), (40, 300, 12), (150, 100, 1)])
def test_the_ratio_interval_solves_the_binomial_tail_equations(x, b, k):
    parts = count_comparison(x, b, k, confidence=0.95).difference.parts
    total = x + b
    pi_low = parts["ratio_ci_low"] / (parts["ratio_ci_low"] + k)
    pi_high = parts["ratio_ci_high"] / (parts["ratio_ci_high"] + k)
    assert stats.binom.sf(x - 1, total, pi_low) == pytest.approx(0.025, rel=1e-7)   # P(X >= x)
    assert stats.binom.cdf(x, total, pi_high) == pytest.approx(0.025, rel=1e-7)     # P(X <= x)


@pytest.mark.parametrize("k", [1, 4, 12])
def test_the_two_sided_test_rejects_exactly_when_the_ratio_interval_excludes_one(k):
    for x in range(0, 60, 3):
        for b in range(0, 60 * k, 7):
            if x + b == 0:
                continue
            parts = count_comparison(x, b, k, confidence=0.95, min_n=0).difference.parts
            excludes = parts["ratio_ci_high"] < 1 or parts["ratio_ci_low"] > 1
            assert (parts["p_value"] < 0.05) == excludes, (x, b, k)


def test_no_answers_at_all_gives_no_test():
    change = count_comparison(0, 0, 4, min_n=0).difference
    assert change.insufficient and math.isnan(change.parts["p_value"]) and change.value == 0.0
    assert count_comparison(5, 0, 1, min_n=0).difference.parts["ratio_ci_high"] == math.inf


def test_a_drop_to_zero_is_an_answer_not_a_missing_sample():
    change = count_comparison(0, 800, 4, alternative="less", min_n=30).difference
    assert not change.insufficient and change.parts["p_value"] < 1e-50


@pytest.mark.parametrize(("call", "message"), [
    (lambda: poisson_interval(-1), "non-negative"), (lambda: poisson_interval(2.5), "integer"),
    (lambda: count_comparison(3, 4, 0), "at least 1"), (lambda: count_comparison(3, 4, 1, alternative="down"),
                                                        "alternative"),
    (lambda: poisson_count(3, confidence=1.0), "confidence")])
def test_bad_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("mean", [0.5, 3.0, 20.0, 400.0])
def test_garwood_covers_at_least_its_confidence(mean):
    rng = np.random.default_rng(SEED)
    counts = rng.poisson(mean, REPS)
    bounds = {int(c): poisson_interval(int(c), 0.95) for c in np.unique(counts)}
    covered = np.mean([bounds[int(c)][0] <= mean <= bounds[int(c)][1] for c in counts])
    assert covered >= 0.94  # exact, so conservative: >= 95 % up to simulation noise (0.34 points)


# (current rate, baseline rate per window, baseline windows): the smallest counts an alert sees,
# a weekly rule against the last 4 and 12 weeks, and a change of rate
SCENARIOS = [(5.0, 5.0, 1), (5.0, 5.0, 4), (20.0, 20.0, 12), (10.0, 10.0, 4), (100.0, 200.0, 4),
             (200.0, 200.0, 4), (50.0, 50.0, 1)]


def simulate(rate_now: float, rate_before: float, k: int):
    rng = np.random.default_rng(SEED)
    now, before = rng.poisson(rate_now, REPS), rng.poisson(rate_before * k, REPS)
    found = {}
    for pair in set(zip(now.tolist(), before.tolist(), strict=True)):
        found[pair] = count_comparison(pair[0], pair[1], k, confidence=0.95, alternative="less", min_n=0).difference
    return [found[pair] for pair in zip(now.tolist(), before.tolist(), strict=True)]


@pytest.mark.parametrize(("rate_now", "rate_before", "k"), SCENARIOS)
def test_difference_and_ratio_intervals_cover_by_simulation(rate_now, rate_before, k):
    results = simulate(rate_now, rate_before, k)
    difference = np.mean([r.ci_low <= rate_now - rate_before <= r.ci_high for r in results])
    ratio = np.mean([r.parts["ratio_ci_low"] <= rate_now / rate_before <= r.parts["ratio_ci_high"]
                     for r in results])
    # both rest on exact limits, so they err on the safe side at small counts (up to 99 % at 5 a window)
    assert difference >= 0.94 and ratio >= 0.94
    if min(rate_now, rate_before * k) >= 50:
        assert difference <= 0.97 and ratio <= 0.97


@pytest.mark.parametrize(("rate", "k"), [(5.0, 1), (20.0, 4), (200.0, 12)])
def test_the_one_sided_test_keeps_its_level_when_the_rate_is_stable(rate, k):
    results = simulate(rate, rate, k)
    false_alarms = np.mean([r.parts["p_value"] < 0.05 for r in results if math.isfinite(r.parts["p_value"])])
    assert false_alarms <= 0.05 + 0.01  # exact test: size <= alpha, plus 3 simulation standard errors
