"""Triggers: an event type, conditions, timing, channel and priority, pointing at a survey."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import JSON, Base, BigId, UtcDateTime


class Trigger(Base):
    """When ``event_type`` arrives and the conditions hold, invite the customer to the survey."""

    __tablename__ = "triggers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    delay_minutes: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[str | None] = mapped_column(String(5))
    window_end: Mapped[str | None] = mapped_column(String(5))
    sampling_rate: Mapped[float] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(16))
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    expires_after_minutes: Mapped[int] = mapped_column(Integer)
    reminder_after_minutes: Mapped[int | None] = mapped_column(Integer)
    cancel_on: Mapped[list[str]] = mapped_column(JSON)
    cancel_match_attribute: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
