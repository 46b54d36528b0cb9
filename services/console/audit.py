"""The audit log: every change made through the console, written in the same commit as the change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.console.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who made a change: a signed-in person, or the system at start-up."""

    user_id: int | None
    email: str
    address: str | None = None

    @classmethod
    def of(cls, user: Any, *, address: str | None = None) -> "Actor":
        """The actor for a person (a ``User`` or the signed-in user)."""
        return cls(user_id=user.id, email=user.email, address=address)

    @classmethod
    def system(cls) -> "Actor":
        """Changes made by the console itself (start-up bootstrap, demo)."""
        return cls(user_id=None, email="system")


def record_change(session: Session, *, actor: Actor, action: str, target: str, now: datetime,
                  details: dict[str, Any] | None = None) -> AuditEntry:
    """Add one audit entry in the caller's transaction (never commits).

    ``action`` is ``<thing>.<verb in the past>`` (``survey.published``, ``key.revoked``); ``target``
    ``<thing>:<id>``; ``details`` holds what changed, never a secret.
    """
    entry = AuditEntry(at=now, user_id=actor.user_id, actor_email=actor.email, action=action,
                       target=target[:200], details=details or {}, address=actor.address)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    entries: list[AuditEntry]
    total: int
    offset: int
    limit: int
    actions: list[str] = field(default_factory=list)

    @property
    def has_older(self) -> bool:
        """Whether entries older than this page exist."""
        return self.offset + len(self.entries) < self.total


def list_audit(session: Session, *, limit: int = 50, offset: int = 0, action: str | None = None) -> AuditPage:
    """A page of the audit log, optionally of one action, newest first."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if action:
        query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
    entries = list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                   .limit(limit).offset(offset)))
    actions = list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
    return AuditPage(entries=entries, total=session.scalar(count) or 0, offset=offset, limit=limit,
                     actions=actions)


def every_audit_entry(session: Session, *, action: str | None = None) -> Iterator[AuditEntry]:
    """Every entry (optionally of one action), newest first, read a thousand rows at a time (exports)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    yield from session.scalars(query.execution_options(yield_per=1000))
