"""Reading responses back: filters, cursor pages, and the rows of a CSV export."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError, NotFoundError
from services.survey.models import SurveyVersion
from services.survey.models.responses import Response
from services.survey.responding.downstream import response_record
from services.survey.responding.inbox_query import apply_inbox_filters
from services.survey.responding.triage import triage_of
from shared.json_policy import load_json
from shared.personal_data import Disclosure

CSV_FIXED = ("response_id", "survey_id", "survey_version", "customer_id", "touchpoint", "channel", "lang",
             "completed", "created_at", "completed_at")


def encode_cursor(response: Response, *, newest: bool = False) -> str:
    """An opaque cursor after ``response`` in (updated_at, id) order, or (created_at, id) newest first."""
    stamp = response.created_at if newest else response.updated_at
    raw = json.dumps([stamp.isoformat(), response.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, response_id = load_json(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:  # every cursor this API gives out carries its offset
            raise ValueError("naive time in cursor")
        return moment, str(response_id)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidInputError("invalid cursor", errors={"cursor": ["not a cursor from a previous page"]}) from exc


def _definitions(session: Session, responses: list[Response]) -> dict[tuple[int, int], dict]:
    keys = {(r.survey_id, r.survey_version) for r in responses}
    found: dict[tuple[int, int], dict] = {}
    for survey_id, version in keys:
        row = session.get(SurveyVersion, (survey_id, version))
        found[(survey_id, version)] = row.definition if row else {"questions": []}
    return found


def _visible(record: dict[str, Any], disclosure: Disclosure | None) -> dict[str, Any]:
    if disclosure is not None:
        record["attributes"] = disclosure.attributes(record["attributes"])
    return record


def _listed(session: Session, rows: list[Response], disclosure: Disclosure | None, *,
            with_notes: bool = False) -> list[dict[str, Any]]:
    """The responses in the listed form: record, triage and summary."""
    definitions = _definitions(session, rows)
    triage = triage_of(session, rows, with_notes=with_notes)
    return [{**_visible(response_record(r, definitions[(r.survey_id, r.survey_version)]), disclosure),
             "triage": triage[r.id],
             "summary": {"score_metric": r.score_metric, "score": r.score, "comment": r.comment}}
            for r in rows]


def _ordered(args: dict[str, Any]) -> Select:
    if args.get("order") == "newest":
        query = select(Response).order_by(Response.created_at.desc(), Response.id.desc())
        if args.get("cursor"):
            stamp, last_id = _decode_cursor(args["cursor"])
            query = query.where(or_(Response.created_at < stamp,
                                    and_(Response.created_at == stamp, Response.id < last_id)))
        return query
    query = select(Response).order_by(Response.updated_at, Response.id)
    if args.get("cursor"):
        stamp, last_id = _decode_cursor(args["cursor"])
        query = query.where(or_(Response.updated_at > stamp,
                                and_(Response.updated_at == stamp, Response.id > last_id)))
    return query


def list_responses(session: Session, args: dict[str, Any], *,
                   disclosure: Disclosure | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of responses (listed form: record, triage, summary) and the next cursor; personal attributes only for
    callers whose ``disclosure`` allows them (default: everything)."""
    query = _ordered(args).limit(args["limit"] + 1)
    if args.get("survey"):
        query = query.where(Response.survey_id == args["survey"])
    if args.get("touchpoint"):
        query = query.where(Response.touchpoint == args["touchpoint"])
    if args.get("customer"):
        query = query.where(Response.customer_id == args["customer"])
    if args.get("completed") is not None:
        query = query.where(Response.completed.is_(args["completed"]))
    if args.get("created_since"):
        query = query.where(Response.created_at >= args["created_since"])
    if args.get("created_until"):
        query = query.where(Response.created_at < args["created_until"])
    if args.get("updated_since"):
        query = query.where(Response.updated_at >= args["updated_since"])
    query = apply_inbox_filters(query, args, disclosure)
    rows = list(session.scalars(query))
    more = len(rows) > args["limit"]
    rows = rows[: args["limit"]]
    cursor = encode_cursor(rows[-1], newest=args.get("order") == "newest") if more and rows else None
    return _listed(session, rows, disclosure), cursor


def get_response(session: Session, response_id: str, *, disclosure: Disclosure | None = None) -> dict[str, Any]:
    """One response in the listed form with its notes (attributes as ``disclosure`` allows); ``NotFoundError`` when unknown."""
    response = session.get(Response, response_id)
    if response is None:
        raise NotFoundError(f"no response {response_id}")
    return _listed(session, [response], disclosure, with_notes=True)[0]


def csv_rows(records: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns (fixed ones, then one per question in first-seen order) and rows of an export."""
    questions: list[str] = []
    for record in records:
        for answer in record["answers"]:
            if answer["question_key"] not in questions:
                questions.append(answer["question_key"])
    rows = []
    for record in records:
        by_key = {}
        for answer in record["answers"]:
            value = answer["value"] if answer["value"] is not None else answer["text"]
            if value is None:
                value = ";".join(answer["choices"])
            by_key[answer["question_key"]] = value
        fixed = [record[c].isoformat() if isinstance(record[c], datetime) else record[c] for c in CSV_FIXED]
        rows.append(fixed + [by_key.get(q) for q in questions])
    return [*CSV_FIXED, *questions], rows
