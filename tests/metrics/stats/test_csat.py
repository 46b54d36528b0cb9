"""CSAT in percent: top-2 share with the Wilson interval, and its change."""

import math

import pytest

from services.metrics.stats.csat import csat, csat_difference, csat_from_counts, csat_from_scores
from services.metrics.stats.proportions import proportion_difference

# Hand arithmetic below is carried to 4 decimals of a percent.
HAND_PCT = 2e-4
FLOAT = 1e-12


def test_csat_by_hand():
    # 80 satisfied of 100: p = 0.8, z^2/n = 3.841459/100 = 0.038415, denominator 1.038415
    # centre = (0.8 + 0.019207) / 1.038415 = 0.788902
    # half = 1.959964 * sqrt(0.8 * 0.2 / 100 + 3.841459 / 40000) / 1.038415
    #      = 1.959964 * sqrt(0.0016 + 0.000096) / 1.038415 = 1.959964 * 0.041183 / 1.038415
    #      = 0.077731
    # interval = (71.1171 %, 86.6633 %)
    estimate = csat(80, 100)
    assert estimate.value == pytest.approx(80.0, abs=FLOAT)
    assert estimate.ci_low == pytest.approx(71.1171, abs=HAND_PCT)
    assert estimate.ci_high == pytest.approx(86.6633, abs=HAND_PCT)
    assert estimate.method == "wilson" and not estimate.insufficient
    assert estimate.parts == {"satisfied": 80, "not_satisfied": 20}


def test_counts_and_scores_wrappers_agree():
    # answers 1..5 counted 5, 5, 10, 30, 50: top-2 = 30 + 50 = 80 of 100
    from_counts = csat_from_counts([5, 5, 10, 30, 50])
    scores = [1] * 5 + [2] * 5 + [3] * 10 + [4] * 30 + [5] * 50
    assert from_counts == csat(80, 100) == csat_from_scores(scores)


def test_small_and_empty_samples():
    assert csat(20, 25).insufficient and not csat(20, 25, min_n=25).insufficient
    empty = csat_from_scores([])
    assert empty.n == 0 and empty.insufficient
    assert math.isnan(empty.value) and math.isnan(empty.ci_low) and math.isnan(empty.ci_high)


def test_difference_is_the_proportion_difference_in_points():
    change = csat_difference((56, 70), (48, 80), alternative="greater")
    reference = proportion_difference((56, 70), (48, 80), alternative="greater")
    assert change.value == pytest.approx(20.0, abs=1e-9)
    # Newcombe (1998) Table II, method 10: 0.0524 to 0.3339.
    assert (change.ci_low, change.ci_high) == pytest.approx((5.24, 33.39), abs=5e-3)
    assert change.parts["p_value"] == reference.parts["p_value"]
    assert change.parts["current"] == pytest.approx(80.0) and change.parts["previous"] == pytest.approx(60.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: csat(101, 100),
        lambda: csat_from_counts([1, 2, 3, 4]),
        lambda: csat_from_counts([1, 2, 3, 4, -5]),
        lambda: csat_from_scores([1, 2, 6]),
        lambda: csat_from_scores([1, 2.5]),
        lambda: csat_from_scores([[1, 2], [3, 4]]),
        lambda: csat_difference((1, 10), (2, 10), alternative="up"),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
