"""A survey's response funnel (``GET /v1/surveys/{id}/funnel``, survey) and the interval of a rate
(``GET /v1/estimates/proportion``, metrics, which owns every statistic)."""

from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema

FUNNEL_STEPS = ("sent", "opened", "started", "completed")


class FunnelQueryArgsSchema(StrictSchema):
    """The invitations sent in [from, to) (UTC when no offset is given)."""

    from_ = fields.AwareDateTime(data_key="from", required=True, default_timezone=dt.UTC)
    to = fields.AwareDateTime(required=True, default_timezone=dt.UTC)

    @validates_schema
    def _ordered(self, data, **_kwargs) -> None:
        if data["from_"] >= data["to"]:
            raise ValidationError("must be before 'to'", "from")


class FunnelSchema(ReplySchema):
    """How far the invitations of a survey sent in [from, to) got, and how long completing took."""

    survey_id = fields.Integer(required=True)
    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    sent = fields.Integer(required=True, metadata={"description": "invitations sent in the range"})
    opened = fields.Integer(required=True, metadata={"description": "of those, opened (the survey page was shown)"})
    started = fields.Integer(required=True, metadata={"description": "of those, with at least one answer"})
    completed = fields.Integer(required=True, metadata={"description": "of those, submitted"})
    imported = fields.Integer(required=True, metadata={"description": "responses of the range without an "
                                                                      "invitation (imported history); not "
                                                                      "in the funnel"})
    median_seconds_to_complete = fields.Float(allow_none=True, required=True,
                                              metadata={"description": "median time from opening to "
                                                                       "submitting, of the completed ones"})


class ProportionQueryArgsSchema(StrictSchema):
    """A rate's counts: ``successes`` out of ``trials``."""

    successes = fields.Integer(required=True, validate=validate.Range(min=0))
    trials = fields.Integer(required=True, validate=validate.Range(min=0, max=10**12))
    confidence = fields.Float(load_default=0.95, validate=validate.Range(0, 1, min_inclusive=False,
                                                                         max_inclusive=False))
    min_n = fields.Integer(load_default=30, validate=validate.Range(min=0, max=1_000_000))

    @validates_schema
    def _at_most_trials(self, data, **_kwargs) -> None:
        if data["successes"] > data["trials"]:
            raise ValidationError("cannot exceed trials", "successes")


class QuestionDropoffSchema(ReplySchema):
    """One question of the survey's live version: how many responses reached it, answered it, and stopped there."""

    key = fields.String(required=True)
    position = fields.Integer(required=True, metadata={"description": "1 for the first question"})
    type = fields.String(required=True)
    text = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                       metadata={"description": "the question's text by language"})
    reached = fields.Integer(required=True, metadata={"description": "responses that got this far: completed, "
                                                                      "or stopped here or later"})
    answered = fields.Integer(required=True, metadata={"description": "responses with an answer to it"})
    dropped = fields.Integer(required=True, metadata={"description": "unfinished responses whose first "
                                                                      "unanswered question after their last "
                                                                      "answer is this one (where they left)"})


class DropoffSchema(ReplySchema):
    """Where the responses opened in [from, to) left the survey, question by question (excluded ones left out)."""

    survey_id = fields.Integer(required=True)
    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    opened = fields.Integer(required=True, metadata={"description": "responses opened in the range"})
    completed = fields.Integer(required=True, metadata={"description": "of those, submitted"})
    questions = fields.List(fields.Nested(QuestionDropoffSchema), required=True)
