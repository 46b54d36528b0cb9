"""Net Promoter Score: promoters (9-10) minus detractors (0-6), in points from -100 to 100.

Intervals use the adjusted Wald method recommended by Rocks (2016), "Interval estimation for the
'Net Promoter Score'", The American Statistician 70(4):365-372.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from .estimate import Estimate, check_confidence
from .proportions import normal_p_value, two_sided_z
from .score_inputs import (
    check_alternative,
    check_count,
    check_level_counts,
    check_min_n,
    check_test,
    is_insufficient,
    tally_scores,
)

# the ``parts["test"]`` of a difference: which test its p-value comes from
_TEST_NAMES = {"pooled": "pooled_score_z", "unpooled": "wald_z"}

NAN = float("nan")
# Pseudo-counts of the adjusted Wald interval (Rocks 2016): 3 in all, as in Agresti-Coull.
PSEUDO_DETRACTORS, PSEUDO_PASSIVES, PSEUDO_PROMOTERS = 0.75, 1.5, 0.75
PSEUDO_TOTAL = PSEUDO_DETRACTORS + PSEUDO_PASSIVES + PSEUDO_PROMOTERS


class NpsCounts(NamedTuple):
    """Promoter, passive and detractor counts, as a grouped SQL query returns them."""

    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        """Number of answers."""
        return self.promoters + self.passives + self.detractors

    @classmethod
    def from_answer_counts(cls, counts: Any) -> NpsCounts:
        """Group the eleven counts ``counts[i]`` = number of answers ``i`` (0..10)."""
        levels = check_level_counts(counts, 11)
        return cls(int(levels[9:].sum()), int(levels[7:9].sum()), int(levels[:7].sum()))

    @classmethod
    def from_scores(cls, scores: Any) -> NpsCounts:
        """Group raw answers on the 0-10 likelihood-to-recommend scale."""
        return cls.from_answer_counts(tally_scores(scores, 0, 10))


def _checked(counts: Any, label: str = "") -> NpsCounts:
    if not isinstance(counts, (tuple, list)) or len(counts) != 3:
        raise ValueError(f"{label}counts must be (promoters, passives, detractors), got {counts!r}")
    return NpsCounts(*(check_count(c, f"{label}{name}") for c, name in zip(counts, NpsCounts._fields, strict=False)))


def _adjusted(counts: NpsCounts) -> tuple[float, float]:
    """Adjusted NPS as a fraction in [-1, 1] and its variance (Rocks 2016)."""
    n_adj = counts.n + PSEUDO_TOTAL
    promoters = (counts.promoters + PSEUDO_PROMOTERS) / n_adj
    detractors = (counts.detractors + PSEUDO_DETRACTORS) / n_adj
    centre = promoters - detractors
    return centre, (promoters + detractors - centre * centre) / n_adj


def _parts(counts: NpsCounts) -> dict[str, Any]:
    n = counts.n
    shares = {f"{name}_pct": (100.0 * c / n if n else NAN) for name, c in zip(counts._fields, counts, strict=False)}
    return {**counts._asdict(), **shares}


def _raw_points(counts: NpsCounts) -> float:
    return 100.0 * (counts.promoters - counts.detractors) / counts.n if counts.n else NAN


def nps(
    promoters: int, passives: int, detractors: int, *, confidence: float = 0.95, min_n: int = 30
) -> Estimate:
    """NPS in points with the adjusted Wald interval of Rocks (2016).

    Parameters
    ----------
    promoters, passives, detractors : int
        Counts of answers 9-10, 7-8 and 0-6.
    confidence : float
        Two-sided confidence level in (0, 1).
    min_n : int
        Below this sample size the estimate is flagged ``insufficient`` (value still given).

    Returns
    -------
    Estimate
        ``value`` is the plain NPS :math:`100(P - D)/n`. Parts: the three counts and their
        shares in percent (``promoters_pct``, ...). With ``n == 0`` value, bounds and shares are
        NaN and the estimate is ``insufficient``.

    Notes
    -----
    Add 0.75 promoter, 1.5 passive and 0.75 detractor pseudo-answers (:math:`\\tilde n = n+3`),
    :math:`\\tilde p = (P + 0.75)/\\tilde n`, :math:`\\tilde d = (D + 0.75)/\\tilde n`. The
    interval is

    .. math:: 100\\left[(\\tilde p - \\tilde d) \\pm z\\sqrt{\\frac{\\tilde p + \\tilde d
              - (\\tilde p - \\tilde d)^2}{\\tilde n}}\\right]

    clipped to [-100, 100]: the variance of a difference of two multinomial shares
    (Rocks 2016). It is centred on the adjusted NPS, which is shrunk towards 0, so with a
    single answer the plain NPS lies outside it (one promoter: NPS 100, interval about
    [-48.5, 98.5]); from two answers on it lies inside (checked exhaustively up to n = 40).
    """
    counts = _checked((promoters, passives, detractors))
    z = two_sided_z(confidence)
    insufficient = is_insufficient(check_min_n(min_n), counts.n)
    if counts.n == 0:
        low = high = NAN
    else:
        centre, variance = _adjusted(counts)
        half_width = z * math.sqrt(variance)
        low, high = max(-100.0, 100.0 * (centre - half_width)), min(100.0, 100.0 * (centre + half_width))
    return Estimate(
        value=_raw_points(counts), ci_low=low, ci_high=high, n=counts.n,
        confidence=check_confidence(confidence), method="adjusted_wald",
        insufficient=insufficient, parts=_parts(counts),
    )


def nps_from_answer_counts(counts: Any, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """NPS from the eleven counts ``counts[i]`` = number of answers ``i`` (0..10)."""
    return nps(*NpsCounts.from_answer_counts(counts), confidence=confidence, min_n=min_n)


def nps_from_scores(scores: Any, *, confidence: float = 0.95, min_n: int = 30) -> Estimate:
    """NPS from raw 0-10 answers (convenience wrapper over :func:`nps`)."""
    return nps(*NpsCounts.from_scores(scores), confidence=confidence, min_n=min_n)


def _pooled_z(first: NpsCounts, second: NpsCounts) -> float:
    """Score statistic of the plain NPS difference under one pooled distribution."""
    n = first.n + second.n
    promoters = (first.promoters + second.promoters) / n
    detractors = (first.detractors + second.detractors) / n
    variance = (promoters + detractors - (promoters - detractors) ** 2) * (1 / first.n + 1 / second.n)
    difference = (_raw_points(first) - _raw_points(second)) / 100.0
    if variance <= 0:
        return 0.0 if difference == 0 else math.copysign(math.inf, difference)
    return difference / math.sqrt(variance)


def nps_difference(
    current: NpsCounts | tuple[int, int, int],
    previous: NpsCounts | tuple[int, int, int],
    *,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    min_n: int = 30,
    test: str = "pooled",
) -> Estimate:
    """Change in NPS, current minus previous, in points, with a z test.

    Parameters
    ----------
    current, previous : NpsCounts or (promoters, passives, detractors)
        Two independent samples.
    confidence : float
        Level of the two-sided interval (two-sided whatever ``alternative``).
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis: the change is non-zero, negative (a drop), positive (a rise).
    min_n : int
        Flags the estimate ``insufficient`` when either sample is smaller.
    test : {"pooled", "unpooled"}
        ``pooled`` (default): the score test below, which keeps its level; ``unpooled``: the Wald
        test of the adjusted difference with the interval's standard error (agrees with the
        interval, leans towards "drop" for a small window against a long positive baseline).

    Returns
    -------
    Estimate
        ``value`` = plain NPS(current) - NPS(previous), in [-200, 200]. Parts: ``current`` and
        ``previous`` (plain NPS), ``se`` (points), ``z``, ``p_value``, ``alternative``, ``test``. NaN
        throughout when either sample is empty.

    Notes
    -----
    Each sample is adjusted as in :func:`nps`; the variances add (independent samples):

    .. math:: \\tilde\\Delta = \\tilde N_1 - \\tilde N_2,\\quad
              SE = \\sqrt{\\tilde V_1/\\tilde n_1 + \\tilde V_2/\\tilde n_2},\\quad
              \\tilde\\Delta \\pm z\\,SE,\\quad Z = \\tilde\\Delta / SE

    (Rocks 2016 for the adjustment). The test is a score test on the plain difference, with the
    variance under the null hypothesis of one common distribution (pooled shares
    :math:`\\bar p, \\bar d` of both samples):

    .. math:: Z = \\frac{N_1 - N_2}{\\sqrt{(\\bar p + \\bar d - (\\bar p - \\bar d)^2)(1/n_1 + 1/n_2)}}

    The pseudo-counts shrink a small sample towards 0 more than a large one, so a test on the
    adjusted difference would lean towards "drop" whenever a small window is compared with a long
    baseline of a positive score; the pooled score test keeps its level (checked by simulation).
    Near the boundary the test and the interval can therefore disagree.
    """
    first, second = _checked(current, "current "), _checked(previous, "previous ")
    check_alternative(alternative)
    check_test(test)
    z_crit = two_sided_z(confidence)
    insufficient = is_insufficient(check_min_n(min_n), first.n, second.n)
    if first.n == 0 or second.n == 0:
        return Estimate(NAN, NAN, NAN, first.n + second.n, float(confidence), "adjusted_wald", True,
                        {"current": _raw_points(first), "previous": _raw_points(second),
                         "se": NAN, "z": NAN, "p_value": NAN, "alternative": alternative,
                         "test": _TEST_NAMES[test]})
    (centre1, var1), (centre2, var2) = _adjusted(first), _adjusted(second)
    delta, se = 100.0 * (centre1 - centre2), 100.0 * math.sqrt(var1 + var2)
    z = _pooled_z(first, second) if test == "pooled" else delta / se
    return Estimate(
        value=_raw_points(first) - _raw_points(second),
        ci_low=max(-200.0, delta - z_crit * se), ci_high=min(200.0, delta + z_crit * se),
        n=first.n + second.n, confidence=float(confidence), method="adjusted_wald",
        insufficient=insufficient,
        parts={"current": _raw_points(first), "previous": _raw_points(second), "se": se,
               "z": z, "p_value": normal_p_value(z, alternative), "alternative": alternative,
               "test": _TEST_NAMES[test]},
    )
