"""What the survey service has seen: event types with their volume and last arrival, and recent events.

Both are reads for the people who configure triggers: the types a trigger can listen to, and real
events to dry-run a trigger on. Counting happens in SQL (one GROUP BY over the type index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.survey.models import JourneyEvent


@dataclass(frozen=True)
class EventTypeSummary:
    """One event type: how many events of it arrived, and when the first and the last did."""

    type: str
    count: int
    first_received_at: datetime
    last_received_at: datetime


def event_type_summaries(session: Session) -> list[EventTypeSummary]:
    """Every event type seen, most recently arrived first."""
    last = func.max(JourneyEvent.received_at)
    rows = session.execute(select(JourneyEvent.type, func.count(), func.min(JourneyEvent.received_at), last)
                           .group_by(JourneyEvent.type).order_by(last.desc(), JourneyEvent.type))
    return [EventTypeSummary(type=kind, count=count, first_received_at=first, last_received_at=latest)
            for kind, count, first, latest in rows]


def recent_events(session: Session, *, event_type: str | None = None, customer_id: str | None = None,
                  limit: int = 20) -> list[JourneyEvent]:
    """The latest events (by arrival), optionally of one type or one customer."""
    query = select(JourneyEvent).order_by(JourneyEvent.received_at.desc(), JourneyEvent.seq.desc()).limit(limit)
    if event_type is not None:
        query = query.where(JourneyEvent.type == event_type)
    if customer_id is not None:
        query = query.where(JourneyEvent.customer_id == customer_id)
    return list(session.scalars(query))
