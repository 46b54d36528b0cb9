"""Reminders for unanswered invitations and expiry of invitations whose time has passed."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from services.common.set_aside import TRANSIENT, not_set_aside, set_aside
from services.survey.contact_rules import unreachable
from services.survey.delivery import DeliveryError, OutgoingInvitation
from services.survey.dispatch import DispatchSettings, Sender, retry_delay
from services.survey.invitations import record_decision
from services.survey.models import PLATFORM, Customer, Invitation, SurveyVersion, Trigger
from services.survey.outgoing import build_outgoing
from shared.statuses import OPEN_INVITATION_STATUSES, InvitationStatus

REMINDER_ATTEMPTS = 3
SET_ASIDE_KIND = "reminder"


def remind_next(session: Session, *, now: datetime, settings: DispatchSettings, senders: Mapping[str, Sender],
                rng: random.Random | None = None) -> str | None:
    """Send the next due reminder (same link as the invitation); None when none is due.

    As for invitations, no transaction is open while the channel sends: the reminder is claimed
    under a lease (``reminder_due_at`` at its end) and committed, sent, then recorded if the lease
    still stands. A reminder whose handling fails is set aside (outcome ``set_aside``) so later
    reminders still go.
    """
    rng = rng or random.Random()
    invitation = session.scalar(
        select(Invitation).where(Invitation.status == InvitationStatus.SENT, Invitation.reminder_due_at <= now,
                                 not_set_aside(PLATFORM, SET_ASIDE_KIND, cast(Invitation.id, String)))
        .order_by(Invitation.reminder_due_at, Invitation.id).limit(1)
        .with_for_update(skip_locked=True, of=Invitation))
    if invitation is None:
        session.rollback()
        return None
    invitation_id = invitation.id
    try:
        customer = session.get(Customer, invitation.customer_id)
        outcome = _claim_reminder(session, invitation, customer, now, settings)
        session.commit()
        if isinstance(outcome, str):
            return outcome
        outgoing, lease_until = outcome
        try:
            senders[outgoing.channel](outgoing)
            problem: Exception | None = None
        except Exception as exc:  # recorded; retried a few times, then given up
            problem = exc
        return _record_reminder(session, invitation_id, lease_until, problem, now, settings, rng)
    except TRANSIENT:
        raise
    except Exception as exc:  # this reminder's fault: hold it back, let the others go
        session.rollback()
        set_aside(session, PLATFORM, service="survey", kind=SET_ASIDE_KIND, item_key=str(invitation_id),
                  problem=exc, now=now)
        session.commit()
        return "set_aside"
    return outcome


def _claim_reminder(session: Session, invitation: Invitation, customer: Customer | None, now: datetime,
                    settings: DispatchSettings) -> str | tuple[OutgoingInvitation, datetime]:
    refusal = "unsubscribed" if customer is None else unreachable(
        unsubscribed_at=customer.unsubscribed_at, erased_at=customer.erased_at, email=customer.email,
        channel=invitation.channel)
    skip = None
    if invitation.responded_at is not None:
        skip = "answered"
    elif now >= invitation.expires_at:
        skip = "expired"
    elif refusal is not None:
        skip = "unsubscribed" if refusal == "unsubscribed" else "no email address"
    if skip:
        invitation.reminder_due_at = None
        record_decision(session, invitation, decision="reminder_skipped", reason=f"no reminder: {skip}", now=now)
        return "reminder_skipped"
    assert customer is not None
    version = session.get(SurveyVersion, (invitation.survey_id, invitation.survey_version))
    assert version is not None  # published versions are never deleted
    trigger = session.get(Trigger, invitation.trigger_id) if invitation.trigger_id else None
    outgoing = build_outgoing(invitation, customer, version.definition, trigger, settings=settings, reminder=True)
    invitation.attempts += 1
    invitation.reminder_due_at = lease_until = now + settings.lease
    return outgoing, lease_until


def _record_reminder(session: Session, invitation_id: int, lease_until: datetime, problem: Exception | None,
                     now: datetime, settings: DispatchSettings, rng: random.Random) -> str:
    invitation = session.scalar(select(Invitation).where(Invitation.id == invitation_id).with_for_update())
    if invitation is None or invitation.reminder_due_at != lease_until:
        session.rollback()
        return "lease_lost"
    if problem is not None:
        error = f"{type(problem).__name__}: {problem}"[:300]
        invitation.last_error = error
        if (isinstance(problem, DeliveryError) and problem.permanent) or invitation.attempts >= REMINDER_ATTEMPTS:
            invitation.reminder_due_at = None
            outcome = "reminder_failed"
        else:
            invitation.reminder_due_at = now + retry_delay(invitation.attempts, settings.backoff_seconds, rng)
            outcome = "reminder_retry"
        record_decision(session, invitation, decision=outcome, reason=error, now=now)
    else:
        invitation.reminded_at, invitation.reminder_due_at, invitation.attempts = now, None, 0
        outcome = "reminded"
        record_decision(session, invitation, decision=outcome, reason="reminder sent", now=now)
    session.commit()
    return outcome


def expire_invitations(session: Session, *, now: datetime, limit: int = 1000) -> int:
    """Mark invitations past their expiry: unsent ones and sent-but-unanswered ones. One commit."""
    invitations = list(session.scalars(
        select(Invitation).where(Invitation.expires_at <= now, or_(
            Invitation.status.in_(OPEN_INVITATION_STATUSES),
            (Invitation.status == InvitationStatus.SENT) & Invitation.responded_at.is_(None)))
        .order_by(Invitation.id).limit(limit).with_for_update(skip_locked=True)))
    for invitation in invitations:
        sent = invitation.status == InvitationStatus.SENT
        reason = "expired unanswered" if sent else "expired before it could be sent"
        invitation.due_at = invitation.reminder_due_at = None
        record_decision(session, invitation, decision="expired", status=InvitationStatus.EXPIRED, reason=reason,
                        now=now)
    session.commit()
    return len(invitations)
