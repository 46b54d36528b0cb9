"""What a response becomes for metrics (every version) and notifier (its low score, then corrections).

Messages are written to the outbox in the caller's transaction; the worker delivers them. The
ordering key keeps a response's versions in order; metrics keeps the newest version, and notifier
keeps the newest revision of a response's signal (``settle_signal`` holds the policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.common.outbox import enqueue, queued
from services.survey.models import PLATFORM
from services.survey.models.responses import Response
from services.survey.responding.summary import keep_summary
from services.survey.survey_definition import text_in
from services.survey.webhooks.emission import emit_response_events
from shared.channels import ResponseChannel
from shared.contracts.responses import ResponseRecordSchema, answered_at
from shared.question_types import question_type


@dataclass(frozen=True)
class DownstreamSettings:
    """Where links point and which scores are low (a score at or below the threshold is low)."""

    public_base_url: str
    low_scores: dict[str, int]
    signal_settle: timedelta = timedelta(minutes=15)


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
        "channel": ResponseChannel.of_invitation(response.channel),
        "customer_id": response.customer_id, "invitation_id": None if response.invitation_id is None else str(response.invitation_id),
        "event_type": response.event_type, "event_at": response.event_at, "lang": response.lang,
        "attributes": response.attributes or {}, "completed": response.completed,
        "created_at": response.created_at, "updated_at": response.updated_at,
        "completed_at": response.completed_at, "answers": answer_items(response, definition),
        "excluded": bool(response.excluded),
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
                    settings: DownstreamSettings, now: datetime, confirmed: bool) -> None:
    """Queue the response's current version for metrics, and settle its low-score signal.

    ``confirmed`` says that the customer acted on the page (a form POST); a link click (a GET, which
    mail scanners make too) is not, so its low score waits (see ``settle_signal``). Callers hold the
    response's row lock.
    """
    record = queue_for_metrics(session, response, definition, now=now)
    settle_signal(session, response, record, settings=settings, now=now, confirmed=confirmed,
                  definition=definition)
    emit_response_events(session, response, record, now=now)  # response webhooks, same transaction


def queue_for_metrics(session: Session, response: Response, definition: dict[str, Any], *,
                      now: datetime) -> dict[str, Any]:
    """Queue the response's current version for metrics (refused, 422, if metrics would refuse it)."""
    record = current_record(response, definition)
    keep_summary(response, record["answers"])  # the inbox's score and comment follow every version
    enqueue(session, PLATFORM, topic="response", destination="metrics", payload=record, now=now,
            idempotency_key=f"response:{response.id}:v{response.version}",
            ordering_key=f"response:{response.id}")
    return record


def current_record(response: Response, definition: dict[str, Any]) -> dict[str, Any]:
    """The response's current version as the contract's JSON, refused (422) if metrics would refuse it."""
    record = _RECORD.dump(response_record(response, definition))
    _check_contract(record)
    return record


def settle_signal(session: Session, response: Response, record: dict[str, Any], *,
                  settings: DownstreamSettings, now: datetime, confirmed: bool,
                  definition: dict[str, Any] | None = None) -> None:
    """The one policy for low scores that come from links with effects.

    - No signal sent yet: a confirmed low score (form POST, or the settle time passed) is signalled
      at once; an unconfirmed one (link click) is due ``settings.signal_settle`` after the last
      answer, and every later answer moves that time; a score that is no longer low is not due.
    - A signal was sent: a change of the signalled score (or a new low answer in its place) sends a
      correction at once, the next revision, which notifier applies to the stored signal and its
      notices. A withdrawn answer sends nothing: the notice stands until an answer replaces it.
    """
    low = low_score(record["answers"], settings.low_scores)
    sent = response.signalled
    if sent is None:
        if low is None or queued(session, PLATFORM, f"signal:{response.id}"):  # sent before revisions
            response.signal_due_at = None
        elif confirmed:
            _send_signal(session, response, record, low, revision=1, settings=settings, now=now,
                         definition=definition)
        else:
            response.signal_due_at = now + settings.signal_settle
        return
    current = low or next((i for i in record["answers"] if i["question_key"] == sent["question_key"]
                           and i["value"] is not None), None)
    if current is None or (current["question_key"], current["value"]) == (sent["question_key"], sent["score"]):
        return
    _send_signal(session, response, record, current, revision=sent["revision"] + 1, settings=settings,
                 now=now, low=low is not None, definition=definition)


def signal_labels(definition: dict[str, Any] | None, record: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """The survey's title and the answered questions' text and choice labels in the response's language,
    so that a notice shows "late; damaged" rather than choice keys."""
    if definition is None:
        return {}
    language = lang or definition["default_language"]
    answered = {item["question_key"] for item in record["answers"]}
    questions = {question["key"]: {"text": text_in(question["text"], language, definition)[:2000],
                                   "choices": {choice["key"]: text_in(choice["label"], language, definition)[:500]
                                               for choice in question.get("choices") or []}}
                 for question in definition["questions"] if question["key"] in answered}
    return {"questions": questions, "survey_title": text_in(definition.get("title"), language, definition)[:500]}


def _send_signal(session: Session, response: Response, record: dict[str, Any], answer: dict[str, Any], *,
                 revision: int, settings: DownstreamSettings, now: datetime, low: bool = True,
                 definition: dict[str, Any] | None = None) -> None:
    comment = next((i["text"] for i in record["answers"] if i["type"] == "text" and i["text"]), None)
    signal = {"response_id": response.id, "survey_id": record["survey_id"],
              "survey_version": response.survey_version, "touchpoint": response.touchpoint,
              "channel": record["channel"], "customer_id": response.customer_id, "metric": answer["type"],
              "score": answer["value"], "comment": comment, "answers": record["answers"],
              "lang": response.lang, "attributes": record["attributes"],
              "answered_at": answered_at(record), "revision": revision, "low": low,
              "link": f"{settings.public_base_url.rstrip('/')}/v1/responses/{response.id}",
              **signal_labels(definition, record, response.lang)}
    key = f"signal:{response.id}" if revision == 1 else f"signal:{response.id}:r{revision}"
    enqueue(session, PLATFORM, topic="signal", destination="notifier", payload=signal, now=now,
            idempotency_key=key, ordering_key=f"signal:{response.id}")  # a correction never overtakes
    response.signalled = {"metric": answer["type"], "question_key": answer["question_key"],
                          "score": answer["value"], "revision": revision}
    response.signal_due_at = None
