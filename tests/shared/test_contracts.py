"""Round trips of the contracts defined so far."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError, fields

from shared.auth import hash_key, mint_key, parse_bearer, parse_key_id
from shared.contracts.base import StrictSchema, tolerant
from shared.contracts.outbox import OutboxQueryArgsSchema
from shared.errors import ErrorSchema, error_envelope


def test_error_envelope_round_trips():
    body = error_envelope(422, "bad", {"json": {"x": ["missing"]}}, "rid")
    assert body == {"code": 422, "status": "Unprocessable Entity", "message": "bad",
                    "errors": {"json": {"x": ["missing"]}}, "request_id": "rid"}
    assert ErrorSchema().load({**body, "future_field": 1}) == body


def test_strict_schema_rejects_unknown_fields_and_tolerant_copy_accepts():
    class Thing(StrictSchema):
        name = fields.String(required=True)

    with pytest.raises(ValidationError) as caught:
        Thing().load({"name": "a", "extra": 1})
    assert "extra" in caught.value.messages
    assert tolerant(Thing).load({"name": "a", "extra": 1}) == {"name": "a"}


def test_outbox_query_defaults_and_limits():
    assert OutboxQueryArgsSchema().load({}) == {"status": "dead", "limit": 100}
    with pytest.raises(ValidationError):
        OutboxQueryArgsSchema().load({"limit": 0})


def test_keys_parse_and_hash():
    new_key = mint_key()
    assert parse_key_id(new_key.plaintext) == new_key.key_id
    assert hash_key(new_key.plaintext) == new_key.key_hash
    assert new_key.key_hash != new_key.plaintext and len(new_key.key_hash) == 64
    assert parse_key_id("cx_short_x") is None and parse_key_id("nope") is None
    assert parse_bearer("Bearer  abc ") == "abc" and parse_bearer("Token abc") is None
    assert mint_key().plaintext != new_key.plaintext
