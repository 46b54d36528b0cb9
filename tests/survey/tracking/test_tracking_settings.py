"""Event name mappings, source options, order events into the outbox, and the signed receiving path
of Segment's Webhooks (Actions) destination (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal

from sqlalchemy import select

from services.survey.models import PLATFORM, JourneyEvent, TrackingOrder
from shared.auth import parse_key_id
from tests.survey.tracking.support import post_batch, track

SECRET = "whsec-test-0123456789abcdef"


def outbox_transactions(survey_app) -> list[dict]:
    box = PLATFORM.outbox
    with survey_app.session() as session:
        rows = session.execute(select(box.c.payload).where(box.c.topic == "transaction").order_by(box.c.id))
        return [row.payload for row in rows]


def test_a_mapping_names_the_event_type(survey_app):
    put = survey_app.call("put", "/v1/tracking/mappings", json={"event": "Order Delivered", "type": "order.delivered"})
    assert put.status_code == 200 and put.json["type"] == "order.delivered"
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])  # order.delivered
    reply = post_batch(survey_app, [track("m-1", "Order Delivered")])
    assert reply.json["results"][0]["event_type"] == "order.delivered" and survey_app.match() == 1
    listed = survey_app.call("get", "/v1/tracking/mappings", role="analyst").json
    assert [(m["event"], m["type"]) for m in listed] == [("Order Delivered", "order.delivered")]
    assert survey_app.call("put", "/v1/tracking/mappings", role="ingest",
                           json={"event": "X", "type": "x"}).status_code == 403
    assert survey_app.call("put", "/v1/tracking/mappings", json={"event": "X", "type": "no spaces"}).status_code == 422
    gone = survey_app.call("delete", "/v1/tracking/mappings", query_string={"event": "Order Delivered"})
    assert gone.status_code == 204
    assert survey_app.call("delete", "/v1/tracking/mappings", query_string={"event": "Order Delivered"}).status_code == 404
    assert post_batch(survey_app, [track("m-2", "Order Delivered")]).json["results"][0]["event_type"] == "order_delivered"


def test_order_events_queue_one_transaction_per_order(survey_app):
    completed = track("m-1", "Order Completed", order_id="A-1", total="30000", revenue=27000, currency="krw",
                      products=[{"sku": "s1"}])
    post_batch(survey_app, [completed, {**completed, "messageId": "m-2"}])  # another message, same order
    post_batch(survey_app, [completed], sent_at=None)  # a retry
    refunded = track("m-3", "Order Refunded", order_id="A-1")
    post_batch(survey_app, [refunded, {**refunded, "messageId": "m-4"}])
    queued = outbox_transactions(survey_app)
    assert [(t["id"], t["amount"], t["currency"], t["customer_id"]) for t in queued] == [
        ("A-1", "30000.0000", "KRW", "u1"), ("A-1:refund", "-30000.0000", "KRW", "u1")]
    with survey_app.session() as session:
        assert session.scalar(select(TrackingOrder.amount).where(TrackingOrder.kind == "refunded")) == Decimal("-30000")
        assert {e.type for e in session.scalars(select(JourneyEvent))} == {"order_completed", "order_refunded"}


def test_order_events_without_amount_or_currency_are_events_only(survey_app):
    post_batch(survey_app, [track("m-1", "Order Completed", order_id="B-1", total=10),
                            track("m-2", "Order Completed", order_id="B-2", currency="USD"),
                            track("m-3", "Order Refunded", order_id="B-9", currency="USD")])
    assert outbox_transactions(survey_app) == []


def test_sources_switch_transactions_and_set_a_default_currency(survey_app):
    key = survey_app.key("ingest")
    key_id = parse_key_id(key)
    assert survey_app.call("put", f"/v1/tracking/sources/{key_id}", role="marketer", json={}).status_code == 403
    default = survey_app.call("get", f"/v1/tracking/sources/{key_id}", role="admin").json
    assert default["record_transactions"] is True and default["webhook_enabled"] is False
    put = survey_app.call("put", f"/v1/tracking/sources/{key_id}", role="admin",
                          json={"record_transactions": True, "default_currency": "krw"})
    assert put.status_code == 200 and put.json["default_currency"] == "KRW"
    post_batch(survey_app, [track("m-1", "Order Completed", order_id="C-1", total=5000)], key=key)
    assert [t["currency"] for t in outbox_transactions(survey_app)] == ["KRW"]
    survey_app.call("put", f"/v1/tracking/sources/{key_id}", role="admin", json={"record_transactions": False})
    post_batch(survey_app, [track("m-2", "Order Completed", order_id="C-2", total=5000, currency="KRW")], key=key)
    assert len(outbox_transactions(survey_app)) == 1
    marketer_id = parse_key_id(survey_app.key("marketer"))
    assert survey_app.call("get", f"/v1/tracking/sources/{marketer_id}", role="admin").status_code == 404


def test_the_webhooks_destination_path_checks_x_signature(survey_app):
    key_id = parse_key_id(survey_app.key("ingest"))
    path = f"/v1/tracking/webhooks/{key_id}"
    body = json.dumps(track("m-1", "Order Shipped")).encode()
    signed = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    headers = {"Content-Type": "application/json", "X-Signature": signed}
    assert survey_app.client().post(path, data=body, headers=headers).status_code == 401  # no secret set yet
    survey_app.call("put", f"/v1/tracking/sources/{key_id}", role="admin", json={"webhook_secret": SECRET})
    assert survey_app.call("get", f"/v1/tracking/sources/{key_id}", role="admin").json["webhook_enabled"] is True
    reply = survey_app.client().post(path, data=body, headers=headers)
    assert reply.status_code == 200 and reply.json["accepted"] == 1
    forged = survey_app.client().post(path, data=body.replace(b"Shipped", b"Lost"), headers=headers)
    assert forged.status_code == 401
    unsigned = survey_app.client().post(path, data=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    array = json.dumps([track("m-2", "Order Shipped"), track("m-3", "Order Shipped")]).encode()
    batched = survey_app.client().post(path, data=array, headers={
        "Content-Type": "application/json", "X-Signature": hmac.new(SECRET.encode(), array, hashlib.sha1).hexdigest()})
    assert batched.status_code == 200 and batched.json["accepted"] == 2
