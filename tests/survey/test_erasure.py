"""Erasure reaches every service through the outbox: after ``DELETE /v1/customers/{id}`` and one relay
pass, the erased values are in no table of survey, metrics or notifier (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import inspect, select, text

from services.common.clock import ManualClock
from services.common.keys import store_key
from services.common.outbox import OutboxRelay
from services.survey.clients.downstream import by_topic, erasure_handler, metrics_handler, notifier_handler
from services.survey.models import PLATFORM
from shared.auth import mint_key
from shared.http_client import RetryPolicy, ServiceClient
from tests.support import ADMIN_KEY, ConnectionAsEngine, auth
from tests.survey.conftest import T0, event_body

NAME, EMAIL, PHONE, ADDRESS = "홍길동지워짐", "erase.me.7731@example.com", "+82 10 5555 7731", "세종대로 7731"
ERASED = (NAME, EMAIL, PHONE, ADDRESS)


@pytest.fixture
def stack(survey_app, make_service):
    """Survey (with the survey tests' helpers), metrics and notifier on the same backend, one service key."""
    metrics = make_service("metrics", clock=ManualClock(T0))
    notifier = make_service("notifier", clock=ManualClock(T0))
    service_key = mint_key()
    for other in (metrics, notifier):
        store_key(other.connection, service_key, role="service", subject="survey-worker", now=T0,
                  tables=other.app.extensions["cx_tables"])

    def client(app) -> ServiceClient:
        return ServiceClient("http://service", api_key=service_key.plaintext, transport=httpx.WSGITransport(app=app),
                             retry=RetryPolicy(max_attempts=1))

    to_metrics, to_notifier = client(metrics.app), client(notifier.app)
    handlers = {"metrics": by_topic({"response": metrics_handler(to_metrics), "erasure": erasure_handler(to_metrics)}),
                "notifier": by_topic({"signal": notifier_handler(to_notifier), "erasure": erasure_handler(to_notifier)})}
    relay = OutboxRelay(ConnectionAsEngine(survey_app.service.connection), PLATFORM, handlers, service="survey")
    return {"survey": survey_app, "metrics": metrics, "notifier": notifier, "relay": relay,
            "service_key": service_key.plaintext}


def found_in_tables(connection, values) -> dict[str, set[str]]:
    """Which of ``values`` appear in which table (every column of every table, JSON decoded or not)."""
    needles = {v: {v, json.dumps(v)[1:-1]} for v in values}  # JSON text may escape non-ASCII
    found: dict[str, set[str]] = {}
    for table in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{table}"')):
            blob = "\n".join(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False, default=str)
                             for c in row)
            for value, forms in needles.items():
                if any(form in blob for form in forms):
                    found.setdefault(value, set()).add(table)
    return found


def answered_customer(survey_app) -> None:
    """The customer gets an email invitation (event with personal attributes) and answers with a low score."""
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    body = event_body("e-erase", customer="c-erase", email=EMAIL, phone=PHONE)
    body["customer"]["attributes"] = {"name": NAME, "address": ADDRESS, "region": "Seoul"}
    body["attributes"] = {"order_id": "o-1", "name": NAME}
    assert survey_app.call("post", "/v1/events", role="ingest", json=body).status_code == 201
    survey_app.match()
    survey_app.dispatch()
    token = survey_app.sent[0].survey_url.rsplit("/", 1)[1]
    reply = survey_app.client().post(f"/r/{token}", data={"q_nps": "2", "q_comment": "late again"})
    assert reply.status_code == 200


def test_erasure_leaves_the_values_in_no_table_of_any_service(stack):
    survey_app, relay = stack["survey"], stack["relay"]
    answered_customer(survey_app)
    first = relay.drain(lambda: survey_app.clock.now())
    assert first.delivered == 2 and first.dead == 0, first.errors  # the response and its low-score signal
    connections = {name: stack[name].connection if name != "survey" else survey_app.service.connection
                   for name in ("survey", "metrics", "notifier")}
    before = {name: found_in_tables(c, ERASED) for name, c in connections.items()}
    assert NAME in before["survey"] and NAME in before["metrics"] and NAME in before["notifier"]  # the scan sees them

    erased = survey_app.client().delete("/v1/customers/c-erase", headers=auth(ADMIN_KEY))
    assert erased.status_code == 204
    after_erase = relay.drain(lambda: survey_app.clock.now())
    assert after_erase.delivered == 2 and after_erase.dead == 0, after_erase.errors  # one to metrics, one to notifier

    for name, connection in connections.items():
        assert found_in_tables(connection, ERASED) == {}, name
    query = {"metric": "nps", "from": "2020-01-01", "to": "2030-01-01", "min_n": 0}
    scores = stack["metrics"].client().get("/v1/scores", query_string=query, headers=auth(ADMIN_KEY)).json
    assert sum(c["n"] for c in scores["cells"]) == 1  # the anonymous answer still counts


def test_erasure_messages_are_idempotent_and_need_the_service_role(stack):
    survey_app, relay = stack["survey"], stack["relay"]
    answered_customer(survey_app)
    relay.drain(lambda: survey_app.clock.now())
    body = {"customer_id": "c-erase", "response_ids": [], "erased_at": datetime.now(UTC).isoformat()}
    for name in ("metrics", "notifier"):
        client = stack[name].client()
        analyst = stack[name].key_for("analyst")
        assert client.post("/v1/erasures", json=body, headers=auth(analyst)).status_code == 403
        first = client.post("/v1/erasures", json=body, headers=auth(stack["service_key"]))
        # found by customer id: metrics' response; notifier's signal and the case it opened
        assert first.status_code == 200 and first.json["changed"] == (2 if name == "notifier" else 1), first.json
        again = client.post("/v1/erasures", json=body, headers=auth(stack["service_key"]))
        assert again.status_code == 200 and again.json["changed"] == 0
        assert client.post("/v1/erasures", json={**body, "extra": 1},
                           headers=auth(stack["service_key"])).status_code == 422


def test_erasure_scrubs_queued_copies_so_a_late_delivery_brings_nothing_back(stack):
    survey_app, relay = stack["survey"], stack["relay"]
    answered_customer(survey_app)  # the response and the signal are still queued, not delivered
    assert survey_app.client().delete("/v1/customers/c-erase", headers=auth(ADMIN_KEY)).status_code == 204
    box = PLATFORM.outbox
    topics = [r.topic for r in survey_app.service.connection.execute(select(box.c.topic).order_by(box.c.id))]
    assert topics == ["response", "signal", "erasure", "erasure"]
    result = relay.drain(lambda: survey_app.clock.now())
    assert result.delivered == 4 and result.dead == 0, result.errors
    for name in ("metrics", "notifier"):
        assert found_in_tables(stack[name].connection, ERASED) == {}, name
    assert found_in_tables(survey_app.service.connection, ERASED) == {}
