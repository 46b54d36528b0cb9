"""Fixtures of the response webhook tests: the survey app, a real receiver and the worker's relay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.common.outbox import Backoff, OutboxRelay
from services.survey.models import PLATFORM
from services.survey.webhooks.emission import DESTINATION
from services.survey.webhooks.sending import SendSettings, webhook_handler
from tests.support import ADMIN_KEY, ConnectionAsEngine, auth
from tests.survey.response_support import T0, publish_survey, send_invitation
from tests.survey.webhooks.receiver import HookReceiver

SECRET = "test-token-secret"
MAX_ATTEMPTS = 3


@dataclass
class Hooks:
    """The survey app (admin calls), its receiver, its clock and a relay like the worker's."""

    service: Any
    clock: ManualClock
    receiver: HookReceiver
    session: Session
    relay: OutboxRelay

    def call(self, method: str, path: str, key: str = ADMIN_KEY, **kwargs):
        return getattr(self.service.client(), method)(path, headers=auth(key), **kwargs)

    def endpoint(self, **fields: Any) -> dict:
        reply = self.call("post", "/v1/webhooks", json={"url": self.receiver.url, **fields})
        assert reply.status_code == 201, reply.json
        return reply.json

    def deliver(self, seconds: float = 0):
        """Run the relay like the worker does, after moving the clock by ``seconds``."""
        self.clock.advance(seconds=seconds)
        return self.relay.drain(self.clock.now)

    def invite(self, **kwargs: Any):
        invitation, token = send_invitation(self.session, self.survey, SECRET, now=self.clock.now(), **kwargs)
        self.session.commit()
        return invitation, token

    def deliveries(self, endpoint_id: int, **query: Any) -> list[dict]:
        reply = self.call("get", f"/v1/webhooks/{endpoint_id}/deliveries", query_string=query)
        assert reply.status_code == 200, reply.json
        return reply.json


@pytest.fixture
def hooks(make_service):
    clock = ManualClock(T0 + timedelta(hours=1))
    service = make_service("survey", clock=clock, env={"SURVEY_TOKEN_SECRET": SECRET,
                                                      "SURVEY_ALLOW_PRIVATE_WEBHOOKS": "1"})
    session = Session(bind=service.connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    receiver = HookReceiver()
    engine = ConnectionAsEngine(service.connection)
    handler = webhook_handler(engine, SendSettings(timeout=5, allow_private=True, max_attempts=MAX_ATTEMPTS),
                              now_fn=clock.now)
    relay = OutboxRelay(engine, PLATFORM, {DESTINATION: handler}, service="survey", max_attempts=MAX_ATTEMPTS,
                        backoff=Backoff(base_seconds=10, cap_seconds=60))
    fixture = Hooks(service=service, clock=clock, receiver=receiver, session=session, relay=relay)
    fixture.survey = publish_survey(session)  # type: ignore[attr-defined]
    session.commit()
    yield fixture
    receiver.stop()
