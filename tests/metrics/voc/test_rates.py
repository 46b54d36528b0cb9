"""The statistics behind rising keywords: Fisher's exact rise test, Benjamini-Hochberg, share intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from services.metrics.voc.rates import benjamini_hochberg, rise_test, share_interval


@pytest.mark.parametrize(
    ("x1", "n1", "x0", "n0"),
    [(60, 400, 8, 400), (1, 200, 0, 200), (5, 50, 20, 300), (0, 10, 3, 10), (30, 30, 0, 5)],
)
def test_rise_p_value_equals_scipy_fisher_exact_greater(x1, n1, x0, n0):
    test = rise_test(np.array([x1]), n1, np.array([x0]), n0, 0.95)
    expected = stats.fisher_exact([[x1, n1 - x1], [x0, n0 - x0]], alternative="greater").pvalue
    assert test.p_value[0] == pytest.approx(expected, rel=1e-9)


def test_rise_ratio_and_bound_follow_the_corrected_log_ratio():
    test = rise_test(np.array([60]), 400, np.array([8]), 400, 0.95)
    log_ratio = math.log(60.5 / 400.5) - math.log(8.5 / 400.5)
    se = math.sqrt(1 / 60.5 - 1 / 400.5 + 1 / 8.5 - 1 / 400.5)
    assert test.ratio[0] == pytest.approx(math.exp(log_ratio), rel=1e-12)
    assert test.z[0] == pytest.approx(log_ratio / se, rel=1e-12)
    assert test.ratio_ci_low[0] == pytest.approx(math.exp(log_ratio - 1.6448536269514722 * se))


def test_rise_test_when_every_comment_mentions_the_keyword():
    test = rise_test(np.array([40]), 40, np.array([10]), 10, 0.95)
    assert test.z.tolist() == [0.0]
    assert test.ratio.tolist() == [1.0]
    assert test.p_value.tolist() == [1.0]


def test_rise_test_rejects_impossible_counts():
    with pytest.raises(ValueError):
        rise_test(np.array([5]), 4, np.array([0]), 10, 0.95)
    with pytest.raises(ValueError):
        rise_test(np.array([1]), 4, np.array([0]), 0, 0.95)


def test_benjamini_hochberg_by_hand_and_against_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    rng = np.random.default_rng(3)
    p = rng.uniform(size=200) ** 3
    assert benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p), rel=1e-12)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    # Newcombe (1998), Stat Med 17:857-872, Table II, method 3 (Wilson score); tolerance 5e-5.
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718), (29, 29, 0.8830, 1.0)],
)
def test_share_interval_matches_newcombe(x, n, low, high):
    assert share_interval(x, n, 0.95) == pytest.approx((low, high), abs=5e-5)
