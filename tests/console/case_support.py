"""Helpers of the case and playbook page tests: console people's ids, a lead's low-score subscription,
a playbook and a low-score signal sent to the real notifier app (which opens the case)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.console.models import User
from tests.support import ADMIN_KEY, auth

_responses = itertools.count(1)


def user_id(console, email: str) -> int:
    """The console id of the person with ``email``."""
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        return session.scalar(select(User.id).where(User.email == email))


def subscribe_lead(console, email: str, *, touchpoint: str = "delivery", metric: str = "nps") -> None:
    """A low-score subscription of the console person ``email`` for ``touchpoint`` (their case scope)."""
    reply = console.services["notifier"].client().post("/v1/subscriptions", headers=auth(ADMIN_KEY), json={
        "name": f"Low {metric} at {touchpoint}", "metric": metric, "scope": {"touchpoint": [touchpoint]},
        "rule": {"kind": "low_score"}, "channels": [{"type": "email", "address": email}],
        "owner": f"console-user:{user_id(console, email)}"})
    assert reply.status_code == 201, reply.json


def add_playbook(console, *, touchpoint: str = "delivery", segment: str | None = None, **overrides) -> dict:
    """A playbook stored in notifier with the admin key."""
    body = {"touchpoint": touchpoint, "segment": segment, "target_hours": 24, "default_assignee": None,
            "instruction": {"ko": "24시간 안에 전화하고 재배송을 제안하세요", "en": "Call within 24 hours; offer re-delivery"},
            **overrides}
    reply = console.services["notifier"].client().post("/v1/playbooks", headers=auth(ADMIN_KEY), json=body)
    assert reply.status_code == 201, reply.json
    return reply.json


def open_case(console, *, touchpoint: str = "delivery", customer_id: str = "cust-7", score: int = 2,
              comment: str = "상자가 찢어져 왔어요") -> dict:
    """Send a low NPS signal (as survey's outbox does) and return the case notifier opened for it."""
    response_id = f"resp-case-{next(_responses)}"
    notifier = console.services["notifier"].client()
    body = {"response_id": response_id, "survey_id": "s-1", "survey_version": 1, "touchpoint": touchpoint,
            "channel": "email", "customer_id": customer_id, "metric": "nps", "score": score, "comment": comment,
            "answers": [{"question_key": "q_nps", "type": "nps", "value": score},
                        {"question_key": "q_reason", "type": "single_choice", "choices": ["speed"]},
                        {"question_key": "q_comment", "type": "text", "text": comment}],
            "questions": {"q_nps": {"text": "추천하시겠어요?"},
                          "q_reason": {"text": "가장 아쉬운 점은?", "choices": {"speed": "배송 속도"}},
                          "q_comment": {"text": "하고 싶은 말"}},
            "survey_title": "배송 만족도", "lang": "ko", "attributes": {"tier": "gold"},
            "answered_at": datetime.now(UTC).isoformat()}
    assert notifier.post("/v1/signals", json=body, headers=auth(ADMIN_KEY)).status_code == 200
    reply = notifier.get("/v1/cases", headers=auth(ADMIN_KEY), query_string={"view": "all", "customer_id": customer_id})
    assert reply.status_code == 200, reply.json
    [case] = [item for item in reply.json["items"] if item["response_id"] == response_id]
    return case


def case_as_admin(console, case_id: int) -> dict:
    """The case as notifier holds it."""
    reply = console.services["notifier"].client().get(f"/v1/cases/{case_id}", headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return reply.json


def playbooks_as_admin(console) -> list[dict]:
    """The playbooks as notifier holds them."""
    reply = console.services["notifier"].client().get("/v1/playbooks", headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return reply.json["items"]
