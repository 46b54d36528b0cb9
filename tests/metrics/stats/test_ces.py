"""CES on 1-7: t and BCa intervals from answer counts, share of 5-7, and the change in CES."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from services.metrics.stats.bootstrap import _acceleration, bca_mean_interval
from services.metrics.stats.ces import ces, ces_difference, ces_from_scores
from services.metrics.stats.means import MeanStats, mean_difference, mean_interval

HAND_6DP = 2e-6
HAND_PCT = 2e-4
# Two BCa runs with different random streams and 20,000 resamples: the bounds, which sit on a
# 1/n grid of possible means, agree to within one grid step (1/30 here).
BOOTSTRAP_MC = 1 / 30 + 1e-9

LEVELS = np.arange(1, 8)
COUNTS = [2, 3, 5, 10, 20, 30, 30]  # n 100, mean 5.53 (see test_means)


def test_ces_t_by_hand():
    # Mean and t interval as in test_means: 5.53, (5.240386, 5.819614).
    # Answers 5-7: 20 + 30 + 30 = 80 of 100 -> 80 %, Wilson (71.1171 %, 86.6633 %) as in test_csat.
    estimate = ces(COUNTS)
    assert estimate.value == pytest.approx(5.53, abs=1e-12)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((5.240386, 5.819614), abs=HAND_6DP)
    assert estimate.method == "student_t"
    assert estimate.parts["mean"] == estimate.value
    assert estimate.parts["share_5_7"] == pytest.approx(80.0)
    assert estimate.parts["share_5_7_ci_low"] == pytest.approx(71.1171, abs=HAND_PCT)
    assert estimate.parts["share_5_7_ci_high"] == pytest.approx(86.6633, abs=HAND_PCT)


def test_scores_wrapper_matches_counts():
    assert ces_from_scores(np.repeat(LEVELS, COUNTS)) == ces(COUNTS)


def test_acceleration_by_hand():
    # answers 1, 7, 7, 7: mean 5.5, deviations -4.5, 1.5, 1.5, 1.5
    # sum d^2 = 20.25 + 3 * 2.25 = 27; sum d^3 = -91.125 + 3 * 3.375 = -81
    # a = sum d^3 / (6 * (sum d^2)^1.5) = -81 / (6 * 140.296115) = -0.0962250
    # (the jackknife deviations are d / (n - 1); a is scale-free)
    counts = np.array([1, 0, 0, 0, 0, 0, 3], dtype=float)
    assert _acceleration(counts, LEVELS.astype(float)) == pytest.approx(-0.0962250, abs=HAND_6DP)


def test_bca_matches_scipy_bootstrap_on_raw_answers():
    # A strongly skewed sample of 30 answers, the case BCa is offered for.
    counts = [1, 0, 0, 1, 2, 3, 23]
    ours = bca_mean_interval(counts, LEVELS, rng=np.random.default_rng(1), n_resamples=20_000)
    raw = np.repeat(LEVELS, counts)
    reference = sps.bootstrap((raw,), np.mean, method="BCa", n_resamples=20_000,
                              rng=np.random.default_rng(2)).confidence_interval
    assert ours == pytest.approx((reference.low, reference.high), abs=BOOTSTRAP_MC)


def test_bca_is_reproducible_and_uses_the_generator():
    first = ces(COUNTS, method="bca", rng=np.random.default_rng(7))
    again = ces(COUNTS, method="bca", rng=np.random.default_rng(7))
    assert first == again and first.method == "bca_bootstrap"
    assert first.ci_low < first.value < first.ci_high
    # Same value and parts as the t estimate; only the interval differs.
    assert first.value == ces(COUNTS).value and first.parts == ces(COUNTS).parts


def test_degenerate_samples():
    empty = ces([0] * 7, method="bca", rng=np.random.default_rng(0))
    assert empty.insufficient and all(math.isnan(x) for x in (empty.value, empty.ci_low, empty.ci_high))
    assert math.isnan(empty.parts["share_5_7"])
    constant = ces([0, 0, 0, 0, 0, 40, 0], method="bca", rng=np.random.default_rng(0))
    assert constant.ci_low == constant.ci_high == 6.0
    assert ces([0, 0, 0, 0, 0, 40, 0]).ci_low == 6.0


def test_difference_from_counts_is_welch():
    previous = [5, 5, 10, 20, 20, 20, 20]
    change = ces_difference(COUNTS, previous, alternative="greater")
    reference = mean_difference(MeanStats.from_counts(COUNTS, LEVELS),
                                MeanStats.from_counts(previous, LEVELS),
                                scale=(1, 7), alternative="greater")
    assert change == reference
    assert change.value == pytest.approx(5.53 - 4.85, abs=1e-12)


def test_ces_t_equals_mean_interval():
    assert ces(COUNTS).ci_low == mean_interval(MeanStats.from_counts(COUNTS, LEVELS), scale=(1, 7)).ci_low


@pytest.mark.parametrize(
    "call",
    [
        lambda: ces([1, 2, 3]),
        lambda: ces(COUNTS, method="percentile"),
        lambda: ces(COUNTS, method="bca"),  # no generator
        lambda: ces(COUNTS, method="bca", rng=np.random.RandomState(0)),
        lambda: ces(COUNTS, method="bca", rng=np.random.default_rng(0), n_resamples=10),
        lambda: ces_from_scores([0, 1, 2]),
        lambda: ces_from_scores([1, 8]),
        lambda: ces_difference(COUNTS, [1, 2, 3, 4, 5, 6]),
        lambda: bca_mean_interval(COUNTS, [1, 2, 3], rng=np.random.default_rng(0)),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
