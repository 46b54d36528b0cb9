"""The keywords that rose among the comments of low scores, for an explained compare cell."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.metrics.analytics.low_keyword_sql import low_keyword_counts, window_totals
from services.metrics.models.responses import ResponseComment, ScoreAnswer
from services.metrics.scores.metric_defs import METRICS
from services.metrics.scores.query import filter_conditions
from services.metrics.scores.reports import scope_from_args
from services.metrics.voc.groups import csat_group, nps_group
from services.metrics.voc.keywords import CURRENT, PREVIOUS, keyword_report_from_counts

MAX_KEYWORDS = 5
MAX_EXAMPLES = 2


def low_values(metric: str) -> tuple[list[int], str]:
    """The answers that count as low, and how to say so: NPS detractors, unsatisfied CSAT, CES below the middle."""
    definition = METRICS[metric]
    values = range(definition.low, definition.high + 1)
    if metric == "nps":
        return [v for v in values if nps_group(v) == "detractor"], "nps detractors (0-6)"
    if metric == "csat":
        return [v for v in values if csat_group(v) == "unsatisfied"], "csat unsatisfied (1-3)"
    middle = (definition.low + definition.high) / 2
    low = [v for v in values if v < middle]
    return low, f"ces {low[0]}-{low[-1]}"


def _cell_args(args: dict[str, Any], group: dict[str, str | None]) -> dict[str, Any]:
    """The compare's filters narrowed to one cell's group values."""
    narrowed = {**args, "segment": list(args.get("segment", []))}
    for name, value in group.items():
        if name.startswith("attr."):
            narrowed["segment"].append(f"{name[5:]}:{value}")
        else:
            narrowed[name] = [value]
    return narrowed


def low_score_keywords(session: Session, args: dict[str, Any], group: dict[str, str | None], *, metric: str,
                       current: tuple[datetime, datetime], baseline: tuple[datetime, datetime]) -> dict[str, Any]:
    """Keywords whose low-score mentions rose in ``current`` against ``baseline``, with example comments.

    A keyword's share is the comments of low-score answers that mention it over *all* the cell's comments
    of the window, so it rises when such complaints become more frequent, whether because there are
    more low scores or because low scores talk about something new. Counted in SQL
    (``low_keyword_sql``): the VOC analysis of the same comments, without shipping them.
    """
    values, label = low_values(metric)
    scope = scope_from_args(_cell_args(args, group), metrics=(metric,), start=baseline[0], end=current[1])
    # a response's scores and comments share its answered_at: the range lets the index find the scores
    low_answer = select(ScoreAnswer.id).where(ScoreAnswer.response_id == ResponseComment.response_id,
                                              ScoreAnswer.metric == metric, ScoreAnswer.value.in_(values),
                                              ScoreAnswer.answered_at >= baseline[0],
                                              ScoreAnswer.answered_at < current[1]).exists()
    in_range = [ResponseComment.answered_at >= baseline[0], ResponseComment.answered_at < current[1],
                *filter_conditions(scope, ResponseComment)]
    counts = low_keyword_counts(session, in_range=in_range, low_answer=low_answer, current=current,
                                baseline=baseline, max_examples=MAX_EXAMPLES)
    if counts.truncated:  # more low comments than read: count the others exactly (anti-join)
        others = {period: int(session.scalar(select(func.count()).select_from(ResponseComment).where(
            *in_range, ~low_answer, ResponseComment.answered_at >= start, ResponseComment.answered_at < end)) or 0)
            for period, (start, end) in ((CURRENT, current), (PREVIOUS, baseline))}
    else:
        totals = window_totals(session, in_range=in_range, current=current, baseline=baseline)
        others = {period: totals[period] - counts.n_low[period] for period in (CURRENT, PREVIOUS)}
    n_comments = {period: counts.n_low[period] + others[period] for period in (CURRENT, PREVIOUS)}
    report = keyword_report_from_counts("low", mentions=counts.mentions, n_comments=n_comments,
                                        examples=counts.examples(MAX_EXAMPLES), top_k=1,
                                        max_rising=MAX_KEYWORDS, max_examples=MAX_EXAMPLES)
    [result] = report.groups
    rising = [{"keyword": k.keyword, "count": k.count, "previous_count": k.previous_count, "share": k.share,
               "previous_share": k.previous_share, "ratio": k.ratio, "ratio_ci_low": k.ratio_ci_low,
               "q_value": k.q_value,
               "examples": [{"response_id": str(e.comment_id), "text": e.text} for e in k.examples]}
              for k in result.rising]
    return {"low_scores": label, "n_comments": result.n_comments, "n_previous_comments": result.n_previous_comments,
            "method": report.method, "rising": rising}
