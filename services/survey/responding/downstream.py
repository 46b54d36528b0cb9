"""What a response becomes for metrics (every version) and notifier (the first low score, once).

Messages are written to the outbox in the caller's transaction; the worker delivers them. The
ordering key keeps a response's versions in order; metrics keeps the newest version, and notifier
stores a signal once per response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.common.outbox import enqueue, queued
from services.survey.models import PLATFORM
from services.survey.models.responses import Response
from shared.contracts.responses import ResponseRecordSchema, answered_at
from shared.question_types import question_type


@dataclass(frozen=True)
class DownstreamSettings:
    """Where links point and which scores are low (a score at or below the threshold is low)."""

    public_base_url: str
    low_scores: dict[str, int]


_RECORD = ResponseRecordSchema()


def answer_items(response: Response, definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The response's answers in the shared contract's form, in question order."""
    return [question_type(question["type"]).contract_item(question, response.answers[question["key"]])
            for question in definition["questions"] if question["key"] in response.answers]


def response_record(response: Response, definition: dict[str, Any]) -> dict[str, Any]:
    """The response's current version in the ``ResponseRecordSchema`` shape (datetimes as objects)."""
    return {
        "response_id": response.id, "version": response.version, "survey_id": str(response.survey_id),
        "survey_version": response.survey_version, "touchpoint": response.touchpoint,
        "channel": response.channel if response.channel in ("email", "webhook", "in_app") else "link",
        "customer_id": response.customer_id, "invitation_id": str(response.invitation_id),
        "event_type": response.event_type, "event_at": response.event_at, "lang": response.lang,
        "attributes": response.attributes or {}, "completed": response.completed,
        "created_at": response.created_at, "updated_at": response.updated_at,
        "completed_at": response.completed_at, "answers": answer_items(response, definition),
    }


def _check_contract(record: dict[str, Any]) -> None:
    """Refuse (422, so the caller's transaction rolls back) a version the receiver would refuse.

    The page checks answers first; this is the last layer, so nothing that would go dead in the
    outbox is ever stored or queued.
    """
    problems = _RECORD.validate(record)
    if problems:
        raise InvalidInputError("the response does not fit the response contract", errors=problems)


def low_score(items: list[dict[str, Any]], thresholds: dict[str, int]) -> dict[str, Any] | None:
    """The first NPS/CSAT/CES answer at or below its threshold, if any."""
    return next((i for i in items if i["type"] in thresholds and i["value"] is not None
                 and i["value"] <= thresholds[i["type"]]), None)


def send_downstream(session: Session, response: Response, definition: dict[str, Any], *,
                    settings: DownstreamSettings, now: datetime) -> None:
    """Queue the response's current version for metrics, and a signal the first time it holds a low score.

    The signal goes at once, even for a partial response (a one-click 2 from the email that the
    customer never completes is exactly the unhappy customer a team lead must hear about); it is sent
    once per response, so a comment written afterwards is seen through the signal's link.
    """
    record = _RECORD.dump(response_record(response, definition))
    _check_contract(record)
    enqueue(session, PLATFORM, topic="response", destination="metrics", payload=record, now=now,
            idempotency_key=f"response:{response.id}:v{response.version}",
            ordering_key=f"response:{response.id}")
    low = low_score(record["answers"], settings.low_scores)
    key = f"signal:{response.id}"
    if low is None or queued(session, PLATFORM, key):  # callers hold the response's row lock
        return
    comment = next((i["text"] for i in record["answers"] if i["type"] == "text" and i["text"]), None)
    signal = {"response_id": response.id, "survey_id": record["survey_id"],
              "survey_version": response.survey_version, "touchpoint": response.touchpoint,
              "channel": record["channel"], "customer_id": response.customer_id, "metric": low["type"],
              "score": low["value"], "comment": comment, "answers": record["answers"],
              "lang": response.lang, "attributes": record["attributes"],
              "answered_at": answered_at(record),
              "link": f"{settings.public_base_url.rstrip('/')}/v1/responses/{response.id}"}
    enqueue(session, PLATFORM, topic="signal", destination="notifier", payload=signal, now=now,
            idempotency_key=key)

