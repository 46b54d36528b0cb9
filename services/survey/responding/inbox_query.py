"""The inbox's filters on ``GET /v1/responses``: status, tag, excluded, main score range, comment
present or containing text, and segments of the customer's attributes at answer time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from services.common.exceptions import InvalidInputError
from services.survey.models.responses import Response, ResponseTag
from shared.personal_data import Disclosure


def apply_inbox_filters(query: Select, args: dict[str, Any], disclosure: Disclosure | None) -> Select:
    """``query`` narrowed by the inbox's filters (422 for a personal attribute the caller may not filter by)."""
    if args.get("status"):
        query = query.where(Response.triage_status == args["status"])
    if args.get("tag"):
        query = query.where(exists(select(ResponseTag.response_id).where(
            ResponseTag.response_id == Response.id, ResponseTag.tag == " ".join(args["tag"].split()))))
    if args.get("excluded") is not None:
        query = query.where(Response.excluded.is_(bool(args["excluded"])))
    if args.get("score_min") is not None:
        query = query.where(Response.score >= args["score_min"])
    if args.get("score_max") is not None:
        query = query.where(Response.score <= args["score_max"])
    if args.get("has_comment") is not None:
        query = query.where(Response.comment.is_not(None) if args["has_comment"] else Response.comment.is_(None))
    if args.get("q"):
        query = query.where(Response.comment.icontains(args["q"].strip(), autoescape=True))
    return _segments(query, args.get("segment") or [], disclosure)


def _segments(query: Select, segments: list[str], disclosure: Disclosure | None) -> Select:
    if disclosure is not None and (errors := disclosure.scope_errors([], segments)):
        raise InvalidInputError("personal attributes may not be filtered by with this role", errors=errors)
    for segment in segments:
        name, _, value = segment.partition(":")
        query = query.where(Response.attributes[name].as_string() == value)
    return query
