"""Voice of the customer: ``GET /v1/voc/keywords``."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema
from shared.contracts.fields import FiniteFloat, Moment, TimeZoneName
from shared.contracts.scores import ScopeArgsSchema, unmatched_field


class KeywordQueryArgsSchema(ScopeArgsSchema):
    """Comments in [from, to) against the window of equal length before it."""

    from_ = Moment(data_key="from", load_default=None, metadata={"description": "default: 30 days before `to`"})
    to = Moment(load_default=None, metadata={"description": "default: now"})
    tz = TimeZoneName(load_default="UTC")
    split = fields.String(load_default="nps", validate=validate.OneOf(["nps", "csat", "none"]),
                          metadata={"description": "promoters/passives/detractors, satisfied/unsatisfied, or one group"})
    by_touchpoint = fields.Boolean(load_default=False)
    top_k = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    min_count = fields.Integer(load_default=5, validate=validate.Range(1, 1000))
    examples = fields.Integer(load_default=3, validate=validate.Range(0, 10))
    alpha = fields.Float(load_default=0.05, validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False))


class ExampleSchema(ReplySchema):
    response_id = fields.String(required=True)
    text = fields.String(required=True)


class KeywordCountSchema(ReplySchema):
    keyword = fields.String(required=True)
    count = fields.Integer(required=True)
    share = FiniteFloat(allow_none=True)
    share_ci_low = FiniteFloat(allow_none=True)
    share_ci_high = FiniteFloat(allow_none=True)
    previous_count = fields.Integer(required=True)
    previous_share = FiniteFloat(allow_none=True)
    examples = fields.List(fields.Nested(ExampleSchema), required=True)


class RisingKeywordSchema(ReplySchema):
    keyword = fields.String(required=True)
    count = fields.Integer(required=True)
    previous_count = fields.Integer(required=True)
    share = FiniteFloat(allow_none=True)
    previous_share = FiniteFloat(allow_none=True)
    ratio = FiniteFloat(allow_none=True)
    ratio_ci_low = FiniteFloat(allow_none=True)
    p_value = FiniteFloat(allow_none=True)
    q_value = FiniteFloat(allow_none=True)
    examples = fields.List(fields.Nested(ExampleSchema), required=True)


class KeywordGroupSchema(ReplySchema):
    group = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    n_comments = fields.Integer(required=True)
    n_previous_comments = fields.Integer(required=True)
    insufficient = fields.Boolean(required=True)
    top = fields.List(fields.Nested(KeywordCountSchema), required=True)
    rising = fields.List(fields.Nested(RisingKeywordSchema), required=True)


class KeywordReplySchema(ReplySchema):
    """``GET /v1/voc/keywords`` reply."""

    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    previous_from = fields.DateTime(required=True)
    method = fields.String(required=True)
    groups = fields.List(fields.Nested(KeywordGroupSchema), required=True)
    unmatched = unmatched_field()
