"""Tables of the console (its own database): the people who sign in, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import BigId
from services.common.types import UtcDateTime
from shared.actor import PERSON_ROLES

ROLES = PERSON_ROLES
LANGUAGES = ("ko", "en")


class Base(DeclarativeBase):
    """Declarative base of the console's tables."""


class User(Base):
    """A person who signs in to the console, with one role, a language and a time zone."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    @property
    def is_disabled(self) -> bool:
        """True once an admin has disabled the account."""
        return self.disabled_at is not None


class AuditEntry(Base):
    """One change made through the console: who, what, on which target, when."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_email: Mapped[str] = mapped_column(String(254))  # kept as it was, even if the user changes
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64), default=None)
