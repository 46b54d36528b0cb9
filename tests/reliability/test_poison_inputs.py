"""Poison inputs: every accepted field of every write endpoint, fed extreme and malformed values.

Each request answers 4xx or is accepted (never 5xx), and afterwards the workers still process a normal
item: matching turns a normal event into an invitation, evaluation evaluates a normal subscription,
signals still reach the low-score path. ``make test`` runs a reduced set of values on one backend;
``make test-reliability`` (CX_RELIABILITY_SCALE=full) runs all of them, and a property-based pass.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker

from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.survey.matching import match_pending_events
from services.survey.runtime import planning_rules
from tests.metrics.scores_support import response
from tests.notifier.support import FakeMetrics, nps_cell, signal_body, subscription_body
from tests.reliability.apps import bearer, make_app
from tests.reliability.conftest import FULL
from tests.survey.conftest import event_body, survey_body

POISON = "__poison__"
NOW = datetime.now(UTC).replace(microsecond=0)
# Raw JSON texts: some cannot be written by json.dumps at all (NaN, lone surrogates, 5,000 digits).
RAW_VALUES: dict[str, str] = {
    "far future": '"9999-12-31T23:59:59+00:00"',
    "far future, far west": '"9999-12-31T23:59:59-14:00"',
    "year one, far east": '"0001-01-01T00:00:00+23:59"',
    "huge window": '"9999w"',
    "id above 2^63": str(2**63),
    "id above 2^64": str(2**64 + 1),
    "below -2^63": str(-(2**63) - 1),
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "1e400": "1e400",
    "4,301 digits": "9" * 4301,
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "lone surrogate": '"\\ud800"',
    "NUL": '"a\\u0000b"',
    "CR/LF header injection": '"x\\r\\nBcc: victim@example.com"',
    "superscript two": '"\u00b2"',
    "circled one": '"\u2460"',
    "RTL override": '"\u202egnp.exe"',
    "empty string": '""',
    "100,000 characters": json.dumps("가" * 100_000),
    "empty object": "{}",
    "null": "null",
    "true": "true",
}
REDUCED = ("far future, far west", "id above 2^64", "NaN", "4,301 digits", "nested 1,000 deep",
           "lone surrogate", "NUL", "CR/LF header injection", "circled one", "100,000 characters")
VALUES = list(RAW_VALUES) if FULL else list(REDUCED)


def leaf_paths(body: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path to a value in a JSON document (containers included: they can be poisoned too)."""
    if prefix:
        yield prefix
    if isinstance(body, dict):
        for key, value in body.items():
            yield from leaf_paths(value, (*prefix, key))
    elif isinstance(body, list):
        for index, value in enumerate(body[:2]):
            yield from leaf_paths(value, (*prefix, index))


def poisoned(body: Any, path: tuple, raw: str) -> str:
    """The body as JSON text with the value at ``path`` replaced by the raw JSON text ``raw``."""
    copied = copy.deepcopy(body)
    node = copied
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = POISON
    return json.dumps(copied, ensure_ascii=False).replace(json.dumps(POISON), raw)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The three services in process, on PostgreSQL when the run has it (where type limits bite)."""
    tmp = tmp_path_factory.mktemp("poison")
    backend = "postgres" if os.environ.get("CX_TEST_POSTGRES_URL") else "sqlite"
    env = {"SURVEY_ALLOW_PRIVATE_WEBHOOKS": "1", "SURVEY_TOKEN_SECRET": "poison-token-secret"}
    apps = {service: make_app(service, tmp, backend=backend, env=env)
            for service in ("survey", "metrics", "notifier")}
    for app in apps.values():
        app.config["RATE_LIMIT_PER_MINUTE"] = 0
    survey = apps["survey"]
    client, keys = survey.test_client(), survey.config["CX_KEYS"]
    created = client.post("/v1/surveys", json=survey_body(), headers=bearer(keys["marketer"]))
    assert created.status_code == 201, created.json
    client.post(f"/v1/surveys/{created.json['id']}/publish", headers=bearer(keys["marketer"]))
    trigger = client.post("/v1/triggers", headers=bearer(keys["marketer"]), json={
        "name": "after delivery", "event_type": "order.delivered", "survey_id": created.json["id"],
        "channel": "email"})
    assert trigger.status_code == 201, trigger.json
    apps["survey_id"], apps["trigger_id"] = created.json["id"], trigger.json["id"]
    return apps


def write_endpoints(stack) -> list[tuple[str, str, str, str, Any]]:
    """(service, role, method, path, a valid body) for every JSON write endpoint."""
    event = event_body("poison-event", occurred_at=NOW)
    trigger = {"name": "poison trigger", "event_type": "order.delivered", "survey_id": stack["survey_id"],
               "channel": "webhook", "webhook_url": "https://hooks.example.com/x", "delay_minutes": 60,
               "window_start": "09:00", "window_end": "20:00", "cancel_on": ["order.returned"],
               "conditions": [{"field": "event.channel", "op": "eq", "value": "web"}]}
    transaction = {"id": "t-1", "customer_id": "c-1", "occurred_at": "2026-01-05T10:00:00+09:00",
                   "amount": 12.5, "currency": "KRW", "segment": "vip", "attributes": {"store": "Seoul"}}
    contract = {"id": "k-1", "customer_id": "c-1", "started_at": "2025-01-01", "ended_at": None,
                "plan": "monthly", "recurring_value": 9900, "currency": "KRW", "segment": "vip"}
    record = response(nps=3, text="배송이 늦었어요", attributes={"region": "Seoul"})
    subscription = {**subscription_body(), "muted_until": (NOW + timedelta(days=1)).isoformat(),
                    "lang": "ko", "active": True}
    return [
        ("survey", "ingest", "POST", "/v1/events", event),
        ("survey", "ingest", "POST", "/v1/events/batch", {"events": [event]}),
        ("survey", "marketer", "POST", "/v1/surveys", survey_body()),
        ("survey", "marketer", "PATCH", f"/v1/surveys/{stack['survey_id']}", {"name": "renamed", "recontact_days": 7}),
        ("survey", "marketer", "POST", "/v1/triggers", trigger),
        ("survey", "marketer", "POST", f"/v1/triggers/{stack['trigger_id']}/preview", event),
        ("survey", "marketer", "POST", "/v1/touchpoints", {"key": "returns", "name": "Returns", "description": "d"}),
        ("metrics", "finance", "POST", "/v1/transactions/batch", {"transactions": [transaction]}),
        ("metrics", "finance", "POST", "/v1/contracts/batch", {"contracts": [contract]}),
        ("metrics", "finance", "POST", "/v1/clv/fits", {"as_of": "2026-01-31", "time_unit": "week", "horizon": 52,
                                                        "annual_discount_rate": 0.1}),
        ("metrics", "service", "POST", "/v1/responses/batch", {"responses": [record]}),
        ("notifier", "team_lead", "POST", "/v1/subscriptions", subscription),
        ("notifier", "service", "POST", "/v1/signals", signal_body()),
    ]


def _assert_no_server_error(reply, what: str) -> None:
    assert reply.status_code < 500, f"{what}: {reply.status_code} {reply.get_data(as_text=True)[:300]}"
    if reply.status_code >= 400:
        assert reply.is_json and reply.json["code"] == reply.status_code, what


def _send(stack, service, role, method, path, text):
    app = stack[service]
    return app.test_client().open(path, method=method, data=text.encode("utf-8", "surrogatepass"),
                                  headers={**bearer(app.config["CX_KEYS"][role]),
                                           "Content-Type": "application/json"})


@pytest.mark.parametrize("value", VALUES)
def test_every_field_of_every_write_endpoint_survives_the_value(stack, value):
    raw = RAW_VALUES[value]
    for service, role, method, path, body in write_endpoints(stack):
        for field_path in leaf_paths(body):
            reply = _send(stack, service, role, method, path, poisoned(body, field_path, raw))
            _assert_no_server_error(reply, f"{method} {path} {'.'.join(map(str, field_path))} = {value}")


@pytest.mark.parametrize("value", VALUES)
def test_a_whole_body_of_poison_is_refused_clearly(stack, value):
    for service, role, method, path, _body in write_endpoints(stack):
        reply = _send(stack, service, role, method, path, RAW_VALUES[value])
        _assert_no_server_error(reply, f"{method} {path} body = {value}")
        if value != "empty object":  # {} is a valid PATCH (nothing to change)
            assert reply.status_code >= 400, f"{method} {path} accepted a body of {value}"


QUERIES = [
    ("survey", "admin", "/v1/surveys?offset={v}"), ("survey", "admin", "/v1/invitations?offset={v}"),
    ("survey", "admin", "/v1/invitations?created_from={v}"), ("survey", "admin", "/v1/surveys/{v}"),
    ("survey", "admin", "/v1/responses?created_since={v}"), ("survey", "admin", "/v1/responses?cursor={v}"),
    ("metrics", "admin", "/v1/scores?from={v}"), ("metrics", "admin", "/v1/scores?to={v}&tz=Pacific/Kiritimati"),
    ("metrics", "admin", "/v1/scores/compare?end={v}"), ("metrics", "admin", "/v1/scores/compare?window={v}"),
    ("metrics", "admin", "/v1/voc/keywords?from={v}"), ("metrics", "admin", "/v1/churn/rates?start={v}&end=2026-01-01"),
    ("metrics", "admin", "/v1/churn/retention?cohort_start=2025-01-01&cohort_end=2025-12-31&as_of={v}"),
    ("metrics", "admin", "/v1/clv/customers?cursor={v}"), ("notifier", "admin", "/v1/subscriptions?offset={v}"),
]
QUERY_VALUES = ["9999-12-31", "9999-12-31T23:59:59-14:00", "0001-01-01", "0001-01-01T00:00:00+14:00",
                str(2**63), "9" * 4301, "%00", "%C2%B2", "%E2%91%A0", "9999w",
                # a responses cursor holding a naive date, and a CLV cursor holding NaN
                "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwgIngiXQ", "WyJ2YWx1ZSIsIE5hTiwgIngiXQ=="]


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_query_parameters_at_the_ends_of_the_calendar_and_beyond_the_columns(stack, value):
    for service, role, template in QUERIES:
        app = stack[service]
        reply = app.test_client().get(template.format(v=value), headers=bearer(app.config["CX_KEYS"][role]))
        _assert_no_server_error(reply, f"GET {template.format(v=value)}")


def test_after_the_poison_the_workers_still_process_normal_items(stack):
    """Runs after the poison tests of this module: whatever they got accepted must not stop a worker."""
    survey, notifier = stack["survey"], stack["notifier"]
    for value in VALUES:  # poisoned events that were accepted wait in the queue with the normal one
        for field_path in leaf_paths(event_body("e", occurred_at=NOW)):
            body = event_body(f"q-{value}-{'.'.join(map(str, field_path))}"[:200], occurred_at=NOW)
            _send(stack, "survey", "ingest", "POST", "/v1/events", poisoned(body, field_path, RAW_VALUES[value]))
    normal = survey.test_client().post("/v1/events", headers=bearer(survey.config["CX_KEYS"]["ingest"]),
                                       json=event_body("after-the-poison", customer="normal-customer",
                                                       occurred_at=NOW))
    assert normal.status_code == 201, normal.json
    sessions = sessionmaker(bind=survey.extensions["db"].engine, expire_on_commit=False)
    for _ in range(50):
        with sessions() as session:
            if match_pending_events(session, now=NOW, rules=planning_rules(survey.config),
                                    token_secret=survey.config["TOKEN_SECRET"]).events == 0:
                break
    invited = survey.test_client().get("/v1/invitations?customer_id=normal-customer",
                                       headers=bearer(survey.config["CX_KEYS"]["admin"]))
    assert invited.status_code == 200 and len(invited.json) == 1, invited.json

    lead = bearer(notifier.config["CX_KEYS"]["team_lead"])
    created = notifier.test_client().post("/v1/subscriptions", headers=lead,
                                          json=subscription_body(name="after the poison"))
    assert created.status_code == 201, created.json
    evaluation = EvaluationSettings(settle=timedelta(minutes=10), retry=timedelta(minutes=2),
                                    interval=timedelta(minutes=1), data_link_base="http://metrics.test")
    metrics = FakeMetrics([nps_cell((60, 40, 100), (400, 300, 100))])
    with sessionmaker(bind=notifier.extensions["db"].engine, expire_on_commit=False)() as session:
        result = evaluate_due(session, metrics, now=datetime.now(UTC) + timedelta(minutes=1), settings=evaluation)
    assert result.evaluated >= 1 and any(call.get("touchpoint") == "delivery" for call in metrics.calls)
    evaluated = notifier.test_client().get(f"/v1/subscriptions/{created.json['id']}", headers=lead).json
    assert evaluated["next_evaluation_at"] is not None and evaluated["last_error"] is None


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    | st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01", "9999w", "\u2460", "\u00b2", "a\r\nb"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)


@pytest.mark.skipif(not FULL, reason="property-based pass: make test-reliability")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
@given(data=st.data())
def test_property_any_value_in_any_field_never_gets_a_server_error(stack, data):
    endpoints = write_endpoints(stack)
    service, role, method, path, body = data.draw(st.sampled_from(endpoints))
    field_path = data.draw(st.sampled_from(list(leaf_paths(body))))
    value = data.draw(_json_values)
    reply = _send(stack, service, role, method, path, poisoned(body, field_path, json.dumps(value)))
    _assert_no_server_error(reply, f"{method} {path} {field_path} = {value!r}")
