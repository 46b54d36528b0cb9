"""The rows key drivers need, read with as little shipped out of the database as possible.

Within a survey, answers are pivoted per response in SQL and the distinct (outcome, driver...) patterns
come back with their counts: a million responses collapse into a few thousand rows. Across the
journey, the outcome answers and the same customers' touchpoint answers are read and averaged here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.common.db import prefer_set_joins
from services.metrics.models.responses import ResponseRecord, ScoreAnswer

MAX_DRIVERS = 40


@dataclass(frozen=True)
class Patterns:
    """Distinct rows of (outcome, driver 1..p) with NaN for a missing answer, and how many cases share each."""

    values: np.ndarray
    counts: np.ndarray


def survey_questions(session: Session, survey_id: str, start: datetime, end: datetime) -> dict[str, str]:
    """``{question key: metric}`` of the score questions answered in the survey in [start, end)."""
    rows = session.execute(select(ScoreAnswer.question_key, ScoreAnswer.metric).distinct()
                           .where(ScoreAnswer.survey_id == survey_id, ScoreAnswer.answered_at >= start,
                                  ScoreAnswer.answered_at < end))
    return dict(sorted((key, metric) for key, metric in rows))


def survey_patterns(session: Session, survey_id: str, keys: list[str], start: datetime,
                    end: datetime) -> Patterns:
    """The answers of ``keys`` (the outcome first) per response, as distinct patterns with counts."""
    columns = [func.max(case((ScoreAnswer.question_key == key, ScoreAnswer.value))).label(f"q{i}")
               for i, key in enumerate(keys)]
    per_response = (select(*columns)
                    .where(ScoreAnswer.survey_id == survey_id, ScoreAnswer.answered_at >= start,
                           ScoreAnswer.answered_at < end, ScoreAnswer.question_key.in_(keys))
                    .group_by(ScoreAnswer.response_id).subquery())
    pattern = list(per_response.c)
    rows = session.execute(select(*pattern, func.count()).group_by(*pattern)).all()
    if not rows:
        return Patterns(np.empty((0, len(keys))), np.empty(0))
    values = np.array([[np.nan if v is None else float(v) for v in row[:-1]] for row in rows])
    return Patterns(values, np.array([float(row[-1]) for row in rows]))


def journey_patterns(session: Session, *, survey_id: str, outcome_key: str, start: datetime, end: datetime,
                     group_by: str, driver_metric: str, lookback: timedelta) -> tuple[list[str], Patterns]:
    """Per customer: the latest outcome answer in [start, end) and the mean of their ``driver_metric``
    answers in other surveys during ``lookback`` before it, one column per ``group_by`` value."""
    prefer_set_joins(session)
    latest = (select(ResponseRecord.customer_id, ScoreAnswer.value, ScoreAnswer.answered_at,
                     func.row_number().over(partition_by=ResponseRecord.customer_id,
                                            order_by=(ScoreAnswer.answered_at.desc(), ScoreAnswer.id.desc()))
                     .label("rank"))
              .join(ResponseRecord, ResponseRecord.response_id == ScoreAnswer.response_id)
              .where(ScoreAnswer.survey_id == survey_id, ScoreAnswer.question_key == outcome_key,
                     ScoreAnswer.answered_at >= start, ScoreAnswer.answered_at < end,
                     ResponseRecord.customer_id.is_not(None))
              .subquery())
    outcome = select(latest.c.customer_id, latest.c.value, latest.c.answered_at).where(latest.c.rank == 1).subquery()
    outcomes = {row.customer_id: (float(row.value), row.answered_at) for row in session.execute(select(outcome))}
    group_column = getattr(ScoreAnswer, group_by)
    touches = (select(outcome.c.customer_id, group_column, ScoreAnswer.value, ScoreAnswer.answered_at)
               .join(ResponseRecord, ResponseRecord.customer_id == outcome.c.customer_id)
               .join(ScoreAnswer, ScoreAnswer.response_id == ResponseRecord.response_id)
               .where(ScoreAnswer.metric == driver_metric, ScoreAnswer.survey_id != survey_id,
                      ScoreAnswer.answered_at >= start - lookback, ScoreAnswer.answered_at < outcome.c.answered_at,
                      group_column.is_not(None)))
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for customer, group, value, answered_at in session.execute(touches):
        if answered_at >= outcomes[customer][1] - lookback:
            tally = sums[customer][group]
            tally[0] += value
            tally[1] += 1
    groups = sorted({g for per in sums.values() for g in per})[:MAX_DRIVERS]
    values = np.full((len(outcomes), 1 + len(groups)), np.nan)
    for i, (customer, (value, _at)) in enumerate(sorted(outcomes.items())):
        values[i, 0] = value
        for j, group in enumerate(groups, start=1):
            found = sums.get(customer, {}).get(group)
            if found:
                values[i, j] = found[0] / found[1]
    return groups, Patterns(values, np.ones(len(outcomes)))
