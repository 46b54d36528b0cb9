"""Rate limits: 429 with Retry-After per key and per address; service calls are not limited."""

from __future__ import annotations

import pytest

from services.common.ratelimit import TokenBuckets
from tests.support import ADMIN_KEY, auth


def test_bucket_refills_at_its_rate_and_caps_at_burst():
    buckets = TokenBuckets(per_minute=60, burst=3)
    assert [buckets.take("k", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k", now=0.0) == pytest.approx(1.0)  # one token a second
    assert buckets.take("k", now=0.5) == pytest.approx(0.5)
    assert buckets.take("k", now=1.0) == 0.0
    assert [buckets.take("k", now=100.0) for _ in range(4)][-1] > 0  # burst caps the refill
    assert buckets.take("other", now=0.0) == 0.0  # buckets are per key


def test_api_key_over_the_limit_gets_429_with_retry_after(make_service):
    service = make_service("metrics", env={"CX_RATE_LIMIT_PER_MINUTE": "60", "CX_RATE_LIMIT_BURST": "2"})
    client = service.client()
    analyst = service.key_for("analyst")
    codes = [client.get("/v1/whoami", headers=auth(analyst)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.get("/v1/whoami", headers=auth(analyst))
    assert limited.json["code"] == 429 and limited.json["status"] == "Too Many Requests"
    assert int(limited.headers["Retry-After"]) >= 1
    assert client.get("/v1/whoami", headers=auth(ADMIN_KEY)).status_code == 200  # another key's bucket
    service_key = service.key_for("service")
    assert {client.get("/v1/whoami", headers=auth(service_key)).status_code for _ in range(5)} == {200}


def test_public_pages_are_limited_per_address(make_service):
    service = make_service("survey", env={"CX_PUBLIC_RATE_LIMIT_PER_MINUTE": "60", "CX_PUBLIC_RATE_LIMIT_BURST": "2"})
    client = service.client()
    codes = [client.get("/r/unknown-token").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    assert client.get("/healthz").status_code == 200


def test_failed_authentications_are_limited_per_address_with_retry_after(make_service):
    service = make_service("survey", env={"CX_AUTH_FAILURE_LIMIT_PER_MINUTE": "6", "CX_AUTH_FAILURE_LIMIT_BURST": "3"})
    client = service.client()
    attacker, neighbour = {"REMOTE_ADDR": "203.0.113.9"}, {"REMOTE_ADDR": "198.51.100.4"}
    codes = [client.get("/v1/whoami", headers=auth(f"guess-{i}"), environ_base=attacker).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]
    limited = client.get("/v1/whoami", headers=auth(ADMIN_KEY), environ_base=attacker)
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 10
    assert limited.json["code"] == 429  # even a right key waits: the address is checked before any key
    assert client.get("/v1/whoami", environ_base=neighbour).status_code == 401  # other addresses go on
    assert client.get("/v1/whoami", headers=auth(ADMIN_KEY), environ_base=neighbour).status_code == 200


def test_successful_authentications_do_not_count(make_service):
    service = make_service("survey", env={"CX_AUTH_FAILURE_LIMIT_PER_MINUTE": "6", "CX_AUTH_FAILURE_LIMIT_BURST": "2"})
    client = service.client()
    assert {client.get("/v1/whoami", headers=auth(ADMIN_KEY)).status_code for _ in range(10)} == {200}
