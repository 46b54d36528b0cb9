"""The hand-over: the console key acts for a person through a signed header; the services apply that
person's role exactly as for an API key of that role, owned by ``console-user:<id>``."""

from __future__ import annotations

import time

import pytest

from shared.actor import ACTOR_HEADER, sign_actor
from tests.console.support import ACTOR_SECRET, CONSOLE_KEY, ROLES
from tests.notifier.support import subscription_body
from tests.support import auth

# What each role may do, through a direct call with the console key (allowed: 2xx; else 403).
ALLOWED = {
    ("survey", "GET", "/v1/surveys"): {"admin", "marketer", "analyst"},
    ("survey", "GET", "/v1/keys"): {"admin"},
    ("metrics", "GET", "/v1/keys"): {"admin"},
    ("notifier", "GET", "/v1/subscriptions"): {"admin", "team_lead"},
    ("notifier", "GET", "/v1/keys"): {"admin"},
}


def acting(user_id: int, role: str, *, secret: str = ACTOR_SECRET, expires_in: int = 60) -> dict[str, str]:
    """The console key plus a signed header for a person."""
    header = sign_actor(secret, user_id=user_id, role=role, expires_at=int(time.time()) + expires_in)
    return {**auth(CONSOLE_KEY), ACTOR_HEADER: header}


@pytest.mark.parametrize("role", ROLES)
def test_each_service_sees_the_person_with_their_role_and_a_stable_subject(console, role):
    for name, service in console.services.items():
        reply = service.client().get("/v1/whoami", headers=acting(7, role))
        assert reply.status_code == 200, (name, reply.json)
        assert reply.json["role"] == role and reply.json["subject"] == "console-user:7"
        assert reply.json["key_id"] == "console-user:7"


@pytest.mark.parametrize("role", ROLES)
def test_role_rules_are_those_of_an_api_key_of_that_role(console, role):
    for (name, method, path), allowed in ALLOWED.items():
        client = console.services[name].client()
        as_person = client.open(path, method=method, headers=acting(3, role))
        as_key = client.open(path, method=method, headers=auth(console.services[name].key_for(role)))
        expected = 200 if role in allowed else 403
        assert as_person.status_code == as_key.status_code == expected, (role, name, path)


def test_the_console_key_alone_may_do_nothing(console):
    for name, service in console.services.items():
        reply = service.client().get("/v1/surveys" if name == "survey" else "/v1/keys", headers=auth(CONSOLE_KEY))
        assert reply.status_code == 401 and ACTOR_HEADER in reply.json["message"], name


@pytest.mark.parametrize("header", ["forged", "expired", "too_long_lived", "garbage", "machine_role"])
def test_a_forged_expired_or_malformed_header_is_401(console, header):
    now = int(time.time())
    values = {
        "forged": sign_actor("not the secret", user_id=1, role="admin", expires_at=now + 60),
        "expired": sign_actor(ACTOR_SECRET, user_id=1, role="admin", expires_at=now - 1),
        "too_long_lived": sign_actor(ACTOR_SECRET, user_id=1, role="admin", expires_at=now + 86_400),
        "garbage": "v1.e30.AAAA",
        "machine_role": _signed_raw({"uid": 1, "role": "service", "exp": now + 60}),
    }
    for service in console.services.values():
        reply = service.client().get("/v1/whoami", headers={**auth(CONSOLE_KEY), ACTOR_HEADER: values[header]})
        assert reply.status_code == 401, (header, reply.json)


def _signed_raw(payload: dict) -> str:
    """A header signed with the right secret around a payload ``sign_actor`` would refuse to make."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    signed = "v1." + b64(json.dumps(payload).encode())
    return signed + "." + b64(hmac.new(ACTOR_SECRET.encode(), signed.encode(), hashlib.sha256).digest())


def test_a_header_sent_with_another_key_changes_nothing(console):
    marketer_key = console.services["survey"].key_for("marketer")
    reply = console.services["survey"].client().get(
        "/v1/keys", headers={**auth(marketer_key), **{ACTOR_HEADER: acting(1, "admin")[ACTOR_HEADER]}})
    assert reply.status_code == 403  # still the marketer key


def test_a_team_lead_sees_only_their_own_subscriptions_even_with_a_tampered_id(console):
    notifier = console.services["notifier"].client()
    created = notifier.post("/v1/subscriptions", json=subscription_body(), headers=acting(11, "team_lead"))
    assert created.status_code == 201, created.json
    assert created.json["owner"] == "console-user:11"
    path = f"/v1/subscriptions/{created.json['id']}"
    assert notifier.get(path, headers=acting(11, "team_lead")).status_code == 200
    assert notifier.get(path, headers=acting(12, "team_lead")).status_code == 404
    assert notifier.delete(path, headers=acting(12, "team_lead")).status_code == 404
    assert notifier.get("/v1/subscriptions", headers=acting(12, "team_lead")).json["items"] == []
    assert notifier.get("/v1/subscriptions?owner=console-user:11",
                        headers=acting(12, "team_lead")).json["items"] == []
    everyone = notifier.get("/v1/subscriptions", headers=acting(1, "admin")).json["items"]
    assert [item["id"] for item in everyone] == [created.json["id"]]


def test_a_service_without_the_secret_refuses_console_requests(make_service):
    survey = make_service("survey", env={"CX_CONSOLE_KEY": CONSOLE_KEY})
    reply = survey.client().get("/v1/whoami", headers=acting(1, "admin"))
    assert reply.status_code == 401 and "CX_CONSOLE_ACTOR_SECRET" in reply.json["message"]


@pytest.mark.parametrize("role", ROLES)
def test_the_console_pages_get_what_the_service_allows_the_role(console, role):
    from tests.console.support import PASSWORD, sign_in, text_of

    http = console.client()
    email = "admin@example.com" if role == "admin" else f"{role}@example.com"
    assert (sign_in(http) if role == "admin" else sign_in(http, email, PASSWORD)).status_code == 302
    overview = text_of(http.get("/"))
    assert overview.count("Answering") == 3  # each service answers for this person with their role
    keys = http.get("/settings/keys")
    assert keys.status_code == (200 if role == "admin" else 403)  # the survey service decides
    people = http.get("/settings/users")
    assert people.status_code == (200 if role == "admin" else 403)
