"""Backtest of an alert rule on past windows (``POST /v1/subscriptions/backtest`` on notifier)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.alerts import ChannelSchema, SubscriptionCreateSchema
from shared.contracts.base import ReplySchema
from shared.contracts.fields import FiniteFloat, SingleLine, Timestamp

BACKTEST_DEFAULT_WEEKS = 26
BACKTEST_MAX_WEEKS = 104
BACKTEST_MAX_WINDOWS = 120  # decided windows per backtest (one metrics call each); more is refused (422)
EPISODE_ACTIONS = ("open", "keep", "resolve", "none")
NOTICE_KINDS = ("firing", "repeat", "resolved")


class BacktestRequestSchema(SubscriptionCreateSchema):
    """A subscription as for create (name and channels optional), and the past to test it on: the last
    ``weeks`` weeks of closed windows, or the windows that lie inside ``from``..``to``."""

    name = SingleLine(load_default="backtest", validate=validate.Length(min=1, max=200))
    channels = fields.List(fields.Nested(ChannelSchema), load_default=list, validate=validate.Length(0, 10))
    weeks = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, BACKTEST_MAX_WEEKS),
                           metadata={"description": f"default {BACKTEST_DEFAULT_WEEKS}: the windows that closed "
                                                    "in this many weeks before now"})
    from_ = Timestamp(data_key="from", load_default=None, allow_none=True,
                      metadata={"description": "with `to`: test the windows lying inside this span"})
    to = Timestamp(load_default=None, allow_none=True)

    @validates_schema
    def _span(self, data, **_kwargs) -> None:
        if data["rule"]["kind"] == "low_score":
            raise ValidationError("low_score rules have no windows to backtest; use drop or threshold", "rule")
        given = (data.get("from_") is not None, data.get("to") is not None)
        if any(given) and not all(given):
            raise ValidationError("give both from and to, or neither", "to")
        if all(given) and data.get("weeks") is not None:
            raise ValidationError("give weeks or from and to, not both", "weeks")
        if all(given) and data["from_"] >= data["to"]:
            raise ValidationError("from must be before to", "to")


class BacktestEstimateSchema(ReplySchema):
    value = FiniteFloat(allow_none=True)
    ci_low = FiniteFloat(allow_none=True)
    ci_high = FiniteFloat(allow_none=True)
    n = fields.Integer(required=True)


class BacktestWindowSchema(ReplySchema):
    """One decided window of one group: the numbers, the rule's decision, and what the episode would do."""

    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    baseline_from = fields.AwareDateTime(allow_none=True)
    baseline_to = fields.AwareDateTime(allow_none=True)
    group = fields.Dict(required=True)
    scope_key = fields.String(required=True)
    current = fields.Nested(BacktestEstimateSchema, required=True)
    baseline = fields.Nested(BacktestEstimateSchema, required=True)
    difference = fields.Nested(BacktestEstimateSchema, required=True)
    p_value = FiniteFloat(allow_none=True)
    firing = fields.Boolean(required=True)
    reason = fields.String(required=True)
    reason_code = fields.String(load_default="", metadata={
        "description": "the reason as a word: too_few, no_estimate, small_change, not_significant, dropped, "
                       "below_target, not_below_target"})
    reason_values = fields.Dict(load_default=dict, metadata={"description": "the numbers the reason names"})
    decided_at = fields.AwareDateTime(required=True, metadata={"description": "when the worker decides it: end + settle"})
    episode = fields.String(required=True, validate=validate.OneOf(EPISODE_ACTIONS),
                            metadata={"description": "open, keep (still firing), resolve, or none"})
    notice = fields.String(allow_none=True, validate=validate.OneOf(NOTICE_KINDS),
                           metadata={"description": "the notice the worker would send at that decision (none while "
                                                    "cooldown runs); repeats between decisions are not listed"})


class BacktestReplySchema(ReplySchema):
    """``POST /v1/subscriptions/backtest``: every decided window, oldest first, and the count of firings."""

    metric = fields.String(required=True)
    rule = fields.Dict(required=True)
    window = fields.String(required=True)
    from_ = fields.AwareDateTime(data_key="from", required=True)
    to = fields.AwareDateTime(required=True)
    windows = fields.List(fields.Nested(BacktestWindowSchema), required=True)
    decided_windows = fields.Integer(required=True)
    firings = fields.Integer(required=True, metadata={"description": "windows (per group) the rule fires on"})
    episodes_opened = fields.Integer(required=True)
