"""CES on 1-7: Dirichlet, t and BCa intervals from answer counts, share of 5-7, and the change."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from services.metrics.stats.bootstrap import _acceleration, bca_mean_interval
from services.metrics.stats.bounded_mean import dirichlet_mean_interval
from services.metrics.stats.ces import ces, ces_difference, ces_from_scores
from services.metrics.stats.means import MeanStats, mean_difference, mean_interval

HAND_6DP = 2e-6
HAND_PCT = 2e-4
# Two BCa runs with different random streams and 20,000 resamples: the bounds, which sit on a
# 1/n grid of possible means, agree to within one grid step (1/30 here).
BOOTSTRAP_MC = 1 / 30 + 1e-9
# Beta quantiles computed by scipy from the hand-derived parameters: same formula, round-off only.
BETA_PPF = 1e-9
# Two-moment Beta approximation against the exact Dirichlet posterior's quantiles (400,000
# posterior draws, Monte Carlo error about 0.002): measured gaps up to 0.027 points at n=30.
BETA_APPROXIMATION = 0.03

LEVELS = np.arange(1, 8)
COUNTS = [2, 3, 5, 10, 20, 30, 30]  # n 100, mean 5.53 (see test_means)


def test_ces_t_by_hand():
    # Mean and t interval as in test_means: 5.53, (5.240386, 5.819614).
    # Answers 5-7: 20 + 30 + 30 = 80 of 100 -> 80 %, Wilson (71.1171 %, 86.6633 %) as in test_csat.
    estimate = ces(COUNTS, method="t")
    assert estimate.value == pytest.approx(5.53, abs=1e-12)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((5.240386, 5.819614), abs=HAND_6DP)
    assert estimate.method == "student_t"
    assert estimate.parts["mean"] == estimate.value
    assert estimate.parts["share_5_7"] == pytest.approx(80.0)
    assert estimate.parts["share_5_7_ci_low"] == pytest.approx(71.1171, abs=HAND_PCT)
    assert estimate.parts["share_5_7_ci_high"] == pytest.approx(86.6633, abs=HAND_PCT)


def test_ces_dirichlet_by_hand():
    # Perks prior: 1/7 pseudo-answer per level. On the 0-6 scale (answer - 1):
    #   sum c (x-1) = 2*0 + 3*1 + 5*2 + 10*3 + 20*4 + 30*5 + 30*6 = 453; prior adds 21/7 = 3
    #   S = 100 + 1 = 101; M = 456 / 101 = 4.514851 (rescaled to [0, 1]: 76/101 = 0.752475)
    #   sum c (x-1)^2 = 3*1 + 5*4 + 10*9 + 20*16 + 30*25 + 30*36
    #                 = 3 + 20 + 90 + 320 + 750 + 1080 = 2263; prior adds 91/7 = 13
    #   E[(x-1)^2] = 2276 / 101 = 22.534653; minus M^2 = 20.383884 -> 2.150770
    #   V = 2.150770 / (S + 1) = 2.150770 / 102 = 0.021086; rescaled / 36 = 0.000585722
    #   nu = M(1-M)/V - 1 = 0.752475 * 0.247525 / 0.000585722 - 1 = 0.186256 / 0.000585722 - 1
    #      = 316.9945; Beta(M nu, (1-M) nu) = Beta(238.5305, 78.4640)
    #   bounds 1 + 6 * (2.5 %, 97.5 % quantiles) = (5.221491, 5.790110): shifted down from the
    #   t interval (5.240386, 5.819614), away from the end the answers crowd against.
    estimate = ces(COUNTS)
    assert estimate.method == "dirichlet_beta" and estimate.value == pytest.approx(5.53, abs=1e-12)
    low, high = 1 + 6 * sps.beta.ppf([0.025, 0.975], 238.5305, 78.4640)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low, high), abs=1e-4)
    nu = (76 / 101) * (25 / 101) / (2276 / 101 - (456 / 101) ** 2) * 36 * 102 - 1
    exact = 1 + 6 * sps.beta.ppf([0.025, 0.975], 76 / 101 * nu, 25 / 101 * nu)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx(tuple(exact), abs=BETA_PPF)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((5.221491, 5.790110), abs=HAND_6DP)
    assert estimate.parts == ces(COUNTS, method="t").parts


def test_dirichlet_on_two_levels_is_the_jeffreys_interval():
    # With two levels the Dirichlet is a Beta, so the approximation is exact, and the Perks
    # prior (1/2 per level) makes it Jeffreys' Beta(x + 1/2, n - x + 1/2) interval
    # (Brown, Cai & DasGupta 2001).
    for successes, n in [(7, 30), (29, 30), (81, 100)]:
        low, high = dirichlet_mean_interval([n - successes, successes], [0, 1], confidence=0.9)
        jeffreys = sps.beta.ppf([0.05, 0.95], successes + 0.5, n - successes + 0.5)
        assert (low, high) == pytest.approx(tuple(jeffreys), abs=BETA_PPF)


@pytest.mark.parametrize("counts", [[1, 0, 0, 1, 2, 3, 23], [0, 0, 0, 0, 0, 5, 25], COUNTS])
def test_dirichlet_beta_approximation_matches_posterior_draws(counts):
    draws = np.random.default_rng(5).dirichlet(np.asarray(counts) + 1 / 7, size=400_000) @ LEVELS
    exact = np.quantile(draws, [0.025, 0.975])
    assert dirichlet_mean_interval(counts, LEVELS) == pytest.approx(tuple(exact), abs=BETA_APPROXIMATION)


def test_dirichlet_at_the_ends_of_the_scale():
    # All answers 7: the posterior's upper quantile (6.99952) falls short of the mean, so the
    # upper bound moves to 7 (Brown, Cai & DasGupta's Jeffreys modification); likewise at 1.
    top = ces([0, 0, 0, 0, 0, 0, 40])
    assert top.ci_high == 7.0 and 6.5 < top.ci_low < 7.0
    bottom = ces([40, 0, 0, 0, 0, 0, 0])
    assert bottom.ci_low == 1.0 and 1.0 < bottom.ci_high < 1.5
    # All answers 6: not a point, unlike t and BCa, and it contains 6.
    sixes = ces([0, 0, 0, 0, 0, 40, 0])
    assert 5.5 < sixes.ci_low < 6.0 < sixes.ci_high < 6.5
    # One answer: flagged, yet a (wide) interval where t has none.
    single = ces([0, 0, 0, 1, 0, 0, 0])
    assert single.insufficient and 1.0 <= single.ci_low < 4.0 < single.ci_high <= 7.0


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
    assert ces([0, 0, 0, 0, 0, 40, 0], method="t").ci_low == 6.0
    assert all(math.isnan(x) for x in (lambda e: (e.ci_low, e.ci_high))(ces([0] * 7)))


def test_difference_from_counts_is_welch():
    previous = [5, 5, 10, 20, 20, 20, 20]
    change = ces_difference(COUNTS, previous, alternative="greater")
    reference = mean_difference(MeanStats.from_counts(COUNTS, LEVELS),
                                MeanStats.from_counts(previous, LEVELS),
                                scale=(1, 7), alternative="greater")
    assert change == reference
    assert change.value == pytest.approx(5.53 - 4.85, abs=1e-12)


def test_ces_t_equals_mean_interval():
    reference = mean_interval(MeanStats.from_counts(COUNTS, LEVELS), scale=(1, 7))
    assert ces(COUNTS, method="t").ci_low == reference.ci_low


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
        lambda: dirichlet_mean_interval(COUNTS, [1, 2, 3]),
        lambda: dirichlet_mean_interval([1, 2], [2, 1]),
        lambda: dirichlet_mean_interval([1, 2], [1, 2], prior_weight=0.0),
        lambda: dirichlet_mean_interval([1, 2], [1, 2], confidence=1.0),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
