"""Key drivers: ``GET /v1/drivers`` (relative weights of the drivers of an outcome, with intervals)."""

from __future__ import annotations

from datetime import timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.estimates import EstimateSchema
from shared.contracts.fields import Duration, FiniteFloat, Moment
from shared.question_types import SCORE_METRICS

#: within one survey's responses, or across a customer's journey
DRIVER_SCOPES = ("survey", "journey")
#: what a journey driver is: the touchpoint answered, or the experience dimension / driver tag of the question
JOURNEY_DRIVER_GROUPS = ("touchpoint", "dimension", "driver")
#: the smallest ``min_n`` a caller may ask for: fewer cases give relative weights no one should read
MIN_CASES_FLOOR = 20
MISSING_RULE_HELP = ("how missing drivers were handled: drivers held by fewer than `min_coverage` of the cases "
                     "with an outcome are left out (listed in `excluded`); of the rest, only complete cases "
                     "(outcome and every remaining driver present) are used")


class DriverQueryArgsSchema(StrictSchema):
    """``GET /v1/drivers`` query."""

    scope = fields.String(load_default="survey", validate=validate.OneOf(DRIVER_SCOPES),
                          metadata={"description": "survey: outcome and drivers are questions of the same "
                                                   "responses; journey: the outcome is each customer's latest "
                                                   "answer to `survey` (a relationship survey) and the drivers are "
                                                   "the same customer's touchpoint scores in `lookback` before it"})
    survey = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "the survey whose answers hold the outcome"})
    outcome = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                            metadata={"description": "question key of the outcome; default: the survey's NPS "
                                                     "question when it has exactly one"})
    from_ = Moment(data_key="from", load_default=None,
                   metadata={"description": "outcome answers from (inclusive); default: 90 days before `to`"})
    to = Moment(load_default=None, metadata={"description": "outcome answers until (exclusive); default: now"})
    group_by = fields.String(load_default="touchpoint", validate=validate.OneOf(JOURNEY_DRIVER_GROUPS),
                             metadata={"description": "journey only: one driver per touchpoint, experience "
                                                      "dimension or driver tag"})
    driver_metric = fields.String(load_default="csat", validate=validate.OneOf(SCORE_METRICS),
                                  metadata={"description": "journey only: which touchpoint scores are the drivers; "
                                                           "a customer's driver value is the mean of their answers"})
    lookback = Duration(load_default=timedelta(days=90),
                        metadata={"description": "journey only: how long before the outcome answer a touchpoint "
                                                 "answer counts"})
    min_coverage = fields.Float(load_default=0.2, validate=validate.Range(0, 1),
                                metadata={"description": MISSING_RULE_HELP})
    min_n = fields.Integer(load_default=100, validate=validate.Range(min=MIN_CASES_FLOOR, max=1_000_000),
                           metadata={"description": f"fewer complete cases than this is refused with 422 (at "
                                                    f"least {MIN_CASES_FLOOR})"})
    confidence = fields.Float(load_default=0.95,
                              validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False))
    resamples = fields.Integer(load_default=1000, validate=validate.Range(100, 5000),
                               metadata={"description": "bootstrap resamples behind the intervals"})

    @validates_schema
    def _range(self, data, **_kwargs) -> None:
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError("must be before 'to'", "from")
        if data.get("lookback") is not None and data["lookback"] <= timedelta(0):
            raise ValidationError("must be positive", "lookback")


class IntervalSchema(ReplySchema):
    """A value with its percentile bootstrap interval."""

    value = FiniteFloat(allow_none=True)
    ci_low = FiniteFloat(allow_none=True)
    ci_high = FiniteFloat(allow_none=True)


class DriverSchema(ReplySchema):
    """One driver: its importance (relative weight) and its current performance."""

    driver = fields.String(required=True, metadata={"description": "question key, touchpoint, dimension or tag"})
    metric = fields.String(required=True, metadata={"description": "the score the driver's answers are"})
    scale = fields.List(fields.Integer(), required=True, metadata={"description": "[low, high] of its answers"})
    rank = fields.Integer(required=True, metadata={"description": "1 = largest weight"})
    weight = fields.Nested(IntervalSchema, required=True,
                           metadata={"description": "raw relative weight: its part of R-squared"})
    share = fields.Nested(IntervalSchema, required=True,
                          metadata={"description": "weight / R-squared: the shares add up to 1"})
    correlation = FiniteFloat(allow_none=True, metadata={"description": "with the outcome (its sign)"})
    coverage = fields.Float(required=True, metadata={"description": "share of the outcome's cases holding it"})
    performance = fields.Nested(EstimateSchema, required=True,
                                metadata={"description": "mean on its scale over the cases used (Student t)"})


class ExcludedDriverSchema(ReplySchema):
    """A driver left out because too few cases hold it."""

    driver = fields.String(required=True)
    coverage = fields.Float(required=True)


class DriverReplySchema(ReplySchema):
    """``GET /v1/drivers`` reply."""

    scope = fields.String(required=True)
    survey = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"description": "question key of the outcome"})
    outcome_metric = fields.String(required=True)
    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    group_by = fields.String(allow_none=True, metadata={"description": "journey: what one driver is"})
    driver_metric = fields.String(allow_none=True)
    lookback_days = fields.Float(allow_none=True)
    method = fields.String(required=True)
    r_squared = fields.Nested(IntervalSchema, required=True)
    n = fields.Integer(required=True, metadata={"description": "complete cases used: responses (survey) or "
                                                               "customers (journey)"})
    n_with_outcome = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"description": "what one case is: response or customer"})
    min_n = fields.Integer(required=True)
    missing_rule = fields.String(required=True, metadata={"description": MISSING_RULE_HELP})
    min_coverage = fields.Float(required=True)
    confidence = fields.Float(required=True)
    resamples = fields.Integer(required=True)
    interval_method = fields.String(required=True)
    drivers = fields.List(fields.Nested(DriverSchema), required=True)
    excluded = fields.List(fields.Nested(ExcludedDriverSchema), load_default=list)
