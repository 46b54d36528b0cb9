"""Drop-off per question: of the responses opened in a range, how many reached, answered and left at
each question of the survey's live version (responses excluded as test left out)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.survey.models.responses import Response
from services.survey.surveys import get_survey, get_version


def _questions(session: Session, survey_id: int) -> list[dict[str, Any]]:
    survey = get_survey(session, survey_id)
    if survey.live_version is not None:
        return list(get_version(session, survey_id=survey_id, version=survey.live_version).definition["questions"])
    return list((survey.draft or {}).get("questions", []))


def _stopped_at(keys: list[str], answers: dict[str, Any], shown: list[str] | None) -> int:
    """Index of the question an unfinished response left at: the first one after its last answer that
    it was shown (questions hidden by skip logic are passed over), or ``len(keys)`` when none is left."""
    last = max((index for index, key in enumerate(keys) if key in answers), default=-1)
    for index in range(last + 1, len(keys)):
        if shown is None or keys[index] in shown:
            return index
    return len(keys)


def survey_dropoff(session: Session, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Per question: reached, answered, dropped (raises ``SurveyNotFoundError``)."""
    questions = _questions(session, survey_id)
    keys = [str(q["key"]) for q in questions]
    answered: Counter[str] = Counter()
    stops: Counter[int] = Counter()
    opened = completed = 0
    # Only each response's answer keys are used; one survey's responses opened in a range are few enough
    # to read (the survey summary asks for one range of one survey).
    rows = session.execute(select(Response.completed, Response.answers, Response.shown_questions).where(
        Response.survey_id == survey_id, Response.opened_at >= start, Response.opened_at < end,
        Response.excluded.is_(False)))
    for done, answers, shown in rows:
        opened += 1
        answers = answers or {}
        answered.update(key for key in keys if key in answers)
        if done:
            completed += 1
        else:
            stops[_stopped_at(keys, answers, shown)] += 1
    left_before = 0
    reports = []
    for index, question in enumerate(questions):
        reports.append({"key": keys[index], "position": index + 1, "type": question["type"],
                        "text": dict(question.get("text") or {}), "reached": opened - left_before,
                        "answered": answered[keys[index]], "dropped": stops[index]})
        left_before += stops[index]
    return {"survey_id": survey_id, "from_": start, "to": end, "opened": opened, "completed": completed,
            "questions": reports}
