"""Event name mappings: which journey event type a track call's event name becomes.

Without a mapping, the name itself is the type when it is a valid event type (``order.delivered``);
otherwise it is written in lower case with every run of other characters turned into ``_``
(``Order Delivered`` -> ``order_delivered``); a name with no such character left (in Hangul, say)
becomes ``event_<12 hex digits of its SHA-256>``. A mapping overrides all of these.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.common.exceptions import NotFoundError
from services.survey.models import TrackingEventMapping
from shared.contracts.events import EVENT_TYPE

_OTHER = re.compile(r"[^a-z0-9_.:-]+")


def default_type(event_name: str) -> str:
    """The journey event type of an unmapped event name (see the module docstring)."""
    try:
        return EVENT_TYPE(event_name)
    except ValidationError:
        pass
    text = _OTHER.sub("_", event_name.strip().lower()).strip("_.:-")[:100]
    if text:
        return text
    # Nothing left (a name in another script): a stable type per name, to be given a mapping.
    return "event_" + hashlib.sha256(event_name.encode("utf-8")).hexdigest()[:12]


def types_for(session: Session, names: Iterable[str]) -> dict[str, str]:
    """The journey event type of each name (one query for all of them)."""
    wanted = set(names)
    if not wanted:
        return {}
    rows = session.execute(select(TrackingEventMapping.event, TrackingEventMapping.type)
                           .where(TrackingEventMapping.event.in_(wanted)))
    mapped = {event: event_type for event, event_type in rows}
    return {name: mapped.get(name) or default_type(name) for name in wanted}


def list_mappings(session: Session) -> list[TrackingEventMapping]:
    """Every mapping, by event name."""
    return list(session.scalars(select(TrackingEventMapping).order_by(TrackingEventMapping.event)))


def put_mapping(session: Session, *, event: str, event_type: str, now: datetime, by: str) -> TrackingEventMapping:
    """Create or replace the mapping of ``event``; commits."""
    mapping = session.get(TrackingEventMapping, event)
    if mapping is None:
        mapping = TrackingEventMapping(event=event)
        session.add(mapping)
    mapping.type, mapping.updated_at, mapping.updated_by = event_type, now, by
    session.commit()
    return mapping


def delete_mapping(session: Session, *, event: str) -> None:
    """Remove the mapping of ``event`` (404 when there is none); commits."""
    removed = session.execute(delete(TrackingEventMapping).where(TrackingEventMapping.event == event)
                              .returning(TrackingEventMapping.event)).first()
    if removed is None:
        session.rollback()
        raise NotFoundError(f"no mapping for event name {event[:100]!r}")
    session.commit()
