"""A survey response as survey sends it to metrics (``POST /v1/responses/batch``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from shared.channels import ResponseChannel
from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import LANGUAGE, Id, Timestamp
from shared.contracts.ranges import deprecated_metadata, use_current_name
from shared.contracts.triage import TAG, ResponseSummarySchema, ResponseTriageSchema, check_segment
from shared.question_types import DIMENSIONS, DRIVERS, QUESTION_TYPES, REGISTRY
from shared.statuses import ResponseStatus, values

CHANNELS = values(ResponseChannel)
RESPONSE_ORDERS = ("updated", "newest")
MAX_BATCH = 500
MAX_TEXT = 5000

_id: dict[str, Any] = dict(validate=validate.Length(min=1, max=64))


class AnswerSchema(StrictSchema):
    """One answer of a response."""

    question_key = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    value = fields.Integer(allow_none=True, load_default=None, strict=True)
    scale_max = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(2, 10))
    choices = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list,
                          validate=validate.Length(max=50))
    text = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=MAX_TEXT))
    dimension = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(DIMENSIONS))
    driver = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(DRIVERS))

    @validates_schema
    def _value_in_scale(self, data, **_kwargs) -> None:
        problem = REGISTRY[data["type"]].value_problem(data.get("value"), data.get("scale_max"))
        if problem is not None:
            raise ValidationError(problem, "value")


class ResponseRecordSchema(StrictSchema):
    """One response, complete or partial; ``version`` grows with every update of the response."""

    response_id = fields.String(required=True, **_id)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    survey_id = fields.String(required=True, **_id)
    survey_version = fields.Integer(required=True, validate=validate.Range(min=1))
    touchpoint = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    channel = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(CHANNELS))
    customer_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=128))
    invitation_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    event_type = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    event_at = Timestamp(allow_none=True, load_default=None)
    lang = fields.String(allow_none=True, load_default=None, validate=LANGUAGE)
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                             values=fields.Raw(allow_none=True), load_default=dict)
    completed = fields.Boolean(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
    completed_at = Timestamp(allow_none=True, load_default=None)
    answers = fields.List(fields.Nested(AnswerSchema), required=True, validate=validate.Length(max=100))
    excluded = fields.Boolean(load_default=False, metadata={
        "description": "excluded as a test response: kept, but left out of every score and keyword count"})


def answered_at(record: Mapping[str, Any]) -> Any:
    """When a response was answered: its completion, or its last answer while it is partial.

    The one time that dates a response everywhere: score windows and keywords in metrics, and
    low-score signals (notices and digests) in notifier. ``updated_at`` moves only when an answer
    changes, so a partial response is dated by its last answer.
    """
    return record.get("completed_at") or record["updated_at"]


class ResponseBatchSchema(StrictSchema):
    """``POST /v1/responses/batch`` body."""

    responses = fields.List(fields.Nested(ResponseRecordSchema), required=True,
                            validate=validate.Length(min=1, max=MAX_BATCH))


IMPORT_STATUSES = ("imported", "already_present", "rejected")


class ResponseImportSchema(StrictSchema):
    """``POST /v1/responses/import`` (survey): responses given before cxloop, each in the response
    contract's form (``invitation_id`` null, ``survey_id`` a survey of this service, ``survey_version``
    one of its published versions); each item gets its own status."""

    responses = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1, max=MAX_BATCH),
                            metadata={"description": f"1 to {MAX_BATCH} response records"})


class ResponseImportItemSchema(ReplySchema):
    """What happened to one imported response: imported, already present (same id), or rejected."""

    response_id = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(IMPORT_STATUSES))
    errors = fields.Dict(allow_none=True, load_default=None)


class ResponseImportReplySchema(ReplySchema):
    """``POST /v1/responses/import`` reply: counts and one result per item, in order."""

    imported = fields.Integer(required=True)
    already_present = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    results = fields.List(fields.Nested(ResponseImportItemSchema), required=True)


class ResponseBatchItemResultSchema(ReplySchema):
    """Outcome of one response of a batch: stored, updated, unchanged (same or older version)."""

    response_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["stored", "updated", "unchanged"]))


class ResponseBatchResultSchema(ReplySchema):
    """``POST /v1/responses/batch`` reply."""

    results = fields.List(fields.Nested(ResponseBatchItemResultSchema), required=True)


class ResponseQueryArgsSchema(StrictSchema):
    """``GET /v1/responses`` filters; pages are ordered by last update, oldest first."""

    survey = Id(load_default=None)
    touchpoint = fields.String(load_default=None, validate=validate.Length(max=64))
    customer = fields.String(load_default=None, validate=validate.Length(min=1, max=128),
                             metadata={"description": "the customer's id, as in the response's customer_id"})
    completed = fields.Boolean(load_default=None)
    created_since = Timestamp(data_key="from", load_default=None,
                              metadata={"description": "created at or after (inclusive)"})
    created_until = Timestamp(data_key="to", load_default=None, metadata={"description": "created before (exclusive)"})
    created_since_deprecated = Timestamp(data_key="created_since", load_default=None,
                                         metadata=deprecated_metadata("from"))
    created_until_deprecated = Timestamp(data_key="created_until", load_default=None,
                                         metadata=deprecated_metadata("to"))
    updated_since = Timestamp(load_default=None, metadata={"description": "for incremental exports"})
    status = fields.String(load_default=None, validate=validate.OneOf(values(ResponseStatus)),
                           metadata={"description": "inbox status"})
    tag = fields.String(load_default=None, validate=TAG, metadata={"description": "responses with this tag"})
    excluded = fields.Boolean(load_default=None, metadata={"description": "true: only test responses; false: none"})
    score_min = fields.Integer(load_default=None, validate=validate.Range(0, 10),
                               metadata={"description": "main score (first NPS, CSAT or CES answer) at least"})
    score_max = fields.Integer(load_default=None, validate=validate.Range(0, 10),
                               metadata={"description": "main score at most"})
    has_comment = fields.Boolean(load_default=None, metadata={"description": "with (true) or without a comment"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                      metadata={"description": "text the comments contain (case-insensitive)"})
    segment = fields.List(fields.String(validate=check_segment), load_default=list,
                          metadata={"description": "attribute:value at answer time, repeatable"})
    order = fields.String(load_default="updated", validate=validate.OneOf(RESPONSE_ORDERS),
                          metadata={"description": "updated: last update, oldest first (incremental exports); "
                                                   "newest: creation, newest first (the inbox)"})
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))

    @post_load
    def _current_names(self, data, **_kwargs):
        use_current_name(data, "created_since", current="from", old="created_since")
        use_current_name(data, "created_until", current="to", old="created_until")
        return data


class ResponseListedSchema(ResponseRecordSchema):
    """A response as ``GET /v1/responses`` lists it: the record, its triage and its summary."""

    triage = fields.Nested(ResponseTriageSchema, required=True)
    summary = fields.Nested(ResponseSummarySchema, required=True)


class ResponsePageSchema(ReplySchema):
    """A page of responses and the cursor of the next one (null at the end)."""

    responses = fields.List(fields.Nested(ResponseListedSchema(unknown="exclude")), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
