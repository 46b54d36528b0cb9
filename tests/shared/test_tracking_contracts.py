"""The Segment message contract's direct path agrees with the marshmallow schema on every input it
accepts; the tracking replies and settings round-trip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from shared.contracts.tracking import (
    EventMappingSchema,
    MessageType,
    SegmentMessageSchema,
    TrackingReplySchema,
    TrackingSourceSchema,
    quick_load_message,
)

SCHEMA = SegmentMessageSchema()
values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.just("x" * 201), st.just("\x00"),
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
keys = st.sampled_from(["type", "messageId", "userId", "anonymousId", "event", "name", "properties", "traits",
                        "context", "integrations", "timestamp", "originalTimestamp", "sentAt", "groupId",
                        "previousId", "writeKey", "channel", "rudderId"])
messages = st.one_of(
    st.dictionaries(keys, values, max_size=8),
    st.fixed_dictionaries({"type": st.sampled_from([kind.value for kind in MessageType])},
                          optional={"messageId": st.text(min_size=1, max_size=20), "userId": values,
                                    "event": st.text(min_size=1, max_size=20), "properties": values,
                                    "context": values, "timestamp": values, "extra": values}),
    values)


@settings(max_examples=400, deadline=None)
@given(messages)
def test_the_direct_path_returns_what_the_schema_returns(raw):
    quick = quick_load_message(raw)
    if quick is None:
        return
    assert quick == SCHEMA.load(raw)


def test_plain_sdk_messages_take_the_direct_path():
    raw = {"type": "track", "messageId": "m-1", "userId": "u1", "anonymousId": None, "event": "Order Delivered",
           "properties": {"order_id": "o-1"}, "context": {"library": {"name": "analytics-python"}},
           "integrations": {}, "timestamp": "2026-03-02T00:00:00+00:00", "rudderId": "ignored"}
    assert quick_load_message(raw) == SCHEMA.load(raw)
    assert "rudderId" not in quick_load_message(raw)


def test_settings_contracts_validate():
    assert EventMappingSchema().load({"event": "Order Delivered", "type": "order.delivered"})["type"] == "order.delivered"
    assert TrackingSourceSchema().load({"default_currency": "krw"}) == {
        "record_transactions": True, "default_currency": "KRW", "webhook_secret": None}
    for bad in ({"webhook_secret": "short"}, {"default_currency": "wonn"}, {"unknown": 1}):
        try:
            TrackingSourceSchema().load(bad)
        except ValidationError:
            continue
        raise AssertionError(bad)
    reply = {"success": True, "accepted": 1, "duplicate": 0, "ignored": 0, "rejected": 0,
             "results": [{"messageId": "m-1", "type": "track", "status": "accepted", "event_type": "x",
                          "code": None, "message": None, "errors": None}]}
    assert TrackingReplySchema().load(TrackingReplySchema().dump(reply)) == reply
