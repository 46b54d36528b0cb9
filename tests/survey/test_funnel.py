"""``GET /v1/surveys/{id}/funnel``: of the invitations sent in a range, how many were opened, started and
completed, how long completing took, and imported responses counted apart."""

from __future__ import annotations

from datetime import timedelta

from shared.contracts.funnel import FunnelSchema
from tests.survey.conftest import T0


def _funnel(app, survey_id, role="marketer", **params):
    query = {"from": (T0 - timedelta(days=1)).isoformat(), "to": (T0 + timedelta(days=2)).isoformat(), **params}
    return app.call("get", f"/v1/surveys/{survey_id}/funnel", role=role, query_string=query)


def test_each_step_counts_the_invitations_that_reached_it(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    for customer in ("c1", "c2", "c3"):
        survey_app.post_event(f"e-{customer}", customer=customer)
    survey_app.match()
    survey_app.dispatch()
    tokens = [sent.survey_url.rsplit("/", 1)[1] for sent in survey_app.sent]
    assert len(tokens) == 3
    survey_app.clock.advance(minutes=10)
    assert survey_app.client().get(f"/r/{tokens[0]}").status_code == 200
    assert survey_app.client().get(f"/r/{tokens[1]}").status_code == 200
    survey_app.clock.advance(minutes=4)
    answered = survey_app.client().post(f"/r/{tokens[0]}", data={"q_nps": "9", "q_csat": "4", "q_comment": "ok"})
    assert answered.status_code in (200, 303)

    reply = _funnel(survey_app, survey["id"])
    assert reply.status_code == 200, reply.json
    assert FunnelSchema().validate(reply.json) == {}
    body = reply.json
    assert (body["sent"], body["opened"], body["completed"], body["imported"]) == (3, 2, 1, 0)
    assert body["started"] == 1
    assert body["median_seconds_to_complete"] == 240.0
    assert _funnel(survey_app, survey["id"], role="analyst").status_code == 200

    later = _funnel(survey_app, survey["id"], **{"from": (T0 + timedelta(days=1)).isoformat()})
    assert (later.json["sent"], later.json["median_seconds_to_complete"]) == (0, None)


def test_bad_ranges_unknown_surveys_and_roles_get_clear_errors(survey_app):
    survey = survey_app.published_survey()
    backwards = _funnel(survey_app, survey["id"], **{"from": T0.isoformat(), "to": (T0 - timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422 and "from" in str(backwards.json["errors"])
    assert _funnel(survey_app, survey["id"], **{"from": "yesterday"}).status_code == 422
    assert _funnel(survey_app, 987654).status_code == 404
    for role in ("team_lead", "finance", "ingest"):
        assert _funnel(survey_app, survey["id"], role=role).status_code == 403
