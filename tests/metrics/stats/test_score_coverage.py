"""Simulated coverage of the 95 % intervals for NPS, CSAT and CES, with fixed seeds.

Each cell draws ``REPS`` survey samples from a known answer distribution, computes the interval
through the public function and counts how often it covers the true score; the share must lie
in ``COVERAGE_BAND``. Samples are drawn as grouped counts, as SQL returns them, and each distinct
sample is estimated once (small samples repeat a lot), which keeps the run short.

Scenario grid, and why:

- sizes 30 (the default ``min_n``: the smallest sample we report without a flag), 100 (a
  typical monthly segment) and 1000 (a whole product); differences also 100 vs 1000 (a small
  segment against last quarter's whole base);
- NPS mixes from -50 to +82, spanning what surveys commonly report, with at least 12 %
  passives; "middle" (+10) gives the widest intervals, "extreme" (+82, 3 % detractors) the most
  skewed one;
- CSAT 50 %, 80 % (typical) and 95 % (best-in-class);
- CES on 1-7 with mean 4.2 (roughly symmetric), 5.5 (typical, skewed towards 7) and 6.5
  (75 % answer 7: an effortless flow, the most skewed case), for the default Dirichlet-posterior
  interval and for the t and BCa alternatives.

Two exact or size checks complete the picture: Wilson's exact coverage over a fine grid of
shares (it oscillates, so single cells can dip below 93 %), and the size of the pooled
two-proportion z test, which, unlike the NPS and Welch tests, is not the dual of its interval.

Cells where a method genuinely misses the band are marked ``xfail(strict=True)`` with the
measured share in the reason, so they stay visible in every run and flag if they change.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
from scipy.stats import binom

from services.metrics.stats.ces import ces, ces_difference
from services.metrics.stats.csat import csat, csat_difference
from services.metrics.stats.estimate import Estimate
from services.metrics.stats.nps import nps, nps_difference
from services.metrics.stats.proportions import wilson_interval

SEED = 20240607
REPS = 10_000  # binomial standard error of a 95 % share: 0.22 points
BCA_REPS = 1_000  # binomial standard error 0.7 points; 0.5-1.2 ms per BCa interval
COVERAGE_BAND = (0.93, 0.97)
SIZES = (30, 100, 1000)
PAIRS = ((30, 30), (100, 100), (1000, 1000), (100, 1000))

# (promoters, passives, detractors) shares
NPS_MIXES = {
    "negative-50": (0.10, 0.30, 0.60),
    "middle+10": (0.40, 0.30, 0.30),
    "typical+30": (0.50, 0.30, 0.20),
    "high+60": (0.70, 0.20, 0.10),
    "extreme+82": (0.85, 0.12, 0.03),
}
CSAT_SHARES = (0.50, 0.80, 0.95)
CES_MIXES = {
    "middle4.2": (0.05, 0.10, 0.15, 0.30, 0.20, 0.12, 0.08),
    "typical5.5": (0.02, 0.03, 0.05, 0.10, 0.20, 0.30, 0.30),
    "extreme6.5": (0.01, 0.01, 0.01, 0.02, 0.05, 0.15, 0.75),
}
CES_LEVELS = np.arange(1, 8)


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([SEED, *key])


def _coverage(estimate_of: Callable[[np.ndarray], Estimate], draws: np.ndarray, truth: float) -> float:
    """Share of simulated samples (rows of ``draws``) whose interval covers ``truth``."""
    distinct, which = np.unique(draws, axis=0, return_inverse=True)
    covered = np.array([(lambda e: e.ci_low <= truth <= e.ci_high)(estimate_of(row)) for row in distinct])
    return float(covered[which.reshape(-1)].mean())


def _nps_truth(mix: tuple[float, ...]) -> float:
    return 100.0 * (mix[0] - mix[2])


def _ces_truth(mix: tuple[float, ...]) -> float:
    return float(np.asarray(mix) @ CES_LEVELS)


def nps_coverage(mix: str, n: int) -> float:
    """Coverage of :func:`nps` for one mix and sample size."""
    draws = _rng(1, list(NPS_MIXES).index(mix), n).multinomial(n, NPS_MIXES[mix], size=REPS)
    return _coverage(lambda row: nps(*row), draws, _nps_truth(NPS_MIXES[mix]))


def csat_coverage(share: float, n: int) -> float:
    """Coverage of :func:`csat` (Wilson) for one true share and sample size."""
    draws = _rng(2, CSAT_SHARES.index(share), n).binomial(n, share, size=(REPS, 1))
    return _coverage(lambda row: csat(row[0], n), draws, 100.0 * share)


def ces_coverage(mix: str, n: int, method: str) -> float:
    """Coverage of :func:`ces` with the ``"dirichlet"``, ``"t"`` or ``"bca"`` interval.

    The Dirichlet and t cells see the same simulated samples, so they compare pairwise.
    """
    rng = _rng(3, list(CES_MIXES).index(mix), n, method == "bca")
    truth = _ces_truth(CES_MIXES[mix])
    if method in ("dirichlet", "t"):
        return _coverage(lambda row: ces(row, method=method),
                         rng.multinomial(n, CES_MIXES[mix], size=REPS), truth)
    draws = rng.multinomial(n, CES_MIXES[mix], size=BCA_REPS)
    covered = [(lambda e: e.ci_low <= truth <= e.ci_high)(ces(row, method="bca", rng=rng)) for row in draws]
    return float(np.mean(covered))


def nps_difference_coverage(current: str, previous: str, n1: int, n2: int) -> float:
    """Coverage of :func:`nps_difference` for two mixes and sample sizes."""
    rng = _rng(4, list(NPS_MIXES).index(current), list(NPS_MIXES).index(previous), n1, n2)
    draws = np.hstack([rng.multinomial(n1, NPS_MIXES[current], size=REPS),
                       rng.multinomial(n2, NPS_MIXES[previous], size=REPS)])
    truth = _nps_truth(NPS_MIXES[current]) - _nps_truth(NPS_MIXES[previous])
    return _coverage(lambda row: nps_difference(tuple(row[:3]), tuple(row[3:])), draws, truth)


def csat_difference_coverage(current: float, previous: float, n1: int, n2: int) -> float:
    """Coverage of :func:`csat_difference` (Newcombe) for two true shares and sample sizes."""
    rng = _rng(5, round(100 * current), round(100 * previous), n1, n2)
    draws = np.column_stack([rng.binomial(n1, current, REPS), rng.binomial(n2, previous, REPS)])
    return _coverage(lambda row: csat_difference((row[0], n1), (row[1], n2)), draws,
                     100.0 * (current - previous))


def ces_difference_coverage(current: str, previous: str, n1: int, n2: int) -> float:
    """Coverage of :func:`ces_difference` (Welch) for two mixes and sample sizes."""
    rng = _rng(6, list(CES_MIXES).index(current), list(CES_MIXES).index(previous), n1, n2)
    draws = np.hstack([rng.multinomial(n1, CES_MIXES[current], size=REPS),
                       rng.multinomial(n2, CES_MIXES[previous], size=REPS)])
    truth = _ces_truth(CES_MIXES[current]) - _ces_truth(CES_MIXES[previous])
    return _coverage(lambda row: ces_difference(row[:7], row[7:]), draws, truth)


def _cells(grid, shortfalls: dict) -> list:
    """Parametrize ``grid``; cells listed in ``shortfalls`` become strict xfails with a reason."""
    def marks(cell: tuple) -> list:
        return [pytest.mark.xfail(strict=True, reason=shortfalls[cell])] if cell in shortfalls else []

    return [pytest.param(*cell, id="-".join(map(str, cell)), marks=marks(cell)) for cell in grid]


def _assert_in_band(coverage: float) -> None:
    low, high = COVERAGE_BAND
    assert low <= coverage <= high, f"coverage {coverage:.4f} outside [{low}, {high}]"


# Cells outside the band with these seeds (numbers in the reasons are the measured shares).
# The t and BCa cells document the alternatives to the default CES interval (Dirichlet), which
# is in the band in every cell: 0.9446-0.9671 on the same samples as t.
CES_T_SHORTFALLS = {
    ("extreme6.5", 30): "t interval under strong left skew at n=30: 0.886 (symmetric interval)",
    ("extreme6.5", 100): "t interval under strong left skew at n=100: 0.9275 (0.929 with 40k reps)",
}
CES_BCA_SHORTFALLS = {
    ("middle4.2", 30, "bca"): "BCa at n=30 is too narrow (bootstrap variance divides by n): 0.923"
    " (0.936 with 4000 reps)",
    ("extreme6.5", 30, "bca"): "BCa at n=30 under strong skew: 0.920 (0.906 with 4000 reps; t: 0.886)",
}
NPS_DIFFERENCE_SHORTFALLS = {
    ("extreme+82", "high+60", 30, 30): "conservative: 0.9707 (0.969 with 40k reps); pseudo-counts"
    " pull both adjusted shares away from the boundary and widen the interval",
}
CSAT_DIFFERENCE_SHORTFALLS = {
    (0.95, 0.85, 30, 30): "Newcombe interval conservative near p=1 at n=30: 0.9745",
}
NPS_DIFFERENCES = (("middle+10", "middle+10"), ("high+60", "typical+30"), ("extreme+82", "high+60"))
CSAT_DIFFERENCES = ((0.80, 0.80), (0.95, 0.85), (0.50, 0.60))
# BCa is offered for skewed small samples; at n=1000 its corrections are O(1/sqrt(n)) and the
# t interval already covers, so only the most skewed mix is run there (the costliest cells).
BCA_GRID = [(m, n, "bca") for m in CES_MIXES for n in (30, 100)] + [("extreme6.5", 1000, "bca")]
CES_DIFFERENCES = (("middle4.2", "middle4.2"), ("typical5.5", "middle4.2"), ("extreme6.5", "typical5.5"))


@pytest.mark.parametrize(("mix", "n"), _cells([(m, n) for m in NPS_MIXES for n in SIZES], {}))
def test_nps_adjusted_wald_coverage(mix, n):
    _assert_in_band(nps_coverage(mix, n))


@pytest.mark.parametrize(("share", "n"), _cells([(p, n) for p in CSAT_SHARES for n in SIZES], {}))
def test_csat_wilson_coverage(share, n):
    _assert_in_band(csat_coverage(share, n))


@pytest.mark.parametrize(("mix", "n"), _cells([(m, n) for m in CES_MIXES for n in SIZES], {}))
def test_ces_dirichlet_coverage(mix, n):
    # The default interval. Measured: middle4.2 0.9446 / 0.9480 / 0.9507 (n = 30 / 100 / 1000),
    # typical5.5 0.9466 / 0.9514 / 0.9516, extreme6.5 0.9671 / 0.9502 / 0.9459. The n=30
    # extreme cell is the conservative one (0.967 on an independent seed too): the prior's
    # pseudo-answer below 7 widens the interval downwards where the t interval was too short.
    _assert_in_band(ces_coverage(mix, n, "dirichlet"))


@pytest.mark.parametrize(("mix", "n"), _cells([(m, n) for m in CES_MIXES for n in SIZES], CES_T_SHORTFALLS))
def test_ces_t_coverage(mix, n):
    _assert_in_band(ces_coverage(mix, n, "t"))


@pytest.mark.slow
@pytest.mark.parametrize(("mix", "n", "method"),
                         _cells(BCA_GRID, CES_BCA_SHORTFALLS))
def test_ces_bca_coverage(mix, n, method):
    _assert_in_band(ces_coverage(mix, n, method))


@pytest.mark.parametrize(("current", "previous", "n1", "n2"),
                         _cells([(*d, *p) for d in NPS_DIFFERENCES for p in PAIRS],
                                NPS_DIFFERENCE_SHORTFALLS))
def test_nps_difference_coverage(current, previous, n1, n2):
    _assert_in_band(nps_difference_coverage(current, previous, n1, n2))


@pytest.mark.parametrize(("current", "previous", "n1", "n2"),
                         _cells([(*d, *p) for d in CSAT_DIFFERENCES for p in PAIRS],
                                CSAT_DIFFERENCE_SHORTFALLS))
def test_csat_difference_coverage(current, previous, n1, n2):
    _assert_in_band(csat_difference_coverage(current, previous, n1, n2))


@pytest.mark.parametrize(("current", "previous", "n1", "n2"),
                         _cells([(*d, *p) for d in CES_DIFFERENCES for p in PAIRS], {}))
def test_ces_difference_coverage(current, previous, n1, n2):
    _assert_in_band(ces_difference_coverage(current, previous, n1, n2))


@pytest.mark.parametrize(("n", "min_coverage"), [(30, 0.915), (100, 0.925), (1000, 0.94)])
def test_wilson_exact_coverage_oscillates_around_nominal(n, min_coverage):
    # Exact binomial coverage over a fine grid of true CSAT shares 50-97 %. Wilson's coverage
    # oscillates with p (Brown, Cai & DasGupta 2001): measured at n=30 it runs from 0.919 to
    # 0.980 (3.4 % of the grid below 0.93, e.g. p=0.70: 0.9298); at n=100 from 0.928 to 0.976;
    # at n=1000 from 0.941 to 0.959. Averaged over p it is within half a point of 95 %.
    bounds = np.array([wilson_interval(k, n) for k in range(n + 1)])
    shares = np.linspace(0.50, 0.97, 471)
    pmf = binom.pmf(np.arange(n + 1)[None, :], n, shares[:, None])
    covers = (bounds[None, :, 0] <= shares[:, None]) & (shares[:, None] <= bounds[None, :, 1])
    coverage = (pmf * covers).sum(axis=1)
    assert abs(coverage.mean() - 0.95) <= 0.005
    assert coverage.min() >= min_coverage


@pytest.mark.parametrize(("n1", "n2"), PAIRS)
def test_two_proportion_z_test_size(n1, n2):
    # Under no change (CSAT 80 % both times) the two-sided test at 5 % rejects 3-7 % of samples.
    rng = _rng(7, n1, n2)
    draws = np.column_stack([rng.binomial(n1, 0.8, REPS), rng.binomial(n2, 0.8, REPS)])
    distinct, which = np.unique(draws, axis=0, return_inverse=True)
    rejects = np.array([csat_difference((a, n1), (b, n2)).parts["p_value"] < 0.05 for a, b in distinct])
    assert 0.03 <= rejects[which.reshape(-1)].mean() <= 0.07
