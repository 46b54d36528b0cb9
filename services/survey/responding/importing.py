"""Importing responses given before cxloop (another survey tool's export, the demo's history).

Each record is in the response contract's form and is checked on its own: against the contract, then
against the published survey version it names (every answer must be to one of its questions, of that
question's type). An accepted record becomes a response without an invitation and is queued for
metrics like any other version; an id already present is left as it is (imports can be retried).
Imported responses send no low-score signals: they are history, not customers waiting for a call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.survey.models import SurveyVersion
from services.survey.models.responses import Response
from services.survey.responding.downstream import queue_for_metrics
from shared.contracts.responses import ResponseRecordSchema
from shared.question_types import UnknownQuestionTypeError, question_type

_RECORD = ResponseRecordSchema()


@dataclass
class ImportResult:
    """Per-item outcomes, in the order of the request."""

    results: list[dict[str, Any]] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many items ended with ``status``."""
        return sum(1 for item in self.results if item["status"] == status)


def _answers(record: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    questions = {question["key"]: question for question in definition["questions"]}
    answers: dict[str, Any] = {}
    for index, item in enumerate(record["answers"]):
        question = questions.get(item["question_key"])
        if question is None or question["type"] != item["type"]:
            raise ValidationError({"answers": {str(index): [
                f"the survey version has no {item['type']} question '{item['question_key']}'"]}})
        answer = question_type(item["type"]).answer_of(item)
        if answer not in (None, [], ""):
            answers[item["question_key"]] = answer
    return answers


def _response(record: dict[str, Any], version: SurveyVersion) -> Response:
    try:
        survey_id = int(record["survey_id"])
    except ValueError:
        raise ValidationError({"survey_id": ["not a survey of this service"]}) from None
    if record["invitation_id"] is not None:
        raise ValidationError({"invitation_id": ["imported responses have no invitation (null)"]})
    answered = record["completed_at"] or record["updated_at"]
    return Response(
        id=record["response_id"], invitation_id=None, survey_id=survey_id,
        survey_version=record["survey_version"], customer_id=record["customer_id"],
        touchpoint=record["touchpoint"] or version.touchpoint, channel=record["channel"],
        event_type=record["event_type"], event_at=record["event_at"], lang=record["lang"],
        attributes=record["attributes"], answers=_answers(record, version.definition),
        version=record["version"], completed=record["completed"], opened_at=record["created_at"],
        first_answer_at=record["created_at"] if record["answers"] else None,
        completed_at=record["completed_at"] if record["completed"] else None,
        created_at=record["created_at"], updated_at=max(record["updated_at"], answered))


def import_responses(session: Session, raw_records: list[Any], *, now: datetime) -> ImportResult:
    """Store and forward every acceptable record; one commit for the batch."""
    result = ImportResult()
    ids = [raw.get("response_id") for raw in raw_records if isinstance(raw, dict)]
    present = set(session.scalars(select(Response.id).where(Response.id.in_([i for i in ids if isinstance(i, str)]))))
    versions: dict[tuple[int, int], SurveyVersion | None] = {}
    for raw in raw_records:
        response_id = raw.get("response_id") if isinstance(raw, dict) else None
        item: dict[str, Any] = {"response_id": response_id if isinstance(response_id, str) else None}
        try:
            record = _RECORD.load(raw)
            if record["response_id"] in present:
                result.results.append({**item, "status": "already_present", "errors": None})
                continue
            key = (int(record["survey_id"]) if record["survey_id"].isascii() and record["survey_id"].isdigit()
                   else -1, record["survey_version"])
            if key not in versions:
                versions[key] = session.get(SurveyVersion, key) if key[0] > 0 else None
            version = versions[key]
            if version is None:
                raise ValidationError({"survey_version": ["no published version of that survey"]})
            response = _response(record, version)
            with session.begin_nested():
                session.add(response)
                session.flush()
                queue_for_metrics(session, response, version.definition, now=now)
        except (ValidationError, UnknownQuestionTypeError, InvalidInputError) as exc:
            if isinstance(exc, ValidationError):
                errors = exc.messages
            else:
                errors = getattr(exc, "errors", None) or {"answers": [str(exc)]}
            result.results.append({**item, "status": "rejected", "errors": errors})
            continue
        present.add(response.id)
        result.results.append({**item, "status": "imported", "errors": None})
    session.commit()
    return result
