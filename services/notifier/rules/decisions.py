"""Decisions of the ``drop`` and ``threshold`` rules from estimates with intervals.

Every metric, response volume included, takes the estimates metrics returns from
``/v1/scores/compare`` (``alternative=less``): the current window, the baseline (previous window or
the pooled last N windows), their difference with its interval, and the one-sided p-value. The
statistics are metrics' (``services/metrics/stats``); these rules only decide on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


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
    code: str = ""  # the reason as a stable word (too_few, dropped, ...), for readers in other languages
    values: dict[str, float | int] = field(default_factory=dict)  # the numbers the reason names


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
                               f"baseline {comparison.baseline.n}, need {min_n})", "too_few",
                        {"current": comparison.current.n, "baseline": comparison.baseline.n, "need": min_n})
    change, p_value = comparison.difference.value, comparison.p_value
    if change is None or p_value is None or not math.isfinite(p_value):
        return Decision(False, "no estimate", "no_estimate")
    if -change < min_drop:
        return Decision(False, f"change {change:+.1f} is smaller than the minimum drop {min_drop:g}",
                        "small_change", {"change": change, "min_drop": min_drop})
    if p_value >= alpha:
        return Decision(False, f"p = {p_value:.3g} is not below {alpha:g}", "not_significant",
                        {"p": p_value, "alpha": alpha})
    return Decision(True, f"dropped {-change:.1f} (p = {p_value:.3g} < {alpha:g})", "dropped",
                    {"drop": -change, "p": p_value, "alpha": alpha})


def threshold_decision(current: Estimate, *, target: float, min_n: int) -> Decision:
    """Fire when the interval's upper bound is under ``target`` (confidently below, not a dip).

    With an interval at confidence ``1 - 2 * alpha`` the upper bound is a one-sided level-``alpha``
    bound, so a score sitting exactly at the target fires with probability at most ``alpha``.
    """
    if current.n < min_n:
        return Decision(False, f"too few answers ({current.n}, need {min_n})", "too_few",
                        {"current": current.n, "need": min_n})
    if current.ci_high is None:
        return Decision(False, "no interval", "no_estimate")
    values = {"upper": current.ci_high, "target": target}
    if current.ci_high < target:
        return Decision(True, f"upper bound {current.ci_high:.1f} is below the target {target:g}", "below_target",
                        values)
    return Decision(False, f"upper bound {current.ci_high:.1f} is not below the target {target:g}",
                    "not_below_target", values)


def _check_level(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie strictly between 0 and 1")
