"""Close-the-loop cases (one per low-score response), their history, and the playbooks they follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.notifier.models.base import Base, BigId, Timestamp


class Playbook(Base):
    """What to do for a touchpoint (and optionally a segment ``attribute:value``), how soon, and who.

    ``match_key`` is ``<touchpoint>|<segment or empty>``: its unique index allows one playbook per
    (touchpoint, segment), the empty segment included (a NULL would not collide in a unique index).
    """

    __tablename__ = "playbooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    touchpoint: Mapped[str] = mapped_column(String(64), index=True)
    segment: Mapped[str | None] = mapped_column(String(270))
    match_key: Mapped[str] = mapped_column(String(340), unique=True)
    instruction: Mapped[dict[str, str]] = mapped_column(JSON)
    target_hours: Mapped[int] = mapped_column(Integer)
    default_assignee: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


class Case(Base):
    """A low-score response someone should follow up, opened with the signal (unique per response).

    The fields the lists filter on are columns; ``answers`` holds them as a person reads them (question
    text and answer label); ``playbook`` is the matching playbook as it was when the case opened.
    ``reminded_at`` is set once, when the overdue reminder is queued.
    """

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    survey_id: Mapped[str] = mapped_column(String(64))
    survey_title: Mapped[str | None] = mapped_column(String(500))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(128), index=True)
    metric: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    lang: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(Timestamp)
    opened_at: Mapped[datetime] = mapped_column(Timestamp)
    acknowledged_at: Mapped[datetime | None] = mapped_column(Timestamp)
    first_action_at: Mapped[datetime | None] = mapped_column(Timestamp)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    due_at: Mapped[datetime] = mapped_column(Timestamp)
    reminded_at: Mapped[datetime | None] = mapped_column(Timestamp)
    assignee_id: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    playbook: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)

    # Lists are newest first: ``opened`` serves the active (two statuses) and overdue lists, which read
    # from the newest down; ``status_opened`` one status; ``assignee_opened`` mine and unassigned; ``status_due`` the reminders.
    __table_args__ = (Index("ix_cases_opened", "opened_at", "id"),
                      Index("ix_cases_status_opened", "status", "opened_at", "id"),
                      Index("ix_cases_assignee_opened", "assignee_id", "opened_at", "id"),
                      Index("ix_cases_status_due", "status", "due_at"))


class CaseEvent(Base):
    """One entry of a case's history: who did what, when (a note's text; an assignment's person)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(Timestamp)
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)
