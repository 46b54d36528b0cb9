"""Customer lifetime value contracts: BG/NBD + Gamma-Gamma fits and per-customer / per-segment CLV."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.estimates import EstimateSchema
from shared.contracts.fields import CalendarDate
from shared.contracts.finance import SEGMENT_MAX_LENGTH, TIME_UNITS, Currency
from shared.contracts.nps_value import (
    NPS_GROUPING,
    NpsValueSchema,
    check_nps_grouping,
    group_by_field,
    question_field,
    survey_field,
)

FIT_STATUSES = ("pending", "running", "done", "failed")
_rate: dict[str, Any] = dict(validate=validate.Range(min=0.0, max=1.0))
_confidence: dict[str, Any] = dict(load_default=0.95, validate=validate.Range(min=0.5, max=0.999))


class ClvFitCreateSchema(StrictSchema):
    """Fit on transactions up to ``as_of`` (the calibration end, inclusive)."""

    as_of = CalendarDate(required=True)
    time_unit = fields.String(load_default="week", validate=validate.OneOf(TIME_UNITS))
    segment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(min=1, max=SEGMENT_MAX_LENGTH))
    currency = Currency(load_default=None, allow_none=True,
                        metadata={"description": "required when transactions use several currencies"})
    horizon = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3660),
                             metadata={"description": "CLV horizon in time units of the stored ranking "
                                                      "(default: one year)"})
    annual_discount_rate = fields.Float(load_default=0.1, **_rate)


class CalibrationBucketSchema(ReplySchema):
    """Customers with this many repeat purchases: actual and expected by the fitted BG/NBD."""

    repeat_purchases = fields.String(required=True)
    actual = fields.Integer(required=True)
    expected = fields.Float(required=True)


class ModelDiagnosticsSchema(ReplySchema):
    """Optimiser diagnostics of one model."""

    converged = fields.Boolean(required=True)
    message = fields.String(required=True)
    iterations = fields.Integer(required=True)
    gradient_norm = fields.Float(required=True)
    log_likelihood = fields.Float(required=True)
    customers = fields.Integer(required=True)


class ClvFitSchema(ReplySchema):
    """A fit: its request, status, and once done the parameters named as in the papers."""

    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(FIT_STATUSES))
    trigger = fields.String(required=True)
    as_of = fields.Date(required=True)
    time_unit = fields.String(required=True)
    segment = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    horizon = fields.Integer(required=True)
    annual_discount_rate = fields.Float(required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    n_customers = fields.Integer(allow_none=True)
    n_repeat_customers = fields.Integer(allow_none=True)
    converged = fields.Boolean(allow_none=True)
    error = fields.String(allow_none=True)
    params = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True,
                         metadata={"description": "r, alpha, a, b (BG/NBD); p, q, gamma (Gamma-Gamma)"})
    standard_errors = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), allow_none=True)
    log_likelihood = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True)
    diagnostics = fields.Dict(keys=fields.String(), values=fields.Nested(ModelDiagnosticsSchema),
                              allow_none=True)
    calibration = fields.List(fields.Nested(CalibrationBucketSchema), allow_none=True)


class ClvCustomerArgsSchema(StrictSchema):
    """Which fit (default: the latest converged one), and optionally another horizon or rate."""

    fit_id = fields.String(load_default=None, validate=validate.Length(max=32))
    horizon = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3660))
    annual_discount_rate = fields.Float(load_default=None, **_rate)
    confidence = fields.Float(**_confidence)


class ClvCustomerListArgsSchema(StrictSchema):
    """A page of customers by CLV: of one fit (the fit's horizon and rate), or with ``kind=contractual``
    the customers with an active contract (sBG value of their contracts, 10% a year)."""

    kind = fields.String(load_default="non_contractual", validate=validate.OneOf(["non_contractual", "contractual"]))
    fit_id = fields.String(load_default=None, validate=validate.Length(max=32))
    segment = fields.String(load_default=None, validate=validate.Length(max=SEGMENT_MAX_LENGTH))
    order = fields.String(load_default="desc", validate=validate.OneOf(["desc", "asc"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))
    confidence = fields.Float(**_confidence)

    @validates_schema
    def _no_fit_for_contracts(self, data, **kwargs) -> None:
        if data.get("kind") == "contractual" and data.get("fit_id") is not None:
            raise ValidationError("contract customers are not valued by a CLV fit", "fit_id")


class ClvCustomerSchema(ReplySchema):
    """CLV of one customer; ``kind`` says which model produced it."""

    customer_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["non_contractual", "contractual"]))
    segment = fields.String(allow_none=True)
    fit_id = fields.String(allow_none=True)
    time_unit = fields.String(required=True)
    horizon = fields.Integer(allow_none=True)
    annual_discount_rate = fields.Float(required=True)
    frequency = fields.Integer(allow_none=True)
    recency = fields.Float(allow_none=True)
    age = fields.Float(allow_none=True)
    monetary = fields.Float(allow_none=True)
    probability_alive = fields.Nested(EstimateSchema, allow_none=True)
    expected_purchases = fields.Nested(EstimateSchema, allow_none=True)
    expected_spend = fields.Nested(EstimateSchema, allow_none=True)
    recurring_value = fields.Float(allow_none=True)
    renewals = fields.Integer(allow_none=True)
    expected_residual_lifetime = fields.Nested(EstimateSchema, allow_none=True)
    clv = fields.Nested(EstimateSchema, required=True)


class ClvCustomerPageSchema(ReplySchema):
    """One page; pass ``next_cursor`` as ``cursor`` for the next (null on the last page)."""

    fit_id = fields.String(required=True, allow_none=True, metadata={"description": "null for contract customers"})
    customers = fields.List(fields.Nested(ClvCustomerSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class ClvSegmentArgsSchema(StrictSchema):
    """Which fit (default: the latest converged one)."""

    fit_id = fields.String(load_default=None, validate=validate.Length(max=32))
    group_by = group_by_field(("segment", NPS_GROUPING), "segment")
    survey = survey_field()
    question = question_field()
    segment = fields.String(load_default=None, validate=validate.Length(max=SEGMENT_MAX_LENGTH),
                            metadata={"description": f"with group_by={NPS_GROUPING}: only this segment's customers"})
    confidence = fields.Float(**_confidence)

    @validates_schema
    def _nps_grouping(self, data, **_kwargs):
        check_nps_grouping(data)
        if data.get("segment") is not None and data.get("group_by") != NPS_GROUPING:
            raise ValidationError(f"only with group_by={NPS_GROUPING}", "segment")


class ClvSegmentSchema(ReplySchema):
    """Total and mean CLV of a segment (``null``: customers without a segment; ``*``: everyone)."""

    segment = fields.String(allow_none=True)
    customers = fields.Integer(required=True)
    total = fields.Nested(EstimateSchema, required=True)
    mean = fields.Nested(EstimateSchema, required=True)


class ClvContractSegmentsSchema(ReplySchema):
    """Contract customers' value still to come, per contract segment (sBG; 95% intervals)."""

    time_unit = fields.String(required=True, metadata={"description": "recurring values are per month"})
    annual_discount_rate = fields.Float(required=True)
    as_of = fields.DateTime(required=True)
    segments = fields.List(fields.Nested(ClvSegmentSchema), required=True)


class ClvSegmentsReplySchema(ReplySchema):
    """Segment values of one fit (95% intervals, the fit's horizon and rate), and of the contracts."""

    fit_id = fields.String(required=True)
    horizon = fields.Integer(required=True)
    time_unit = fields.String(required=True)
    annual_discount_rate = fields.Float(required=True)
    segments = fields.List(fields.Nested(ClvSegmentSchema), required=True)
    contractual = fields.Nested(ClvContractSegmentsSchema, allow_none=True, metadata={
        "description": "active contracts valued with the sBG model: recurring value times the discounted "
                       "expected residual lifetime; null without active contracts or before any contract churned"})
    nps_groups = fields.Nested(NpsValueSchema, allow_none=True, metadata={
        "description": f"with group_by={NPS_GROUPING}: mean CLV and repeat-purchase rate per NPS group, and "
                       "promoters minus detractors"})
