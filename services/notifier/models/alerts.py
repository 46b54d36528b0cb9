"""Alert episodes, the notices delivered for them, and low-score signals received from survey."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from services.notifier.models.base import Base, BigId, Timestamp


class AlertEpisode(Base):
    """One stretch of time during which a subscription's rule fires for one scope key.

    ``open_key`` is ``<subscription>|<scope key>`` while firing and NULL once resolved; its unique
    index makes a second open episode for the same key impossible, even with two workers.
    """

    __tablename__ = "alert_episodes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(400))
    group: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    open_key: Mapped[str | None] = mapped_column(String(440), unique=True)
    opened_at: Mapped[datetime] = mapped_column(Timestamp)
    notified_at: Mapped[datetime | None] = mapped_column(Timestamp)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    notices: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_alert_episodes_subscription", "subscription_id", "state"),)


class Delivery(Base):
    """A notice handed to the outbox for one channel; its state is the outbox row's state."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"),
                                                 index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("alert_episodes.id", ondelete="CASCADE"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel_type: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(300))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class Signal(Base):
    """A low-score response as survey sent it, stored once per ``response_id``."""

    __tablename__ = "signals"

    response_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(SmallInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(Timestamp)
    received_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    revision: Mapped[int] = mapped_column(Integer, server_default="1", default=1)
