"""Customers (contacts, upserted from events), the journey events themselves, and the count of matched
events per type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import Base, BigId, JsonDoc, UtcDateTime


class Customer(Base):
    """A customer by the client's own id; contact details and attributes are personal data."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str | None] = mapped_column(String(20))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JourneyEvent(Base):
    """A journey event as received; ``matched_at`` is set once the worker has matched triggers."""

    __tablename__ = "journey_events"
    __table_args__ = (
        Index("ix_journey_events_unmatched", "seq", postgresql_where=text("matched_at IS NULL"),
              sqlite_where=text("matched_at IS NULL")),
        Index("ix_journey_events_type_received", "type", "received_at"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    body_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EventTypeCount(Base):
    """Events of one type the matcher has marked matched: how many, and the first and last arrival.

    Kept by the matching pass in the transaction that sets ``matched_at`` (so each event is counted
    once); ``event_reads.event_type_summaries`` adds the events not matched yet. Events are never
    deleted (erasure clears their attributes), so the counts stay exact.
    """

    __tablename__ = "event_type_counts"

    type: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    first_received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_received_at: Mapped[datetime] = mapped_column(UtcDateTime)
