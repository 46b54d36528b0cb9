"""The per-type count of matched events (``event_type_counts``), kept by the matching pass.

``count_matched`` adds a pass's newly matched events in the pass's own transaction, one upsert per
type in type order (two passes never wait on each other's rows in opposite orders). On SQLite and
PostgreSQL alike: ``count = count + n``, the first arrival the earlier, the last the later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.survey.models import EventTypeCount, JourneyEvent


def count_matched(session: Session, events: Iterable[JourneyEvent]) -> None:
    """Add the events marked matched (``matched_at`` set) to their type's count; never commits."""
    totals: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.matched_at is None:
            continue  # set aside: still counted with the unmatched ones
        row = totals.setdefault(event.type, {"type": event.type, "count": 0, "first_received_at": event.received_at,
                                             "last_received_at": event.received_at})
        row["count"] += 1
        row["first_received_at"] = min(row["first_received_at"], event.received_at)
        row["last_received_at"] = max(row["last_received_at"], event.received_at)
    if not totals:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(EventTypeCount)
    table, excluded = EventTypeCount.__table__.c, statement.excluded
    earliest, latest = (func.least, func.greatest) if dialect is postgresql else (func.min, func.max)
    statement = statement.on_conflict_do_update(index_elements=[table.type], set_={
        "count": table["count"] + excluded["count"],
        "first_received_at": earliest(table.first_received_at, excluded.first_received_at),
        "last_received_at": latest(table.last_received_at, excluded.last_received_at)})
    for kind in sorted(totals):
        session.execute(statement, totals[kind])
