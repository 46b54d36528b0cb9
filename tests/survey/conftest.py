"""Fixtures of the survey tests: an app on a manual clock, keys, and helpers to drive the worker steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from services.common.clock import ManualClock
from services.survey.dispatch import dispatch_next
from services.survey.lifecycle import expire_invitations, remind_next
from services.survey.matching import match_pending_events
from services.survey.runtime import dispatch_settings, planning_rules
from tests.support import auth

# Monday 2 March 2026, 00:00 UTC = 09:00 in Seoul.
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def survey_body(**overrides: Any) -> dict[str, Any]:
    """A valid bilingual survey: NPS first, then CSAT, a choice and a text question."""
    body = {
        "name": "Delivery CSAT", "touchpoint": "delivery", "default_language": "ko",
        "fallback_languages": ["en"], "recontact_days": 30,
        "title": {"ko": "배송은 어떠셨나요?", "en": "How was your delivery?"},
        "intro": {"ko": "잠깐만 시간을 내 주세요.", "en": "It takes a minute."},
        "questions": [
            {"key": "nps", "type": "nps", "required": True, "dimension": "think", "driver": "process",
             "text": {"ko": "추천하시겠습니까?", "en": "Would you recommend us?"}},
            {"key": "csat", "type": "csat", "text": {"ko": "만족하셨나요?", "en": "Were you satisfied?"},
             "dimension": "feel", "driver": "people"},
            {"key": "why", "type": "single_choice", "text": {"ko": "이유", "en": "Why"},
             "choices": [{"key": "fast", "label": {"ko": "빠름", "en": "Fast"}},
                         {"key": "kind", "label": {"ko": "친절", "en": "Kind"}}]},
            {"key": "comment", "type": "text", "text": {"ko": "의견", "en": "Comments"}},
        ],
    }
    body.update(overrides)
    return body


def event_body(event_id: str, *, customer: str = "c1", type_: str = "order.delivered",
               occurred_at: datetime = T0, attributes: dict | None = None, **customer_fields: Any) -> dict:
    """A journey event body."""
    person = {"id": customer, "email": f"{customer}@example.com", "locale": "ko-KR", "time_zone": "Asia/Seoul"}
    person.update(customer_fields)
    return {"id": event_id, "type": type_, "occurred_at": occurred_at.isoformat(),
            "customer": person, "attributes": attributes if attributes is not None else {"order_id": "o-1"}}


@dataclass
class SurveyApp:
    """The survey app under test with a manual clock, keys and worker steps."""

    service: Any
    clock: ManualClock
    keys: dict[str, str] = field(default_factory=dict)
    senders: dict[str, Any] = field(default_factory=dict)
    sent: list = field(default_factory=list)

    @property
    def app(self):
        return self.service.app

    def client(self):
        return self.service.client()

    def key(self, role: str) -> str:
        if role not in self.keys:
            self.keys[role] = self.service.key_for(role)
        return self.keys[role]

    def call(self, method: str, path: str, role: str = "marketer", **kwargs):
        return getattr(self.client(), method)(path, headers=auth(self.key(role)), **kwargs)

    def session(self):
        return self.app.extensions["db"].session_factory()

    def published_survey(self, **overrides: Any) -> dict:
        survey = self.call("post", "/v1/surveys", json=survey_body(**overrides))
        assert survey.status_code == 201, survey.json
        published = self.call("post", f"/v1/surveys/{survey.json['id']}/publish")
        assert published.status_code == 201, published.json
        return self.call("get", f"/v1/surveys/{survey.json['id']}").json

    def trigger(self, survey_id: int, **fields: Any) -> dict:
        body = {"name": "after delivery", "event_type": "order.delivered", "survey_id": survey_id,
                "channel": "email", **fields}
        reply = self.call("post", "/v1/triggers", json=body)
        assert reply.status_code == 201, reply.json
        return reply.json

    def post_event(self, event_id: str, **kwargs: Any):
        return self.call("post", "/v1/events", role="ingest", json=event_body(event_id, **kwargs))

    def match(self) -> int:
        with self.session() as session:
            return match_pending_events(session, now=self.clock.now(), rules=planning_rules(self.app.config),
                                        token_secret=self.app.config["TOKEN_SECRET"]).invitations

    def dispatch(self) -> list[str]:
        decisions = []
        settings = dispatch_settings(self.app.config)
        for _ in range(100):
            with self.session() as session:
                decision = dispatch_next(session, now=self.clock.now(), settings=settings,
                                         senders=self.senders or self._capture())
            if decision is None:
                return decisions
            decisions.append(decision)
        raise AssertionError("dispatch did not settle")

    def remind(self) -> list[str]:
        outcomes = []
        settings = dispatch_settings(self.app.config)
        while True:
            with self.session() as session:
                outcome = remind_next(session, now=self.clock.now(), settings=settings,
                                      senders=self.senders or self._capture())
            if outcome is None:
                return outcomes
            outcomes.append(outcome)

    def expire(self) -> int:
        with self.session() as session:
            return expire_invitations(session, now=self.clock.now())

    def _capture(self) -> dict:
        def capture(outgoing):
            self.sent.append(outgoing)
        return {"email": capture, "webhook": capture, "in_app": capture}

    def invitations(self, **filters: Any) -> list[dict]:
        reply = self.call("get", "/v1/invitations", query_string=filters)
        assert reply.status_code == 200, reply.json
        return reply.json


@pytest.fixture
def survey_app(make_service):
    """The survey app at T0 with a budget of 2 invitations per 7 days."""
    clock = ManualClock(T0)
    service = make_service("survey", clock=clock, env={"SURVEY_CONTACT_BUDGET_MAX": "2",
                                                      "SURVEY_CONTACT_BUDGET_DAYS": "7",
                                                      "SURVEY_TOKEN_SECRET": "test-token-secret",
                                                      "SURVEY_ALLOW_PRIVATE_WEBHOOKS": "1",
                                                      "CX_PUBLIC_BASE_URL": "https://cx.example.com"})
    return SurveyApp(service=service, clock=clock)


@pytest.fixture
def budget_pipeline(survey_app):
    """Three surveys without recontact limits, triggered by three event types, priorities 0, 5, 10."""
    types = ["order.delivered", "ticket.closed", "refund.issued"]
    for priority, event_type in zip((0, 5, 10), types, strict=False):
        survey = survey_app.published_survey(name=f"budget {event_type}", recontact_days=0)
        survey_app.trigger(survey["id"], event_type=event_type, priority=priority,
                           expires_after_minutes=20 * 24 * 60)
    return survey_app, types
