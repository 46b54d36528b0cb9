"""Decisions of the ``drop`` and ``threshold`` rules from estimates with intervals.

Score metrics (NPS, CSAT, CES) take the estimates metrics returns from ``/v1/scores/compare``
(``alternative=less``): the current window, the baseline (previous window or the pooled last N
windows), their difference with its interval, and the one-sided p-value. Response volume is a
count, tested here with the conditional binomial test for two Poisson rates (Przyborowski &
Wilenski, 1940; Lehmann & Romano 2005, sec. 4.5) and bounded with Garwood's exact Poisson interval
(Garwood, *Biometrika* 27, 1936).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A value with its interval and sample size (``None`` where it cannot be estimated)."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


@dataclass(frozen=True)
class Comparison:
    """The current window against its baseline, with the one-sided p-value for a decrease."""

    current: Estimate
    baseline: Estimate
    difference: Estimate
    p_value: float | None


@dataclass(frozen=True)
class Decision:
    """Whether the rule fires on a decided window, and why (for logs and alerts)."""

    firing: bool
    reason: str


def drop_decision(comparison: Comparison, *, alpha: float, min_drop: float, min_n: int) -> Decision:
    """Fire when the decrease is significant, large enough, and both windows are big enough.

    Parameters
    ----------
    comparison : Comparison
        ``p_value`` must come from a one-sided test of "current < baseline".
    alpha : float
        Level of the test, the stated false-alarm rate per decided window.
    min_drop : float
        Smallest decrease (in the metric's units, e.g. NPS points) worth an alert.
    min_n : int
        Smallest sample size of each window.

    Returns
    -------
    Decision
        ``firing`` is True only if ``p < alpha``, ``-difference >= min_drop`` and both ``n >= min_n``.
        Adding conditions to a level-``alpha`` test can only lower its false-alarm rate.
    """
    _check_level(alpha)
    if comparison.current.n < min_n or comparison.baseline.n < min_n:
        return Decision(False, f"too few answers (current {comparison.current.n}, "
                               f"baseline {comparison.baseline.n}, need {min_n})")
    change, p_value = comparison.difference.value, comparison.p_value
    if change is None or p_value is None or not math.isfinite(p_value):
        return Decision(False, "no estimate")
    if -change < min_drop:
        return Decision(False, f"change {change:+.1f} is smaller than the minimum drop {min_drop:g}")
    if p_value >= alpha:
        return Decision(False, f"p = {p_value:.3g} is not below {alpha:g}")
    return Decision(True, f"dropped {-change:.1f} (p = {p_value:.3g} < {alpha:g})")


def threshold_decision(current: Estimate, *, target: float, min_n: int) -> Decision:
    """Fire when the interval's upper bound is under ``target`` (confidently below, not a dip).

    With an interval at confidence ``1 - 2 * alpha`` the upper bound is a one-sided level-``alpha``
    bound, so a score sitting exactly at the target fires with probability at most ``alpha``.
    """
    if current.n < min_n:
        return Decision(False, f"too few answers ({current.n}, need {min_n})")
    if current.ci_high is None:
        return Decision(False, "no interval")
    if current.ci_high < target:
        return Decision(True, f"upper bound {current.ci_high:.1f} is below the target {target:g}")
    return Decision(False, f"upper bound {current.ci_high:.1f} is not below the target {target:g}")


def poisson_interval(count: int, confidence: float) -> tuple[float, float]:
    """Garwood's exact interval for a Poisson mean from one observed ``count``."""
    if count < 0:
        raise ValueError("count must not be negative")
    tail = (1.0 - confidence) / 2.0
    low = 0.0 if count == 0 else stats.chi2.ppf(tail, 2 * count) / 2.0
    high = stats.chi2.ppf(1.0 - tail, 2 * count + 2) / 2.0
    return float(low), float(high)


def volume_comparison(current: int, baseline_total: int, baseline_windows: int, *,
                      confidence: float = 0.95) -> Comparison:
    """Answers in the current window against the mean per window of ``baseline_windows`` windows.

    Under "same rate", ``current | current + baseline_total`` is binomial with success probability
    ``1 / (baseline_windows + 1)``; the p-value of a decrease is its lower tail. The difference's
    interval is the normal approximation with variance ``current + baseline_total / N**2``.
    """
    if baseline_windows < 1:
        raise ValueError("baseline_windows must be at least 1")
    total = current + baseline_total
    p_value = float(stats.binom.cdf(current, total, 1.0 / (baseline_windows + 1))) if total else None
    mean_before = baseline_total / baseline_windows
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    half = z * math.sqrt(current + baseline_total / baseline_windows ** 2)
    low_c, high_c = poisson_interval(current, confidence)
    low_b, high_b = poisson_interval(baseline_total, confidence)
    return Comparison(
        current=Estimate(float(current), low_c, high_c, current),
        baseline=Estimate(mean_before, low_b / baseline_windows, high_b / baseline_windows, baseline_total),
        difference=Estimate(current - mean_before, current - mean_before - half,
                            current - mean_before + half, total),
        p_value=p_value)


def _check_level(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie strictly between 0 and 1")
