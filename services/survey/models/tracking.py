"""Tables of the Segment-compatible tracking API: event name mappings, per-source options, and the
orders already turned into transactions (one row per order and kind: the idempotency record)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import Base, UtcDateTime


class TrackingEventMapping(Base):
    """A track call's event name and the journey event type it becomes (``Order Delivered`` ->
    ``order.delivered``)."""

    __tablename__ = "tracking_event_mappings"

    event: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class TrackingSource(Base):
    """Options of one source, keyed by the id of its write key (an ``ingest`` API key)."""

    __tablename__ = "tracking_sources"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_transactions: Mapped[bool] = mapped_column(Boolean)
    default_currency: Mapped[str | None] = mapped_column(String(3))
    # HMAC needs the secret itself; it is never shown back through the API.
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class TrackingOrder(Base):
    """An e-commerce order event turned into a metrics transaction (``kind``: completed, refunded)."""

    __tablename__ = "tracking_orders"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    currency: Mapped[str] = mapped_column(String(3))
    source_key_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
