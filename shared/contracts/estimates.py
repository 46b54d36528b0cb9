"""The estimate envelope every number with an interval is returned in (scores, churn, CLV)."""

from __future__ import annotations

from marshmallow import fields

from shared.contracts.base import ReplySchema
from shared.contracts.fields import FiniteFloat, JsonSafeDict


class EstimateSchema(ReplySchema):
    """A value with its interval, sample size and method."""

    value = FiniteFloat(allow_none=True)
    ci_low = FiniteFloat(allow_none=True)
    ci_high = FiniteFloat(allow_none=True)
    n = fields.Integer(required=True)
    confidence = fields.Float(required=True)
    method = fields.String(required=True)
    insufficient = fields.Boolean(required=True)
    parts = JsonSafeDict(keys=fields.String(), values=fields.Raw(allow_none=True))  # NaN parts dump as null
