"""Each customer's latest relationship NPS answer before a moment: the groups "what a score is worth" splits by."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from services.common.db import prefer_set_joins
from services.common.exceptions import InvalidInputError, NotFoundError
from services.metrics.models.responses import ResponseRecord, ScoreAnswer
from services.metrics.voc.groups import nps_group
from shared.contracts.nps_value import NOT_ASKED, NPS_GROUP_HELP

_IN_CHUNK = 5_000


def nps_question(session: Session, survey_id: str, question: str | None) -> str:
    """The NPS question of the relationship survey: ``question`` if it is one, else its only NPS question."""
    keys = sorted(session.scalars(select(ScoreAnswer.question_key).distinct()
                                  .where(ScoreAnswer.survey_id == survey_id, ScoreAnswer.metric == "nps")))
    if not keys:
        raise NotFoundError(f"survey {survey_id} has no NPS answers")
    if question is not None:
        if question not in keys:
            raise InvalidInputError(f"question {question!r} of survey {survey_id} has no NPS answers",
                                    errors={"question": [f"NPS questions: {', '.join(keys)}"]})
        return question
    if len(keys) != 1:
        raise InvalidInputError("name the NPS question: the survey has several",
                                errors={"question": [f"one of: {', '.join(keys)}"]})
    return keys[0]


def latest_answers(*, survey_id: str, question_key: str, before: datetime) -> Subquery:
    """``(customer_id, value)``: each customer's latest answer to the question before ``before``."""
    ranked = (select(ResponseRecord.customer_id, ScoreAnswer.value,
                     func.row_number().over(partition_by=ResponseRecord.customer_id,
                                            order_by=(ScoreAnswer.answered_at.desc(), ScoreAnswer.id.desc()))
                     .label("rank"))
              .join(ResponseRecord, ResponseRecord.response_id == ScoreAnswer.response_id)
              .where(ScoreAnswer.survey_id == survey_id, ScoreAnswer.question_key == question_key,
                     ScoreAnswer.metric == "nps", ScoreAnswer.answered_at < before,
                     ResponseRecord.customer_id.is_not(None))
              .subquery())
    return select(ranked.c.customer_id, ranked.c.value).where(ranked.c.rank == 1).subquery()


def group_of(value: float | None) -> str:
    """The NPS group of a latest answer, ``not_asked`` without one."""
    return NOT_ASKED if value is None else nps_group(int(value))


def customer_groups(session: Session, customers: Iterable[str], *, survey_id: str, question_key: str,
                    before: datetime) -> dict[str, str]:
    """``{customer: group}`` for ``customers`` (every one of them; ``not_asked`` when never answered)."""
    wanted = sorted(set(customers))
    prefer_set_joins(session)
    latest = latest_answers(survey_id=survey_id, question_key=question_key, before=before)
    found: dict[str, str] = dict.fromkeys(wanted, NOT_ASKED)
    for first in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[first:first + _IN_CHUNK]
        for customer, value in session.execute(select(latest).where(latest.c.customer_id.in_(chunk))):
            found[customer] = group_of(value)
    return found


def nps_source(survey_id: str, question_key: str, before: datetime) -> dict:
    """The ``nps`` part of a reply: which answers gave the groups."""
    return {"survey": survey_id, "question": question_key, "answered_before": before, "rule": NPS_GROUP_HELP}
