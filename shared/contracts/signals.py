"""A low-score signal from survey to notifier (``POST /v1/signals``), for close-the-loop notices."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import LANGUAGE
from shared.contracts.responses import CHANNELS, AnswerSchema
from shared.question_types import SCORE_METRICS as SIGNAL_METRICS


class QuestionLabelsSchema(StrictSchema):
    """A question's words in the response's language: its text and its choices' labels by key."""

    text = fields.String(required=True, validate=validate.Length(max=2000))
    choices = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                          values=fields.String(validate=validate.Length(max=500)), load_default=dict)


class SignalSchema(StrictSchema):
    """One low-score response; notifier keeps the newest ``revision`` per ``response_id``.

    Revision 1 is the first signal; a later revision corrects it (the customer changed the score
    after the signal went out): notifier updates the stored signal and sends the subscribers who
    had its notice a ``low_score_update`` notice. ``low`` is false when the new score is no longer low.
    """

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
    questions = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                            values=fields.Nested(QuestionLabelsSchema), load_default=dict,
                            validate=validate.Length(max=100),
                            metadata={"description": "the answered questions' text and choice labels in the "
                                                     "response's language, by question key (notices show them)"})
    survey_title = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))
    lang = fields.String(allow_none=True, load_default=None, validate=LANGUAGE)
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                             values=fields.Raw(allow_none=True), load_default=dict)
    answered_at = fields.AwareDateTime(required=True)
    link = fields.Url(allow_none=True, load_default=None, require_tld=False,
                      metadata={"description": "where a person can look at the response"})
    revision = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=1000),
                              metadata={"description": "1 for the first signal; more for corrections"})
    low = fields.Boolean(load_default=True, metadata={"description": "false: a correction to a score "
                                                                     "that is no longer low"})


class SignalResultSchema(ReplySchema):
    """``POST /v1/signals`` reply: ``stored`` the first time, ``corrected`` for a newer revision,
    ``duplicate`` for a revision already held (or an older one)."""

    response_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["stored", "corrected", "duplicate"]))
