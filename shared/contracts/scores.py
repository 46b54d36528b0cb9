"""Scores with confidence intervals: ``GET /v1/scores`` and ``GET /v1/scores/compare``."""

from __future__ import annotations

import re
from datetime import timedelta

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.estimates import EstimateSchema
from shared.contracts.explanations import ExplanationSchema
from shared.contracts.fields import CommaList, Duration, FiniteFloat, Moment, TimeZoneName
from shared.contracts.ranges import deprecated_metadata, use_current_name
from shared.question_types import SCORE_METRICS as METRICS

GROUPS = ("period", "touchpoint", "survey", "question", "channel", "dimension", "driver")
PERIODS = ("day", "week", "month")
COMPARE_TESTS = ("pooled", "unpooled")
#: the count of answers per window: a compare metric besides the scores, counting the answers of ``volume_of``
VOLUME = "volume"
COMPARE_METRICS = (*METRICS, VOLUME)
ATTRIBUTE_GROUP = re.compile(r"^attr\.[A-Za-z0-9_\-]{1,64}$")
SEGMENT_FILTER = re.compile(r"^[A-Za-z0-9_\-]{1,64}:.{1,200}$")
MIN_CELL_HELP = ("for roles without personal-data access (analyst, team_lead, finance): attribute-grouped "
                 "cells with fewer answers than this were merged into one cell whose attribute values read "
                 "'(other)'; null when no minimum applied")


UNMATCHED_HELP = ("filter values that no answer in the queried time range carries, per filter "
                  "(segment values as attribute:value); empty when every value matched something")
PARTIAL_HELP = "the period is only partly inside the queried range: not over yet, or cut by `from` or `to`"


def unmatched_field() -> fields.Dict:
    """The ``unmatched`` member of a report reply (scores, compare, keywords)."""
    return fields.Dict(keys=fields.String(), values=fields.List(fields.String()), load_default=dict,
                       metadata={"description": UNMATCHED_HELP})


def _check_group(name: str) -> None:
    if name not in GROUPS and not ATTRIBUTE_GROUP.match(name):
        raise ValidationError(f"unknown group {name!r}; use {', '.join(GROUPS)} or attr.<attribute>")


def _check_segment(text: str) -> None:
    if not SEGMENT_FILTER.match(text):
        raise ValidationError("segment filters look like attribute:value, e.g. region:Seoul")


class ScopeArgsSchema(StrictSchema):
    """Filters shared by scores, comparisons and keywords."""

    touchpoint = CommaList(fields.String(validate=validate.Length(max=64)), load_default=list)
    survey = CommaList(fields.String(validate=validate.Length(max=64)), load_default=list)
    channel = CommaList(fields.String(validate=validate.Length(max=32)), load_default=list)
    question = CommaList(fields.String(validate=validate.Length(max=100)), load_default=list)
    dimension = CommaList(fields.String(validate=validate.Length(max=16)), load_default=list)
    driver = CommaList(fields.String(validate=validate.Length(max=16)), load_default=list)
    segment = fields.List(fields.String(validate=_check_segment), load_default=list,
                          metadata={"description": "attribute:value, repeatable"})


class ScoreQueryArgsSchema(ScopeArgsSchema):
    """``GET /v1/scores`` query."""

    metric = CommaList(fields.String(validate=validate.OneOf(METRICS)), required=True,
                       validate=validate.Length(min=1, max=3),
                       metadata={"description": "nps, csat or ces; several (nps,csat,ces) are computed in one pass"})
    from_ = Moment(data_key="from", load_default=None, metadata={"description": "start (inclusive); default: 90 days before `to`"})
    to = Moment(load_default=None, metadata={"description": "end (exclusive); default: now"})
    group_by = CommaList(fields.String(validate=_check_group), load_default=list,
                           validate=validate.Length(max=4))
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS))
    tz = TimeZoneName(load_default="UTC")
    confidence = fields.Float(load_default=0.95, validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False))
    min_n = fields.Integer(load_default=30, validate=validate.Range(min=0, max=1_000_000))
    method = fields.String(load_default="default", validate=validate.OneOf(["default", "bca", "t"]),
                           metadata={"description": "CES only: default = Dirichlet-Beta interval (covers 93-97% "
                                                    "even for skewed answers at n=30), bca = BCa bootstrap, "
                                                    "t = Student t"})


class CompareQueryArgsSchema(ScopeArgsSchema):
    """``GET /v1/scores/compare`` query."""

    metric = fields.String(required=True, validate=validate.OneOf(COMPARE_METRICS),
                           metadata={"description": "nps, csat, ces, or volume: the number of answers of the "
                                                    "`volume_of` score per window, compared as Poisson counts"})
    volume_of = fields.String(load_default=None, validate=validate.OneOf(METRICS),
                              metadata={"description": "metric=volume only, and required there: the score "
                                                       "(nps, csat or ces) whose answers are counted"})
    window = Duration(load_default=timedelta(days=7))
    end = Moment(data_key="to", load_default=None, metadata={"description": "end of the current window; default now"})
    end_deprecated = Moment(data_key="end", load_default=None, metadata=deprecated_metadata("to"))
    baseline = fields.String(load_default="previous", validate=validate.OneOf(["previous", "last_n", "year_ago"]),
                             metadata={"description": "previous = the window before; last_n = the "
                                                      "`baseline_windows` windows before, pooled; year_ago = the "
                                                      "same local dates one calendar year earlier"})
    baseline_windows = fields.Integer(load_default=4, validate=validate.Range(1, 52))
    group_by = CommaList(fields.String(validate=_check_group), load_default=list,
                           validate=validate.Length(max=3))
    tz = TimeZoneName(load_default="UTC")
    confidence = fields.Float(load_default=0.95, validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False))
    alpha = fields.Float(load_default=0.05, validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False),
                         metadata={"description": "significance level of the test"})
    alternative = fields.String(load_default="two-sided", validate=validate.OneOf(["two-sided", "less", "greater"]))
    test = fields.String(load_default="pooled", validate=validate.OneOf(COMPARE_TESTS),
                         metadata={"description": "the test behind p_value for NPS and CSAT: pooled = score "
                                                  "test with the variance pooled under 'no change' (keeps its "
                                                  "level; what alerts use), unpooled = Wald test with the "
                                                  "interval's standard error. CES always uses Welch's t, "
                                                  "volume the exact conditional binomial test"})
    min_n = fields.Integer(load_default=30, validate=validate.Range(min=0, max=1_000_000))
    explain = fields.String(load_default=None, validate=_check_group,
                            metadata={"description": "a grouping (touchpoint, channel, attr.carrier, ...): each "
                                                     "significant cell gets an `explanation` splitting its change into "
                                                     "that grouping's segment contributions, with the keywords that "
                                                     "rose among its low scores (not for metric=volume; JSON only)"})

    @validates_schema
    def _no_period(self, data, **_kwargs) -> None:
        if "period" in data.get("group_by", []):
            raise ValidationError("compare windows are given by window/to; do not group by period", "group_by")
        if data.get("explain") == "period" or data.get("explain") in data.get("group_by", []):
            raise ValidationError("explain by a grouping other than period and the group_by ones", "explain")
        if data.get("explain") and data.get("metric") == VOLUME:
            raise ValidationError("volume changes are not explained; explain a score", "explain")

    @validates_schema
    def _volume_of(self, data, **_kwargs) -> None:
        if (data.get("metric") == VOLUME) != (data.get("volume_of") is not None):
            raise ValidationError("metric=volume needs volume_of (nps, csat or ces), and only it takes one",
                                  "volume_of")

    @post_load
    def _current_names(self, data, **_kwargs):
        use_current_name(data, "end", current="to", old="end")
        return data


class ScoreCellSchema(EstimateSchema):
    """One group's score."""

    metric = fields.String(required=True)
    group = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    answer_counts = fields.List(fields.Integer(), load_default=None, metadata={
        "description": "how many answers gave each value of the scale, lowest first (NPS 0-10, CSAT 1-5, CES 1-7)"})
    # marshmallow takes declared fields off the class, so this name does not shadow Schema.partial
    partial = fields.Boolean(load_default=None,  # type: ignore[assignment]
                             metadata={"description": PARTIAL_HELP + "; only when grouped by period"})


class SeriesPointSchema(EstimateSchema):
    """One period of a trend line."""

    period = fields.String(required=True)
    partial = fields.Boolean(load_default=False, metadata={"description": PARTIAL_HELP})  # type: ignore[assignment]


class SeriesSchema(ReplySchema):
    """A trend: the periods of one group, in order."""

    metric = fields.String(required=True)
    group = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    points = fields.List(fields.Nested(SeriesPointSchema), required=True)


class ScoresReplySchema(ReplySchema):
    """``GET /v1/scores`` reply."""

    metric = fields.String(required=True, metadata={"description": "the metric(s) asked for, comma-separated"})
    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    tz = fields.String(required=True)
    period = fields.String(allow_none=True)
    group_by = fields.List(fields.String(), required=True)
    confidence = fields.Float(required=True)
    min_n = fields.Integer(required=True)
    min_cell_size = fields.Integer(allow_none=True, load_default=None, metadata={"description": MIN_CELL_HELP})
    cells = fields.List(fields.Nested(ScoreCellSchema), required=True)
    series = fields.List(fields.Nested(SeriesSchema), load_default=list)
    unmatched = unmatched_field()


class WindowSchema(ReplySchema):
    """A time window [from, to)."""

    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)


class CompareCellSchema(ReplySchema):
    """One group's comparison of the current window against the baseline."""

    group = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    current = fields.Nested(EstimateSchema, required=True)
    baseline = fields.Nested(EstimateSchema, required=True)
    difference = fields.Nested(EstimateSchema, required=True)
    p_value = FiniteFloat(allow_none=True)
    test = fields.String(allow_none=True, load_default=None,
                         metadata={"description": "the test p_value comes from: pooled_score_z, wald_z "
                                                  "(NPS), pooled_z, wald_z (CSAT), welch_t (CES) or "
                                                  "conditional_binomial (volume: current and baseline are "
                                                  "answers per window with Garwood's exact interval, the "
                                                  "difference's parts hold the rate ratio with its exact interval)"})
    significant = fields.Boolean(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down", "none"]))
    explanation = fields.Nested(ExplanationSchema, allow_none=True, load_default=None,
                                metadata={"description": "with `explain`: why a significant change happened; "
                                                         "null for cells without a significant change"})


class CompareReplySchema(ReplySchema):
    """``GET /v1/scores/compare`` reply."""

    metric = fields.String(required=True)
    current_window = fields.Nested(WindowSchema, required=True)
    baseline_window = fields.Nested(WindowSchema, required=True)
    baseline = fields.String(required=True)
    alternative = fields.String(required=True)
    test = fields.String(load_default="pooled", metadata={"description": "the test asked for"})
    volume_of = fields.String(allow_none=True, load_default=None,
                              metadata={"description": "metric=volume: the score whose answers are counted"})
    alpha = fields.Float(required=True)
    confidence = fields.Float(required=True)
    group_by = fields.List(fields.String(), required=True)
    explain = fields.String(allow_none=True, load_default=None, metadata={"description": "the grouping asked for"})
    cells = fields.List(fields.Nested(CompareCellSchema), required=True)
    min_cell_size = fields.Integer(allow_none=True, load_default=None, metadata={"description": MIN_CELL_HELP})
    unmatched = unmatched_field()
