"""Event ingestion: idempotency, batches with a status per item, limits, customer upsert."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from services.survey.models import Customer, JourneyEvent
from tests.support import auth
from tests.survey.conftest import event_body


def count_events(survey_app) -> int:
    with survey_app.session() as session:
        return session.scalar(select(func.count()).select_from(JourneyEvent))


def test_same_id_same_body_replays_different_body_is_422(survey_app):
    first = survey_app.post_event("e1")
    assert first.status_code == 201 and first.json["status"] == "accepted"
    again = survey_app.post_event("e1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["received_at"] == first.json["received_at"] and again.json["id"] == "e1"
    changed = survey_app.post_event("e1", attributes={"order_id": "other"})
    assert changed.status_code == 422 and "different body" in changed.json["message"]
    assert count_events(survey_app) == 1


def test_customers_are_upserted_and_attributes_merge(survey_app):
    assert survey_app.post_event("e1", attributes={"order_id": "1"}).status_code == 201
    survey_app.call("post", "/v1/events", role="ingest", json={
        **event_body("e2"), "customer": {"id": "c1", "attributes": {"plan": "gold"}, "locale": "en-US"}})
    customer = survey_app.call("get", "/v1/customers/c1").json
    assert customer["email"] == "c1@example.com" and customer["locale"] == "en-US"
    assert customer["time_zone"] == "Asia/Seoul" and customer["attributes"] == {"plan": "gold"}
    survey_app.call("post", "/v1/events", role="ingest", json={
        **event_body("e3"), "customer": {"id": "c1", "attributes": {"region": "seoul"}}})
    assert survey_app.call("get", "/v1/customers/c1").json["attributes"] == {"plan": "gold", "region": "seoul"}


def test_batch_reports_a_status_per_item(survey_app):
    survey_app.post_event("old")
    items = [event_body("b1", customer="c1"), event_body("b2", customer="c2"), event_body("old"),
             event_body("b1", customer="c1"), {**event_body("b3"), "occurred_at": "yesterday"},
             event_body("b2", customer="c9"), "not an object"]
    reply = survey_app.call("post", "/v1/events/batch", role="ingest", json={"events": items})
    assert reply.status_code == 200, reply.json
    statuses = [r["status"] for r in reply.json["results"]]
    assert statuses == ["accepted", "accepted", "replayed", "replayed", "rejected", "rejected", "rejected"]
    assert reply.json["results"][4]["errors"] == {"occurred_at": ["Not a valid datetime."]}
    assert reply.json["results"][5]["code"] == 422
    assert (reply.json["accepted"], reply.json["replayed"], reply.json["rejected"]) == (2, 2, 3)
    assert count_events(survey_app) == 3
    again = survey_app.call("post", "/v1/events/batch", role="ingest", json={"events": items[:2]})
    assert [r["status"] for r in again.json["results"]] == ["replayed", "replayed"]



def test_nul_characters_are_rejected_per_item_not_per_batch(survey_app):
    """PostgreSQL text cannot hold NUL: the item says so, and the rest of the batch is stored."""
    bad = [{**event_body("n1"), "id": "n\x001"}, event_body("n2", attributes={"note": "a\x00b"}),
           event_body("n3", attributes={"k\x00": 1}), {**event_body("n4"), "customer": {"id": "c\x00"}}]
    reply = survey_app.call("post", "/v1/events/batch", role="ingest", json={"events": [event_body("ok"), *bad]})
    assert reply.status_code == 200, reply.json
    assert [r["status"] for r in reply.json["results"]] == ["accepted"] + ["rejected"] * 4
    assert "NUL" in json.dumps(reply.json["results"][2]["errors"])
    assert count_events(survey_app) == 1
    single = survey_app.call("post", "/v1/events", role="ingest", json=bad[1])
    assert single.status_code == 422 and "NUL" in json.dumps(single.json["errors"])


def test_limits_and_malformed_input(survey_app):
    client, key = survey_app.client(), survey_app.key("ingest")
    many = {"events": [event_body(f"m{i}", customer=f"c{i}") for i in range(501)]}
    assert client.post("/v1/events/batch", json=many, headers=auth(key)).status_code == 422  # too many items
    big = {"events": [event_body("x", attributes={"blob": "a" * 2000, **{f"k{i}": "b" * 1900 for i in range(99)}})
                      for _ in range(3)]}
    assert len(json.dumps(big)) > 512 * 1024
    assert client.post("/v1/events/batch", json=big, headers=auth(key)).status_code == 413
    for body in (b"{not json", b"[]", b'{"events": []}', b'"text"'):
        reply = client.post("/v1/events/batch", data=body, headers={**auth(key), "Content-Type": "application/json"})
        assert reply.status_code == 422, (body, reply.status_code)
    for bad in ({**event_body("z"), "extra": 1}, {**event_body("z"), "type": ""},
                {**event_body("z"), "occurred_at": "2026-03-02T00:00:00"},
                {**event_body("z"), "customer": {"id": "c1", "time_zone": "Mars/Base"}},
                {**event_body("z"), "attributes": {"nested": {"a": 1}}},
                {**event_body("z"), "customer": {"id": "c1", "email": "nope"}}):
        reply = client.post("/v1/events", json=bad, headers=auth(key))
        assert reply.status_code == 422, bad
    huge = event_body("h", attributes={f"k{i}": "x" * 1000 for i in range(90)})
    assert client.post("/v1/events", json=huge, headers=auth(key)).status_code == 413


def test_only_ingest_and_admin_post_events(survey_app):
    assert survey_app.call("post", "/v1/events", role="marketer", json=event_body("r1")).status_code == 403
    assert survey_app.call("post", "/v1/events", role="service", json=event_body("r2")).status_code == 403
    assert survey_app.call("post", "/v1/events", role="ingest", json=event_body("r4")).status_code == 201
    assert survey_app.client().post("/v1/events", json=event_body("r3")).status_code == 401


def test_personal_data_reads_are_for_marketers(survey_app):
    survey_app.post_event("e1")
    assert survey_app.call("get", "/v1/customers/c1", role="analyst").status_code == 403
    assert survey_app.call("get", "/v1/customers/c1", role="marketer").status_code == 200
    assert survey_app.call("get", "/v1/customers/nobody").status_code == 404
    with survey_app.session() as session:
        assert session.get(Customer, "c1").email == "c1@example.com"
