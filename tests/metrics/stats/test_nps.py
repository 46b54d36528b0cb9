"""NPS with the adjusted Wald interval of Rocks (2016), and the change between two NPS."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.metrics.stats.nps import (
    NpsCounts,
    nps,
    nps_difference,
    nps_from_answer_counts,
    nps_from_scores,
)

# Hand arithmetic below is carried to 4 decimals of a point.
HAND_POINTS = 2e-4
HAND_P_VALUE = 2e-6
FLOAT = 1e-9

nps_counts = st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400))


def test_nps_by_hand():
    # 50 promoters, 30 passives, 20 detractors: NPS = 100 * (50 - 20) / 100 = 30
    # adjusted: n~ = 103, p~ = 50.75 / 103 = 0.492718, d~ = 20.75 / 103 = 0.201456
    # centre = 0.291262; variance = (0.694175 - 0.291262^2) / 103 = 0.609341 / 103 = 0.00591593
    # se = 0.0769151; half = 1.959964 * 0.0769151 = 0.150751
    # interval = 100 * (0.291262 -+ 0.150751) = (14.0511, 44.2013)
    estimate = nps(50, 30, 20)
    assert estimate.value == pytest.approx(30.0, abs=FLOAT)
    assert estimate.ci_low == pytest.approx(14.0511, abs=HAND_POINTS)
    assert estimate.ci_high == pytest.approx(44.2013, abs=HAND_POINTS)
    assert estimate.method == "adjusted_wald" and estimate.n == 100 and not estimate.insufficient
    assert estimate.parts == {
        "promoters": 50, "passives": 30, "detractors": 20,
        "promoters_pct": 50.0, "passives_pct": 30.0, "detractors_pct": 20.0,
    }


def test_interval_is_clipped_at_100():
    # 30 promoters only: p~ = 30.75 / 33 = 0.931818, d~ = 0.75 / 33 = 0.022727
    # centre = 0.909091; variance = (0.954545 - 0.826446) / 33 = 0.00388178; se = 0.0623040
    # half = 0.122114: interval 100 * (0.786977, 1.031205), upper clipped to 100
    estimate = nps(30, 0, 0)
    assert estimate.value == 100.0 and estimate.ci_high == 100.0
    assert estimate.ci_low == pytest.approx(78.6977, abs=HAND_POINTS)


def test_grouping_of_answers():
    # answers 0..10; 0-6 detractors, 7-8 passives, 9-10 promoters
    counts = [1, 0, 2, 0, 3, 0, 4, 5, 6, 7, 8]
    assert NpsCounts.from_answer_counts(counts) == NpsCounts(promoters=15, passives=11, detractors=10)
    scores = [answer for answer, count in enumerate(counts) for _ in range(count)]
    assert nps_from_scores(scores) == nps_from_answer_counts(counts) == nps(15, 11, 10)
    assert NpsCounts(15, 11, 10).n == 36


def test_min_n_and_empty_sample():
    assert nps(10, 5, 5).insufficient and not nps(10, 5, 5, min_n=20).insufficient
    empty = nps_from_scores([])
    assert empty.insufficient and empty.n == 0
    nan_fields = (empty.value, empty.ci_low, empty.ci_high, empty.parts["promoters_pct"])
    assert all(math.isnan(x) for x in nan_fields)
    change = nps_difference((0, 0, 0), (5, 5, 5))
    assert change.insufficient and math.isnan(change.value) and math.isnan(change.parts["p_value"])


@given(nps_counts.filter(lambda c: sum(c) > 0), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_is_ordered_and_within_range(counts, confidence):
    estimate = nps(*counts, confidence=confidence)
    assert -100.0 <= estimate.ci_low <= estimate.ci_high <= 100.0


def test_plain_nps_lies_in_interval_from_two_answers_on():
    # The interval is centred on the shrunk adjusted NPS; the docstring promises the plain NPS
    # still lies inside from n = 2 on. Check every sample of 2..40 answers.
    for n in range(2, 41):
        for promoters in range(n + 1):
            for detractors in range(n + 1 - promoters):
                estimate = nps(promoters, n - promoters - detractors, detractors)
                assert estimate.ci_low <= estimate.value <= estimate.ci_high, (promoters, detractors)
    lone_promoter = nps(1, 0, 0)
    assert lone_promoter.ci_high == pytest.approx(98.4986, abs=HAND_POINTS)


def test_difference_by_hand():
    # current (50, 30, 20): centre 0.291262, variance 0.00591593 (see test_nps_by_hand)
    # previous (40, 30, 30): p~ = 40.75 / 103 = 0.395631, d~ = 30.75 / 103 = 0.298544
    #   centre 0.097087; variance = (0.694175 - 0.009426) / 103 = 0.00664805
    # delta = 100 * (0.291262 - 0.097087) = 19.4175
    # se = 100 * sqrt(0.00591593 + 0.00664805) = 100 * 0.1120892 = 11.2089
    # interval 19.4175 -+ 1.959964 * 11.2089 = (-2.5516, 41.3865)
    # test (pooled): p = 90/200 = 0.45, d = 50/200 = 0.25, per-answer variance 0.45 + 0.25 - 0.2^2 = 0.66
    #   se0 = sqrt(0.66 * (1/100 + 1/100)) = sqrt(0.0132) = 0.1148913; z = 0.2 / 0.1148913 = 1.740777
    # p: two-sided 2 * (1 - Phi(1.740777)) = 0.081721, greater 0.040861, less 0.959139
    change = nps_difference(NpsCounts(50, 30, 20), (40, 30, 30))
    assert change.value == pytest.approx(20.0, abs=FLOAT)
    assert change.ci_low == pytest.approx(-2.5516, abs=HAND_POINTS)
    assert change.ci_high == pytest.approx(41.3865, abs=HAND_POINTS)
    assert change.parts["z"] == pytest.approx(1.740777, abs=HAND_P_VALUE)
    assert change.parts["p_value"] == pytest.approx(0.081721, abs=HAND_P_VALUE)
    assert change.parts["current"] == pytest.approx(30.0) and change.parts["previous"] == pytest.approx(10.0)
    greater = nps_difference((50, 30, 20), (40, 30, 30), alternative="greater")
    less = nps_difference((50, 30, 20), (40, 30, 30), alternative="less")
    assert greater.parts["p_value"] == pytest.approx(0.040861, abs=HAND_P_VALUE)
    assert less.parts["p_value"] == pytest.approx(0.959139, abs=HAND_P_VALUE)
    assert (greater.ci_low, greater.ci_high) == (change.ci_low, change.ci_high)


def test_difference_variances_add():
    first, second = nps(50, 30, 20), nps(40, 30, 30)
    change = nps_difference((50, 30, 20), (40, 30, 30))
    z = 1.959963984540054
    half_first, half_second = (first.ci_high - first.ci_low) / 2, (second.ci_high - second.ci_low) / 2
    half_change = (change.ci_high - change.ci_low) / 2
    assert half_change == pytest.approx(math.hypot(half_first, half_second), rel=FLOAT)
    assert change.parts["se"] == pytest.approx(math.hypot(half_first, half_second) / z, rel=FLOAT)


def test_one_sided_test_keeps_its_level_for_a_small_window_against_a_long_baseline():
    # Stable NPS +30 (50/30/20): a window of 200 answers against a baseline of 2,400. A test on the
    # adjusted (shrunk) difference would call the small window a drop too often; this one must not.
    rng = np.random.default_rng(20261123)
    shares = [0.5, 0.3, 0.2]
    rejections = 0
    trials = 6000
    for _ in range(trials):
        current, previous = rng.multinomial(200, shares), rng.multinomial(2400, shares)
        change = nps_difference(tuple(int(c) for c in current), tuple(int(c) for c in previous),
                                alternative="less")
        rejections += change.parts["p_value"] < 0.05
    rate = rejections / trials
    assert 0.05 - 3 * math.sqrt(0.05 * 0.95 / trials) < rate < 0.05 + 3 * math.sqrt(0.05 * 0.95 / trials), rate


@pytest.mark.parametrize(
    "call",
    [
        lambda: nps(-1, 0, 0),
        lambda: nps(1.5, 0, 0),
        lambda: nps(1, 2, 3, confidence=1.2),
        lambda: nps(1, 2, 3, min_n=2.5),
        lambda: nps_from_answer_counts([1] * 10),
        lambda: nps_from_scores([0, 5, 11]),
        lambda: nps_from_scores([-1, 5]),
        lambda: nps_from_scores(["9", "10"]),
        lambda: nps_difference((1, 2), (1, 2, 3)),
        lambda: nps_difference((1, 2, 3), (1, 2, 3), alternative="two_sided"),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
