"""Triggers: validation at save time, roles, and the side-effect-free preview."""

from __future__ import annotations

from sqlalchemy import func, select

from services.survey.models import Invitation, JourneyEvent
from tests.survey.conftest import T0, event_body, survey_body


def test_trigger_needs_a_published_survey_and_a_safe_webhook(survey_app):
    draft = survey_app.call("post", "/v1/surveys", json=survey_body()).json
    body = {"name": "t", "event_type": "order.delivered", "survey_id": draft["id"], "channel": "email"}
    assert survey_app.call("post", "/v1/triggers", json=body).status_code == 422
    survey = survey_app.published_survey()
    body["survey_id"] = survey["id"]
    assert survey_app.call("post", "/v1/triggers", json={**body, "survey_id": 999999}).status_code == 404
    assert survey_app.call("post", "/v1/triggers", json={**body, "window_start": "09:00"}).status_code == 422
    assert survey_app.call("post", "/v1/triggers", json={**body, "channel": "webhook"}).status_code == 422
    for url in ("ftp://example.com/x", "http://user:pw@example.com/hook", "not a url"):
        reply = survey_app.call("post", "/v1/triggers", json={**body, "channel": "webhook", "webhook_url": url})
        assert reply.status_code == 422, url
    bad_condition = {**body, "conditions": [{"field": "event.amount", "op": "in", "value": 3}]}
    assert survey_app.call("post", "/v1/triggers", json=bad_condition).status_code == 422
    created = survey_app.call("post", "/v1/triggers", json=body)
    assert created.status_code == 201 and created.json["priority"] == 0
    off = survey_app.call("patch", f"/v1/triggers/{created.json['id']}", json={"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    assert survey_app.call("get", "/v1/triggers", role="analyst").status_code == 200
    assert survey_app.call("post", "/v1/triggers", role="analyst", json=body).status_code == 403


def test_private_webhook_addresses_are_refused_unless_allowed(make_service):
    from services.common.clock import ManualClock
    from tests.survey.conftest import SurveyApp

    strict = SurveyApp(service=make_service("survey", clock=ManualClock(T0)), clock=ManualClock(T0))
    survey = strict.published_survey()
    for url in ("http://127.0.0.1:9/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest",
                "http://[::1]/hook", "http://localhost/hook"):
        reply = strict.call("post", "/v1/triggers", json={"name": "t", "event_type": "x", "survey_id": survey["id"],
                                                          "channel": "webhook", "webhook_url": url})
        assert reply.status_code == 422 and "webhook_url" in reply.json["message"], url


def preview(survey_app, trigger_id, **event_kwargs):
    body = event_body("preview-1", **event_kwargs)
    reply = survey_app.call("post", f"/v1/triggers/{trigger_id}/preview", json={"event": body})
    assert reply.status_code == 200, reply.json
    return reply.json


def test_preview_explains_without_side_effects(survey_app):
    survey = survey_app.published_survey()
    trigger = survey_app.trigger(survey["id"], delay_minutes=120, window_start="09:00", window_end="20:00",
                                 conditions=[{"field": "event.amount", "op": "gte", "value": 10000},
                                             {"field": "customer.plan", "op": "in", "value": ["gold", "silver"]}])
    event = event_body("p1", attributes={"amount": 25000})
    event["customer"]["attributes"] = {"plan": "gold"}
    reply = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": event}).json
    assert reply["would_fire"] and reply["would_send"] and reply["stopped_by"] is None
    assert reply["send_at"].startswith("2026-03-02T02:00")  # 11:00 in Seoul: inside the window
    assert reply["language"] == "ko" and all(c["passed"] for c in reply["conditions"])
    event["attributes"] = {"amount": 500}
    reply = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": event}).json
    assert not reply["would_fire"] and reply["stopped_by"] == "conditions"
    assert [c["passed"] for c in reply["conditions"]] == [False, True]
    late = event_body("p2", occurred_at=T0.replace(hour=12), attributes={"amount": 20000})  # 21:00 Seoul
    late["customer"]["attributes"] = {"plan": "silver"}
    reply = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": late}).json
    assert reply["postponed_by"] == ["send_window"] and reply["send_at"].startswith("2026-03-03T00:00")
    other = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview",
                            json={"event": {**late, "type": "order.returned"}}).json
    assert other["stopped_by"] == "event_type"
    with survey_app.session() as session:
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0
        assert session.scalar(select(func.count()).select_from(JourneyEvent)) == 0
    assert survey_app.call("get", "/v1/customers/c1").status_code == 404


def test_preview_names_the_contact_rule_that_stops_it(survey_app):
    survey = survey_app.published_survey()
    trigger = survey_app.trigger(survey["id"])
    assert preview(survey_app, trigger["id"])["would_send"] is True
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]
    blocked = preview(survey_app, trigger["id"])
    assert blocked["would_fire"] and not blocked["would_send"] and blocked["stopped_by"] == "recontact"
    survey_app.call("post", "/v1/customers/c1/unsubscribe")
    assert preview(survey_app, trigger["id"])["stopped_by"] == "unsubscribed"
    no_email = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": {
        **event_body("p"), "customer": {"id": "new-person"}}}).json
    assert no_email["stopped_by"] == "no_email"
    sampled = survey_app.trigger(survey["id"], sampling_rate=0.0)
    assert preview(survey_app, sampled["id"], customer="c2")["stopped_by"] == "sampling"
