"""Drop-off and the funnel's median are counted in the database: the same numbers as reading every
response in Python (the way they were computed before), on varied answers, skip logic and durations."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import timedelta

from sqlalchemy import null

from services.survey.dropoff import survey_dropoff
from services.survey.funnel import survey_funnel
from services.survey.models.invitations import Invitation
from services.survey.models.responses import Response
from tests.survey.conftest import T0

KEYS = ["nps", "csat", "why", "comment"]


def _reference(rows: list[tuple[bool, dict, list | None]]) -> dict:
    """Drop-off as the Python loop counted it: answered keys, and where each unfinished response left."""
    answered: Counter[str] = Counter()
    stops: Counter[int] = Counter()
    for done, answers, shown in rows:
        answered.update(key for key in KEYS if key in answers)
        if not done:
            last = max((i for i, key in enumerate(KEYS) if key in answers), default=-1)
            stops[next((i for i in range(last + 1, len(KEYS)) if shown is None or KEYS[i] in shown), len(KEYS))] += 1
    left, out = 0, {}
    for index, key in enumerate(KEYS):
        out[key] = (len(rows) - left, answered[key], stops[index])
        left += stops[index]
    return out


def test_sql_drop_off_and_median_equal_the_python_reading(survey_app):
    survey_id = survey_app.published_survey()["id"]
    chance = random.Random(15)
    rows, durations = [], []
    with survey_app.session() as session:
        for number in range(120):
            answers = {key: (None if chance.random() < 0.1 else 5) for key in KEYS if chance.random() < 0.6}
            shown = chance.choice([None, "sql-null", KEYS, ["nps", "csat", "comment"], ["comment"], []])
            done = chance.random() < 0.3
            opened = T0 + timedelta(minutes=number)
            seconds = chance.choice([30, 61.5, 90, 240.25, 3600.000001])
            invitation = Invitation(survey_id=survey_id, survey_version=1, customer_id=f"c{number}", channel="email",
                                    priority=0, status="sent", expires_at=T0 + timedelta(days=9), sent_at=opened,
                                    attempts=1, created_at=opened, updated_at=opened)
            session.add(invitation)
            session.flush()
            session.add(Response(
                id=f"q-{number}", invitation_id=invitation.id, survey_id=survey_id, survey_version=1, customer_id=None,
                touchpoint="delivery", channel="email", lang="ko", attributes={}, answers=answers, version=1,
                completed=done, opened_at=opened, first_answer_at=opened if answers else None,
                completed_at=opened + timedelta(seconds=seconds) if done else None, created_at=opened,
                updated_at=opened, shown_questions=null() if shown == "sql-null" else shown))
            rows.append((done, answers, None if shown == "sql-null" else shown))
            durations += [seconds] if done else []
        session.commit()
        start, end = T0 - timedelta(days=1), T0 + timedelta(days=1)
        report = survey_dropoff(session, survey_id, start=start, end=end)
        funnel = survey_funnel(session, survey_id, start=start, end=end)
    got = {q["key"]: (q["reached"], q["answered"], q["dropped"]) for q in report["questions"]}
    assert got == _reference(rows)
    assert (report["opened"], report["completed"]) == (120, sum(done for done, _a, _s in rows))
    assert funnel["median_seconds_to_complete"] == statistics.median(durations)
    assert funnel["completed"] == len(durations) > 0
