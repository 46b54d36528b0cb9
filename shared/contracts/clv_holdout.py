"""CLV holdout check: fit BG/NBD on a calibration period, compare with purchases in a holdout period."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import CalendarDate
from shared.contracts.finance import SEGMENT_MAX_LENGTH, TIME_UNITS, Currency

MAX_FREQUENCY_GROUPS = 20


class ClvHoldoutArgsSchema(StrictSchema):
    """Fit on purchases up to ``calibration_end``; count purchases after it up to ``holdout_end`` (inclusive)."""

    calibration_end = CalendarDate(required=True)
    holdout_end = CalendarDate(required=True)
    time_unit = fields.String(load_default="week", validate=validate.OneOf(TIME_UNITS))
    segment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(min=1, max=SEGMENT_MAX_LENGTH))
    currency = Currency(load_default=None, allow_none=True,
                        metadata={"description": "required when transactions use several currencies"})
    max_frequency = fields.Integer(load_default=7, validate=validate.Range(min=1, max=MAX_FREQUENCY_GROUPS),
                                   metadata={"description": "the last group holds this many calibration repeat "
                                                            "purchases or more (7: FHL 2005, Figure 4)"})

    @validates_schema
    def _holdout_after_calibration(self, data, **_kwargs) -> None:
        if data["holdout_end"] <= data["calibration_end"]:
            raise ValidationError("must be after calibration_end", "holdout_end")


class ClvHoldoutGroupSchema(ReplySchema):
    """Customers with this many calibration repeat purchases: their holdout purchases, actual and predicted."""

    repeat_purchases = fields.String(required=True, metadata={"description": '"0", "1", ..., the last "7+"'})
    customers = fields.Integer(required=True)
    actual_mean = fields.Float(required=True, allow_none=True, metadata={"description": "null without customers"})
    predicted_mean = fields.Float(required=True, allow_none=True, metadata={
        "description": "mean conditional expectation E[Y(t) | x, t_x, T] (FHL 2005, eq. 10)"})
    actual_total = fields.Float(required=True)
    predicted_total = fields.Float(required=True)


class ClvHoldoutTotalSchema(ReplySchema):
    """All customers' holdout purchases: actual, predicted and the relative error of the prediction."""

    actual = fields.Float(required=True)
    predicted = fields.Float(required=True)
    relative_error = fields.Float(required=True, allow_none=True,
                                  metadata={"description": "(predicted - actual) / actual; null when actual is 0"})


class ClvHoldoutReplySchema(ReplySchema):
    """Predicted against actual holdout purchases by calibration repeat purchases, and summary errors."""

    calibration_end = fields.Date(required=True)
    holdout_end = fields.Date(required=True)
    time_unit = fields.String(required=True)
    holdout_length = fields.Float(required=True, metadata={"description": "holdout period in time units"})
    segment = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    customers = fields.Integer(required=True, metadata={"description": "customers with a purchase by calibration_end"})
    repeat_customers = fields.Integer(required=True)
    converged = fields.Boolean(required=True)
    params = fields.Dict(keys=fields.String(), values=fields.Float(), required=True,
                         metadata={"description": "r, alpha, a, b fitted on the calibration period"})
    groups = fields.List(fields.Nested(ClvHoldoutGroupSchema), required=True)
    total = fields.Nested(ClvHoldoutTotalSchema, required=True)
    mean_absolute_error = fields.Float(required=True, metadata={
        "description": "mean over groups with customers of |actual mean - predicted mean| (purchases per customer)"})
    weighted_absolute_error = fields.Float(required=True, metadata={
        "description": "the same, each group weighted by its customers"})
