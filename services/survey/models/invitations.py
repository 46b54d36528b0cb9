"""Invitations (one per trigger match, whatever the decision) and the log of contact decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.survey.models.base import Base, BigId, UtcDateTime
from services.survey.tokens import hash_token


class Invitation(Base):
    """An invitation pinned to a survey version.

    ``due_at`` is when the worker next looks at it (first send, postponement or retry). The link
    token is never stored: ``token_nonce`` plus the server's token secret derive it, and
    ``token_hash`` (SHA-256 of the token) finds the invitation from a link.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_due", "status", "due_at"),
        Index("ix_invitations_customer_sent", "customer_id", "sent_at"),
        Index("ix_invitations_reminder", "status", "reminder_due_at"),
        Index("ix_invitations_cancel", "trigger_id", "customer_id", "status"),
        Index("ix_invitations_created", "created_at"),
        Index("ix_invitations_survey_sent", "survey_id", "sent_at"),  # a survey's funnel of a range
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    trigger_id: Mapped[int | None] = mapped_column(ForeignKey("triggers.id"))
    customer_id: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(200))
    correlation_value: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminder_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    token_nonce: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InvitationDecision(Base):
    """One contact decision (scheduled, sent, postponed, suppressed, ...) with its reason."""

    __tablename__ = "invitation_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    decision: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


def find_invitation_by_token(session: Session, token: str) -> Invitation | None:
    """The invitation a survey link's token belongs to, or None (the response page uses this)."""
    if not token or len(token) > 200:
        return None
    return session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
