"""Seeds of the console browser stacks in the survey service: a published delivery survey with its trigger,
the invitations planned and sent in process, and survey's outbox relayed to one downstream app."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from flask import Flask

from services.common.outbox import OutboxRelay
from services.survey.clients.downstream import by_topic
from services.survey.dispatch import dispatch_next
from services.survey.matching import match_pending_events
from services.survey.models import PLATFORM
from services.survey.runtime import dispatch_settings, planning_rules
from shared.http_client import RetryPolicy, ServiceClient
from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import survey_body


def ask_after_delivery(client, survey_name: str = "배송 만족도 Delivery CSAT", **trigger) -> dict:
    """A published survey named ``survey_name`` and an email trigger on order.delivered (``trigger`` adds to
    or overrides its fields); the survey."""
    admin = auth(ADMIN_KEY)
    survey = client.post("/v1/surveys", json=survey_body(name=survey_name), headers=admin).json
    assert client.post(f"/v1/surveys/{survey['id']}/publish", headers=admin).status_code == 201
    client.post("/v1/triggers", headers=admin, json={"name": "Ask after delivery", "event_type": "order.delivered",
                                                     "survey_id": survey["id"], "channel": "email", **trigger})
    return survey


def plan(app: Flask, now: datetime) -> None:
    """Match the pending events to the triggers: invitations planned as the worker plans them."""
    with app.extensions["db"].session_factory() as session:
        match_pending_events(session, now=now, rules=planning_rules(app.config), token_secret=app.config["TOKEN_SECRET"])


def plan_and_send(app: Flask, now: datetime) -> list:
    """Plan, then send every due invitation; what was sent, on any channel."""
    plan(app, now)
    sent: list = []
    while True:
        with app.extensions["db"].session_factory() as session:
            if dispatch_next(session, now=now, settings=dispatch_settings(app.config),
                             senders={"email": sent.append, "webhook": sent.append, "in_app": sent.append}) is None:
                return sent


def survey_outbox(survey: Flask, *, to: str, topic: str, handler, app: Flask) -> OutboxRelay:
    """Survey's outbox relay: ``topic`` goes through ``handler`` to ``app`` (as the service ``to``); the other
    downstream's messages are dropped."""
    client = ServiceClient(f"http://{to}", api_key=ADMIN_KEY, transport=httpx.WSGITransport(app=app),
                           retry=RetryPolicy(max_attempts=1))
    handlers = {name: (lambda messages: {m.id: None for m in messages}) for name in ("metrics", "notifier")}
    handlers[to] = by_topic({topic: handler(client)})
    return OutboxRelay(survey.extensions["db"].engine, PLATFORM, handlers, service="survey")


def relay(outbox: OutboxRelay) -> None:
    """One outbox pass: every queued message reaches its downstream (none dead)."""
    result = outbox.drain(lambda: datetime.now(UTC))
    assert result.dead == 0, result.errors
