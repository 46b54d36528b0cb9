"""The responses inbox (survey): a response's triage (status, tags, notes, excluded as test), changes to
one response or to a selection, and the listed form of a response with its main score and comment."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import Timestamp
from shared.contracts.scores import SEGMENT_FILTER
from shared.statuses import ResponseStatus, values

MAX_TAGS = 20
MAX_NOTE = 2000
MAX_SELECTION = 500
#: a tag: letters (any script), digits, spaces, ``-`` and ``_``; 1-40 characters (spaces around are trimmed)
TAG = validate.Regexp(r"^ {0,5}[^\W_][\w\- ]{0,39}$", error="a tag is 1-40 letters, digits, spaces, - or _")
STATUSES = values(ResponseStatus)


def check_segment(text: str) -> None:
    """Refuse a segment filter that is not ``attribute:value`` (the scores API's form)."""
    if not SEGMENT_FILTER.match(text):
        raise ValidationError("segment filters look like attribute:value, e.g. region:Seoul")


class ResponseNoteSchema(ReplySchema):
    """An internal note on a response: who wrote it, when, and what (never shown to the customer)."""

    id = fields.Integer(required=True)
    author = fields.String(required=True)
    text = fields.String(required=True)
    created_at = Timestamp(required=True)


class ResponseTriageSchema(ReplySchema):
    """Where a response stands in the inbox."""

    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    tags = fields.List(fields.String(), required=True)
    excluded = fields.Boolean(required=True, metadata={"description": "excluded as a test response"})
    note_count = fields.Integer(required=True)
    notes = fields.List(fields.Nested(ResponseNoteSchema), load_default=list,
                        metadata={"description": "the notes, oldest first (one response only; empty in lists)"})


class ResponseSummarySchema(ReplySchema):
    """What the inbox shows of a response at a glance: its main score and its comment."""

    score_metric = fields.String(allow_none=True, required=True,
                                 metadata={"description": "nps, csat or ces: the first score question answered"})
    score = fields.Integer(allow_none=True, required=True)
    comment = fields.String(allow_none=True, required=True, metadata={"description": "the text answers"})


class TriageChangeSchema(StrictSchema):
    """A change of triage: any of a new status, tags to add or remove, excluded as test or not."""

    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    add_tags = fields.List(fields.String(validate=TAG), load_default=list, validate=validate.Length(max=MAX_TAGS))
    remove_tags = fields.List(fields.String(validate=TAG), load_default=list, validate=validate.Length(max=MAX_TAGS))
    excluded = fields.Boolean(load_default=None, metadata={
        "description": "true: excluded as test (left out of every score and keyword count); false: counted again"})

    @validates_schema
    def _something(self, data, **_kwargs) -> None:
        if data.get("status") is None and data.get("excluded") is None and not data["add_tags"] \
                and not data["remove_tags"]:
            raise ValidationError("give a status, tags to add or remove, or excluded", "_schema")


class BulkTriageSchema(TriageChangeSchema):
    """``POST /v1/responses/triage``: the same change for a selection of responses."""

    response_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                               validate=validate.Length(min=1, max=MAX_SELECTION))


class BulkTriageReplySchema(ReplySchema):
    """What a bulk change did: the responses changed, and the ids that match no response."""

    changed = fields.Integer(required=True)
    unknown_ids = fields.List(fields.String(), required=True)


class NoteCreateSchema(StrictSchema):
    """``POST /v1/responses/{id}/notes``."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE))
