"""Segment HTTP Tracking API routes (``/v1/batch``, ``/v1/track``, ...) and the receiving path of
Segment's Webhooks (Actions) destination. HTTP glue only: the key and body reading the spec asks
for, then one use case.

The write key is an ``ingest`` API key, sent as the HTTP Basic user name (empty password), as
``writeKey`` in the body, or as a Bearer key. Bodies may be gzip-encoded.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, jsonify, request
from flask.views import MethodView

from services.common.auth import UnauthenticatedError, add_credential_reader, current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.common.exceptions import InvalidInputError, PayloadTooLargeError
from services.survey.api.context import now
from services.survey.tracking.body import decompress, item_sizes, parse_json_object
from services.survey.tracking.ingest import ingest_messages
from services.survey.tracking.sources import source_options, webhook_principal
from shared.contracts.tracking import (
    MAX_MESSAGE_BYTES,
    MAX_TRACKING_BATCH_BYTES,
    MAX_TRACKING_BATCH_MESSAGES,
    MessageType,
    SegmentBatchSchema,
    SegmentMessageSchema,
    TrackingReplySchema,
)
from shared.errors import ErrorSchema

blp = ApiBlueprint("tracking", __name__, url_prefix="/v1",
                   description="Segment-compatible tracking API: point a Segment or RudderStack SDK at cxloop")
WRITERS = ("ingest",)
SINGLE_PATHS = {f"/v1/{kind.value}": kind for kind in MessageType}
WEBHOOK_PREFIX = "/v1/tracking/webhooks/"
SECURITY = [{"segmentWriteKey": []}, {"bearerAuth": []}]
_STORED = {
    MessageType.IDENTIFY: "upserts the customer (`userId`; traits `email`, `phone`, `name` and the others as "
                          "attributes; `context.locale`, `context.timezone`)",
    MessageType.TRACK: "stores a journey event whose type is the event name, or its mapping "
                       "(`/v1/tracking/mappings`); `Order Completed` and `Order Refunded` also become transactions",
}


def _limit() -> int:
    return MAX_MESSAGE_BYTES if request.path in SINGLE_PATHS else MAX_TRACKING_BATCH_BYTES


def _raw_body() -> bytes:
    limit = _limit()
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLargeError(f"the body is larger than {limit} bytes")
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise PayloadTooLargeError(f"the body is larger than {limit} bytes")
    return raw


def _document() -> dict[str, Any]:
    """The request's JSON object, read once (gunzipped and bounded)."""
    if "tracking_document" not in g:
        data = decompress(_raw_body(), request.headers.get("Content-Encoding"), max_bytes=_limit())
        if request.path.startswith(WEBHOOK_PREFIX) and data.lstrip()[:1] == b"[":
            data = b'{"batch":' + data + b"}"  # the destination's batching mode posts an array of events
        g.tracking_document = parse_json_object(data)
        g.tracking_body = data
    return g.tracking_document


def _write_key() -> str | None:
    """Bearer key, HTTP Basic user name, or ``writeKey`` in the body."""
    header = request.headers.get("Authorization") or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    basic = request.authorization
    if basic is not None and basic.type == "basic" and basic.username:
        return basic.username
    key = _document().get("writeKey")
    return key if isinstance(key, str) and key else None


def _signed_source():
    """The source whose webhook secret signed this body (``X-Signature``), or 401. A Bearer key (the
    destination can add headers) is taken instead, as on every other path; it then names the source."""
    header = request.headers.get("Authorization") or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    key_id = request.path[len(WEBHOOK_PREFIX):].strip("/")
    principal = webhook_principal(get_session(), key_id=key_id, body=_raw_body(),
                                  signature_header=request.headers.get("X-Signature"))
    if principal is None:
        raise UnauthenticatedError("missing or wrong X-Signature (hex HMAC-SHA1 of the body with the source's "
                                   "webhook secret), or no webhook secret set for this source")
    return principal


def init_tracking(app: Flask) -> None:
    """Read write keys the Segment way on the tracking paths; document the scheme."""
    add_credential_reader(app, lambda path: path in SINGLE_PATHS or path == "/v1/batch", _write_key)
    add_credential_reader(app, lambda path: path.startswith(WEBHOOK_PREFIX), _signed_source)
    app.extensions["cx_api"].spec.components.security_scheme("segmentWriteKey", {
        "type": "http", "scheme": "basic",
        "description": "the write key (an ingest API key) as the user name, with an empty password"})


def _ingest(messages: list[Any], document: dict[str, Any], sizes: list[int | None] | None = None):
    if len(messages) > MAX_TRACKING_BATCH_MESSAGES:
        raise InvalidInputError(f"at most {MAX_TRACKING_BATCH_MESSAGES} messages per batch",
                                errors={"batch": [f"at most {MAX_TRACKING_BATCH_MESSAGES} items"]})
    session = get_session()
    source = source_options(session, current_principal().key_id)
    result = ingest_messages(session, source=source, raw_messages=messages, sent_at=document.get("sentAt"),
                             context=document.get("context"), now=now(), sizes=sizes)
    return jsonify(result.reply()), 200


def _batch_reply():
    document = _document()
    messages = document.get("batch")
    if not isinstance(messages, list):
        raise InvalidInputError("the body needs a 'batch' array of messages", errors={"batch": ["a list"]})
    return _ingest(messages, document, item_sizes(g.tracking_body, "batch", limit=MAX_MESSAGE_BYTES))


_REPLY_NOTE = ("200 with `success: true` once the body was read, whatever happened to each message (the SDKs "
               "retry any other reply); a message that cannot be used is reported in `results`, not retried")


@blp.route("/batch")
class Batch(MethodView):
    @require_roles(*WRITERS)
    @blp.doc(security=SECURITY, requestBody={"required": True, "content": {
        "application/json": {"schema": SegmentBatchSchema}}})
    @blp.response(200, TrackingReplySchema, description=_REPLY_NOTE)
    @blp.alt_response(413, schema=ErrorSchema, description=f"over {MAX_TRACKING_BATCH_BYTES} bytes")
    @blp.alt_response(429, schema=ErrorSchema, description="rate limited; see Retry-After")
    def post(self):
        """Record a batch of Segment calls (ingest; gzip accepted): identify upserts the customer, track
        stores a journey event (a messageId seen before adds nothing); page, screen, group and alias are
        acknowledged and not stored."""
        return _batch_reply()


def _single_route(kind: MessageType) -> None:
    stored = _STORED.get(kind, "is acknowledged and not stored (status `ignored`)")

    class Single(MethodView):
        @require_roles(*WRITERS)
        @blp.doc(security=SECURITY, requestBody={"required": True, "content": {
            "application/json": {"schema": SegmentMessageSchema}}})
        @blp.response(200, TrackingReplySchema, description=_REPLY_NOTE)
        @blp.alt_response(413, schema=ErrorSchema, description=f"over {MAX_MESSAGE_BYTES} bytes")
        def post(self):
            document = _document()
            return _ingest([{**document, "type": kind.value}], document, [None])  # the body limit is the message limit

    Single.post.__doc__ = f"A Segment {kind.value} call (ingest).\n\nThe call {stored}."
    Single.__name__ = f"Segment{kind.value.capitalize()}"
    blp.route(f"/{kind.value}", endpoint=kind.value)(Single)


for _kind in MessageType:
    _single_route(_kind)


@blp.route("/tracking/webhooks/<string:key_id>")
class SegmentWebhook(MethodView):
    @require_roles(*WRITERS)
    @blp.doc(security=[], requestBody={"required": True, "content": {
        "application/json": {"schema": SegmentMessageSchema}}},
        parameters=[{"in": "header", "name": "X-Signature", "required": True, "schema": {"type": "string"},
                     "description": "hex HMAC-SHA1 of the body with the source's webhook secret"}])
    @blp.response(200, TrackingReplySchema, description=_REPLY_NOTE)
    def post(self, key_id):
        """Receive Segment's Webhooks (Actions) destination for the source ``key_id``: one event, or an
        array of them in batching mode, signed with the source's shared secret (``X-Signature``)."""
        document = _document()
        if "batch" in document and isinstance(document["batch"], list):
            return _batch_reply()
        return _ingest([document], document)
