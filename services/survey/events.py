"""Journey event ingestion: idempotent by client id, set-based for batches, customers upserted.

"Accepted" means committed. The same id with the same body is replayed (the original result); the
same id with another body is rejected (422). Trigger matching happens later, in the worker, so
ingestion stays a couple of inserts per batch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Connection, Row, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from services.common.db import is_postgres, statement_connection
from services.common.exceptions import InvalidInputError
from services.survey import events_pg
from services.survey.customer_upsert import merge_customers, upsert_customers
from services.survey.exceptions import EventIdReusedError
from services.survey.models import JourneyEvent
from shared.contracts.events import MAX_BATCH_EVENTS, EventSchema
from shared.statuses import EventResultStatus

_EVENT_SCHEMA = EventSchema()
_RACE_RETRIES = 3
_RETRY_STATES = {"40P01", "40001"}  # deadlock detected, serialization failure


@dataclass
class EventResult:
    """The outcome of one event."""

    id: str | None
    status: str
    received_at: datetime | None = None
    code: int | None = None
    message: str | None = None
    errors: Any = None
    replayed: bool = False

    def reply(self) -> dict[str, Any]:
        """What ``EventResultSchema`` dumps, built directly (a batch reply holds 500 of these)."""
        return {"id": self.id, "status": self.status,
                "received_at": None if self.received_at is None else self.received_at.isoformat(),
                "code": self.code, "message": self.message, "errors": self.errors}


@dataclass
class BatchResult:
    """Per-item outcomes of a batch, in input order."""

    results: list[EventResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)


def body_hash(event: dict[str, Any]) -> str:
    """SHA-256 of the event's canonical JSON (loaded form, times in UTC)."""
    canonical = {**event, "occurred_at": event["occurred_at"].astimezone(UTC).isoformat()}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _event_row(event: dict[str, Any], digest: str, now: datetime) -> dict[str, Any]:
    return {"event_id": event["id"], "type": event["type"], "occurred_at": event["occurred_at"],
            "customer_id": event["customer"]["id"], "attributes": event["attributes"],
            "body_hash": digest, "received_at": now, "matched_at": None}


def ingest_event(session: Session, *, event: dict[str, Any], now: datetime) -> EventResult:
    """Store one validated event and upsert its customer; replay or reject a reused id."""
    digest = body_hash(event)
    if is_postgres(session):
        with statement_connection(session) as connection:
            stored = events_pg.insert_event(connection, event, digest, now)
            existing = None if stored else _known(connection, event["id"])
    else:
        statement = (sqlite.insert(JourneyEvent).values(**_event_row(event, digest, now))
                     .on_conflict_do_nothing(index_elements=[JourneyEvent.event_id])
                     .returning(JourneyEvent.received_at))
        stored = session.execute(statement).scalar() is not None
        existing = None if stored else _known(session.connection(), event["id"])
        if stored:
            upsert_customers(session, merge_customers([event["customer"]]), now=now)
            session.commit()
        else:
            session.rollback()
    if existing is None:
        return EventResult(id=event["id"], status=EventResultStatus.ACCEPTED, received_at=now)
    if existing.body_hash != digest:
        raise EventIdReusedError(f"event id '{event['id']}' was accepted earlier with a different body")
    return EventResult(id=event["id"], status=EventResultStatus.ACCEPTED, received_at=existing.received_at,
                       replayed=True)


_KNOWN = select(JourneyEvent.event_id, JourneyEvent.body_hash, JourneyEvent.received_at)


def _known(connection: Connection, event_id: str) -> Row:
    return connection.execute(_KNOWN.where(JourneyEvent.event_id == event_id)).one()


def ingest_batch(session: Session, *, raw_events: list[Any], now: datetime) -> BatchResult:
    """Validate each item, store the new ones in bulk, and report a status per item."""
    if len(raw_events) > MAX_BATCH_EVENTS:
        raise InvalidInputError(f"at most {MAX_BATCH_EVENTS} events per batch",
                                errors={"events": [f"at most {MAX_BATCH_EVENTS} items"]})
    result = BatchResult()
    valid: list[tuple[int, dict[str, Any], str]] = []
    for index, raw in enumerate(raw_events):
        try:
            event = _EVENT_SCHEMA.load(raw)
        except ValidationError as exc:
            event_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            result.results.append(EventResult(id=event_id, status=EventResultStatus.REJECTED, code=422,
                                              message="the event did not pass validation", errors=exc.messages))
            continue
        result.results.append(EventResult(id=event["id"], status="pending"))
        valid.append((index, event, body_hash(event)))
    return _store_with_retries(session, valid, result, now)


def store_loaded_batch(session: Session, *, events: list[dict[str, Any]], now: datetime) -> BatchResult:
    """``ingest_batch`` for events already in the form ``EventSchema`` loads to (a caller that built and
    checked them itself, such as the Segment-compatible API, skips a second validation)."""
    if len(events) > MAX_BATCH_EVENTS:
        raise InvalidInputError(f"at most {MAX_BATCH_EVENTS} events per batch",
                                errors={"events": [f"at most {MAX_BATCH_EVENTS} items"]})
    result = BatchResult([EventResult(id=event["id"], status="pending") for event in events])
    return _store_with_retries(session, [(i, event, body_hash(event)) for i, event in enumerate(events)], result, now)


def _store_with_retries(session: Session, valid: list[tuple[int, dict[str, Any], str]], result: BatchResult,
                        now: datetime) -> BatchResult:
    for attempt in range(_RACE_RETRIES):
        try:
            _store_batch(session, valid, result, now)
            session.commit()
            return result
        except (IntegrityError, OperationalError) as exc:
            session.rollback()
            if not _retryable(exc) or attempt == _RACE_RETRIES - 1:
                raise
    return result


def _retryable(exc: DBAPIError) -> bool:
    """Another request stored one of these ids meanwhile (look again), or PostgreSQL chose this
    transaction as the victim of a deadlock with a batch holding the same ids in another order."""
    return isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) in _RETRY_STATES


def _store_batch(session: Session, valid: list[tuple[int, dict[str, Any], str]], result: BatchResult,
                 now: datetime) -> None:
    ids = list({event["id"] for _, event, _ in valid})
    if not ids:
        known = {}
    elif is_postgres(session):
        known = events_pg.known_events(session.connection(), ids)
    else:
        known = {row.event_id: events_pg.KnownEvent(row.body_hash, row.received_at)
                 for row in session.execute(_KNOWN.where(JourneyEvent.event_id.in_(ids)))}
    first_in_batch: dict[str, str] = {}
    new_rows, customers = [], []
    for index, event, digest in valid:
        event_id = event["id"]
        seen = known.get(event_id)
        earlier_digest = seen.body_hash if seen is not None else first_in_batch.get(event_id)
        if earlier_digest is None:
            first_in_batch[event_id] = digest
            new_rows.append(_event_row(event, digest, now))
            customers.append(event["customer"])
            result.results[index] = EventResult(id=event_id, status=EventResultStatus.ACCEPTED, received_at=now)
        elif earlier_digest == digest:
            received = seen.received_at if seen is not None else now
            result.results[index] = EventResult(id=event_id, status=EventResultStatus.REPLAYED, received_at=received,
                                                replayed=True)
        else:
            result.results[index] = EventResult(
                id=event_id, status=EventResultStatus.REJECTED, code=422,
                message=f"event id '{event_id}' was accepted earlier with a different body")
    if not new_rows:
        return
    # Events before customers, as a single event does: a batch and a single event holding the same
    # id and customer then wait on each other in one order only (no deadlock).
    if is_postgres(session):
        connection = session.connection()
        events_pg.insert_events(connection, new_rows, now)
        events_pg.upsert_customers(connection, merge_customers(customers), now)
    else:
        session.connection().execute(insert(JourneyEvent), new_rows)
        upsert_customers(session, merge_customers(customers), now=now)
