"""Base schemas: strict for what a server accepts, tolerant for what a client reads."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema


class StrictSchema(Schema):
    """What a server loads: unknown fields are an error (422)."""

    class Meta:
        unknown = RAISE
        ordered = True


class ReplySchema(Schema):
    """What a client loads from another service: unknown fields are dropped, so additive changes break no caller."""

    class Meta:
        unknown = EXCLUDE
        ordered = True


def tolerant(schema_class: type[Schema], **kwargs) -> Schema:
    """Instantiate any contract schema so that it ignores unknown fields (for loading replies)."""
    return schema_class(unknown=EXCLUDE, **kwargs)
