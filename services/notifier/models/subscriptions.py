"""Alert subscriptions of team leads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.notifier.models.base import Base, Timestamp


class Subscription(Base):
    """What a team lead wants to hear about, where, and how often.

    ``scope``, ``rule`` and ``channels`` hold the validated contract shapes as JSON;
    ``next_evaluation_at`` is when the worker should look again (None: only signals wake it);
    ``decided_window_end`` is the end of the last aligned window the rule decided.
    """

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(16))
    volume_of: Mapped[str] = mapped_column(String(8))
    rule_kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    channels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC", default="UTC")
    cooldown_minutes: Mapped[int] = mapped_column(Integer)
    muted_until: Mapped[datetime | None] = mapped_column(Timestamp)
    active: Mapped[bool] = mapped_column(Boolean)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    next_evaluation_at: Mapped[datetime | None] = mapped_column(Timestamp)
    decided_window_end: Mapped[datetime | None] = mapped_column(Timestamp)
    digest_from: Mapped[datetime | None] = mapped_column(Timestamp)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)

    __table_args__ = (Index("ix_subscriptions_due", "active", "next_evaluation_at"),
                      Index("ix_subscriptions_rule_kind", "rule_kind", "active"))
