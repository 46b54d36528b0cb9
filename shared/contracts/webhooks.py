"""Response webhook contracts: endpoints customers register, their delivery log, replays, payloads.

Every delivery is signed by Standard Webhooks (``webhook-id`` = the event id, the same on every
retry and replay; ``webhook-timestamp``; ``webhook-signature``) with the endpoint's ``whsec_`` secret.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import Id, SingleLine, Timestamp
from shared.statuses import values
from shared.webhook_events import SUBSCRIBABLE_EVENT_TYPES, WebhookDeliveryStatus, WebhookEventType

EVENT_TYPES = tuple(kind.value for kind in SUBSCRIBABLE_EVENT_TYPES)
DELIVERY_STATUSES = values(WebhookDeliveryStatus)
MAX_OVERLAP_HOURS = 7 * 24


def _event_types(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)),
                       validate=validate.Length(min=1, max=len(EVENT_TYPES)), **kwargs,
                       metadata={"description": f"events to receive, of {', '.join(EVENT_TYPES)}; null: all "
                                                "(including types added later)"})


class WebhookEndpointCreateSchema(StrictSchema):
    """``POST /v1/webhooks``: where to send which events."""

    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000),
                     metadata={"description": "http(s), public address, no credentials; checked again at each send"})
    description = SingleLine(load_default=None, allow_none=True, validate=validate.Length(max=500))
    event_types = _event_types(load_default=None, allow_none=True)
    enabled = fields.Boolean(load_default=True)


class WebhookEndpointUpdateSchema(StrictSchema):
    """``PATCH /v1/webhooks/{id}``: change the URL, description, event filter, or switch it off."""

    url = fields.Url(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000))
    description = SingleLine(allow_none=True, validate=validate.Length(max=500))
    event_types = _event_types(allow_none=True)
    enabled = fields.Boolean()

    @validates_schema
    def _something(self, data, **_kwargs) -> None:
        if not data:
            raise ValidationError("give at least one of url, description, event_types, enabled", "_schema")


class WebhookEndpointSchema(ReplySchema):
    """An endpoint as the API returns it (its secret only once, at creation or rotation)."""

    id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = fields.String(allow_none=True)
    event_types = fields.List(fields.String(), allow_none=True)
    enabled = fields.Boolean(required=True)
    secret_rotated_at = Timestamp(allow_none=True)
    previous_secret_expires_at = Timestamp(
        allow_none=True, metadata={"description": "until then the old secret signs too (two v1 signatures)"})
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    """The reply of a creation or rotation: the ``whsec_`` secret, shown this once."""

    secret = fields.String(required=True, metadata={"description": "whsec_ + base64; store it now, "
                                                                   "it is not shown again"})


class WebhookSecretRotateSchema(StrictSchema):
    """``POST /v1/webhooks/{id}/rotate-secret``: a new secret; the old one keeps signing for a while."""

    overlap_hours = fields.Float(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=MAX_OVERLAP_HOURS),
                                 metadata={"description": "how long the old secret still signs beside the new "
                                                          "one (default: the service's setting, 24 h); 0 ends "
                                                          "it at once"})


class WebhookDeliverySchema(ReplySchema):
    """One delivery of one event to one endpoint, with the outcome of its last attempt."""

    id = fields.Integer(required=True)
    endpoint_id = fields.Integer(required=True)
    event_id = fields.String(required=True, metadata={"description": "also the webhook-id header"})
    event_type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": ", ".join(DELIVERY_STATUSES)})
    attempts = fields.Integer(required=True)
    response_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    replay_of = fields.Integer(allow_none=True, metadata={"description": "the delivery this one replays"})
    created_at = Timestamp(required=True)
    last_attempt_at = Timestamp(allow_none=True)
    delivered_at = Timestamp(allow_none=True)


class WebhookDeliveryDetailSchema(WebhookDeliverySchema):
    """One delivery with the exact body the endpoint receives."""

    payload = fields.Dict(required=True)


class WebhookDeliveryQueryArgsSchema(StrictSchema):
    """``GET /v1/webhooks/{id}/deliveries``: newest first, paged by ``before_id``."""

    status = fields.String(load_default=None, validate=validate.OneOf(DELIVERY_STATUSES))
    event_type = fields.String(load_default=None, validate=validate.OneOf(values(WebhookEventType)))
    since = Timestamp(load_default=None)
    before_id = Id(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class WebhookReplaySchema(StrictSchema):
    """``POST /v1/webhooks/{id}/replay``: send again the deliveries created since a time."""

    since = Timestamp(required=True)
    status = fields.String(load_default=WebhookDeliveryStatus.FAILED.value,
                           validate=validate.OneOf([WebhookDeliveryStatus.FAILED.value, "all"]),
                           metadata={"description": "failed (default): only those given up on; all: every one"})


class WebhookReplayReplySchema(ReplySchema):
    """How many deliveries were queued again (each a new delivery, ``replay_of`` the old one)."""

    replayed = fields.Integer(required=True)
    deliveries = fields.List(fields.Integer(), required=True)


class WebhookPayloadSchema(ReplySchema):
    """The JSON body an endpoint receives (the Standard Webhooks payload structure).

    ``data`` of ``response.*``: the response as in ``ResponseRecordSchema`` without the customer's
    attribute snapshot (answers, survey id and version, customer id, invitation id, timestamps).
    ``invitation.sent``: invitation, survey, customer ids, channel, language, sent and expiry times.
    ``unsubscribe.created``: customer id, when, and how (``api`` or ``link``). No contact details.
    """

    id = fields.String(required=True, metadata={"description": "the event id, also the webhook-id header"})
    type = fields.String(required=True, validate=validate.OneOf(values(WebhookEventType)))
    timestamp = Timestamp(required=True, metadata={"description": "when the event happened"})
    data = fields.Dict(required=True)


__all__ = ["EVENT_TYPES", "WebhookEndpointCreateSchema", "WebhookEndpointUpdateSchema", "WebhookEndpointSchema",
           "WebhookEndpointWithSecretSchema", "WebhookSecretRotateSchema", "WebhookDeliverySchema",
           "WebhookDeliveryDetailSchema", "WebhookDeliveryQueryArgsSchema", "WebhookReplaySchema", "WebhookReplayReplySchema",
           "WebhookPayloadSchema"]
