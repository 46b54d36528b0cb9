"""Log-rank test: scipy's two-sample test to its digits, chi-square calibration under the null, power."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from services.metrics.stats.kaplan_meier import kaplan_meier
from services.metrics.stats.logrank import logrank_test, survival_difference


def _scipy(x, cx, y, cy):
    result = stats.logrank(stats.CensoredData(uncensored=x[cx], right=x[~cx]),
                           stats.CensoredData(uncensored=y[cy], right=y[~cy]))
    return result.statistic**2, result.pvalue


@pytest.mark.parametrize("discrete", [False, True])
def test_two_groups_match_scipy(discrete):
    rng = np.random.default_rng(7)
    x, y = rng.exponential(1.0, 50), rng.exponential(1.6, 60)
    if discrete:  # ties, as in monthly churn periods
        x, y = np.ceil(x * 3), np.ceil(y * 3)
    cx, cy = rng.random(50) < 0.8, rng.random(60) < 0.7
    found = logrank_test(np.r_[x, y], np.r_[cx, cy], ["a"] * 50 + ["b"] * 60)
    statistic, p_value = _scipy(x, cx, y, cy)
    assert found.statistic == pytest.approx(statistic, rel=1e-10)
    assert found.p_value == pytest.approx(p_value, rel=1e-8)
    assert found.df == 1 and found.observed.sum() == pytest.approx(found.expected.sum())


def test_three_groups_are_calibrated_under_the_null_and_find_a_difference():
    rng = np.random.default_rng(20261218)
    null_p, alt_p = [], []
    for _ in range(400):
        groups = rng.integers(0, 3, 150)
        durations = rng.geometric(0.1, 150)
        censor = rng.integers(1, 15, 150)
        null_p.append(logrank_test(np.minimum(durations, censor), durations <= censor, groups).p_value)
        hazard = np.array([0.05, 0.1, 0.2])[groups]
        durations = rng.geometric(hazard)
        alt_p.append(logrank_test(np.minimum(durations, censor), durations <= censor, groups).p_value)
    assert 0.025 <= np.mean(np.array(null_p) < 0.05) <= 0.08  # nominal 5%, discrete times
    assert np.mean(np.array(alt_p) < 0.05) > 0.9


def test_survival_difference_adds_greenwood_variances():
    a = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    b = kaplan_meier([1, 1, 2, 3], [True, True, True, False])
    found = survival_difference(a, b, 2)
    se = np.sqrt(a.variance[1] + b.variance[1])
    assert found.value == pytest.approx(a.survival[1] - b.survival[1])
    assert found.ci_high - found.value == pytest.approx(1.959964 * se, rel=1e-5)


def test_bad_input():
    with pytest.raises(ValueError, match="two groups"):
        logrank_test([1, 2], [True, True], ["a", "a"])
    with pytest.raises(ValueError, match="one length"):
        logrank_test([1, 2], [True], ["a", "b"])
