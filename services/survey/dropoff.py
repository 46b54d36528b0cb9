"""Drop-off per question: of the responses opened in a range, how many reached, answered and left at
each question of the survey's live version (responses excluded as test left out).

Counted in the database (two grouped reads, whatever the number of responses): the JSON tests are
written per dialect (``json_sql``), the counting is the same SQL on both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from services.survey.json_sql import json_array_holds, json_has_key, json_is_null
from services.survey.models.responses import Response
from services.survey.surveys import get_survey, get_version


def _questions(session: Session, survey_id: int) -> list[dict[str, Any]]:
    survey = get_survey(session, survey_id)
    if survey.live_version is not None:
        return list(get_version(session, survey_id=survey_id, version=survey.live_version).definition["questions"])
    return list((survey.draft or {}).get("questions", []))


def _stopped_at(session: Session, keys: list[str]) -> ColumnElement:
    """Index of the question an unfinished response left at: the first one after its last answer that
    it was shown (questions hidden by skip logic are passed over), or ``len(keys)`` when none is left."""
    answered = [json_has_key(session, Response.answers, key) for key in keys]
    last = case(*[(answered[i], i) for i in reversed(range(len(keys)))], else_=-1) if keys else literal(-1)
    shown_all = or_(Response.shown_questions.is_(None), json_is_null(session, Response.shown_questions))
    stops = [(and_(last < i, or_(shown_all, json_array_holds(session, Response.shown_questions, key))), i)
             for i, key in enumerate(keys)]
    return case(*stops, else_=len(keys)) if stops else literal(len(keys))


def survey_dropoff(session: Session, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Per question: reached, answered, dropped (raises ``SurveyNotFoundError``)."""
    questions = _questions(session, survey_id)
    keys = [str(q["key"]) for q in questions]
    in_range = and_(Response.survey_id == survey_id, Response.opened_at >= start, Response.opened_at < end,
                    Response.excluded.is_(False))
    counts = session.execute(select(
        func.count(), func.count(case((Response.completed, 1))),
        *[func.count(case((json_has_key(session, Response.answers, key), 1))) for key in keys]).where(in_range)).one()
    opened, completed, answered = int(counts[0]), int(counts[1]), [int(c) for c in counts[2:]]
    stop = _stopped_at(session, keys).label("stop")
    stops = {int(index): int(count) for index, count in session.execute(
        select(stop, func.count()).where(in_range, not_(Response.completed)).group_by(stop))}
    left_before = 0
    reports = []
    for index, question in enumerate(questions):
        dropped = stops.get(index, 0)
        reports.append({"key": keys[index], "position": index + 1, "type": question["type"],
                        "text": dict(question.get("text") or {}), "reached": opened - left_before,
                        "answered": answered[index], "dropped": dropped})
        left_before += dropped
    return {"survey_id": survey_id, "from_": start, "to": end, "opened": opened, "completed": completed,
            "questions": reports}
