"""Operator view of the transactional outbox (dead letters and replays)."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema


class OutboxMessageSchema(ReplySchema):
    """One outbox row as an operator sees it."""

    id = fields.Integer(required=True)
    topic = fields.String(required=True)
    destination = fields.String(required=True)
    idempotency_key = fields.String(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class OutboxQueryArgsSchema(StrictSchema):
    """Filters of the dead-letter listing."""

    status = fields.String(load_default="dead",
                           validate=validate.OneOf(["pending", "delivered", "dead"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class OutboxReplySchema(ReplySchema):
    """How many dead letters were put back in the queue."""

    replayed = fields.Integer(required=True)
