"""How each score is estimated from answer counts, and how two windows are compared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from services.metrics.stats.ces import ces, ces_difference
from services.metrics.stats.counts import CountComparison, count_comparison
from services.metrics.stats.csat import csat_difference, csat_from_counts
from services.metrics.stats.estimate import Estimate
from services.metrics.stats.nps import NpsCounts, nps_difference, nps_from_answer_counts
from shared.question_types import SCORE_METRICS, metric_scale


@dataclass(frozen=True)
class MetricDefinition:
    """A score's answer scale."""

    name: str
    low: int
    high: int

    def levels(self, counts: Mapping[int, int]) -> np.ndarray:
        """The count of every answer value from ``low`` to ``high`` (zeros where absent)."""
        return np.array([counts.get(v, 0) for v in range(self.low, self.high + 1)], dtype=np.int64)


#: Each score metric on the scale of the question type it is computed from (``shared.question_types``).
METRICS = {metric: MetricDefinition(metric, *metric_scale(metric)) for metric in SCORE_METRICS}


def estimate(metric: str, counts: Mapping[int, int], *, confidence: float, min_n: int,
             method: str = "default", rng: np.random.Generator | None = None) -> Estimate:
    """The score of one group from its answer counts."""
    levels = METRICS[metric].levels(counts)
    if metric == "nps":
        return nps_from_answer_counts(levels, confidence=confidence, min_n=min_n)
    if metric == "csat":
        return csat_from_counts(levels, confidence=confidence, min_n=min_n)
    if method == "bca":
        return ces(levels, confidence=confidence, min_n=min_n, method="bca",
                   rng=rng or np.random.default_rng(0))
    return ces(levels, confidence=confidence, min_n=min_n, method="t" if method == "t" else "dirichlet")


def difference(metric: str, current: Mapping[int, int], baseline: Mapping[int, int], *,
               confidence: float, alternative: str, min_n: int, test: str = "pooled") -> Estimate:
    """Current minus baseline with its interval; ``parts["p_value"]`` holds the test's p-value.

    ``test`` (``pooled`` or ``unpooled``) chooses the NPS and CSAT test; CES always uses Welch's t,
    and its ``parts["test"]`` says so.
    """
    definition = METRICS[metric]
    now, before = definition.levels(current), definition.levels(baseline)
    if metric == "nps":
        return nps_difference(NpsCounts.from_answer_counts(now), NpsCounts.from_answer_counts(before),
                              confidence=confidence, alternative=alternative, min_n=min_n, test=test)
    if metric == "csat":
        return csat_difference((int(now[3:].sum()), int(now.sum())),
                               (int(before[3:].sum()), int(before.sum())),
                               confidence=confidence, alternative=alternative, min_n=min_n, test=test)
    change = ces_difference(now, before, confidence=confidence, alternative=alternative, min_n=min_n)
    return replace(change, parts={**change.parts, "test": "welch_t"})


def volume(current: Mapping[int, int], baseline: Mapping[int, int], *, windows: int, confidence: float,
           alternative: str, min_n: int) -> CountComparison:
    """Answers in the current window against the mean per window of the ``windows`` baseline windows.

    ``current`` and ``baseline`` are the answer counts of one score per answer value, as for the scores;
    volume counts them all, whatever the value.
    """
    return count_comparison(sum(current.values()), sum(baseline.values()), windows, confidence=confidence,
                            alternative=alternative, min_n=min_n)
