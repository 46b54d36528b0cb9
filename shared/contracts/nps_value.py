"""What a score is worth: retention and CLV split by the customer's relationship NPS group.

Used by ``GET /v1/churn/retention?group_by=nps_group`` and ``GET /v1/clv/segments?group_by=nps_group``
(the fields below are added to their query and reply schemas in ``finance`` and ``clv``).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from shared.contracts.base import ReplySchema
from shared.contracts.estimates import EstimateSchema

#: the grouping that splits by relationship NPS group
NPS_GROUPING = "nps_group"
#: the groups of a reply, in this order: the three NPS classes, then customers with no answer
NPS_VALUE_GROUPS = ("promoter", "passive", "detractor", "not_asked")
NOT_ASKED = "not_asked"
NPS_GROUP_HELP = ("a customer's group is their latest answer to `survey`'s NPS question (`question`, default the "
                  "survey's only NPS question) before the moment stated in the reply: promoter 9-10, passive "
                  "7-8, detractor 0-6; customers with no such answer are `not_asked`")


def group_by_field(choices: tuple[str, ...], default: str) -> fields.String:
    """The ``group_by`` query field of an endpoint that can split by NPS group."""
    return fields.String(load_default=default, validate=validate.OneOf(choices),
                         metadata={"description": f"`{NPS_GROUPING}`: split by relationship NPS group; "
                                                  + NPS_GROUP_HELP})


def survey_field() -> fields.String:
    """The ``survey`` query field: the relationship survey whose answers give the groups."""
    return fields.String(load_default=None, validate=validate.Length(min=1, max=64),
                         metadata={"description": f"the relationship survey (required with {NPS_GROUPING})"})


def question_field() -> fields.String:
    """The ``question`` query field: the NPS question of that survey."""
    return fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                         metadata={"description": "its NPS question key; default: its only NPS question"})


def check_nps_grouping(data: dict[str, Any]) -> None:
    """``survey`` is required with ``group_by=nps_group`` and means nothing without it."""
    if data.get("group_by") == NPS_GROUPING and not data.get("survey"):
        raise ValidationError(f"required with group_by={NPS_GROUPING}", "survey")
    if data.get("group_by") != NPS_GROUPING and (data.get("survey") or data.get("question")):
        raise ValidationError(f"only with group_by={NPS_GROUPING}", "survey")


class NpsSourceSchema(ReplySchema):
    """Which answers gave the groups."""

    survey = fields.String(required=True)
    question = fields.String(required=True)
    answered_before = fields.DateTime(required=True, metadata={"description": "latest answer before this moment"})
    rule = fields.String(required=True, metadata={"description": NPS_GROUP_HELP})


class SurvivalPointSchema(ReplySchema):
    """Kaplan-Meier survival after ``period`` renewals (log(-log) interval)."""

    period = fields.Integer(required=True)
    at_risk = fields.Float(required=True)
    churned = fields.Float(required=True)
    censored = fields.Float(required=True)
    survival = fields.Float(required=True)
    ci_low = fields.Float(required=True)
    ci_high = fields.Float(required=True)


class NpsRetentionGroupSchema(ReplySchema):
    """One NPS group of the cohort and its Kaplan-Meier curve."""

    group = fields.String(required=True, validate=validate.OneOf(NPS_VALUE_GROUPS))
    customers = fields.Integer(required=True, metadata={"description": "contracts of the cohort in the group"})
    churned = fields.Integer(required=True)
    kaplan_meier = fields.List(fields.Nested(SurvivalPointSchema), required=True)


class LogRankSchema(ReplySchema):
    """Log-rank test that the NPS groups (not `not_asked`) share one survival curve."""

    statistic = fields.Float(required=True)
    df = fields.Integer(required=True)
    p_value = fields.Float(required=True)
    groups = fields.List(fields.String(), required=True)
    observed = fields.List(fields.Float(), required=True, metadata={"description": "churns per group"})
    expected = fields.List(fields.Float(), required=True, metadata={"description": "churns expected if equal"})


class SurvivalDifferenceSchema(EstimateSchema):
    """Promoters' survival minus detractors' after ``period`` renewals (Greenwood variances added)."""

    period = fields.Integer(required=True)


class NpsRetentionSchema(ReplySchema):
    """The cohort split by NPS group (``group_by=nps_group``)."""

    nps = fields.Nested(NpsSourceSchema, required=True)
    groups = fields.List(fields.Nested(NpsRetentionGroupSchema), required=True)
    logrank = fields.Nested(LogRankSchema, allow_none=True)
    logrank_unavailable_reason = fields.String(allow_none=True)
    promoter_minus_detractor = fields.List(fields.Nested(SurvivalDifferenceSchema), required=True, metadata={
        "description": "survival difference per period up to the shorter of the two groups' observed periods"})


class NpsValueGroupSchema(ReplySchema):
    """Mean CLV and repeat-purchase rate of one NPS group, under one fit."""

    group = fields.String(required=True, validate=validate.OneOf(NPS_VALUE_GROUPS))
    customers = fields.Integer(required=True)
    mean_clv = fields.Nested(EstimateSchema, required=True, metadata={
        "description": "mean of the customers' CLV (Student t over customers)"})
    repeat_rate = fields.Nested(EstimateSchema, required=True, metadata={
        "description": "share with at least one repeat purchase by the fit's as_of (Wilson)"})


class NpsValueDifferenceSchema(ReplySchema):
    """Promoters minus detractors: "a detractor is worth X less, [a, b]"."""

    mean_clv = fields.Nested(EstimateSchema, allow_none=True, metadata={"description": "Welch interval"})
    repeat_rate = fields.Nested(EstimateSchema, allow_none=True)


class NpsValueSchema(ReplySchema):
    """CLV of a fit's customers split by NPS group (``group_by=nps_group``)."""

    nps = fields.Nested(NpsSourceSchema, required=True)
    fit_id = fields.String(required=True)
    segment = fields.String(allow_none=True, metadata={"description": "the transaction segment kept, if any"})
    interval_note = fields.String(required=True)
    groups = fields.List(fields.Nested(NpsValueGroupSchema), required=True)
    promoter_minus_detractor = fields.Nested(NpsValueDifferenceSchema, required=True)
