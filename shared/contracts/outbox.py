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


SET_ASIDE_KINDS = ("event", "invitation", "reminder", "subscription", "digest", "fit")


class SetAsideItemSchema(ReplySchema):
    """A work item a worker job set aside after it failed, and why."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": f"one of {', '.join(SET_ASIDE_KINDS)}"})
    item_key = fields.String(required=True, metadata={"description": "the item's id in its own table"})
    reason = fields.String(required=True)
    failures = fields.Integer(required=True)
    first_failed_at = fields.DateTime(required=True)
    last_failed_at = fields.DateTime(required=True)
    released_at = fields.DateTime(allow_none=True)


class SetAsideQueryArgsSchema(StrictSchema):
    """Filters of the set-aside listing."""

    kind = fields.String(load_default=None, validate=validate.OneOf(SET_ASIDE_KINDS))
    include_released = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class SetAsideReleaseSchema(StrictSchema):
    """Which set-aside items to give back to their jobs (all open ones when ``ids`` is absent)."""

    ids = fields.List(fields.Integer(validate=validate.Range(1, 2**63 - 1)), load_default=None,
                      validate=validate.Length(max=1000))


class SetAsideReleaseReplySchema(ReplySchema):
    """How many items were released."""

    released = fields.Integer(required=True)
