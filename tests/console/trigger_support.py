"""Survey data for the trigger and send-log page tests: a published survey, events, invitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.survey.matching import match_pending_events
from services.survey.runtime import planning_rules
from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import survey_body


def seed_survey(stack, *, name: str = "Delivery CSAT", recontact_days: int = 14) -> dict:
    """A published survey in the survey service (through its API, as an admin)."""
    client = stack.services["survey"].client()
    created = client.post("/v1/surveys", json=survey_body(name=name, recontact_days=recontact_days),
                          headers=auth(ADMIN_KEY))
    assert created.status_code == 201, created.json
    assert client.post(f"/v1/surveys/{created.json['id']}/publish", headers=auth(ADMIN_KEY)).status_code == 201
    return created.json


def post_event(stack, event_id: str, *, customer: str = "c-1", type_: str = "order.delivered",
               attributes: dict | None = None, minutes_ago: int = 5, **contact) -> dict:
    """One journey event (as an ingest key would post it)."""
    body = {"id": event_id, "type": type_,
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul", **contact},
            "attributes": attributes if attributes is not None else {"order_id": f"o-{event_id}", "amount": 30000}}
    reply = stack.services["survey"].client().post("/v1/events", json=body, headers=auth(ADMIN_KEY))
    assert reply.status_code == 201, reply.json
    return body


def api_trigger(stack, survey_id: int, **fields) -> dict:
    """A trigger made through the API."""
    body = {"name": "after delivery", "event_type": "order.delivered", "survey_id": survey_id, "channel": "email",
            **fields}
    reply = stack.services["survey"].client().post("/v1/triggers", json=body, headers=auth(ADMIN_KEY))
    assert reply.status_code == 201, reply.json
    return reply.json


def match(stack) -> int:
    """Run the worker's matching step: events -> invitations."""
    app = stack.services["survey"].app
    with app.extensions["db"].session_factory() as session:
        return match_pending_events(session, now=datetime.now(UTC), rules=planning_rules(app.config),
                                    token_secret=app.config["TOKEN_SECRET"]).invitations


def service_triggers(stack) -> list[dict]:
    """The triggers as the survey service has them."""
    return stack.services["survey"].client().get("/v1/triggers", headers=auth(ADMIN_KEY)).json


def trigger_form(survey_id: int, **overrides) -> dict:
    """The trigger form as a browser posts it."""
    form = {"name": "Ask after delivery", "survey_id": str(survey_id), "event_type": "order.delivered",
            "event_type_other": "", "conditions-0-field": "event.amount", "conditions-0-op": "gte",
            "conditions-0-value": "10000", "conditions-1-field": "", "conditions-1-op": "eq", "conditions-1-value": "",
            "delay_amount": "0", "delay_unit": "hours", "window_start": "09:00", "window_end": "20:00",
            "sampling_percent": "100", "channel": "email", "webhook_url": "", "expires_amount": "7",
            "expires_unit": "days", "reminder_amount": "2", "reminder_unit": "days",
            "cancel_on": "order.returned, refund.issued", "cancel_match_attribute": "order_id", "priority": "5",
            "active": "y"}
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}
