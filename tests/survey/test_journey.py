"""``GET /v1/customers/{id}/journey``: one customer's events, invitations with their decisions,
responses and unsubscribe, in time order, in cursor pages, personal data only for roles that may read it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.journey import INVITATION_OUTCOMES, JourneyPageSchema
from shared.statuses import InvitationStatus
from tests.survey.conftest import T0


@pytest.fixture
def journey(survey_app):
    """c1: delivered (sent, answered), delivered again (skipped: asked recently), unsubscribed.
    c2: one event, so another customer's entries must never show."""
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1", attributes={"order_id": "o-1", "name": "Kim Minji", "carrier": "fast"})
    survey_app.post_event("x1", customer="c2")
    survey_app.match()
    survey_app.dispatch()
    token = survey_app.sent[0].survey_url.rsplit("/", 1)[1]
    survey_app.clock.advance(minutes=30)
    answered = survey_app.client().post(f"/r/{token}", data={"q_nps": "3", "q_csat": "2", "q_comment": "late"})
    assert answered.status_code in (200, 303)
    survey_app.clock.advance(days=1)
    survey_app.post_event("e2", occurred_at=T0 + timedelta(days=1), attributes={"order_id": "o-2"})
    survey_app.match()
    survey_app.clock.advance(hours=1)
    assert survey_app.call("post", "/v1/customers/c1/unsubscribe").status_code == 200
    return survey_app


def page(app, customer="c1", role="marketer", **params):
    reply = app.call("get", f"/v1/customers/{customer}/journey", role=role, query_string=params)
    assert reply.status_code == 200, reply.json
    assert JourneyPageSchema().validate(reply.json) == {}
    return reply.json


def test_the_journey_reads_in_time_order_with_each_decision_and_its_reason(journey):
    reply = page(journey)
    kinds = [item["kind"] for item in reply["items"]]
    assert kinds == ["event", "invitation", "response", "event", "invitation", "unsubscribe"]
    first, second = reply["items"][1]["invitation"], reply["items"][4]["invitation"]
    assert first["outcome"] == "answered" and [d["decision"] for d in first["decisions"]][:2] == ["scheduled", "sent"]
    assert second["outcome"] == "skipped" and second["status"] == "suppressed"
    assert second["reason"].startswith("survey already sent") and "within 30 days" in second["reason"]
    response = reply["items"][2]["response"]
    assert {a["question_key"]: a["value"] for a in response["answers"]}["nps"] == 3
    assert [item["event"]["id"] for item in reply["items"] if item["kind"] == "event"] == ["e1", "e2"]
    times = [item["at"] for item in reply["items"]]
    assert times == sorted(times)
    assert reply["next_cursor"] is None
    assert reply["customer"]["email"] == "c1@example.com" and reply["customer"]["unsubscribed_at"]


def test_pages_join_up_in_both_orders(journey):
    everything = [(i["kind"], i["at"]) for i in page(journey, limit=200)["items"]]
    for order, expected in (("asc", everything), ("desc", everything[::-1])):
        seen, cursor = [], None
        while True:
            params = {"order": order, "limit": 2, **({"cursor": cursor} if cursor else {})}
            reply = page(journey, **params)
            assert len(reply["items"]) <= 2
            seen += [(i["kind"], i["at"]) for i in reply["items"]]
            cursor = reply["next_cursor"]
            if cursor is None:
                break
        assert seen == expected


def test_personal_data_only_for_roles_that_may_read_it(journey):
    marketer = page(journey)
    event = marketer["items"][0]["event"]
    assert event["attributes"]["name"] == "Kim Minji" and marketer["customer"]["personal_data"] is True
    analyst = page(journey, role="analyst")
    assert analyst["customer"]["personal_data"] is False
    assert analyst["customer"]["email"] is None and analyst["customer"]["phone"] is None
    assert analyst["items"][0]["event"]["attributes"] == {"order_id": "o-1", "carrier": "fast"}
    assert [i["kind"] for i in analyst["items"]] == [i["kind"] for i in marketer["items"]]
    for role in ("finance", "team_lead", "ingest"):
        refused = journey.call("get", "/v1/customers/c1/journey", role=role)
        assert refused.status_code == 403 and refused.json["code"] == 403


def test_unknown_customer_and_bad_input_are_clear_4xx(journey):
    missing = journey.call("get", "/v1/customers/nobody/journey")
    assert missing.status_code == 404 and "nobody" in missing.json["message"]
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "W10"}, {"limit": 0}, {"limit": 201},
                   {"order": "sideways"}, {"colour": "red"}):
        reply = journey.call("get", "/v1/customers/c1/journey", query_string=params)
        assert reply.status_code == 422, (params, reply.status_code)
        assert reply.json["code"] == 422


def test_another_customers_journey_stays_apart(journey):
    other = page(journey, customer="c2")
    assert [i["kind"] for i in other["items"]] == ["event", "invitation"]
    assert other["items"][0]["event"]["id"] == "x1"


def test_every_invitation_status_has_a_journey_outcome():
    assert set(INVITATION_OUTCOMES) == {status.value for status in InvitationStatus}


def test_the_journey_is_documented(journey):
    spec = journey.client().get("/openapi.json").json
    operation = spec["paths"]["/v1/customers/{customer_id}/journey"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} >= {"order", "limit", "cursor"}
    assert "personal" in operation["description"]
