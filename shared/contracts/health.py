"""Health and identity replies every service gives."""

from __future__ import annotations

from marshmallow import fields

from shared.contracts.base import ReplySchema


class HealthSchema(ReplySchema):
    """``/healthz`` and ``/readyz``."""

    status = fields.String(required=True, metadata={"description": "ok or unavailable"})
    service = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class WhoAmISchema(ReplySchema):
    """``GET /v1/whoami``: the caller as the key says."""

    key_id = fields.String(required=True)
    role = fields.String(required=True)
    subject = fields.String(required=True)
    service = fields.String(required=True)
