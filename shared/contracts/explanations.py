"""Why a score changed: the ``explanation`` of a significant ``GET /v1/scores/compare?explain=<grouping>`` cell."""

from __future__ import annotations

from marshmallow import fields

from shared.contracts.base import ReplySchema
from shared.contracts.drivers import IntervalSchema
from shared.contracts.fields import FiniteFloat

SHIFT_SHARE_HELP = ("per segment g with answer shares w0, w1 and scores s0, s1 (baseline, current) and the "
                    "baseline total S0: rate = w0 (s1 - s0), the segment's own score changing; mix = (w1 - w0) "
                    "(s0 - S0), its share of answers changing; interaction = (w1 - w0) (s1 - s0), both at once, "
                    "reported on its own and counted in the segment's total = rate + mix + interaction. The "
                    "totals of all segments add up to the change exactly. A segment new in the current window "
                    "takes s0 = S0; one gone from it takes s1 = s0")


class ContributionSchema(ReplySchema):
    """One segment's part of the change, in the score's units (NPS points, CSAT percent, CES mean)."""

    segment = fields.String(allow_none=True, required=True)
    rank = fields.Integer(required=True, metadata={"description": "1 = pushed the score furthest in the "
                                                                  "direction of the change"})
    baseline_share = fields.Float(required=True, metadata={"description": "share of the baseline's answers"})
    current_share = fields.Float(required=True)
    baseline_score = FiniteFloat(allow_none=True, metadata={"description": "null: no answers in that window"})
    current_score = FiniteFloat(allow_none=True)
    baseline_n = fields.Integer(required=True)
    current_n = fields.Integer(required=True)
    rate = fields.Nested(IntervalSchema, required=True)
    mix = fields.Nested(IntervalSchema, required=True)
    interaction = fields.Nested(IntervalSchema, required=True)
    total = fields.Nested(IntervalSchema, required=True)


class KeywordExampleSchema(ReplySchema):
    """A comment that mentions a keyword."""

    response_id = fields.String(required=True)
    text = fields.String(required=True)


class RisingLowKeywordSchema(ReplySchema):
    """A keyword whose share of low-score comments rose from the baseline to the current window."""

    keyword = fields.String(required=True)
    count = fields.Integer(required=True)
    previous_count = fields.Integer(required=True)
    share = fields.Float(required=True)
    previous_share = fields.Float(required=True)
    ratio = fields.Float(required=True)
    ratio_ci_low = fields.Float(required=True)
    q_value = fields.Float(required=True)
    examples = fields.List(fields.Nested(KeywordExampleSchema), required=True)


class LowScoreKeywordsSchema(ReplySchema):
    """Keywords of low-score comments that became more frequent (the test of ``GET /v1/voc/keywords``).

    A keyword's ``share`` is the cell's comments that came with a low score and mention it, over all the
    cell's comments of the window; ``n_comments`` counts all of them."""

    low_scores = fields.String(required=True, metadata={"description": "which answers count as low"})
    n_comments = fields.Integer(required=True)
    n_previous_comments = fields.Integer(required=True)
    method = fields.String(required=True)
    rising = fields.List(fields.Nested(RisingLowKeywordSchema), required=True)


class ExplanationSchema(ReplySchema):
    """A significant change split into segment contributions (shift-share), and the keywords that rose."""

    grouping = fields.String(required=True)
    method = fields.String(required=True, metadata={"description": SHIFT_SHARE_HELP})
    interval_method = fields.String(required=True)
    resamples = fields.Integer(required=True)
    confidence = fields.Float(required=True)
    baseline_score = FiniteFloat(allow_none=True, metadata={"description": "unadjusted mean score of the window"})
    current_score = FiniteFloat(allow_none=True)
    change = fields.Nested(IntervalSchema, required=True, metadata={"description": "current - baseline, "
                                                                                  "unadjusted; the totals add up to it"})
    contributions = fields.List(fields.Nested(ContributionSchema), required=True)
    keywords = fields.Nested(LowScoreKeywordsSchema, allow_none=True, load_default=None)
