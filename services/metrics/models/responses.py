"""Copies of survey responses received from the survey service, shaped for fast aggregation.

``responses`` keeps one row per response (the newest version wins); ``response_scores`` one row
per NPS/CSAT/CES answer with the slicing columns copied onto it, so scores are one GROUP BY with no
join; ``response_comments`` one row per free-text answer with its keywords extracted on arrival.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from services.common.types import UtcDateTime
from services.metrics.models.base import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = UtcDateTime()


class ResponseRecord(Base):
    """The newest version of a response, as survey sent it."""

    __tablename__ = "responses"

    response_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    survey_id: Mapped[str] = mapped_column(String(64))
    survey_version: Mapped[int] = mapped_column(Integer)
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(128), index=True)
    invitation_id: Mapped[str | None] = mapped_column(String(64))
    event_type: Mapped[str | None] = mapped_column(String(100))
    event_at: Mapped[datetime | None] = mapped_column(Timestamp)
    lang: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    completed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)
    completed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    received_at: Mapped[datetime] = mapped_column(Timestamp)
    # Excluded as a test response (survey's inbox): kept here, but it has no score or comment rows, so
    # every score, comparison, keyword count, driver and NPS group leaves it out.
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ScoreAnswer(Base):
    """One score answer (NPS 0-10, CSAT 1-5, CES 1-7) with everything a score is sliced by."""

    __tablename__ = "response_scores"
    __table_args__ = (Index("ix_scores_metric_time", "metric", "answered_at"),
                      # every column of the home page's reads: an index-only scan of a range (migration 0006)
                      Index("ix_scores_time_cover", "answered_at", "survey_id", "metric", "value"),
                      Index("ix_scores_survey_time", "survey_id", "answered_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(String(64), index=True)
    metric: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime] = mapped_column(Timestamp)
    question_key: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str | None] = mapped_column(String(16))
    driver: Mapped[str | None] = mapped_column(String(16))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    survey_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)


class ResponseComment(Base):
    """A free-text answer with its keywords and the sentiment group of its response."""

    __tablename__ = "response_comments"
    __table_args__ = (Index("ix_comments_time", "answered_at"), Index("ix_comments_survey_time", "survey_id", "answered_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(String(64), index=True)
    question_key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    nps_group: Mapped[str | None] = mapped_column(String(16))
    csat_group: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(Timestamp)
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    survey_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
