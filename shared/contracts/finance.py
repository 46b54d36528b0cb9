"""Finance API contracts: transactions and contracts in, churn, retention and CLV out.

Money comes in as decimal numbers (JSON numbers or strings) and is kept to 4 decimal places.
Times are ISO 8601 dates or timestamps; a timestamp without an offset is taken as UTC, and a
purchase belongs to the calendar day written in its own offset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.estimates import EstimateSchema
from shared.contracts.fields import CalendarDate, check_plausible
from shared.contracts.nps_value import (
    NPS_GROUPING,
    NpsRetentionSchema,
    check_nps_grouping,
    group_by_field,
    question_field,
    survey_field,
)
from shared.contracts.ranges import deprecated_metadata, use_current_name

ID_MAX_LENGTH = 64
SEGMENT_MAX_LENGTH = 64
MAX_BATCH_ROWS = 10_000
MAX_AMOUNT = Decimal("1e12")
CURRENCY_PATTERN = re.compile(r"^[A-Za-z]{3}$")
TIME_UNITS = ("day", "week", "month")
RETENTION_UNITS = ("day", "week", "month", "year")
CHURN_PERIODS = ("month", "quarter", "year")


def parse_moment(text: str) -> datetime:
    """Parse an ISO 8601 date or timestamp; naive values are UTC. Raises ``ValueError``."""
    if not isinstance(text, str) or not 8 <= len(text.strip()) <= 40:
        raise ValueError("not an ISO 8601 date or timestamp")
    moment = datetime.fromisoformat(text.strip())
    try:
        check_plausible(moment)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_amount(value: object) -> Decimal:
    """A finite amount below 1e12 in absolute value, rounded to 4 decimals. Raises ``ValueError``."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError("not a number") from None
    if isinstance(value, bool) or not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError("must be a finite number below 1e12 in absolute value")
    return amount.quantize(Decimal("0.0001"))


def check_identifier(value: object, label: str) -> str:
    """A non-blank string of at most 64 characters without control characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{label} is empty")
    if len(value) > ID_MAX_LENGTH or any(ord(c) < 32 for c in value):
        raise ValueError(f"{label} must be at most {ID_MAX_LENGTH} printable characters")
    return value


def check_currency(value: object) -> str:
    """Three letters, returned upper-case."""
    if not isinstance(value, str) or not CURRENCY_PATTERN.match(value):
        raise ValueError("currency must be a 3-letter ISO 4217 code")
    return value.upper()


class AwareMoment(fields.Field):
    """An ISO 8601 date or timestamp, loaded as an aware datetime."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_moment(value)
        except (ValueError, TypeError):
            raise ValidationError("not an ISO 8601 date or timestamp") from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class Money(fields.Field):
    """A decimal amount (JSON number or string), see :func:`parse_amount`."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_amount(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class _Checked(fields.String):
    def __init__(self, check, **kwargs) -> None:
        super().__init__(**kwargs)
        self._check = check

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self._check(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as error:
            raise ValidationError(str(error)) from None


def Identifier(label: str, **kwargs) -> fields.Field:  # noqa: N802 - a field factory
    """A string id field (1-64 printable characters)."""
    return _Checked(lambda v: check_identifier(v, label), **kwargs)


def Currency(**kwargs) -> fields.Field:  # noqa: N802 - a field factory
    """A 3-letter currency code, upper-cased."""
    return _Checked(check_currency, **kwargs)


_segment: dict[str, Any] = dict(allow_none=True, validate=[
    validate.Length(min=1, max=SEGMENT_MAX_LENGTH),
    validate.NoneOf(["*"], error="'*' stands for all customers in segment reports")])


class TransactionSchema(StrictSchema):
    """One purchase (positive amount) or refund (negative amount); idempotent by ``id``."""

    id = Identifier("id", required=True)
    customer_id = Identifier("customer_id", required=True)
    occurred_at = AwareMoment(required=True, metadata={"description": "ISO date or timestamp"})
    amount = Money(required=True, metadata={"type": "number"})
    currency = Currency(required=True)
    segment = fields.String(load_default=None, **_segment)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class TransactionBatchSchema(StrictSchema):
    """Up to 10,000 transactions."""

    transactions = fields.List(fields.Nested(TransactionSchema), required=True,
                               validate=validate.Length(min=1, max=MAX_BATCH_ROWS))


class IngestReplySchema(ReplySchema):
    """What a batch or an import stored: new rows and rows already present (same id)."""

    received = fields.Integer(required=True)
    inserted = fields.Integer(required=True)
    already_present = fields.Integer(required=True)


class ContractSchema(StrictSchema):
    """A subscription; sending the same ``id`` again replaces it (e.g. to set ``ended_at``)."""

    id = Identifier("id", required=True)
    customer_id = Identifier("customer_id", required=True)
    started_at = AwareMoment(required=True)
    ended_at = AwareMoment(load_default=None, allow_none=True)
    plan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    recurring_value = Money(required=True, metadata={"type": "number"})
    currency = Currency(required=True)
    segment = fields.String(load_default=None, **_segment)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @validates_schema
    def _ended_after_start(self, data, **kwargs) -> None:
        if data.get("ended_at") and data.get("started_at") and data["ended_at"] < data["started_at"]:
            raise ValidationError("ended_at must not be before started_at", "ended_at")


class ContractBatchSchema(StrictSchema):
    """Up to 10,000 contracts."""

    contracts = fields.List(fields.Nested(ContractSchema), required=True,
                            validate=validate.Length(min=1, max=MAX_BATCH_ROWS))


class ContractReplySchema(ReplySchema):
    """How many contracts were written (inserted or replaced)."""

    received = fields.Integer(required=True)
    stored = fields.Integer(required=True)


_confidence: dict[str, Any] = dict(load_default=0.95, validate=validate.Range(min=0.5, max=0.999))


class ChurnRatesArgsSchema(StrictSchema):
    """Periods from ``from`` to ``to`` (inclusive of the periods they fall in); ``start`` and ``end``
    are their deprecated names."""

    period = fields.String(load_default="month", validate=validate.OneOf(CHURN_PERIODS))
    start = CalendarDate(data_key="from", load_default=None,
                         metadata={"description": "first day (required; its whole period is included)"})
    end = CalendarDate(data_key="to", load_default=None,
                       metadata={"description": "last day (required; its whole period is included)"})
    start_deprecated = CalendarDate(data_key="start", load_default=None, metadata=deprecated_metadata("from"))
    end_deprecated = CalendarDate(data_key="end", load_default=None, metadata=deprecated_metadata("to"))
    group_by = fields.String(load_default="none", validate=validate.OneOf(["none", "segment", "plan"]))
    segment = fields.String(load_default=None, validate=validate.Length(max=SEGMENT_MAX_LENGTH))
    confidence = fields.Float(**_confidence)

    @post_load
    def _current_names(self, data, **_kwargs):
        use_current_name(data, "start", current="from", old="start", required=True)
        use_current_name(data, "end", current="to", old="end", required=True)
        return data


class ChurnRateSchema(ReplySchema):
    """Churn in one period and group: at risk at its start, churned during it, the rate."""

    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    group = fields.String(allow_none=True)
    at_risk = fields.Integer(required=True)
    churned = fields.Integer(required=True)
    rate = fields.Nested(EstimateSchema, required=True)
    partial = fields.Boolean(load_default=False, metadata={  # type: ignore[assignment]  # the contract name
        "description": "the period is not over yet: churn during it is still being counted"})


class ChurnRatesReplySchema(ReplySchema):
    """Churn rates by period (and group)."""

    period = fields.String(required=True)
    group_by = fields.String(required=True)
    rates = fields.List(fields.Nested(ChurnRateSchema), required=True)


class RetentionArgsSchema(StrictSchema):
    """A cohort (contracts started in ``[from, to]``) seen at ``as_of``; ``cohort_start`` and
    ``cohort_end`` are the deprecated names of ``from`` and ``to``."""

    cohort_start = CalendarDate(data_key="from", load_default=None,
                                metadata={"description": "the cohort: contracts started on this day or later (required)"})
    cohort_end = CalendarDate(data_key="to", load_default=None,
                              metadata={"description": "the cohort: contracts started on this day or earlier (required)"})
    cohort_start_deprecated = CalendarDate(data_key="cohort_start", load_default=None,
                                           metadata=deprecated_metadata("from"))
    cohort_end_deprecated = CalendarDate(data_key="cohort_end", load_default=None, metadata=deprecated_metadata("to"))
    unit = fields.String(load_default="month", validate=validate.OneOf(RETENTION_UNITS))
    as_of = CalendarDate(required=True)
    segment = fields.String(load_default=None, validate=validate.Length(max=SEGMENT_MAX_LENGTH))
    horizon = fields.Integer(load_default=12, validate=validate.Range(min=1, max=240),
                             metadata={"description": "periods to project past the last observed one"})
    annual_discount_rate = fields.Float(load_default=0.1, validate=validate.Range(min=0.0001, max=1.0))
    confidence = fields.Float(**_confidence)
    group_by = group_by_field(("none", NPS_GROUPING), "none")
    survey = survey_field()
    question = question_field()

    @validates_schema
    def _nps_grouping(self, data, **_kwargs):
        check_nps_grouping(data)

    @post_load
    def _current_names(self, data, **_kwargs):
        use_current_name(data, "cohort_start", current="from", old="cohort_start", required=True)
        use_current_name(data, "cohort_end", current="to", old="cohort_end", required=True)
        return data


class KaplanMeierPointSchema(ReplySchema):
    """Share of the cohort still subscribed after ``period`` renewals."""

    period = fields.Integer(required=True)
    at_risk = fields.Float(required=True)
    churned = fields.Float(required=True)
    censored = fields.Float(required=True)
    survival = fields.Float(required=True)
    ci_low = fields.Float(required=True)
    ci_high = fields.Float(required=True)


class ProjectionPointSchema(ReplySchema):
    """sBG survival S(t) and retention rate r(t), with intervals; ``observed`` when within the data."""

    period = fields.Integer(required=True)
    observed = fields.Boolean(required=True)
    survival = fields.Nested(EstimateSchema, required=True)
    retention = fields.Nested(EstimateSchema, allow_none=True)


class ResidualLifetimeSchema(ReplySchema):
    """Discounted expected residual lifetime (in payments) of a customer after ``renewals`` renewals."""

    renewals = fields.Integer(required=True)
    lifetime = fields.Nested(EstimateSchema, required=True)


class SBGFitSchema(ReplySchema):
    """Shifted-beta-geometric fit of the cohort (Fader & Hardie 2007)."""

    converged = fields.Boolean(required=True)
    message = fields.String(required=True)
    params = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    standard_errors = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True)
    log_likelihood = fields.Float(required=True)
    n = fields.Integer(required=True)
    projection = fields.List(fields.Nested(ProjectionPointSchema), required=True)
    residual_lifetime = fields.List(fields.Nested(ResidualLifetimeSchema), required=True)


class RetentionReplySchema(ReplySchema):
    """Kaplan-Meier curve and sBG fit of one cohort; ``sbg`` is null when no churn was observed."""

    from_ = fields.Date(data_key="from", metadata={"description": "first start day of the cohort"})
    to = fields.Date(metadata={"description": "last start day of the cohort"})
    cohort_start = fields.Date(required=True, metadata={"deprecated": True, "description": "same as `from`"})
    cohort_end = fields.Date(required=True, metadata={"deprecated": True, "description": "same as `to`"})
    as_of = fields.Date(required=True)
    unit = fields.String(required=True)
    customers = fields.Integer(required=True)
    churned = fields.Integer(required=True)
    kaplan_meier = fields.List(fields.Nested(KaplanMeierPointSchema), required=True)
    sbg = fields.Nested(SBGFitSchema, allow_none=True)
    sbg_unavailable_reason = fields.String(allow_none=True)
    group_by = fields.String(load_default="none")
    nps_groups = fields.Nested(NpsRetentionSchema, allow_none=True, metadata={
        "description": f"with group_by={NPS_GROUPING}: each NPS group's curve, the log-rank test and the "
                       "promoter-minus-detractor survival difference (the CSV stays the whole cohort's)"})
