"""Reading Segment messages: event time rule, customer id, attribute flattening, contact details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.survey.tracking.mappings import default_type
from services.survey.tracking.messages import Rejection, event_time, flatten, read_message

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_event_time_removes_the_client_clock_skew():
    client_clock_ahead = timedelta(minutes=7)
    happened = NOW - timedelta(minutes=30)
    timestamp, sent_at = happened + client_clock_ahead, NOW - timedelta(seconds=5) + client_clock_ahead
    assert event_time(timestamp=timestamp, sent_at=sent_at, received_at=NOW) == happened + timedelta(seconds=5)
    assert event_time(timestamp=timestamp, sent_at=None, received_at=NOW) == timestamp
    assert event_time(timestamp=None, sent_at=sent_at, received_at=NOW) == NOW


def test_flatten_nests_with_dots_and_drops_lists_of_objects():
    assert flatten({"a": {"b": 1, "c": {"d": "x"}}, "tags": ["x", 2], "products": [{"sku": "1"}], "n": None}) == {
        "a.b": 1, "a.c.d": "x", "tags": ["x", 2], "n": None}


@pytest.mark.parametrize(("name", "expected"), [("order.delivered", "order.delivered"),
                                                ("Order Delivered", "order_delivered"),
                                                ("  Signed Up! ", "signed_up"), ("주문 완료", "event_b74f994f5450")])
def test_default_type(name, expected):
    assert default_type(name) == expected


def test_identify_reads_traits_and_context():
    raw = {"type": "identify", "userId": 42, "messageId": "m1",
           "traits": {"email": "kim@example.com", "phone": "+82 10-1234-5678", "name": "Kim", "plan": {"tier": "gold"}},
           "context": {"locale": "ko-KR", "timezone": "Asia/Seoul"}}
    read = read_message(raw, batch_sent_at=None, batch_context={}, received_at=NOW)
    assert read.customer == {"id": "42", "email": "kim@example.com", "phone": "+82 10-1234-5678", "locale": "ko-KR",
                             "time_zone": "Asia/Seoul", "attributes": {"name": "Kim", "plan.tier": "gold"}}
    assert read.occurred_at == NOW


def test_bad_contact_details_are_left_out_and_reported():
    raw = {"type": "identify", "anonymousId": "a-1", "traits": {"email": "not an email"},
           "context": {"timezone": "Mars/Base"}}
    read = read_message(raw, batch_sent_at=None, batch_context={}, received_at=NOW)
    assert read.customer["id"] == "anonymous:a-1" and read.customer["email"] is None
    assert read.customer["time_zone"] is None and "traits.email" in read.warnings


@pytest.mark.parametrize("raw", [
    {"type": "track", "userId": "u", "properties": {}},  # no event name
    {"type": "track", "event": "X"},  # nobody
    {"type": "track", "userId": "u", "event": "X", "properties": {f"p{i}": i for i in range(101)}},
    {"type": "track", "userId": "u", "event": "X", "properties": {"long": "x" * 2001}},
    {"type": "track", "userId": "u", "event": "X", "timestamp": "yesterday"},
    {"type": "track", "userId": "u", "event": "X", "timestamp": "1066-10-14T00:00:00Z"},
    {"type": "shout"},
    ["not", "an", "object"],
])
def test_unusable_messages_are_rejected_with_reasons(raw):
    with pytest.raises(Rejection) as caught:
        read_message(raw, batch_sent_at=None, batch_context={}, received_at=NOW)
    assert caught.value.code == 422 and caught.value.errors


def test_identify_traits_may_come_in_the_context_as_rudderstack_sends_them():
    raw = {"type": "identify", "userId": "u1", "context": {"traits": {"email": "a@example.com", "plan": "free"}},
           "traits": {"plan": "gold"}}
    read = read_message(raw, batch_sent_at=None, batch_context={}, received_at=NOW)
    assert read.customer["email"] == "a@example.com" and read.customer["attributes"] == {"plan": "gold"}
