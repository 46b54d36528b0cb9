"""The Segment HTTP Tracking API on the survey app (SQLite and PostgreSQL): keys, bodies, limits,
identify and track into customers and journey events, deduplication, acknowledged-only calls."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import func, select

from services.survey.models import JourneyEvent
from tests.support import auth
from tests.survey.conftest import T0
from tests.survey.tracking.support import basic, identify, post_batch, track


def events_of(survey_app) -> list[JourneyEvent]:
    with survey_app.session() as session:
        return list(session.scalars(select(JourneyEvent).order_by(JourneyEvent.seq)))


def test_identify_and_track_become_a_customer_an_event_and_an_invitation(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], event_type="order_delivered")
    reply = post_batch(survey_app, [identify("m-1", user="u1", email="u1@example.com", name="Kim", plan="gold"),
                                    track("m-2", "Order Delivered", user="u1", order_id="o-9", total=12.5)])
    assert reply.status_code == 200, reply.json
    assert reply.json["success"] is True and reply.json["accepted"] == 2 and reply.json["rejected"] == 0
    assert reply.json["results"][1]["event_type"] == "order_delivered"
    customer = survey_app.call("get", "/v1/customers/u1").json
    assert (customer["email"], customer["locale"], customer["time_zone"]) == ("u1@example.com", "ko-KR", "Asia/Seoul")
    assert customer["attributes"] == {"name": "Kim", "plan": "gold"}
    [event] = events_of(survey_app)
    assert event.type == "order_delivered" and event.customer_id == "u1" and event.occurred_at == T0
    assert event.attributes == {"order_id": "o-9", "total": 12.5}
    assert survey_app.match() == 1


def test_a_retried_batch_adds_nothing(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], event_type="order_delivered")
    batch = [identify("m-1"), track("m-2"), track("m-3", user="u2")]
    assert post_batch(survey_app, batch).json["accepted"] == 3
    assert survey_app.match() == 2
    survey_app.clock.advance(minutes=1)  # the SDK's retry: a later sentAt, so another corrected time
    again = post_batch(survey_app, batch, sent_at=T0.replace(minute=1))
    assert again.status_code == 200
    assert [r["status"] for r in again.json["results"]] == ["accepted", "duplicate", "duplicate"]
    assert len(events_of(survey_app)) == 2 and survey_app.match() == 0
    assert len(survey_app.invitations()) == 2


def test_same_message_id_twice_in_one_batch_is_stored_once(survey_app):
    reply = post_batch(survey_app, [track("m-1"), track("m-1")])
    assert [r["status"] for r in reply.json["results"]] == ["accepted", "duplicate"]
    assert len(events_of(survey_app)) == 1


@pytest.mark.parametrize("how", ["basic", "body", "bearer"])
def test_the_write_key_is_read_the_ways_the_spec_allows(survey_app, how):
    key = survey_app.key("ingest")
    body = {"batch": [track("m-1")]}
    headers = {"Content-Type": "application/json"}
    if how == "basic":
        headers.update(basic(key))
    elif how == "body":
        body["writeKey"] = key
    else:
        headers.update(auth(key))
    reply = survey_app.client().post("/v1/batch", data=json.dumps(body), headers=headers)
    assert reply.status_code == 200 and reply.json["accepted"] == 1


def test_keys_are_checked(survey_app):
    client = survey_app.client()
    missing = client.post("/v1/batch", json={"batch": [track("m-1")]})
    assert missing.status_code == 401 and missing.json["code"] == 401
    wrong = client.post("/v1/batch", json={"batch": [track("m-1")]}, headers=basic("cx_000000000000_nope"))
    assert wrong.status_code == 401
    marketer = client.post("/v1/batch", json={"batch": [track("m-1")]}, headers=basic(survey_app.key("marketer")))
    assert marketer.status_code == 403
    assert events_of(survey_app) == []


def test_gzip_bodies_are_read_and_bounded(survey_app):
    assert post_batch(survey_app, [track("m-1")], gzipped=True).json["accepted"] == 1
    headers = {**basic(survey_app.key("ingest")), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    bomb = gzip.compress(b'{"batch": [' + b" " * (50 * 1024 * 1024) + b"]}")
    assert len(bomb) < 100 * 1024
    too_big = survey_app.client().post("/v1/batch", data=bomb, headers=headers)
    assert too_big.status_code == 413 and too_big.json["code"] == 413
    broken = survey_app.client().post("/v1/batch", data=b"\x1f\x8b not gzip", headers=headers)
    assert broken.status_code == 422
    brotli = survey_app.client().post("/v1/batch", data=b"{}", headers={**headers, "Content-Encoding": "br"})
    assert brotli.status_code == 415


def test_sizes_per_message_and_per_batch(survey_app):
    big = track("m-big", note="x" * 1990, **{f"p{i}": "y" * 1000 for i in range(33)})
    reply = post_batch(survey_app, [track("m-1"), big])
    assert reply.status_code == 200
    assert [(r["status"], r["code"]) for r in reply.json["results"]] == [("accepted", None), ("rejected", 413)]
    single = survey_app.client().post("/v1/track", json=big, headers=basic(survey_app.key("ingest")))
    assert single.status_code == 413
    many = [track(f"m-{i}", filler="z" * 1500) for i in range(400)]
    assert post_batch(survey_app, many).status_code == 413
    assert len(events_of(survey_app)) == 1


def test_bad_messages_are_reported_one_by_one(survey_app):
    reply = post_batch(survey_app, [track("m-1"), {"type": "track", "messageId": "m-2"}, "nonsense",
                                    track("m-3", at=T0.replace(year=1066))])
    assert reply.status_code == 200 and reply.json["accepted"] == 1 and reply.json["rejected"] == 3
    assert reply.json["results"][1]["messageId"] == "m-2" and reply.json["results"][1]["code"] == 422


def test_a_body_that_is_no_batch_is_422(survey_app):
    headers = {**basic(survey_app.key("ingest")), "Content-Type": "application/json"}
    for body in (b"[1, 2]", b"{\"batch\": 3}", b"{not json", b'{"batch": [NaN]}'):
        reply = survey_app.client().post("/v1/batch", data=body, headers=headers)
        assert reply.status_code == 422, body


def test_page_screen_group_alias_are_acknowledged_not_stored(survey_app):
    messages = [{"type": "page", "userId": "u1", "name": "Home", "messageId": "p1"},
                {"type": "screen", "userId": "u1", "name": "Cart", "messageId": "s1"},
                {"type": "group", "userId": "u1", "groupId": "acme", "messageId": "g1"},
                {"type": "alias", "userId": "u1", "previousId": "anon-1", "messageId": "a1"}]
    reply = post_batch(survey_app, messages)
    assert reply.json["ignored"] == 4 and events_of(survey_app) == []
    for kind in ("page", "screen", "group", "alias"):
        single = survey_app.client().post(f"/v1/{kind}", json={"userId": "u1"}, headers=basic(survey_app.key("ingest")))
        assert single.status_code == 200 and single.json["results"][0]["status"] == "ignored"


def test_single_calls_take_their_type_from_the_path(survey_app):
    key = survey_app.key("ingest")
    body = {"userId": "u7", "traits": {"email": "u7@example.com"}, "writeKey": key}
    assert survey_app.client().post("/v1/identify", json=body).json["accepted"] == 1
    tracked = survey_app.client().post("/v1/track", json={"userId": "u7", "event": "Signed Up"}, headers=basic(key))
    assert tracked.json["results"][0]["event_type"] == "signed_up"
    assert survey_app.call("get", "/v1/customers/u7").json["email"] == "u7@example.com"


def test_rate_limited_calls_get_429_with_retry_after(make_service):
    service = make_service("survey", env={"CX_RATE_LIMIT_PER_MINUTE": "1", "CX_RATE_LIMIT_BURST": "1"})
    key = service.key_for("ingest")
    client = service.client()
    assert client.post("/v1/batch", json={"batch": [track("m-1")]}, headers=basic(key)).status_code == 200
    limited = client.post("/v1/batch", json={"batch": [track("m-2")]}, headers=basic(key))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    with service.app.extensions["db"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(JourneyEvent)) == 1


def test_openapi_documents_the_tracking_paths(survey_app):
    spec = survey_app.client().get("/openapi.json").json
    for path in ("/v1/batch", "/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias"):
        assert "post" in spec["paths"][path], path
    assert "not stored" in spec["paths"]["/v1/page"]["post"]["description"]
    assert spec["components"]["securitySchemes"]["segmentWriteKey"]["scheme"] == "basic"
