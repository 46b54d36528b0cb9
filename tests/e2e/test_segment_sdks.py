"""The real Segment and RudderStack Python SDKs, configured with cxloop's host, against real gunicorn
processes of survey and metrics and a real survey worker, on PostgreSQL and SQLite: identify and track
calls trigger invitations, a batch the SDK must retry after the server stored it adds nothing,
RudderStack's gzip bodies are read, order events reach metrics as transactions, and the README's
two snippets run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rudderstack.analytics.client import Client as RudderClient
from segment.analytics.client import Client as SegmentClient
from sqlalchemy import text

from services.common.db import make_engine
from tests.e2e.processes import wait_until
from tests.e2e.tracking_stack import FlakyProxy, TrackingStack
from tests.survey.conftest import survey_body

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e]
CONTEXT = {"locale": "ko-KR", "timezone": "Asia/Seoul"}


@pytest.fixture(scope="module", params=["postgres", "sqlite"])
def stack(request, tmp_path_factory):
    stack = TrackingStack(tmp_path_factory.mktemp(f"tracking-{request.param}"), request.param)
    proxy = FlakyProxy(stack.urls["survey"])
    try:
        survey = stack.survey.post("/v1/surveys", json=survey_body(recontact_days=0))
        assert survey.status_code == 201, survey.text
        assert stack.survey.post(f"/v1/surveys/{survey.json()['id']}/publish").status_code == 201
        trigger = stack.survey.post("/v1/triggers", json={"name": "after delivery", "event_type": "order.delivered",
                                                          "survey_id": survey.json()["id"], "channel": "email"})
        assert trigger.status_code == 201, trigger.text
        mapping = stack.survey.put("/v1/tracking/mappings", json={"event": "Order Delivered", "type": "order.delivered"})
        assert mapping.status_code == 200, mapping.text
        yield stack, proxy
    finally:
        proxy.stop()
        stack.close()


def invitations(stack, customer: str) -> list[dict]:
    reply = stack.survey.get("/v1/invitations", params={"customer_id": customer})
    assert reply.status_code == 200, reply.text
    return reply.json()


def events(stack, customer: str) -> list[dict]:
    reply = stack.survey.get("/v1/events", params={"customer_id": customer, "limit": 100})
    assert reply.status_code == 200, reply.text
    return reply.json()


def transactions(stack) -> dict[str, float]:
    engine = make_engine(stack.databases["metrics"])
    try:
        with engine.connect() as connection:
            return {row.id: float(row.amount) for row in connection.execute(text("SELECT id, amount FROM transactions"))}
    finally:
        engine.dispose()


def send_with_a_forced_retry(stack, proxy, client, customer: str, order_id: str) -> list:
    """Identify and track through ``client``; the proxy fails the first request after forwarding it."""
    proxy.seen.clear()
    proxy.fail_after_forwarding = 1
    client.identify(customer, {"email": f"{customer}@example.com", "name": "Kim"}, context=CONTEXT)
    client.track(customer, "Order Delivered", {"order_id": order_id})
    client.track(customer, "Order Completed", {"order_id": order_id, "total": 39000, "currency": "KRW"})
    client.flush()
    client.join()
    return list(proxy.seen)


def check_delivered_once(stack, customer: str, order_id: str) -> None:
    stored = events(stack, customer)
    assert sorted(event["type"] for event in stored) == ["order.delivered", "order_completed"], stored
    found = wait_until(lambda: invitations(stack, customer), timeout=60)
    assert len(found) == 1, (found, stack.log_tail("survey-worker"))
    contact = stack.survey.get(f"/v1/customers/{customer}").json()
    assert (contact["email"], contact["locale"], contact["time_zone"]) == (f"{customer}@example.com", "ko-KR",
                                                                           "Asia/Seoul")
    assert wait_until(lambda: order_id in transactions(stack), timeout=60), stack.log_tail("survey-worker")
    assert transactions(stack)[order_id] == 39000.0
    assert len(events(stack, customer)) == 2 and len(invitations(stack, customer)) == 1


def test_segment_sdk_triggers_an_invitation_and_its_retry_adds_nothing(stack):
    stack, proxy = stack
    errors: list = []
    client = SegmentClient(stack.write_key, host=proxy.url, on_error=lambda error, batch: errors.append(error),
                           upload_interval=0.2)
    seen = send_with_a_forced_retry(stack, proxy, client, "seg-1", "S-1")
    assert errors == []
    assert [status for _, _, status in seen] == [503, 200]  # stored, then told it failed; retried once
    check_delivered_once(stack, "seg-1", "S-1")


def test_rudderstack_sdk_sends_gzip_and_its_retry_adds_nothing(stack):
    stack, proxy = stack
    errors: list = []
    client = RudderClient(stack.write_key, host=proxy.url, on_error=lambda error, batch: errors.append(error),
                          upload_interval=0.2)
    seen = send_with_a_forced_retry(stack, proxy, client, "rud-1", "R-1")
    assert errors == []
    assert [(encoding, status) for _, encoding, status in seen] == [("gzip", 503), ("gzip", 200)]
    check_delivered_once(stack, "rud-1", "R-1")


def readme_snippets() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Send events from Segment or RudderStack", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_readme_snippets_run_as_written(stack):
    stack, _ = stack
    snippets = readme_snippets()
    assert len(snippets) == 2 and "segment.analytics" in snippets[0] and "rudderstack.analytics" in snippets[1]
    env = {**os.environ, "CXLOOP_WRITE_KEY": stack.write_key, "CXLOOP_URL": stack.urls["survey"]}
    for snippet in snippets:
        run = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
    for customer, email in (("customer-42", "minji@example.com"), ("customer-43", "jun@example.com")):
        contact = stack.survey.get(f"/v1/customers/{customer}")
        assert contact.status_code == 200 and contact.json()["email"] == email, contact.text
        assert [event["type"] for event in events(stack, customer)].count("order.delivered") == 1
        assert wait_until(lambda customer=customer: invitations(stack, customer), timeout=60)
    assert wait_until(lambda: "A-1001" in transactions(stack), timeout=60)


def test_a_wrong_write_key_is_refused_and_reported_by_the_sdk(stack):
    stack, _ = stack
    errors: list = []
    client = SegmentClient("cx_000000000000_not-a-key", host=stack.urls["survey"], max_retries=0,
                           on_error=lambda error, batch: errors.append(error))
    client.track("nobody", "Order Delivered", {"order_id": "X"})
    client.flush()
    client.join()
    assert [getattr(error, "status", None) for error in errors] == [401]
    assert httpx.get(f"{stack.urls['survey']}/healthz").status_code == 200


def test_the_webhooks_actions_destination_posts_through_real_gunicorn(stack):
    """Segment's Webhooks (Actions) destination: a single event and a batching-mode array, each signed
    with the source's shared secret (``X-Signature``, hex HMAC-SHA1 of the body), trigger the invitation;
    the same signed event posted again (a Segment retry) adds nothing; a forged body is refused."""
    import hashlib
    import hmac
    import json

    from shared.auth import parse_key_id

    stack, _ = stack
    key_id = parse_key_id(stack.write_key)
    secret = "actions-shared-secret-0123456789"
    put = stack.survey.put(f"/v1/tracking/sources/{key_id}", json={"webhook_secret": secret})
    assert put.status_code == 200 and put.json()["webhook_enabled"] is True, put.text
    url = f"{stack.urls['survey']}/v1/tracking/webhooks/{key_id}"

    def post(document) -> httpx.Response:
        body = json.dumps(document).encode()
        signature = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        return httpx.post(url, content=body, headers={"Content-Type": "application/json", "X-Signature": signature})

    customer = "actions-1"
    identify = {"type": "identify", "messageId": "act-id-1", "userId": customer, "context": CONTEXT,
                "traits": {"email": f"{customer}@example.com", "name": "Kim"}}
    delivered = {"type": "track", "messageId": "act-tr-1", "userId": customer, "event": "Order Delivered",
                 "properties": {"order_id": "A-77"}}
    first = post(identify)
    assert first.status_code == 200 and first.json()["accepted"] == 1, first.text
    batch = post([delivered, {**delivered, "messageId": "act-tr-2", "event": "Order Shipped"}])
    assert batch.status_code == 200 and batch.json()["accepted"] == 2, batch.text
    again = post(delivered)
    assert again.status_code == 200, again.text
    assert wait_until(lambda: invitations(stack, customer), timeout=60), stack.log_tail("survey-worker")
    assert len(events(stack, customer)) == 2 and len(invitations(stack, customer)) == 1
    forged = httpx.post(url, content=json.dumps(delivered).encode(), headers={
        "Content-Type": "application/json", "X-Signature": hmac.new(b"wrong", b"x", hashlib.sha1).hexdigest()})
    assert forged.status_code == 401 and forged.json()["code"] == 401
