"""``GET /v1/surveys/{id}/dropoff``: per question of the live version, how many responses reached it,
answered it and left there; questions hidden by skip logic passed over; excluded responses left out."""

from __future__ import annotations

from datetime import timedelta

from services.survey.models.responses import Response
from shared.contracts.funnel import DropoffSchema
from tests.survey.conftest import T0

KEYS = ("nps", "csat", "why", "comment")


def _response(survey_id: int, number: int, answers: dict, *, completed=False, shown=None, excluded=False,
              opened=T0) -> Response:
    return Response(id=f"r-{number}", invitation_id=None, survey_id=survey_id, survey_version=1, customer_id=None,
                    touchpoint="delivery", channel="link", event_type=None, event_at=None, lang="ko",
                    attributes={}, answers=answers, version=1, completed=completed, opened_at=opened,
                    first_answer_at=opened if answers else None, completed_at=opened if completed else None,
                    created_at=opened, updated_at=opened, shown_questions=shown, excluded=excluded)


def _dropoff(app, survey_id, role="marketer", **params):
    query = {"from": (T0 - timedelta(days=1)).isoformat(), "to": (T0 + timedelta(days=1)).isoformat(), **params}
    return app.call("get", f"/v1/surveys/{survey_id}/dropoff", role=role, query_string=query)


def test_each_question_counts_who_reached_answered_and_left_there(survey_app):
    survey_id = survey_app.published_survey()["id"]
    rows = [
        _response(survey_id, 1, {"nps": 9, "csat": 4, "why": "fast", "comment": "좋아요"}, completed=True),
        _response(survey_id, 2, {"nps": 3, "csat": 2}, completed=True),  # optional ones skipped, submitted
        _response(survey_id, 3, {}),  # opened, left at the first question
        _response(survey_id, 4, {"nps": 7}),  # left at csat
        _response(survey_id, 5, {"nps": 8}),  # left at csat
        _response(survey_id, 6, {"nps": 2, "csat": 1}, shown=["nps", "csat", "comment"]),  # "why" hidden: left at comment
        _response(survey_id, 7, {}, excluded=True),  # a test answer: not counted
        _response(survey_id, 8, {}, opened=T0 - timedelta(days=3)),  # outside the range
    ]
    with survey_app.session() as session:
        session.add_all(rows)
        session.commit()
    reply = _dropoff(survey_app, survey_id)
    assert reply.status_code == 200, reply.json
    assert DropoffSchema().validate(reply.json) == {}
    body = reply.json
    assert (body["opened"], body["completed"]) == (6, 2)
    got = {q["key"]: (q["position"], q["reached"], q["answered"], q["dropped"]) for q in body["questions"]}
    assert list(got) == list(KEYS)
    assert got == {"nps": (1, 6, 5, 1), "csat": (2, 5, 3, 2), "why": (3, 3, 1, 0), "comment": (4, 3, 1, 1)}
    assert body["questions"][0]["text"]["en"] == "Would you recommend us?"
    assert _dropoff(survey_app, survey_id, role="analyst").status_code == 200


def test_bad_ranges_unknown_surveys_and_roles_get_clear_errors(survey_app):
    survey_id = survey_app.published_survey()["id"]
    assert _dropoff(survey_app, survey_id, **{"from": "soon"}).status_code == 422
    assert _dropoff(survey_app, 987654).status_code == 404
    for role in ("team_lead", "finance", "ingest"):
        assert _dropoff(survey_app, survey_id, role=role).status_code == 403
