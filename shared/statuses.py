"""Statuses, each defined once: what a survey, an invitation, an ingested event, a response in the
inbox and a close-the-loop case can be.

Members are ``StrEnum``: each is the very string stored in the databases and sent in the contracts, so
``InvitationStatus.SENT == "sent"``. Contracts validate with ``values(...)``; code compares with members.
"""

from __future__ import annotations

from enum import StrEnum


class SurveyStatus(StrEnum):
    """A survey's life: a draft is edited, a published one is asked (a new version on each publish)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class InvitationStatus(StrEnum):
    """Where an invitation stands: open (scheduled, postponed), sent, answered, or closed with a reason."""

    SCHEDULED = "scheduled"
    POSTPONED = "postponed"
    SENT = "sent"
    RESPONDED = "responded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPPRESSED = "suppressed"
    SAMPLED_OUT = "sampled_out"
    UNSUBSCRIBED = "unsubscribed"
    UNDELIVERABLE = "undeliverable"


#: Invitations still waiting to be sent (dispatch may send them; a new plan or an unsubscribe cancels them).
OPEN_INVITATION_STATUSES: tuple[InvitationStatus, ...] = (InvitationStatus.SCHEDULED, InvitationStatus.POSTPONED)


class ResponseStatus(StrEnum):
    """Where a response stands in the team's inbox: new until someone reads it, archived when dealt with."""

    NEW = "new"
    READ = "read"
    ARCHIVED = "archived"


class CaseStatus(StrEnum):
    """Where a case stands: waiting for someone, being worked on, closed with an outcome."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


#: Cases still needing work (the default of the list, and the only ones that can be overdue).
ACTIVE_CASE_STATUSES: tuple[CaseStatus, ...] = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED)


class EventResultStatus(StrEnum):
    """What happened to one posted journey event."""

    ACCEPTED = "accepted"
    REPLAYED = "replayed"
    REJECTED = "rejected"


def values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings of an enum, in definition order (for ``validate.OneOf`` and documentation)."""
    return tuple(member.value for member in kind)
