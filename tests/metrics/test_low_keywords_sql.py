"""The low-score keywords of an explanation, counted in SQL, are exactly what the VOC analysis of the
shipped comments gives (the way they were computed before): same counts, shares, tests and examples.

Checked on the demo's delivery responses (Korean and English, a real spread of comment texts) and on
comments stored without keywords (a language without a tokenizer, tokenized at read time).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.metrics.analytics.low_comments import (
    MAX_EXAMPLES,
    MAX_KEYWORDS,
    _cell_args,
    low_score_keywords,
    low_values,
)
from services.metrics.models.responses import ResponseComment, ScoreAnswer
from services.metrics.scores.keywords import MAX_COMMENTS
from services.metrics.scores.query import filter_conditions
from services.metrics.scores.reports import scope_from_args
from services.metrics.voc.keywords import CURRENT, PREVIOUS, Comment, analyze_keywords
from services.metrics.voc.tokenize import keywords_of
from shared.contracts.scores import CompareQueryArgsSchema
from tests.metrics.demo_support import DIP, demo_data, post_responses


def shipped_low_score_keywords(session: Session, args: dict[str, Any], group: dict[str, str | None], *,
                               metric: str, current: tuple[datetime, datetime],
                               baseline: tuple[datetime, datetime]) -> dict[str, Any]:
    """The analysis as it was: every low comment shipped and fed to ``analyze_keywords``."""
    values, label = low_values(metric)
    scope = scope_from_args(_cell_args(args, group), metrics=(metric,), start=baseline[0], end=current[1])
    low_answer = select(ScoreAnswer.id).where(ScoreAnswer.response_id == ResponseComment.response_id,
                                              ScoreAnswer.metric == metric, ScoreAnswer.value.in_(values)).exists()
    in_range = [ResponseComment.answered_at >= baseline[0], ResponseComment.answered_at < current[1],
                *filter_conditions(scope, ResponseComment)]
    query = (select(ResponseComment.response_id, ResponseComment.text, ResponseComment.keywords,
                    ResponseComment.answered_at)
             .where(*in_range, low_answer).order_by(ResponseComment.answered_at.desc()).limit(MAX_COMMENTS))
    known: dict[str, list[str]] = {}
    comments = []
    for row in session.execute(query):
        if baseline[1] <= row.answered_at < current[0]:
            continue
        known[row.text] = row.keywords
        period = CURRENT if row.answered_at >= current[0] else PREVIOUS
        comments.append(Comment(comment_id=row.response_id, text=row.text, group="low", period=period, lang="low"))
    for period, (start, end) in ((CURRENT, current), (PREVIOUS, baseline)):
        others = session.scalar(select(func.count()).select_from(ResponseComment).where(
            *in_range, ~low_answer, ResponseComment.answered_at >= start, ResponseComment.answered_at < end))
        comments.extend([Comment(comment_id=None, text="-", group="low", period=period, lang="other")] * int(others))

    def low_keywords(text: str, lang: str | None) -> list[str]:
        return (known.get(text) or keywords_of(text, None)) if lang == "low" else []

    report = analyze_keywords(comments, groups=["low"], top_k=1, max_rising=MAX_KEYWORDS,
                              max_examples=MAX_EXAMPLES, tokenizer=low_keywords)
    [result] = report.groups
    rising = [{"keyword": k.keyword, "count": k.count, "previous_count": k.previous_count, "share": k.share,
               "previous_share": k.previous_share, "ratio": k.ratio, "ratio_ci_low": k.ratio_ci_low,
               "q_value": k.q_value,
               "examples": [{"response_id": str(e.comment_id), "text": e.text} for e in k.examples]}
              for k in result.rising]
    return {"low_scores": label, "n_comments": result.n_comments, "n_previous_comments": result.n_previous_comments,
            "method": report.method, "rising": rising}


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(DIP[1]))
    service.http = service.client()
    post_responses(service.http, service.key_for("service"),
                   [r for r in demo_data().records if r["touchpoint"] in ("delivery", "support")])
    return service


@pytest.mark.parametrize("group", [{}, {"attr.carrier": "스피드로지"}, {"attr.carrier": "한빛택배"}])
@pytest.mark.parametrize("metric", ["csat", "nps"])
def test_sql_counts_give_the_shipped_analysis(metrics, metric, group):
    args = CompareQueryArgsSchema().load({"metric": metric, "window": "30d", "to": DIP[1].isoformat()})
    current, baseline = (DIP[0], DIP[1]), (DIP[0] - timedelta(days=30), DIP[0])
    with Session(metrics.connection) as session:
        expected = shipped_low_score_keywords(session, args, group, metric=metric, current=current, baseline=baseline)
        found = low_score_keywords(session, args, group, metric=metric, current=current, baseline=baseline)
    assert expected["n_comments"] > 10, expected
    if not group:
        assert expected["rising"] and all(k["examples"] for k in expected["rising"]), expected
    assert found == expected


def test_comments_stored_without_keywords_are_tokenized_as_before(metrics):
    metrics.connection.execute(ResponseComment.__table__.update()
                               .where(ResponseComment.response_id.like("%1-delivered"))
                               .values(keywords=[]))
    args = CompareQueryArgsSchema().load({"metric": "csat", "window": "30d", "to": DIP[1].isoformat()})
    current, baseline = (DIP[0], DIP[1]), (DIP[0] - timedelta(days=30), DIP[0])
    with Session(metrics.connection) as session:
        expected = shipped_low_score_keywords(session, args, {}, metric="csat", current=current, baseline=baseline)
        found = low_score_keywords(session, args, {}, metric="csat", current=current, baseline=baseline)
    assert found == expected
