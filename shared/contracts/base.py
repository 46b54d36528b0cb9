"""Base schemas: strict for what a server accepts, tolerant for what a client reads, and the one
exception: a body whose shape a third-party specification fixes (the Segment tracking API), which
a server must accept with whatever extra fields that specification's clients send."""

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


class ForeignSpecSchema(Schema):
    """What a server loads when a third party's specification defines the body (Segment's tracking
    calls): the fields cxloop reads are checked, fields the specification allows beyond them are dropped."""

    class Meta:
        unknown = EXCLUDE
        ordered = True


def tolerant(schema_class: type[Schema], **kwargs) -> Schema:
    """Instantiate any contract schema so that it ignores unknown fields (for loading replies)."""
    return schema_class(unknown=EXCLUDE, **kwargs)
