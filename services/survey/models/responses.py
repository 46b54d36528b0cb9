"""Responses: one per invitation, partial until submitted, pinned to the invitation's survey version;
and imported ones, answered before cxloop, without an invitation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import Base, JsonDoc, UtcDateTime


class Response(Base):
    """What a customer answered, with the context that slices it later.

    ``version`` grows with every change, so metrics keeps the newest copy whatever order the
    outbox delivers retries in. ``attributes`` is a snapshot of the customer's attributes when the
    invitation was answered (segments must not move when a customer's plan changes later).
    """

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_updated", "updated_at"),
                      Index("ix_responses_survey_created", "survey_id", "created_at"),
                      Index("ix_responses_signal_due", "signal_due_at"),
                      Index("ix_responses_created", "created_at"),
                      Index("ix_responses_customer", "customer_id"),  # one customer's journey
                      Index("ix_responses_survey_opened", "survey_id", "opened_at"),  # drop-off of a range
                      Index("ix_responses_survey_completed", "survey_id", "completed_at"))  # imported, funnel

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None for imported responses (given before cxloop, see responding/importing.py)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    survey_version: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str | None] = mapped_column(String(200))
    touchpoint: Mapped[str | None] = mapped_column(String(50))
    channel: Mapped[str | None] = mapped_column(String(16))
    event_type: Mapped[str | None] = mapped_column(String(100))
    event_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lang: Mapped[str | None] = mapped_column(String(20))
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    version: Mapped[int] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    first_answer_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A low score from a link click waits for a submit or the settle time (see responding/downstream.py).
    signal_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signalled: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    # The keys of the questions the respondent was shown (skip logic); None before it was recorded.
    shown_questions: Mapped[list[str] | None] = mapped_column(JsonDoc, nullable=True)
    # The inbox (responding/triage.py): status, excluded as test (metrics leaves it out of every count),
    # and the main score and comment kept with each version (responding/downstream.py) to filter on.
    triage_status: Mapped[str] = mapped_column(String(16), default="new", server_default="new")
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    score_metric: Mapped[str | None] = mapped_column(String(8), nullable=True)
    score: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class ResponseTag(Base):
    """A tag the team put on a response."""

    __tablename__ = "response_tags"
    __table_args__ = (Index("ix_response_tags_tag", "tag"),)

    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)


class ResponseNote(Base):
    """An internal note on a response, by a person of the team (never shown to the customer)."""

    __tablename__ = "response_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
