"""Touchpoints, surveys (with their editable draft) and immutable published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import JSON, Base, BigId, UtcDateTime


class Touchpoint(Base):
    """A journey stage a survey measures (awareness, purchase, delivery, ...)."""

    __tablename__ = "touchpoints"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Survey(Base):
    """A survey: its draft definition (None when nothing is being edited) and its live version."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    touchpoint: Mapped[str] = mapped_column(ForeignKey("touchpoints.key"), index=True)
    recontact_days: Mapped[int] = mapped_column(Integer)
    live_version: Mapped[int | None] = mapped_column(Integer)
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SurveyVersion(Base):
    """A published version; never changed, so invitations and responses pinned to it stay comparable."""

    __tablename__ = "survey_versions"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    touchpoint: Mapped[str] = mapped_column(ForeignKey("touchpoints.key"))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
