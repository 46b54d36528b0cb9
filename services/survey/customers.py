"""Customer use cases: read, unsubscribe (API or one-click link), erase personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.survey.erasure import erase_everywhere
from services.survey.exceptions import CustomerNotFoundError, InvitationNotFoundError
from services.survey.invitations import record_decision
from services.survey.models import Customer, Invitation, JourneyEvent, find_invitation_by_token
from services.survey.webhooks.emission import emit_unsubscribe_created
from shared.statuses import OPEN_INVITATION_STATUSES, InvitationStatus


def get_customer(session: Session, customer_id: str) -> Customer:
    """The customer (raises ``CustomerNotFoundError``)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFoundError(f"no customer '{customer_id}'")
    return customer


def _cancel_open(session: Session, customer_id: str, *, decision: str, status: str, reason: str,
                 now: datetime) -> int:
    invitations = list(session.scalars(select(Invitation).where(
        Invitation.customer_id == customer_id, Invitation.status.in_(OPEN_INVITATION_STATUSES)).with_for_update()))
    for invitation in invitations:
        invitation.due_at = None
        record_decision(session, invitation, decision=decision, status=status, reason=reason, now=now)
    return len(invitations)


def _unsubscribe(session: Session, customer: Customer, now: datetime, source: str) -> int:
    if customer.unsubscribed_at is None:
        customer.unsubscribed_at = now
        customer.updated_at = now
        emit_unsubscribe_created(session, customer_id=customer.id, now=now,  # response webhooks
                                 source="link" if source.startswith("link") else "api")
    return _cancel_open(session, customer.id, decision="unsubscribed", status=InvitationStatus.UNSUBSCRIBED,
                        reason=f"the customer unsubscribed ({source})", now=now)


def unsubscribe_customer(session: Session, *, customer_id: str, now: datetime) -> tuple[Customer, int]:
    """Stop all surveys to the customer; pending invitations are marked unsubscribed."""
    customer = get_customer(session, customer_id)
    cancelled = _unsubscribe(session, customer, now, "API")
    session.commit()
    return customer, cancelled


def find_customer_by_link(session: Session, token: str) -> Customer | None:
    """The customer a survey link belongs to, or None (for the unsubscribe page)."""
    invitation = find_invitation_by_token(session, token)
    return None if invitation is None else session.get(Customer, invitation.customer_id)


def unsubscribe_by_link(session: Session, *, token: str, now: datetime) -> Customer:
    """One-click unsubscribe from an email link (RFC 8058); repeating it is harmless."""
    invitation = find_invitation_by_token(session, token)
    customer = None if invitation is None else session.get(Customer, invitation.customer_id)
    if invitation is None or customer is None:
        raise InvitationNotFoundError("unknown or expired link")
    _unsubscribe(session, customer, now, f"link of invitation {invitation.id}")
    session.commit()
    return customer


def erase_customer(session: Session, *, customer_id: str, now: datetime) -> None:
    """Erase contact details and attributes everywhere; ids and answers stay.

    Here: the customer row, its events' attributes and its responses' attribute snapshots (with every
    queued copy of them); metrics and notifier erase their copies when the outbox delivers the
    erasure. The customer stays unsubscribed and later events cannot bring contact details back.
    """
    customer = get_customer(session, customer_id)
    customer.email = customer.phone = customer.locale = customer.time_zone = None
    customer.attributes = {}
    customer.erased_at = customer.erased_at or now
    customer.unsubscribed_at = customer.unsubscribed_at or now
    customer.updated_at = now
    session.execute(update(JourneyEvent).where(JourneyEvent.customer_id == customer_id).values(attributes={}))
    erase_everywhere(session, customer_id=customer_id, now=now)
    _cancel_open(session, customer_id, decision="cancelled", status=InvitationStatus.CANCELLED,
                 reason="the customer's personal data was erased", now=now)
    session.commit()
