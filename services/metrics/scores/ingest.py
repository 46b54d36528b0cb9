"""Store responses sent by survey: each once, replaced only by a newer version."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.metrics.models.responses import ResponseComment, ResponseRecord, ScoreAnswer
from services.metrics.voc.groups import csat_group, nps_group
from services.metrics.voc.tokenize import has_tokenizer
from shared.contracts.responses import answered_at as answered_time
from shared.question_types import SCORE_METRIC_OF

KeywordExtractor = Callable[[str, str | None], list[str]]


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _first_value(answers: Sequence[dict[str, Any]], kind: str) -> int | None:
    return next((a["value"] for a in answers if a["type"] == kind and a.get("value") is not None), None)


def _newest_per_id(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    newest: dict[str, dict[str, Any]] = {}
    for record in records:
        kept = newest.get(record["response_id"])
        if kept is None or record["version"] > kept["version"]:
            newest[record["response_id"]] = record
    return newest


def _rows(record: dict[str, Any], now: datetime, keywords_of: KeywordExtractor):
    answered_at = _utc(answered_time(record))  # the one dating rule, shared with notifier's signals
    slices = {"touchpoint": record["touchpoint"], "survey_id": record["survey_id"],
              "channel": record["channel"], "attributes": record["attributes"]}
    response = {**slices, "response_id": record["response_id"], "version": record["version"],
                "survey_version": record["survey_version"], "customer_id": record["customer_id"],
                "invitation_id": record["invitation_id"], "event_type": record["event_type"],
                "event_at": _utc(record["event_at"]), "lang": record["lang"],
                "answers": record["answers"], "completed": record["completed"],
                "created_at": _utc(record["created_at"]), "updated_at": _utc(record["updated_at"]),
                "completed_at": _utc(record["completed_at"]), "received_at": now,
                "excluded": bool(record.get("excluded"))}
    if response["excluded"]:  # a test response: held, but in no score and no keyword count
        return response, [], []
    # answers of types without a score metric (rating, yes_no, ...) are kept in the response only
    scores = [{**slices, "response_id": record["response_id"], "metric": SCORE_METRIC_OF[a["type"]],
               "value": a["value"], "answered_at": answered_at, "question_key": a["question_key"],
               "dimension": a.get("dimension"), "driver": a.get("driver")}
              for a in record["answers"] if a["type"] in SCORE_METRIC_OF and a.get("value") is not None]
    nps_value, csat_value = _first_value(record["answers"], "nps"), _first_value(record["answers"], "csat")
    comments = [{**slices, "response_id": record["response_id"], "question_key": a["question_key"],
                 "text": a["text"].strip(),
                 # a survey in a language without a tokenizer (say French) is stored, without keywords
                 "keywords": keywords_of(a["text"], record["lang"]) if has_tokenizer(record["lang"]) else [],
                 "nps_group": nps_group(nps_value) if nps_value is not None else None,
                 "csat_group": csat_group(csat_value) if csat_value is not None else None,
                 "answered_at": answered_at}
                for a in record["answers"] if a.get("text") and a["text"].strip()]
    return response, scores, comments


def store_responses(session: Session, records: Sequence[dict[str, Any]], *, now: datetime,
                    keywords_of: KeywordExtractor) -> list[dict[str, str]]:
    """Store a batch; a response id already held at the same or a newer version is left unchanged.

    Returns one ``{"response_id", "status"}`` per input record, in input order, with status
    ``stored``, ``updated`` or ``unchanged``. Commits once. A concurrent delivery of the same new
    response makes the insert conflict; the batch is then retried once against what is now stored.
    """
    for attempt in (1, 2):
        try:
            return _store(session, records, now, keywords_of)
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(session: Session, records: Sequence[dict[str, Any]], now: datetime,
           keywords_of: KeywordExtractor) -> list[dict[str, str]]:
    newest = _newest_per_id(records)
    held = dict(session.execute(select(ResponseRecord.response_id, ResponseRecord.version)
                                .where(ResponseRecord.response_id.in_(list(newest)))).all())
    outcome: dict[str, str] = {}
    responses, scores, comments, replaced = [], [], [], []
    for response_id, record in newest.items():
        if response_id in held and held[response_id] >= record["version"]:
            outcome[response_id] = "unchanged"
            continue
        outcome[response_id] = "updated" if response_id in held else "stored"
        if response_id in held:
            replaced.append(response_id)
        response, score_rows, comment_rows = _rows(record, now, keywords_of)
        responses.append(response)
        scores.extend(score_rows)
        comments.extend(comment_rows)
    if replaced:
        for model in (ScoreAnswer, ResponseComment, ResponseRecord):
            session.execute(delete(model).where(model.response_id.in_(replaced)))
    for model, rows in ((ResponseRecord, responses), (ScoreAnswer, scores), (ResponseComment, comments)):
        if rows:
            session.execute(insert(model), rows)
    session.commit()
    return [{"response_id": r["response_id"],
             "status": outcome[r["response_id"]] if r is newest[r["response_id"]] else "unchanged"}
            for r in records]
