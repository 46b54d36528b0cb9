"""Erasure of a customer's personal data, from survey to metrics and notifier (``POST /v1/erasures``)."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema

MAX_ERASURE_RESPONSES = 1000


class ErasureSchema(StrictSchema):
    """Erase the attributes held for a customer and for the listed responses; repeating it is harmless.

    Survey sends one message per ``MAX_ERASURE_RESPONSES`` responses of the customer (the customer id
    on each, so copies found by customer id are erased whatever the list holds).
    """

    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    response_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list,
                               validate=validate.Length(max=MAX_ERASURE_RESPONSES))
    erased_at = fields.AwareDateTime(required=True)


class ErasureResultSchema(ReplySchema):
    """``POST /v1/erasures`` reply: how many stored rows were changed (0 when already erased)."""

    customer_id = fields.String(required=True)
    changed = fields.Integer(required=True)
