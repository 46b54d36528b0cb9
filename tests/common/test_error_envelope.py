"""One error envelope for every status (``errors`` always an object), 415 for a body that is not
declared as JSON, and a 401 that says what is wrong with the ``Authorization`` header."""

from __future__ import annotations

import pytest

from shared.errors import ErrorSchema
from tests.support import ADMIN_KEY, SERVICES, auth

JSON_BODY_ROUTE = {"survey": "/v1/touchpoints", "metrics": "/v1/contracts/batch", "notifier": "/v1/signals"}


def _assert_envelope(reply, code: int) -> dict:
    assert reply.status_code == code, reply.get_data(as_text=True)[:300]
    body = reply.json
    assert set(body) >= {"code", "status", "message", "errors"}, body
    assert body["code"] == code and isinstance(body["errors"], dict)
    assert ErrorSchema().validate(body) == {}
    return body


@pytest.fixture(params=SERVICES)
def service(request, make_service):
    return make_service(request.param, env={"CX_AUTH_FAILURE_LIMIT_BURST": "3",
                                            "CX_AUTH_FAILURE_LIMIT_PER_MINUTE": "1"})


def test_401_403_404_405_429_carry_an_empty_errors_object(service):
    client = service.client()
    assert _assert_envelope(client.get("/v1/whoami", headers=auth("nope")), 401)["errors"] == {}
    analyst = service.key_for("analyst")
    assert _assert_envelope(client.get("/v1/outbox", headers=auth(analyst)), 403)["errors"] == {}
    assert _assert_envelope(client.get("/v1/no-such-thing", headers=auth(ADMIN_KEY)), 404)["errors"] == {}
    assert _assert_envelope(client.delete("/v1/whoami", headers=auth(ADMIN_KEY)), 405)["errors"] == {}
    for _ in range(5):
        last = client.get("/v1/whoami", headers=auth("still-wrong"))
    assert _assert_envelope(last, 429)["errors"] == {}
    assert last.headers["Retry-After"]


def test_409_and_413_carry_an_errors_object(make_service):
    survey = make_service("survey", env={"SURVEY_MAX_BODY_BYTES": "2048"})
    client = survey.client()
    body = {"key": "envelope-test", "name": "Envelope test"}
    assert client.post("/v1/touchpoints", json=body, headers=auth(ADMIN_KEY)).status_code == 201
    assert isinstance(_assert_envelope(client.post("/v1/touchpoints", json=body, headers=auth(ADMIN_KEY)),
                                       409)["errors"], dict)
    big = {"key": "x", "name": "y" * 5000}
    assert _assert_envelope(client.post("/v1/touchpoints", json=big, headers=auth(ADMIN_KEY)), 413)["errors"] == {}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_json_body_without_the_json_content_type_is_415(service, content_type):
    headers = {**auth(ADMIN_KEY), **({"Content-Type": content_type} if content_type else {})}
    reply = service.client().post(JSON_BODY_ROUTE[service.service], data='{"a": 1}', headers=headers)
    body = _assert_envelope(reply, 415)
    assert "application/json" in body["message"] and "Content-Type" in body["errors"]
    assert "missing" not in body["message"].lower()


def test_an_empty_body_is_still_a_validation_error_and_415_is_documented(service):
    reply = service.client().post(JSON_BODY_ROUTE[service.service], headers=auth(ADMIN_KEY))
    assert _assert_envelope(reply, 422)["errors"]
    spec = service.client().get("/openapi.json").json
    assert "415" in spec["paths"][JSON_BODY_ROUTE[service.service]]["post"]["responses"]


@pytest.mark.parametrize("header,expected", [
    (None, "missing API key"),
    (ADMIN_KEY, "lacks the 'Bearer' scheme"),
    ("Basic dXNlcjpwYXNz", "only 'Bearer' is accepted"),
    ("Bearer", "'Bearer' scheme but no key"),
    ("Bearer   ", "'Bearer' scheme but no key"),
])
def test_401_says_what_is_wrong_with_the_authorization_header(service, header, expected):
    headers = {"Authorization": header} if header is not None else {}
    body = _assert_envelope(service.client().get("/v1/whoami", headers=headers), 401)
    assert expected in body["message"], body["message"]
    assert "dXNlcjpwYXNz" not in body["message"] and ADMIN_KEY not in body["message"]
