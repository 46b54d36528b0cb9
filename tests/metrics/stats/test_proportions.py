"""Wilson interval, Newcombe difference interval and the two-proportion z test."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest, chi2_contingency

from services.metrics.stats.proportions import (
    BinaryCounts,
    normal_p_value,
    proportion,
    proportion_difference,
    two_sided_z,
    wilson_interval,
)

# Published values are printed to 4 decimals: agree to half a unit in the last place.
PUBLISHED_4DP = 5e-5
# Hand arithmetic below is carried to 6 decimals.
HAND_6DP = 2e-6
# Same formula as scipy, computed in a different order: floating-point agreement only.
FLOAT = 1e-12


def test_wilson_by_hand():
    # k = 3, n = 10, z = 1.959964, z^2 = 3.841459
    # p = 0.3; z^2/n = 0.384146; denominator = 1.384146
    # centre = (0.3 + 0.192073) / 1.384146 = 0.355506
    # half = 1.959964 * sqrt(0.3 * 0.7 / 10 + 3.841459 / 400) / 1.384146
    #      = 1.959964 * sqrt(0.021 + 0.009604) / 1.384146 = 0.342874 / 1.384146 = 0.247715
    # interval = (0.355506 - 0.247715, 0.355506 + 0.247715) = (0.107791, 0.603221)
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.107791, abs=HAND_6DP)
    assert high == pytest.approx(0.603221, abs=HAND_6DP)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Stat. Med. 17:857-872, Table I, method 3 (score interval without continuity correction).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_table(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=PUBLISHED_4DP)


@given(n=st.integers(1, 5000), data=st.data(), confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_scipy(n, data, confidence):
    k = data.draw(st.integers(0, n))
    reference = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = wilson_interval(k, n, confidence)
    assert (low, high) == pytest.approx((reference.low, reference.high), abs=FLOAT)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_proportion_estimate_and_flags():
    estimate = proportion(12, 20, min_n=30)
    assert estimate.value == 0.6
    assert (estimate.ci_low, estimate.ci_high) == wilson_interval(12, 20)
    assert estimate.method == "wilson" and estimate.insufficient
    assert estimate.parts == {"successes": 12, "failures": 8}
    assert not proportion(12, 20, min_n=20).insufficient


def test_empty_sample_is_nan_and_insufficient():
    estimate = proportion(0, 0, min_n=0)
    assert math.isnan(estimate.value) and math.isnan(estimate.ci_low) and math.isnan(estimate.ci_high)
    assert estimate.insufficient and estimate.n == 0
    difference = proportion_difference((0, 0), (5, 10))
    assert math.isnan(difference.value) and math.isnan(difference.parts["p_value"])
    assert difference.insufficient


def test_counts_from_sql_types_are_accepted():
    assert wilson_interval(np.int64(3), Decimal(10)) == wilson_interval(3, 10)
    assert wilson_interval(3.0, 10.0) == wilson_interval(3, 10)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "low", "high"),
    # Newcombe (1998), "Interval estimation for the difference between independent
    # proportions", Stat. Med. 17:873-890, Table II, method 10 (hybrid score, no correction).
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0),
    ],
)
def test_newcombe_difference_matches_published_table(k1, n1, k2, n2, low, high):
    estimate = proportion_difference((k1, n1), BinaryCounts(k2, n2), min_n=0)
    assert estimate.value == pytest.approx(k1 / n1 - k2 / n2, abs=FLOAT)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low, high), abs=PUBLISHED_4DP)
    assert estimate.method == "newcombe_hybrid_score"


def test_two_proportion_z_by_hand_and_against_chi_square():
    # 56/70 vs 48/80: d = 0.8 - 0.6 = 0.2; pooled = 104/150 = 0.693333
    # se = sqrt(0.6933333 * 0.3066667 * (1/70 + 1/80)) = sqrt(0.2126222 * 0.02678571)
    #    = sqrt(0.005695238) = 0.07546680
    # z = 0.2 / 0.07546680 = 2.650172; two-sided p = 2 * (1 - Phi(2.650172)) = 0.008045
    estimate = proportion_difference((56, 70), (48, 80))
    assert estimate.parts["z"] == pytest.approx(2.650172, abs=HAND_6DP)
    assert estimate.parts["p_value"] == pytest.approx(0.008045, abs=HAND_6DP)
    # The two-sided pooled z test is Pearson's chi-square test without continuity correction.
    chi2, p_value, _, _ = chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert estimate.parts["z"] ** 2 == pytest.approx(chi2, rel=FLOAT)
    assert estimate.parts["p_value"] == pytest.approx(p_value, rel=1e-9)


def test_one_sided_alternatives_split_the_two_sided_p_value():
    greater = proportion_difference((56, 70), (48, 80), alternative="greater").parts["p_value"]
    less = proportion_difference((56, 70), (48, 80), alternative="less").parts["p_value"]
    two_sided = proportion_difference((56, 70), (48, 80)).parts["p_value"]
    assert greater == pytest.approx(two_sided / 2, rel=FLOAT)
    assert greater + less == pytest.approx(1.0, abs=FLOAT)
    # The interval is two-sided whatever the alternative.
    less_interval = proportion_difference((56, 70), (48, 80), alternative="less")
    assert less_interval.ci_low == pytest.approx(0.0524, abs=PUBLISHED_4DP)


def test_identical_all_success_samples_give_z_zero():
    estimate = proportion_difference((40, 40), (30, 30))
    assert estimate.value == 0.0 and estimate.parts["z"] == 0.0 and estimate.parts["p_value"] == 1.0


def test_normal_helpers():
    assert two_sided_z(0.95) == pytest.approx(1.959963984540054, abs=FLOAT)
    assert normal_p_value(1.959963984540054, "two-sided") == pytest.approx(0.05, abs=FLOAT)
    assert normal_p_value(-1.6448536269514722, "less") == pytest.approx(0.05, abs=FLOAT)


@pytest.mark.parametrize(
    "call",
    [
        lambda: wilson_interval(11, 10),
        lambda: wilson_interval(-1, 10),
        lambda: wilson_interval(2.5, 10),
        lambda: wilson_interval(True, 10),
        lambda: wilson_interval(float("nan"), 10),
        lambda: wilson_interval("three", 10),
        lambda: wilson_interval(3, 10, confidence=1.0),
        lambda: wilson_interval(3, 10, confidence=0.0),
        lambda: proportion(3, 10, min_n=-1),
        lambda: proportion_difference((3, 10), (4, 10), alternative="both"),
        lambda: proportion_difference((3, 10, 1), (4, 10)),
        lambda: proportion_difference(3, (4, 10)),
        lambda: proportion_difference((3, 10), (4, 10), confidence=95),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
