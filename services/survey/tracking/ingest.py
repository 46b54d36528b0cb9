"""Use case: store a Segment batch. Identify calls upsert customers, track calls become journey events
through the same ingestion as ``POST /v1/events/batch`` (``events.store_loaded_batch``), order events also
become transactions; page, screen, group and alias calls are acknowledged only.

Identifies and orders are committed first, then the events (in chunks of the event batch size), so a
survey triggered by an event already finds the contact details sent with it. An SDK retry is safe at
any point: customers upsert to the same values, orders are recorded once per order id, and an event
whose ``messageId`` was stored before is reported as a duplicate and adds nothing (its body may
differ on a retry: the batch's ``sentAt`` moves, and with it the corrected event time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.survey import events, events_pg
from services.survey.customer_upsert import merge_customers, upsert_customers
from services.survey.tracking.mappings import types_for
from services.survey.tracking.messages import ReadMessage, Rejection, event_id, parse_time, read_message
from services.survey.tracking.orders import ORDER_EVENTS, record_orders
from services.survey.tracking.sources import SourceOptions
from shared.contracts.events import MAX_BATCH_EVENTS
from shared.contracts.tracking import ACKNOWLEDGED_ONLY, MAX_MESSAGE_BYTES, MessageStatus, MessageType
from shared.statuses import EventResultStatus


@dataclass
class MessageResult:
    """What happened to one message."""

    message_id: str | None
    type: str | None
    status: MessageStatus
    event_type: str | None = None
    code: int | None = None
    message: str | None = None
    errors: Any = None

    def reply(self) -> dict[str, Any]:
        """The ``MessageResultSchema`` document."""
        return {"messageId": self.message_id, "type": self.type, "status": self.status.value,
                "event_type": self.event_type, "code": self.code, "message": self.message, "errors": self.errors}


@dataclass
class TrackingResult:
    """Per-message outcomes, in the order sent."""

    results: list[MessageResult] = field(default_factory=list)

    def reply(self) -> dict[str, Any]:
        """The ``TrackingReplySchema`` document."""
        totals = {status.value: sum(1 for r in self.results if r.status is status) for status in MessageStatus}
        return {"success": True, **totals, "results": [result.reply() for result in self.results]}


def _size(raw: Any) -> int:
    return len(json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8"))


def _raw_id(raw: Any) -> tuple[str | None, str | None]:
    if not isinstance(raw, dict):
        return None, None
    message_id, kind = raw.get("messageId"), raw.get("type")
    return (message_id[:100] if isinstance(message_id, str) else None,
            kind[:20] if isinstance(kind, str) else None)


def read_batch(raw_messages: list[Any], *, sent_at: Any, context: Any, now: datetime,
               sizes: list[int | None] | None = None
               ) -> tuple[list[MessageResult | None], list[tuple[int, ReadMessage]]]:
    """Check sizes and read each message; results hold the rejected and ignored ones already.

    ``sizes``: each message's size as sent (None where it cannot exceed the limit), from
    ``body.item_sizes``; without them each message is serialised to be measured.
    """
    if sizes is not None and len(sizes) != len(raw_messages):
        sizes = None
    results: list[MessageResult | None] = [None] * len(raw_messages)
    read: list[tuple[int, ReadMessage]] = []
    try:
        batch_sent_at = parse_time(sent_at)
    except (ValueError, TypeError):
        batch_sent_at = None  # a bad batch sentAt only loses the clock-skew correction
    batch_context = context if isinstance(context, dict) else {}
    for index, raw in enumerate(raw_messages):
        message_id, kind = _raw_id(raw)
        size = _size(raw) if sizes is None else sizes[index]
        if size is not None and size > MAX_MESSAGE_BYTES:
            results[index] = MessageResult(message_id, kind, MessageStatus.REJECTED, code=413,
                                           message=f"the message is larger than {MAX_MESSAGE_BYTES} bytes")
            continue
        try:
            message = read_message(raw, batch_sent_at=batch_sent_at, batch_context=batch_context, received_at=now)
        except Rejection as rejection:
            results[index] = MessageResult(message_id, kind, MessageStatus.REJECTED, code=rejection.code,
                                           message=rejection.message, errors=rejection.errors)
            continue
        if message.type in ACKNOWLEDGED_ONLY:
            results[index] = MessageResult(message.message_id, message.type.value, MessageStatus.IGNORED,
                                           message=f"{message.type.value} calls are acknowledged, not stored")
            continue
        read.append((index, message))
    return results, read


def _upsert(session: Session, customers: list[dict[str, Any]], now: datetime) -> None:
    rows = merge_customers(customers)
    if is_postgres(session):
        events_pg.upsert_customers(session.connection(), rows, now)
    else:
        upsert_customers(session, rows, now=now)


def ingest_messages(session: Session, *, source: SourceOptions, raw_messages: list[Any], sent_at: Any = None,
                    context: Any = None, now: datetime, sizes: list[int | None] | None = None) -> TrackingResult:
    """Store a batch of Segment messages for ``source`` and report each message's outcome."""
    results, read = read_batch(raw_messages, sent_at=sent_at, context=context, now=now, sizes=sizes)
    identifies = [(i, m) for i, m in read if m.type is MessageType.IDENTIFY]
    tracks = [(i, m) for i, m in read if m.type is MessageType.TRACK]
    orders = [m for _, m in tracks if m.event_name in ORDER_EVENTS]
    if identifies or orders:
        _upsert(session, [m.customer for _, m in identifies if m.customer is not None], now)
        record_orders(session, orders, source=source, now=now)
        session.commit()
    for index, message in identifies:
        results[index] = MessageResult(message.message_id, message.type.value, MessageStatus.ACCEPTED,
                                       errors=message.warnings or None)
    types = types_for(session, {m.event_name for _, m in tracks if m.event_name})
    for start in range(0, len(tracks), MAX_BATCH_EVENTS):
        chunk = tracks[start:start + MAX_BATCH_EVENTS]
        # Built in the loaded form and checked by read_message under the event contract's rules.
        loaded = [{"id": event_id(source.key_id, m.message_id), "type": types[m.event_name or ""],
                   "occurred_at": m.occurred_at, "customer": m.customer, "attributes": m.attributes}
                  for _, m in chunk]
        stored = events.store_loaded_batch(session, events=loaded, now=now)
        for (index, message), outcome in zip(chunk, stored.results, strict=True):
            results[index] = _track_result(message, types[message.event_name or ""], outcome)
    return TrackingResult([result for result in results if result is not None])


def _track_result(message: ReadMessage, event_type: str, outcome: events.EventResult) -> MessageResult:
    kind = message.type.value
    if outcome.status == EventResultStatus.ACCEPTED:
        return MessageResult(message.message_id, kind, MessageStatus.ACCEPTED, event_type,
                             errors=message.warnings or None)
    if outcome.status == EventResultStatus.REPLAYED or outcome.errors is None:
        # Replayed, or the same messageId with a moved event time (a retry): Segment keeps the first.
        return MessageResult(message.message_id, kind, MessageStatus.DUPLICATE, event_type,
                             message="this messageId was received before")
    return MessageResult(message.message_id, kind, MessageStatus.REJECTED, event_type, code=outcome.code,
                         message=outcome.message, errors=outcome.errors)
