"""What the survey service has seen: event types with their volume and last arrival, and recent events.

Both are reads for the people who configure triggers: the types a trigger can listen to, and real
events to dry-run a trigger on. Counts of matched events are kept per type by the matching pass; only the events not matched yet are
counted on each read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session

from services.common.db import column_rows
from services.common.reads_together import Read
from services.survey.models import EventTypeCount, JourneyEvent, Trigger


@dataclass(frozen=True)
class EventTypeSummary:
    """One event type: how many events of it arrived, and when the first and the last did."""

    type: str
    count: int
    first_received_at: datetime
    last_received_at: datetime


# Built once: the statement is the same on every read (SQLAlchemy then finds its compiled form at once).
# Its rows (type, count, first, last) are summed per type by :func:`summaries_of`.
EVENT_TYPE_COUNTS = union_all(
    select(EventTypeCount.type, EventTypeCount.count, EventTypeCount.first_received_at, EventTypeCount.last_received_at),
    select(JourneyEvent.type, func.count(), func.min(JourneyEvent.received_at), func.max(JourneyEvent.received_at))
    .where(JourneyEvent.matched_at.is_(None)).group_by(JourneyEvent.type))


def event_type_summaries(session: Session) -> list[EventTypeSummary]:
    """Every event type seen, most recently arrived first: the matched events' stored counts
    (``event_type_counts``) plus the events not matched yet (few, through the unmatched index), so the
    read does not grow with the number of events ever received."""
    return summaries_of(column_rows(session, EVENT_TYPE_COUNTS))  # one round trip


def summaries_of(rows: Iterable[Any]) -> list[EventTypeSummary]:
    """The rows of ``EVENT_TYPE_COUNTS`` summed per type, most recently arrived first."""
    found: dict[str, EventTypeSummary] = {}
    for kind, count, first, latest in rows:
        known = found.get(kind)
        found[kind] = EventTypeSummary(kind, count, first, latest) if known is None else EventTypeSummary(
            kind, known.count + count, min(known.first_received_at, first), max(known.last_received_at, latest))
    return sorted(found.values(), key=lambda item: (-item.last_received_at.timestamp(), item.type))


STORED_EVENT_COLUMNS = (JourneyEvent.event_id, JourneyEvent.type, JourneyEvent.occurred_at, JourneyEvent.received_at,
                        JourneyEvent.customer_id, JourneyEvent.attributes)


@functools.cache
def _recent_query(by_type: bool, by_customer: bool, of_trigger: bool = False) -> Select:
    """The latest events, with the filters asked for as bound parameters: built once per combination.
    ``of_trigger``: of the type of the trigger ``trigger_id`` (read in the same statement)."""
    query = (select(*STORED_EVENT_COLUMNS).order_by(JourneyEvent.received_at.desc(), JourneyEvent.seq.desc())
             .limit(bindparam("limit")))
    if by_type:
        query = query.where(JourneyEvent.type == bindparam("event_type"))
    if of_trigger:
        query = query.where(JourneyEvent.type == select(Trigger.event_type)
                            .where(Trigger.id == bindparam("trigger_id")).scalar_subquery())
    if by_customer:
        query = query.where(JourneyEvent.customer_id == bindparam("customer_id"))
    return query


def recent_events(session: Session, *, event_type: str | None = None, customer_id: str | None = None,
                  limit: int = 20) -> list[Any]:
    """The latest events (by arrival), optionally of one type or one customer: rows of the columns
    :func:`stored_event` reads (not whole events: a read of the editor's, kept light)."""
    return list(column_rows(session, *recent_events_read(event_type=event_type, customer_id=customer_id,
                                                         limit=limit)))


def recent_events_read(*, event_type: str | None = None, customer_id: str | None = None,
                       of_trigger: int | None = None, limit: int = 20) -> Read:
    """The statement and parameters of :func:`recent_events`; ``of_trigger``: of that trigger's type."""
    query = _recent_query(event_type is not None, customer_id is not None, of_trigger is not None)
    values = {"limit": limit, "event_type": event_type, "customer_id": customer_id, "trigger_id": of_trigger}
    return query, {name: value for name, value in values.items() if value is not None}


def stored_event(event: Any) -> dict[str, Any]:
    """An event as ``StoredEventSchema`` answers it."""
    return {"id": event.event_id, "type": event.type, "occurred_at": event.occurred_at,
            "received_at": event.received_at, "customer_id": event.customer_id, "attributes": event.attributes or {}}
