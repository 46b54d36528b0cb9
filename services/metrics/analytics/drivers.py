"""Use case behind ``GET /v1/drivers``: which drivers move an outcome, with intervals (Johnson 2000)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError, NotFoundError
from services.metrics.analytics.driver_data import (
    MAX_DRIVERS,
    Patterns,
    journey_patterns,
    survey_patterns,
    survey_questions,
)
from services.metrics.scores.reports import resolve_moment
from services.metrics.stats.means import MeanStats, mean_interval
from services.metrics.stats.relative_weights import bootstrap_relative_weights
from shared.contracts.drivers import MISSING_RULE_HELP
from shared.question_types import metric_scale

DEFAULT_RANGE = timedelta(days=90)
SEED = 20261204  # fixed: the same data give the same intervals


def _interval(value: float, low: float, high: float) -> dict[str, float | None]:
    def finite(x: float) -> float | None:
        return float(x) if np.isfinite(x) else None
    return {"value": finite(value), "ci_low": finite(low), "ci_high": finite(high)}


def _outcome_key(questions: dict[str, str], wanted: str | None, survey: str) -> str:
    if wanted is not None:
        if wanted not in questions:
            raise InvalidInputError(f"survey {survey} has no score answers to question {wanted!r} in the range",
                                    errors={"outcome": [f"known score questions: {', '.join(questions) or 'none'}"]})
        return wanted
    nps_keys = [key for key, metric in questions.items() if metric == "nps"]
    if len(nps_keys) != 1:
        raise InvalidInputError("name the outcome question: the survey does not have exactly one NPS question",
                                errors={"outcome": [f"one of: {', '.join(questions) or 'none'}"]})
    return nps_keys[0]


def _complete_cases(patterns: Patterns, names: list[str], min_coverage: float):
    """Apply the missing-data rule (``MISSING_RULE_HELP``): drop rare drivers, then keep complete cases."""
    has_outcome = ~np.isnan(patterns.values[:, 0])
    values, counts = patterns.values[has_outcome], patterns.counts[has_outcome]
    with_outcome = float(counts.sum())
    coverage = (counts @ ~np.isnan(values[:, 1:])) / with_outcome if with_outcome else np.zeros(len(names))
    kept = [j for j in range(len(names)) if coverage[j] >= min_coverage and coverage[j] > 0]
    excluded = [{"driver": names[j], "coverage": float(coverage[j])} for j in range(len(names)) if j not in kept]
    columns = [0, *(j + 1 for j in kept)]
    complete = ~np.isnan(values[:, columns]).any(axis=1)
    return values[complete][:, columns], counts[complete], kept, coverage, excluded, int(with_outcome)


def driver_report(session: Session, args: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Relative weights of the drivers of an outcome, each with its performance, on one survey or the journey."""
    end = resolve_moment(args.get("to"), "UTC", now)
    start = resolve_moment(args.get("from_"), "UTC", end - DEFAULT_RANGE)
    if start >= end:
        raise InvalidInputError("'from' must be before 'to'", errors={"from": ["must be before 'to'"]})
    survey = args["survey"]
    questions = survey_questions(session, survey, start, end)
    if not questions:
        raise NotFoundError(f"survey {survey} has no score answers between {start.isoformat()} and {end.isoformat()}")
    outcome = _outcome_key(questions, args.get("outcome"), survey)
    journey = args["scope"] == "journey"
    if journey:
        names, patterns = journey_patterns(session, survey_id=survey, outcome_key=outcome, start=start, end=end,
                                           group_by=args["group_by"], driver_metric=args["driver_metric"],
                                           lookback=args["lookback"])
        metrics = [args["driver_metric"]] * len(names)
    else:
        names = [key for key in questions if key != outcome][:MAX_DRIVERS]
        metrics = [questions[key] for key in names]
        patterns = survey_patterns(session, survey, [outcome, *names], start, end)
    if not names:
        raise InvalidInputError("no drivers: " + ("the customers who answered have no touchpoint answers before it"
                                                  if journey else "the survey has no other score question"))
    values, counts, kept, coverage, excluded, with_outcome = _complete_cases(patterns, names, args["min_coverage"])
    n = int(counts.sum())
    if n < args["min_n"] or not kept:
        raise InvalidInputError(f"{n} complete cases (of {with_outcome} with an outcome answer), fewer than "
                                f"min_n={args['min_n']}: too few for key drivers",
                                errors={"min_n": [f"{n} complete cases; at least {args['min_n']} needed"]})
    try:
        fit = bootstrap_relative_weights(values[:, 0], values[:, 1:], counts, rng=np.random.default_rng(SEED),
                                         n_resamples=args["resamples"], confidence=args["confidence"])
    except ValueError as error:
        raise InvalidInputError(f"key drivers cannot be estimated here: {error}") from error
    drivers = []
    order = np.argsort(-fit.point.weights, kind="stable")
    for rank, position in enumerate(order, start=1):
        j = kept[position]
        column = values[:, 1 + position]
        scale = metric_scale(metrics[j])
        stats = MeanStats(n, float(counts @ column), float(counts @ column**2))
        drivers.append({
            "driver": names[j], "metric": metrics[j], "scale": list(scale), "rank": rank,
            "weight": _interval(fit.point.weights[position], *fit.weights_ci[:, position]),
            "share": _interval(fit.point.shares[position], *fit.shares_ci[:, position]),
            "correlation": float(fit.correlations[position]), "coverage": float(coverage[j]),
            "performance": mean_interval(stats, scale=scale, confidence=args["confidence"], min_n=0).as_dict()})
    return {"scope": args["scope"], "survey": survey, "outcome": outcome, "outcome_metric": questions[outcome],
            "from_": start, "to": end, "group_by": args["group_by"] if journey else None,
            "driver_metric": args["driver_metric"] if journey else None,
            "lookback_days": args["lookback"] / timedelta(days=1) if journey else None,
            "method": "relative_weights_johnson_2000", "r_squared": _interval(fit.point.r_squared, *fit.r_squared_ci),
            "n": n, "n_with_outcome": with_outcome, "unit": "customer" if journey else "response",
            "min_n": args["min_n"], "missing_rule": MISSING_RULE_HELP, "min_coverage": args["min_coverage"],
            "confidence": fit.confidence, "resamples": fit.n_resamples, "interval_method": "percentile_bootstrap",
            "drivers": drivers, "excluded": excluded}
