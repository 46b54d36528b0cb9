"""``GET /v1/scores/compare?explain=<grouping>``: why a significant change happened.

Each significant cell of a compare gets its change split into the grouping's segment contributions
(shift-share, ``stats.shift_share``, percentile bootstrap intervals) and the keywords that rose among
the comments of its low-score answers, current window against baseline (the VOC keyword analysis).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from services.metrics.analytics.low_comments import low_score_keywords
from services.metrics.scores.disclosure import check_personal_scope, merge_small_cells
from services.metrics.scores.metric_defs import METRICS
from services.metrics.scores.query import grouped_counts
from services.metrics.scores.reports import compare_report, compare_windows, scope_from_args
from services.metrics.stats.shift_share import bootstrap_shift_share
from services.metrics.voc.groups import csat_group, nps_group
from shared.personal_data import OTHER_GROUP, Disclosure

RESAMPLES = 1000
SEED = 20261205  # fixed: the same data give the same intervals


def answer_points(metric: str) -> np.ndarray:
    """What each answer value adds to the score's mean: NPS +100/0/-100, CSAT 100 for satisfied, CES itself."""
    definition = METRICS[metric]
    values = range(definition.low, definition.high + 1)
    if metric == "nps":
        return np.array([{"promoter": 100.0, "passive": 0.0, "detractor": -100.0}[nps_group(v)] for v in values])
    if metric == "csat":
        return np.array([100.0 if csat_group(v) == "satisfied" else 0.0 for v in values])
    return np.array(values, dtype=float)


def _windows(report: dict[str, Any]) -> tuple[tuple, tuple]:
    current, baseline = report["current_window"], report["baseline_window"]
    return (current["from_"], current["to"]), (baseline["from_"], baseline["to"])


def raw_segment_counts(session: Session, args: dict[str, Any], current: tuple, baseline: tuple) -> tuple[dict, dict]:
    """``grouped_counts`` of the current and baseline windows by the compare's groups and the explained grouping."""
    names = [*dict.fromkeys(args["group_by"]), args["explain"]]
    metrics = (args["metric"],)
    return (grouped_counts(session, scope_from_args(args, metrics=metrics, start=current[0], end=current[1]), names),
            grouped_counts(session, scope_from_args(args, metrics=metrics, start=baseline[0], end=baseline[1]),
                           names))


def _summed_over_segments(counts: dict) -> dict:
    """The counts of the compare's own groups: the explained grouping (last key) summed away."""
    summed: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, values in counts.items():
        for value, count in values.items():
            summed[key[:-1]][value] += count
    return summed


def explained_compare(session: Session, args: dict[str, Any], *, now, disclosure: Disclosure | None = None
                      ) -> dict[str, Any]:
    """``compare_report`` and ``explain_compare`` in one: the windows are counted once, per segment, and the
    compare's counts are their sums (the same numbers as counting them again)."""
    disclosure = disclosure or Disclosure.full()
    check_personal_scope({"group_by": [args["explain"]], "segment": []}, disclosure)
    current, baseline = compare_windows(args, now)
    raw = raw_segment_counts(session, args, current, baseline)
    report = compare_report(session, args, now=now, disclosure=disclosure,
                            counts=(_summed_over_segments(raw[0]), _summed_over_segments(raw[1])))
    return explain_compare(session, args, report, disclosure=disclosure, raw_counts=raw)


def _segment_counts(session: Session, args: dict[str, Any], report: dict[str, Any], disclosure: Disclosure,
                    raw_counts: tuple[dict, dict] | None = None):
    """``{cell group key: {segment: (baseline counts, current counts)}}`` for the explained grouping."""
    group_by, grouping = list(report["group_by"]), args["explain"]
    names = [*group_by, grouping]
    metric = args["metric"]
    now, before = raw_counts or raw_segment_counts(session, args, *_windows(report))
    now, before = merge_small_cells([now, before], names, disclosure.cell_minimum)
    definition = METRICS[metric]
    cells: dict[tuple, dict[Any, list[np.ndarray]]] = defaultdict(dict)
    for position, counts in ((0, before), (1, now)):
        for (_metric, *keys), values in counts.items():
            cell_key = tuple(None if k is None else str(k) for k in keys[:-1])
            pair = cells[cell_key].setdefault(keys[-1], [np.zeros(definition.high - definition.low + 1)] * 2)
            pair[position] = definition.levels(values).astype(float)
    return cells


def _interval(fit, part: str, index: int) -> dict[str, float]:
    low, high = fit.intervals[part][:, index]
    return {"value": float(getattr(fit.point, part)[index]), "ci_low": float(low), "ci_high": float(high)}


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def explanation(segments: dict[Any, list[np.ndarray]], metric: str, grouping: str, *,
                confidence: float) -> dict[str, Any] | None:
    """The shift-share explanation of one cell from its segments' answer counts (None when a window is empty)."""
    labels = sorted(segments, key=lambda s: "" if s is None else str(s))
    before = np.array([segments[s][0] for s in labels])
    now = np.array([segments[s][1] for s in labels])
    if before.sum() == 0 or now.sum() == 0:
        return None
    fit = bootstrap_shift_share(before, now, answer_points(metric), rng=np.random.default_rng(SEED),
                                n_resamples=RESAMPLES, confidence=confidence)
    point = fit.point
    direction = 1.0 if point.change >= 0 else -1.0
    order = np.argsort(-direction * point.total, kind="stable")
    contributions = []
    for rank, i in enumerate(order, start=1):
        contributions.append({
            "segment": None if labels[i] is None else str(labels[i]), "rank": rank,
            "baseline_share": float(point.baseline_shares[i]), "current_share": float(point.current_shares[i]),
            "baseline_score": _finite(point.baseline_scores[i]), "current_score": _finite(point.current_scores[i]),
            "baseline_n": int(before[i].sum()), "current_n": int(now[i].sum()),
            **{part: _interval(fit, part, i) for part in ("rate", "mix", "interaction", "total")}})
    return {"grouping": grouping, "method": "shift_share", "interval_method": "percentile_bootstrap",
            "resamples": fit.n_resamples, "confidence": fit.confidence,
            "baseline_score": point.baseline_score, "current_score": point.current_score,
            "change": {"value": point.change, "ci_low": fit.change_interval[0], "ci_high": fit.change_interval[1]},
            "contributions": contributions}


def explain_compare(session: Session, args: dict[str, Any], report: dict[str, Any], *,
                    disclosure: Disclosure | None = None, raw_counts: tuple[dict, dict] | None = None) -> dict[str, Any]:
    """Add an ``explanation`` to every significant cell of a compare ``report`` (null on the others);
    ``raw_counts``: ``raw_segment_counts`` of the report's windows when already counted."""
    disclosure = disclosure or Disclosure.full()
    check_personal_scope({"group_by": [args["explain"]], "segment": []}, disclosure)
    report["explain"] = args["explain"]
    significant = [cell for cell in report["cells"] if cell["significant"]]
    for cell in report["cells"]:
        cell["explanation"] = None
    if not significant:
        return report
    per_cell = _segment_counts(session, args, report, disclosure, raw_counts)
    current, baseline = _windows(report)
    for cell in significant:
        key = tuple(cell["group"][name] for name in report["group_by"])
        found = explanation(per_cell.get(key, {}), args["metric"], args["explain"], confidence=args["confidence"])
        if found is not None and OTHER_GROUP not in key and None not in key:
            found["keywords"] = low_score_keywords(session, args, cell["group"], metric=args["metric"],
                                                   current=current, baseline=baseline)
        cell["explanation"] = found
    return report
