"""Means from sufficient statistics: Student t interval and Welch's t test."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from services.metrics.stats.means import MeanStats, mean_difference, mean_interval, t_p_value

# Hand arithmetic below is carried to 6 decimals.
HAND_6DP = 2e-6
# Same formulas as scipy from the same statistics; sums of squares differ only by round-off.
SCIPY = 1e-9

LEVELS = np.arange(1, 8)
# answers 1..7 counted 2, 3, 5, 10, 20, 30, 30
COUNTS = [2, 3, 5, 10, 20, 30, 30]


def test_sufficient_statistics_by_hand():
    # n = 100; sum = 2 + 6 + 15 + 40 + 100 + 180 + 210 = 553
    # sum of squares = 2 + 12 + 45 + 160 + 500 + 1080 + 1470 = 3269
    assert MeanStats.from_counts(COUNTS, LEVELS) == MeanStats(100, 553.0, 3269.0)
    raw = np.repeat(LEVELS, COUNTS)
    assert MeanStats.from_scores(raw) == MeanStats(100, 553.0, 3269.0)


def test_t_interval_by_hand_and_against_scipy():
    # mean = 5.53; s^2 = (3269 - 553^2 / 100) / 99 = (3269 - 3058.09) / 99 = 2.130404
    # s = 1.459590; se = 0.145959; t(99, 0.975) = 1.984217; half = 0.289614
    # interval = (5.240386, 5.819614)
    estimate = mean_interval((100, 553, 3269), scale=(1, 7))
    assert estimate.value == pytest.approx(5.53, abs=1e-12)
    assert estimate.ci_low == pytest.approx(5.240386, abs=HAND_6DP)
    assert estimate.ci_high == pytest.approx(5.819614, abs=HAND_6DP)
    assert estimate.parts["sd"] == pytest.approx(1.459590, abs=HAND_6DP)
    assert estimate.method == "student_t" and not estimate.insufficient
    reference = sps.ttest_1samp(np.repeat(LEVELS, COUNTS), 0.0).confidence_interval(0.95)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((reference.low, reference.high), abs=SCIPY)


def test_t_interval_is_clipped_to_the_scale():
    # 28 answers of 7 and 2 of 1: mean 6.6, the upper t bound passes 7.
    estimate = mean_interval(MeanStats.from_counts([2, 0, 0, 0, 0, 0, 28], LEVELS), scale=(1, 7))
    assert estimate.ci_high == 7.0 and estimate.ci_low < 6.6
    assert mean_interval(MeanStats.from_counts([2, 0, 0, 0, 0, 0, 28], LEVELS)).ci_high > 7.0


def test_empty_and_single_answer_samples():
    empty = mean_interval((0, 0, 0))
    assert empty.insufficient and all(math.isnan(x) for x in (empty.value, empty.ci_low, empty.ci_high))
    single = mean_interval((1, 4, 16), scale=(1, 7))
    assert single.value == 4.0 and math.isnan(single.ci_low) and math.isnan(single.ci_high)
    assert mean_interval((40, 160, 680)).insufficient is False
    assert mean_interval((20, 80, 340)).insufficient is True


def test_welch_by_hand():
    # current: n 10, mean 6, s^2 4 -> (10, 60, 9 * 4 + 10 * 36 = 396)
    # previous: n 20, mean 5, s^2 2 -> (20, 100, 19 * 2 + 20 * 25 = 538)
    # se^2 = 4/10 + 2/20 = 0.5, se = 0.707107; t = 1 / 0.707107 = 1.414214
    # df = 0.5^2 / (0.4^2 / 9 + 0.1^2 / 19) = 0.25 / (0.01777778 + 0.00052632)
    #    = 0.25 / 0.01830409 = 13.658147
    change = mean_difference((10, 60, 396), (20, 100, 538))
    assert change.value == pytest.approx(1.0, abs=1e-12)
    assert change.parts["se"] == pytest.approx(0.707107, abs=HAND_6DP)
    assert change.parts["t"] == pytest.approx(1.414214, abs=HAND_6DP)
    assert change.parts["df"] == pytest.approx(13.658147, abs=HAND_6DP)
    half = sps.t.ppf(0.975, change.parts["df"]) * math.sqrt(0.5)
    assert (change.ci_low, change.ci_high) == pytest.approx((1 - half, 1 + half), abs=1e-12)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_welch_matches_scipy_from_stats(alternative):
    change = mean_difference((10, 60, 396), (20, 100, 538), alternative=alternative)
    reference = sps.ttest_ind_from_stats(6, 2, 10, 5, math.sqrt(2), 20, equal_var=False,
                                         alternative=alternative)
    assert change.parts["t"] == pytest.approx(reference.statistic, abs=SCIPY)
    assert change.parts["p_value"] == pytest.approx(reference.pvalue, abs=SCIPY)


@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=300).filter(lambda x: len(set(x)) > 1),
    st.lists(st.integers(1, 7), min_size=2, max_size=300).filter(lambda x: len(set(x)) > 1),
    st.sampled_from(["two-sided", "less", "greater"]),
)
def test_welch_interval_and_p_value_match_scipy_on_raw_answers(current, previous, alternative):
    change = mean_difference(MeanStats.from_scores(current), MeanStats.from_scores(previous),
                             alternative=alternative, min_n=0)
    reference = sps.ttest_ind(current, previous, equal_var=False, alternative=alternative)
    assert change.parts["p_value"] == pytest.approx(reference.pvalue, abs=SCIPY)
    two_sided = sps.ttest_ind(current, previous, equal_var=False).confidence_interval(0.95)
    assert (change.ci_low, change.ci_high) == pytest.approx((two_sided.low, two_sided.high), abs=SCIPY)


def test_welch_degenerate_samples():
    # Both samples constant: the difference is known exactly.
    same = mean_difference((30, 150, 750), (40, 200, 1000))
    assert same.value == 0.0 and same.ci_low == same.ci_high == 0.0 and same.parts["p_value"] == 1.0
    apart = mean_difference((30, 180, 1080), (40, 200, 1000), alternative="greater")
    assert apart.value == 1.0 and apart.parts["t"] == math.inf and apart.parts["p_value"] == 0.0
    # Fewer than two answers: no variance, no interval or test.
    tiny = mean_difference((1, 5, 25), (40, 200, 1010))
    assert tiny.value == 0.0 and math.isnan(tiny.ci_low) and math.isnan(tiny.parts["p_value"])
    assert tiny.insufficient


def test_welch_interval_clipped_to_scale_span():
    # current 7, 7, 1: (3, 15, 99), s^2 = 12; previous 1, 1, 7: (3, 9, 51), s^2 = 12
    # se = sqrt(4 + 4) = 2.828427, df = 64 / (16/2 + 16/2) = 4, t(4, 0.975) = 2.776445
    # interval = 2 -+ 7.852973 = (-5.852973, 9.852973); the upper bound is clipped to 6
    change = mean_difference((3, 15, 99), (3, 9, 51), scale=(1, 7))
    assert change.parts["df"] == pytest.approx(4.0, abs=1e-12)
    assert change.ci_low == pytest.approx(-5.852973, abs=HAND_6DP) and change.ci_high == 6.0


def test_t_p_value_alternatives():
    assert t_p_value(2.0, 10, "two-sided") == pytest.approx(2 * sps.t.sf(2.0, 10), abs=1e-12)
    assert t_p_value(2.0, 10, "less") == pytest.approx(sps.t.cdf(2.0, 10), abs=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mean_interval((10, 50, 200)),  # sum of squares below sum^2 / n = 250
        lambda: mean_interval((0, 1, 1)),
        lambda: mean_interval((10, float("nan"), 300)),
        lambda: mean_interval((10, 50)),
        lambda: mean_interval((10, 80, 700), scale=(1, 7)),  # mean 8 outside 1..7
        lambda: mean_interval((10, 50, 300), scale=(7, 1)),
        lambda: mean_interval((-1, 0, 0)),
        lambda: mean_interval((10, 50, 300), confidence=0.0),
        lambda: mean_difference((10, 50, 300), (10, 50, 300), alternative="more"),
        lambda: MeanStats.from_counts([1, 2], LEVELS),
        lambda: MeanStats.from_scores([1.0, float("inf")]),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
