"""Segment-compatible tracking contracts: messages and batches in, per-message results out, and the
settings that shape them (event name mappings, per-source options).

The message schemas follow the Segment HTTP Tracking API spec. Fields outside the spec are ignored,
as Segment does (CDP clients add their own, e.g. RudderStack's ``rudderId`` and ``channel``); the
fields cxloop reads are validated here, the rest of the spec's rules (sizes, event time) in the
tracking use cases.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from marshmallow import fields, validate

from shared.contracts.base import ForeignSpecSchema, ReplySchema, StrictSchema
from shared.contracts.events import EVENT_TYPE, NO_NUL
from shared.contracts.finance import Currency
from shared.statuses import values

MAX_MESSAGE_BYTES = 32 * 1024  # the spec's limit per message
MAX_TRACKING_BATCH_BYTES = 500 * 1024  # the spec's limit per batch (decompressed)
MAX_TRACKING_BATCH_MESSAGES = 2500  # a bound on work per request; 500 KB of minimal messages stays below
MAX_MESSAGE_ID = 100
MAX_EVENT_NAME = 200


class MessageType(StrEnum):
    """The Segment spec's calls."""

    IDENTIFY = "identify"
    TRACK = "track"
    PAGE = "page"
    SCREEN = "screen"
    GROUP = "group"
    ALIAS = "alias"


#: Calls that are acknowledged but not stored (the OpenAPI description of each route says so).
ACKNOWLEDGED_ONLY: tuple[MessageType, ...] = (MessageType.PAGE, MessageType.SCREEN, MessageType.GROUP,
                                              MessageType.ALIAS)


class MessageStatus(StrEnum):
    """What happened to one message of a batch."""

    ACCEPTED = "accepted"  # stored: a journey event, a customer update, or both
    DUPLICATE = "duplicate"  # this messageId was stored before (an SDK retry): nothing added
    IGNORED = "ignored"  # a call cxloop acknowledges without storing (page, screen, group, alias)
    REJECTED = "rejected"  # not usable (too large, invalid): see code, message and errors


_ID = fields.Raw(load_default=None, allow_none=True,
                 metadata={"description": "a string or a number (numbers are read as their decimal text)"})


class SegmentMessageSchema(ForeignSpecSchema):
    """One call of the Segment spec (``type`` says which); fields outside the spec are ignored."""

    type = fields.String(required=True, validate=validate.OneOf(values(MessageType)))
    messageId = fields.String(load_default=None, allow_none=True,  # noqa: N815 - the spec's name
                              validate=validate.And(validate.Length(min=1, max=MAX_MESSAGE_ID), NO_NUL),
                              metadata={"description": "deduplicates: a message id seen before adds nothing"})
    userId = _ID  # noqa: N815
    anonymousId = _ID  # noqa: N815
    event = fields.String(load_default=None, allow_none=True,
                          validate=validate.And(validate.Length(min=1, max=MAX_EVENT_NAME), NO_NUL),
                          metadata={"description": "track: the event name"})
    name = fields.String(load_default=None, allow_none=True)
    properties = fields.Dict(load_default=dict, allow_none=True)
    traits = fields.Dict(load_default=dict, allow_none=True)
    context = fields.Dict(load_default=dict, allow_none=True)
    integrations = fields.Dict(load_default=dict, allow_none=True)
    timestamp = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "ISO 8601; when the call happened on the client"})
    originalTimestamp = fields.String(load_default=None, allow_none=True)  # noqa: N815
    sentAt = fields.String(load_default=None, allow_none=True)  # noqa: N815
    groupId = _ID  # noqa: N815
    previousId = _ID  # noqa: N815
    writeKey = fields.String(load_default=None, allow_none=True, load_only=True)  # noqa: N815


class SegmentBatchSchema(ForeignSpecSchema):
    """``POST /v1/batch``: messages plus the batch's ``sentAt`` (and optionally ``context``,
    ``integrations`` and ``writeKey``, as the spec allows)."""

    batch = fields.List(fields.Raw(), required=True,
                        metadata={"description": f"the messages; at most {MAX_MESSAGE_BYTES} bytes each and "
                                                 f"{MAX_TRACKING_BATCH_BYTES} bytes in all (413 beyond)"})
    sentAt = fields.String(load_default=None, allow_none=True)  # noqa: N815
    context = fields.Dict(load_default=dict, allow_none=True)
    integrations = fields.Dict(load_default=dict, allow_none=True)
    writeKey = fields.String(load_default=None, allow_none=True, load_only=True)  # noqa: N815


class MessageResultSchema(ReplySchema):
    """What happened to one message, in the order sent."""

    messageId = fields.String(allow_none=True)  # noqa: N815
    type = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(values(MessageStatus)))
    event_type = fields.String(allow_none=True, metadata={"description": "track: the journey event type stored"})
    code = fields.Integer(allow_none=True, metadata={"description": "HTTP-like code of a rejection"})
    message = fields.String(allow_none=True)
    errors = fields.Raw(allow_none=True)


class TrackingReplySchema(ReplySchema):
    """Always 200 with ``success: true`` once the body was read (the SDKs treat any other reply as a
    failure to retry); per-message outcomes and totals follow."""

    success = fields.Boolean(required=True)
    accepted = fields.Integer(required=True)
    duplicate = fields.Integer(required=True)
    ignored = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    results = fields.List(fields.Nested(MessageResultSchema), required=True)


class EventMappingSchema(StrictSchema):
    """``PUT /v1/tracking/mappings``: a Segment event name and the journey event type it becomes."""

    event = fields.String(required=True, validate=validate.And(validate.Length(min=1, max=MAX_EVENT_NAME), NO_NUL),
                          metadata={"description": "the track call's event name, e.g. 'Order Delivered'"})
    type = fields.String(required=True, validate=EVENT_TYPE,
                         metadata={"description": "the journey event type, e.g. 'order.delivered'"})


class EventMappingReplySchema(ReplySchema):
    """A stored mapping."""

    event = fields.String(required=True)
    type = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


class EventMappingQueryArgsSchema(StrictSchema):
    """``DELETE /v1/tracking/mappings?event=...``."""

    event = fields.String(required=True, validate=validate.Length(min=1, max=MAX_EVENT_NAME))


class TrackingSourceSchema(StrictSchema):
    """``PUT /v1/tracking/sources/{key_id}``: options of one source (one write key = one ingest key)."""

    record_transactions = fields.Boolean(
        load_default=True,
        metadata={"description": "'Order Completed' and 'Order Refunded' also become transactions in metrics"})
    default_currency = Currency(load_default=None, allow_none=True,
                                metadata={"description": "used when an order event carries no currency; "
                                                         "without either, no transaction is recorded"})
    webhook_secret = fields.String(load_default=None, allow_none=True, load_only=True,
                                   validate=validate.And(validate.Length(min=16, max=200), NO_NUL),
                                   metadata={"description": "the shared secret of Segment's Webhooks (Actions) "
                                                            "destination; null turns the receiving path off"})


class TrackingSourceReplySchema(ReplySchema):
    """A source's options; the webhook secret is never shown back."""

    key_id = fields.String(required=True)
    record_transactions = fields.Boolean(required=True)
    default_currency = fields.String(allow_none=True)
    webhook_enabled = fields.Boolean(required=True, metadata={"description": "a webhook secret is set"})
    webhook_path = fields.String(required=True, metadata={"description": "where the Webhooks (Actions) "
                                                                         "destination posts"})
    updated_at = fields.DateTime(allow_none=True)


_TYPES = frozenset(values(MessageType))
_RAW_FIELDS = ("userId", "anonymousId", "groupId", "previousId")
_TEXT_FIELDS = ("name", "timestamp", "originalTimestamp", "sentAt", "writeKey")
_DICT_FIELDS = ("properties", "traits", "context", "integrations")
_BOUNDED = {"messageId": MAX_MESSAGE_ID, "event": MAX_EVENT_NAME}


def quick_load_message(raw: Any) -> dict[str, Any] | None:
    """What ``SegmentMessageSchema().load(raw)`` returns when ``raw`` is plainly valid, else None.

    A 500-message batch would spend most of its time in the schema machinery; this checks the same
    types and rules directly. Anything unusual returns None so that the schema decides and explains
    (a test holds the two to the same result).
    """
    if type(raw) is not dict:
        return None
    kind = raw.get("type")
    if type(kind) is not str or kind not in _TYPES:
        return None
    loaded: dict[str, Any] = {"type": kind}
    for name, limit in _BOUNDED.items():
        value = raw.get(name)
        if value is not None and (type(value) is not str or not 0 < len(value) <= limit or "\x00" in value):
            return None
        loaded[name] = value
    for name in _RAW_FIELDS:
        loaded[name] = raw.get(name)
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value is not None and type(value) is not str:
            return None
        loaded[name] = value
    for name in _DICT_FIELDS:
        value = raw.get(name, {})
        if value is not None and type(value) is not dict:
            return None
        loaded[name] = value
    return loaded
