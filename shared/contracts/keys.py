"""API keys managed over HTTP (admin only): ``/v1/keys`` on every API service."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from shared.auth import ROLE_NAMES, parse_key_id
from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import SingleLine


def _well_formed_key(value: str) -> None:
    if len(value) > 200 or parse_key_id(value) is None:
        raise ValidationError("not a cxloop key (cx_<key id>_<secret>)")


class KeyCreateSchema(StrictSchema):
    """``POST /v1/keys``: a new key for a role and holder.

    ``key``: register a key another service already minted (so one key works on every service);
    left out, this service mints one and answers it once.
    """

    role = fields.String(required=True, validate=validate.OneOf(ROLE_NAMES))
    subject = SingleLine(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "who holds the key (a person, team or system)"})
    key = fields.String(load_default=None, validate=_well_formed_key,
                        metadata={"description": "an existing key (cx_<id>_<secret>) to register here"})


class KeySchema(ReplySchema):
    """A stored key, without its secret."""

    key_id = fields.String(required=True)
    role = fields.String(required=True)
    subject = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)


class KeyCreatedSchema(KeySchema):
    """The reply to a creation: the only time the whole key is shown."""

    key = fields.String(required=True, metadata={"description": "the key itself; store it now"})


class KeyListSchema(ReplySchema):
    """``GET /v1/keys``: every key of this service, newest first."""

    items = fields.List(fields.Nested(KeySchema), required=True)
