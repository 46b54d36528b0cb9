"""Importing responses given before cxloop: checked per item, listed like the others, sent to metrics."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.survey.models import PLATFORM
from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import T0


def record(survey: dict, response_id: str, **overrides) -> dict:
    """A completed response to ``survey`` (tests/survey/conftest.survey_body) in the contract's form."""
    stamp = (T0 - timedelta(days=30)).isoformat()
    body = {"response_id": response_id, "version": 1, "survey_id": str(survey["id"]), "survey_version": 1,
            "touchpoint": "delivery", "channel": "email", "customer_id": "c-9", "invitation_id": None,
            "event_type": "order.delivered", "event_at": stamp, "lang": "ko", "attributes": {"region": "Seoul"},
            "completed": True, "created_at": stamp, "updated_at": stamp, "completed_at": stamp,
            "answers": [{"question_key": "nps", "type": "nps", "value": 3},
                        {"question_key": "why", "type": "single_choice", "choices": ["fast"]},
                        {"question_key": "comment", "type": "text", "text": "배송이 늦었어요"}]}
    body.update(overrides)
    return body


def post(survey_app, records, key=ADMIN_KEY):
    return survey_app.client().post("/v1/responses/import", json={"responses": records}, headers=auth(key))


def test_imported_responses_are_listed_and_forwarded_to_metrics_but_send_no_signal(survey_app):
    survey = survey_app.published_survey()
    reply = post(survey_app, [record(survey, "legacy-0001"), record(survey, "legacy-0002", customer_id="c-8")])
    assert reply.status_code == 200, reply.json
    assert (reply.json["imported"], reply.json["rejected"]) == (2, 0)
    listed = survey_app.call("get", "/v1/responses", query_string={"customer": "c-9"}).json["responses"]
    assert [r["response_id"] for r in listed] == ["legacy-0001"]
    assert listed[0]["invitation_id"] is None and listed[0]["answers"][0]["value"] == 3
    assert listed[0]["answers"][1]["choices"] == ["fast"] and listed[0]["completed_at"].startswith("2026-01-31")
    box = survey_app.service.connection.execute(select(PLATFORM.outbox.c.destination, PLATFORM.outbox.c.payload)).all()
    assert sorted(d for d, _ in box) == ["metrics", "metrics"]  # a low NPS, yet no signal: it is history
    assert {p["response_id"] for _, p in box} == {"legacy-0001", "legacy-0002"}

    again = post(survey_app, [record(survey, "legacy-0001")])
    assert again.json["already_present"] == 1 and again.json["imported"] == 0


def test_each_item_is_checked_against_the_contract_and_the_survey_version(survey_app):
    survey = survey_app.published_survey()
    bad = [record(survey, "x-1", answers=[{"question_key": "nps", "type": "nps", "value": 11}]),
           record(survey, "x-2", answers=[{"question_key": "nope", "type": "nps", "value": 5}]),
           record(survey, "x-3", answers=[{"question_key": "nps", "type": "csat", "value": 5}]),
           record(survey, "x-4", survey_version=9),
           record(survey, "x-5", survey_id="999"),
           record(survey, "x-6", invitation_id="12"),
           "not a record",
           record(survey, "fine")]
    reply = post(survey_app, bad)
    assert reply.status_code == 200, reply.json
    statuses = [item["status"] for item in reply.json["results"]]
    assert statuses == ["rejected"] * 7 + ["imported"]
    assert "0..10" in str(reply.json["results"][0]["errors"]) and "nope" in str(reply.json["results"][1]["errors"])
    assert [r["response_id"] for r in survey_app.call("get", "/v1/responses").json["responses"]] == ["fine"]


def test_only_admins_import(survey_app):
    survey = survey_app.published_survey()
    for role in ("marketer", "analyst", "ingest", "service"):
        assert post(survey_app, [record(survey, "r")], key=survey_app.key(role)).status_code == 403
