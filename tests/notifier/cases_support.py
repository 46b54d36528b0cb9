"""Builders for the case tests: people, playbooks, leads with low-score subscriptions, signals that open cases."""

from __future__ import annotations

from dataclasses import dataclass

from shared.auth import parse_key_id
from tests.notifier.support import signal_body, subscription_body
from tests.support import ADMIN_KEY, auth


def person(name: str = "Kim", key_id: str = "console-user:7", **extra) -> dict:
    """A person a case can be assigned to."""
    return {"id": key_id, "name": name, "email": f"{name.lower()}@example.com", **extra}


def playbook_body(**overrides) -> dict:
    """The delivery touchpoint's playbook."""
    body = {"touchpoint": "delivery", "segment": None,
            "instruction": {"ko": "24시간 안에 전화하고 재배송을 제안하세요", "en": "Call within 24 hours; offer re-delivery"},
            "target_hours": 24, "default_assignee": None}
    body.update(overrides)
    return body


@dataclass
class Lead:
    """A team lead's key, its id (the owner of their subscriptions) and its headers."""

    key: str
    key_id: str

    @property
    def headers(self) -> dict[str, str]:
        return auth(self.key)


def lead_watching(notifier, *touchpoints: str, segment: list[str] | None = None) -> Lead:
    """A team lead with an active real-time low-score subscription on these touchpoints."""
    key = notifier.key_for("team_lead", subject=f"lead-{'-'.join(touchpoints)}")
    scope = {"touchpoint": list(touchpoints), **({"segment": segment} if segment else {})}
    created = notifier.http.post("/v1/subscriptions", headers=auth(key), json=subscription_body(
        name="Low scores", rule={"kind": "low_score"}, scope=scope))
    assert created.status_code == 201, created.json
    key_id = parse_key_id(key)
    assert key_id is not None
    return Lead(key=key, key_id=key_id)


def post_signal(notifier, **overrides) -> dict:
    """Post a low signal as survey does; return its body."""
    body = signal_body(**overrides)
    reply = notifier.http.post("/v1/signals", json=body, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return body


def case_of(notifier, response_id: str, headers=None) -> dict:
    """The case of a response (through the list, as admin unless told)."""
    listed = notifier.http.get("/v1/cases", query_string={"status": "open,acknowledged,resolved".split(",")[0]},
                               headers=headers or auth(ADMIN_KEY))
    for status in ("open", "acknowledged", "resolved"):
        listed = notifier.http.get("/v1/cases", query_string={"status": status, "view": "all"},
                                   headers=headers or auth(ADMIN_KEY))
        for item in listed.json["items"]:
            if item["response_id"] == response_id:
                return item
    raise AssertionError(f"no case for {response_id}")
