"""Limits: oversized bodies 413, too many items 422, rate limits 429 with Retry-After; never a 5xx."""

from __future__ import annotations

import pytest

from tests.reliability.apps import bearer, make_app
from tests.survey.conftest import event_body

LIMITED = {"CX_RATE_LIMIT_PER_MINUTE": "60", "CX_RATE_LIMIT_BURST": "5",
           "CX_PUBLIC_RATE_LIMIT_PER_MINUTE": "60", "CX_PUBLIC_RATE_LIMIT_BURST": "3"}


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    return {service: make_app(service, tmp) for service in ("survey", "metrics", "notifier")}


def _post(app, path, role="admin", **kwargs):
    return app.test_client().post(path, headers=bearer(app.config["CX_KEYS"][role]), **kwargs)


def _padded_event(size: int) -> dict:
    body = event_body("big", attributes={f"a{i}": "x" * 1900 for i in range(size // 1900 + 1)})
    return body


@pytest.mark.parametrize("service,path,body", [
    ("survey", "/v1/events", _padded_event(70 * 1024)),                       # over 64 KiB per event
    ("survey", "/v1/events/batch", {"events": [event_body(f"e{i}", attributes={"pad": "x" * 1500})
                                               for i in range(400)]}),       # over 512 KiB per batch
    ("metrics", "/v1/responses/batch", {"responses": [{"pad": "x" * 2_000_000}]}),  # over 1 MiB anywhere
    ("metrics", "/v1/transactions/batch", {"transactions": [{"pad": "x" * 17_000_000}]}),  # bulk: 16 MiB
    ("notifier", "/v1/signals", {"pad": "x" * 2_000_000}),
    ("notifier", "/v1/subscriptions", {"pad": "x" * 2_000_000}),
])
def test_oversized_bodies_get_413(apps, service, path, body):
    reply = _post(apps[service], path, json=body)
    assert reply.status_code == 413, (reply.status_code, reply.get_data(as_text=True)[:300])
    assert reply.json["code"] == 413


def test_too_many_responses_in_a_batch_get_422(apps):
    reply = _post(apps["metrics"], "/v1/responses/batch", json={"responses": [{}] * 501})
    assert reply.status_code == 422 and "responses" in reply.json["errors"]["json"]


def test_too_many_transactions_in_a_batch_get_422(apps):
    rows = [{"id": f"t{i}", "customer_id": "c", "occurred_at": "2026-01-01", "amount": 1, "currency": "KRW"}
            for i in range(10_001)]
    reply = _post(apps["metrics"], "/v1/transactions/batch", json={"transactions": rows})
    assert reply.status_code == 422, reply.status_code
    assert "transactions" in reply.json["errors"]["json"]


def test_too_many_attributes_on_an_event_get_422(apps):
    body = event_body("many-attrs", attributes={f"k{i}": i for i in range(101)})
    reply = _post(apps["survey"], "/v1/events", json=body)
    assert reply.status_code == 422, reply.json


def test_too_many_events_in_a_batch_get_422(apps):
    reply = _post(apps["survey"], "/v1/events/batch", json={"events": [event_body(f"n{i}") for i in range(501)]})
    assert reply.status_code == 422, reply.status_code


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    return make_app("survey", tmp_path_factory.mktemp("ratelimit"), env=LIMITED)


def test_a_key_over_its_rate_gets_429_with_retry_after(limited):
    keys = limited.config["CX_KEYS"]
    client = limited.test_client()
    codes = [client.get("/v1/surveys", headers=bearer(keys["marketer"])).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3, codes
    reply = client.get("/v1/surveys", headers=bearer(keys["marketer"]))
    assert reply.status_code == 429 and reply.json["code"] == 429
    assert 1 <= int(reply.headers["Retry-After"]) <= 60
    # another key has its own bucket; the services' own calls are not limited
    assert client.get("/v1/surveys", headers=bearer(keys["analyst"])).status_code == 200
    service_codes = {client.get("/v1/whoami", headers=bearer(keys["service"])).status_code for _ in range(10)}
    assert service_codes == {200}


def test_a_rate_limited_batch_post_is_429_not_5xx(limited):
    key = bearer(limited.config["CX_KEYS"]["ingest"])
    client = limited.test_client()
    codes = [client.post("/v1/events/batch", json={"events": [event_body(f"rl{i}-{j}") for j in range(3)]},
                         headers=key).status_code for i in range(10)]
    assert set(codes) <= {200, 429} and codes.count(200) == 5, codes


def test_public_pages_are_limited_per_address(limited):
    client = limited.test_client()
    codes = [client.get("/r/" + "A" * 43, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
             for _ in range(5)]
    assert codes[:3] == [404] * 3 and codes[3:] == [429, 429], codes
    other = client.get("/r/" + "A" * 43, environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert other.status_code == 404
    late = client.get("/r/" + "A" * 43, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert late.status_code == 429 and int(late.headers["Retry-After"]) >= 1
