"""A low-score signal from survey to notifier (``POST /v1/signals``), for close-the-loop notices."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import LANGUAGE
from shared.contracts.responses import AnswerSchema, CHANNELS
from shared.question_types import SCORE_METRICS as SIGNAL_METRICS


class SignalSchema(StrictSchema):
    """One low-score response; notifier stores it once per ``response_id``."""

    response_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    survey_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    survey_version = fields.Integer(required=True, validate=validate.Range(min=1))
    touchpoint = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    channel = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(CHANNELS))
    customer_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=128))
    metric = fields.String(required=True, validate=validate.OneOf(SIGNAL_METRICS),
                           metadata={"description": "the score question that was low"})
    score = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10))
    comment = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))
    answers = fields.List(fields.Nested(AnswerSchema), load_default=list, validate=validate.Length(max=100))
    lang = fields.String(allow_none=True, load_default=None, validate=LANGUAGE)
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                             values=fields.Raw(allow_none=True), load_default=dict)
    answered_at = fields.AwareDateTime(required=True)
    link = fields.Url(allow_none=True, load_default=None, require_tld=False,
                      metadata={"description": "where a person can look at the response"})


class SignalResultSchema(ReplySchema):
    """``POST /v1/signals`` reply: ``stored`` the first time, ``duplicate`` after."""

    response_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["stored", "duplicate"]))
