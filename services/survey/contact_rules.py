"""Contact-frequency rules: a per-survey recontact window and a per-customer budget.

The budget allows at most ``max_contacts`` sends in any window of ``days`` days (half-open
``[s, s + days)``): a send at ``now`` is allowed when fewer than ``max_contacts`` sends happened in
``(now - days, now]``. When the budget is full, the invitation is postponed to the moment the oldest
counted send leaves the window; among invitations due at once, higher priority goes first.

The budget in force is the one an admin stored (``PUT /v1/contact-rules``), else the configured one
(``SURVEY_CONTACT_BUDGET_MAX`` / ``_DAYS``); planning, dispatch and the API read it through
``budget_in_force``, at the moment they decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.db import column_rows
from services.survey.models import ContactSettings, Invitation
from shared.channels import InvitationChannel
from shared.statuses import OPEN_INVITATION_STATUSES


@dataclass(frozen=True)
class ContactPolicy:
    """The per-customer budget: at most ``max_contacts`` invitations in ``days`` days."""

    max_contacts: int = 3
    days: int = 30


SETTINGS_ROW = 1


@dataclass(frozen=True)
class BudgetInForce:
    """The budget that applies now, where it comes from, and who last set it."""

    policy: ContactPolicy
    source: str  # "stored" or "configuration"
    updated_at: datetime | None = None
    updated_by: str | None = None


STORED_BUDGET = select(ContactSettings.budget_max_contacts, ContactSettings.budget_days, ContactSettings.updated_at,
                       ContactSettings.updated_by).where(ContactSettings.id == SETTINGS_ROW)


def budget_in_force(session: Session, configured: ContactPolicy) -> BudgetInForce:
    """The stored budget when an admin has set one, else ``configured``."""
    return budget_of(column_rows(session, STORED_BUDGET).first(), configured)


def budget_of(row: Any, configured: ContactPolicy) -> BudgetInForce:
    """The budget in force from the row ``STORED_BUDGET`` found (None when no admin has set one)."""
    if row is None:
        return BudgetInForce(policy=configured, source="configuration")
    return BudgetInForce(policy=ContactPolicy(max_contacts=row.budget_max_contacts, days=row.budget_days),
                         source="stored", updated_at=row.updated_at, updated_by=row.updated_by)


def store_budget(session: Session, policy: ContactPolicy, *, by: str, now: datetime) -> None:
    """Make ``policy`` the budget in force from now on (bounds are checked by the contract)."""
    row = session.get(ContactSettings, SETTINGS_ROW)
    if row is None:
        row = ContactSettings(id=SETTINGS_ROW)
        session.add(row)
    row.budget_max_contacts, row.budget_days = policy.max_contacts, policy.days
    row.updated_at, row.updated_by = now, by
    session.commit()


def forget_budget(session: Session) -> None:
    """Go back to the configured budget."""
    row = session.get(ContactSettings, SETTINGS_ROW)
    if row is not None:
        session.delete(row)
        session.commit()


def unreachable(*, unsubscribed_at: datetime | None, erased_at: datetime | None, email: str | None,
                channel: str) -> str | None:
    """Why the customer cannot be asked on ``channel`` at all (``unsubscribed``, ``no_email``), or None.

    The one rule planning, dispatch and reminders apply before anything else.
    """
    if unsubscribed_at is not None or erased_at is not None:
        return "unsubscribed"
    if channel == InvitationChannel.EMAIL and not email:
        return "no_email"
    return None


def recontact_blocked(last_sent: datetime | None, recontact_days: int, now: datetime) -> bool:
    """Whether the same survey was sent to the customer within the recontact window."""
    return last_sent is not None and recontact_days > 0 and now - last_sent < timedelta(days=recontact_days)


def budget_free_at(sent_times: Sequence[datetime], policy: ContactPolicy, now: datetime) -> datetime | None:
    """None when a send fits now, else the earliest moment one fits (no new sends assumed)."""
    window = timedelta(days=policy.days)
    recent = sorted(moment for moment in sent_times if moment > now - window)
    if len(recent) < policy.max_contacts:
        return None
    return recent[len(recent) - policy.max_contacts] + window


def budget_room(sent_times: Sequence[datetime], policy: ContactPolicy, now: datetime) -> int:
    """How many more sends fit now."""
    window = timedelta(days=policy.days)
    return max(0, policy.max_contacts - sum(1 for moment in sent_times if moment > now - window))


def recent_sends(session: Session, *, customer_id: str, policy: ContactPolicy, now: datetime) -> list[datetime]:
    """Send times of the customer's invitations inside the budget window."""
    since = now - timedelta(days=policy.days)
    return list(session.scalars(select(Invitation.sent_at).where(
        Invitation.customer_id == customer_id, Invitation.sent_at.is_not(None), Invitation.sent_at > since)))


def last_sent_of_survey(session: Session, *, customer_id: str, survey_id: int) -> datetime | None:
    """When this survey was last sent to the customer (any version)."""
    return session.scalar(select(func.max(Invitation.sent_at)).where(
        Invitation.customer_id == customer_id, Invitation.survey_id == survey_id))


def higher_priority_due(session: Session, *, invitation: Invitation, now: datetime) -> int:
    """Other open invitations of the customer, due now, that go before this one."""
    before = (Invitation.priority > invitation.priority) | (
        (Invitation.priority == invitation.priority) & (Invitation.id < invitation.id))
    return session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.customer_id == invitation.customer_id, Invitation.id != invitation.id,
        Invitation.status.in_(OPEN_INVITATION_STATUSES), Invitation.due_at <= now,
        Invitation.expires_at > now, before)) or 0
