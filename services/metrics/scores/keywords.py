"""Use case behind ``GET /v1/voc/keywords``: frequent and rising keywords per group."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.models.responses import ResponseComment
from services.metrics.scores.disclosure import check_personal_scope
from services.metrics.scores.query import filter_conditions, unmatched_filters
from services.metrics.scores.reports import resolve_moment, scope_from_args
from services.metrics.voc.keywords import Comment, analyze_keywords
from services.metrics.voc.tokenize import MAX_TEXT_CHARS, keywords_of
from shared.personal_data import Disclosure

MAX_COMMENTS = 200_000  # newest first; keeps memory bounded on huge ranges


def keyword_report(session: Session, args: dict[str, Any], *, now: datetime,
                   disclosure: Disclosure | None = None) -> dict[str, Any]:
    """Top and rising keywords of [from, to) against the equally long window before it.

    ``disclosure`` (default: everything) refuses segment filters on personal attributes.
    """
    check_personal_scope(args, disclosure or Disclosure.full())
    end = resolve_moment(args.get("to"), args["tz"], now)
    start = resolve_moment(args.get("from_"), args["tz"], end - timedelta(days=30))
    if start >= end:
        raise InvalidInputError("'from' must be before 'to'", errors={"from": ["must be before 'to'"]})
    previous_start = start - (end - start)
    scope = scope_from_args(args, metrics=(), start=previous_start, end=end)
    query = (select(ResponseComment.response_id, ResponseComment.text, ResponseComment.keywords,
                    ResponseComment.nps_group, ResponseComment.csat_group, ResponseComment.touchpoint,
                    ResponseComment.answered_at)
             .where(ResponseComment.answered_at >= previous_start, ResponseComment.answered_at < end)
             .order_by(ResponseComment.answered_at.desc()).limit(MAX_COMMENTS))
    query = query.where(*filter_conditions(scope, ResponseComment))
    known: dict[str, list[str]] = {}
    comments = []
    for row in session.execute(query):
        label = {"nps": row.nps_group, "csat": row.csat_group, "none": "all"}[args["split"]]
        if label is None:
            continue
        group = (row.touchpoint, label) if args["by_touchpoint"] else (label,)
        known[row.text.strip()[:MAX_TEXT_CHARS]] = row.keywords
        answered_at = row.answered_at if row.answered_at.tzinfo else row.answered_at.replace(tzinfo=start.tzinfo)
        comments.append(Comment(comment_id=row.response_id, text=row.text, group=group,
                                period="current" if answered_at >= start else "previous"))

    def stored_keywords(text: str, lang: str | None) -> list[str]:
        return known.get(text) or keywords_of(text, lang)

    report = analyze_keywords(comments, top_k=args["top_k"], max_examples=args["examples"],
                              min_count=args["min_count"], alpha=args["alpha"],
                              tokenizer=stored_keywords)
    names = ("touchpoint", "group") if args["by_touchpoint"] else ("group",)
    groups = []
    for result in report.groups:
        item = asdict(result)
        item["group"] = dict(zip(names, result.group, strict=True))
        for entry in item["top"] + item["rising"]:
            entry["examples"] = [{"response_id": e["comment_id"], "text": e["text"]} for e in entry["examples"]]
        groups.append(item)
    return {"from_": start, "to": end, "previous_from": previous_start, "method": report.method,
            "groups": groups, "unmatched": unmatched_filters(session, scope, ResponseComment)}
