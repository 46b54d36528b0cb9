"""The worker's delivery step: claim one due invitation, apply the contact rules, deliver it.

Each call handles one invitation in its own transaction: the invitation row is claimed with
``FOR UPDATE SKIP LOCKED`` (so two workers never take the same row) and the customer row is locked
before the budget is counted (so two workers never both use the customer's last slot). Only one
customer is locked per transaction, so workers cannot deadlock. Delivery happens inside the
transaction: if the process dies between sending and committing, the invitation is sent again
later (at least once), never lost.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from services.common.set_aside import TRANSIENT, not_set_aside, set_aside
from services.survey.contact_rules import (
    budget_free_at,
    budget_in_force,
    budget_room,
    higher_priority_due,
    last_sent_of_survey,
    recent_sends,
    recontact_blocked,
    unreachable,
)
from services.survey.delivery import DeliveryError, OutgoingInvitation
from services.survey.invitations import record_decision
from services.survey.models import PLATFORM, Customer, Invitation, Survey, SurveyVersion, Trigger
from services.survey.outgoing import build_outgoing
from services.survey.planning import PlanningRules
from services.survey.schedule import customer_zone, next_in_window
from services.survey.webhooks.emission import emit_invitation_sent
from shared.backoff import Backoff
from shared.channels import InvitationChannel
from shared.statuses import OPEN_INVITATION_STATUSES, InvitationStatus, SurveyStatus

log = logging.getLogger("cxloop.survey.dispatch")
SET_ASIDE_KIND = "invitation"
PRIORITY_STEP = timedelta(minutes=1)
RETRY_CAP_SECONDS = 6 * 3600
Sender = Callable[[OutgoingInvitation], None]


@dataclass(frozen=True)
class DispatchSettings:
    """What delivery needs besides the database."""

    public_base_url: str
    token_secret: str | tuple[str, ...]  # link-token secrets, current first (rotation)
    rules: PlanningRules
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    lease: timedelta = timedelta(minutes=2)  # how long a worker owns an invitation it is sending


@dataclass(frozen=True)
class _Send:
    """An invitation claimed for sending: what to send, and the lease that says it is still ours."""

    invitation_id: int
    outgoing: OutgoingInvitation
    lease_until: datetime
    reminder_after_minutes: int | None


def retry_delay(attempts: int, base_seconds: float, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter in [0.5, 1], capped at six hours."""
    return Backoff(base_seconds, RETRY_CAP_SECONDS).delay(attempts, rng)


def dispatch_next(session: Session, *, now: datetime, settings: DispatchSettings, senders: Mapping[str, Sender],
                  rng: random.Random | None = None) -> str | None:
    """Handle the next due invitation; returns its decision, or None when nothing is due.

    No transaction is open while a channel sends: the decision (under the invitation's and the
    customer's row locks) either closes the invitation, or claims it for sending under a lease (its
    ``sent_at`` set so that contact rules count it, its ``due_at`` at the lease's end) and commits;
    the send follows; the outcome is written if the lease still stands. A worker that dies while
    sending leaves the invitation due again when the lease ends.

    An invitation whose handling fails (a fault of the item, not of the database) is set aside with
    the reason, so the invitations due after it still go out (decision ``set_aside``).
    """
    rng = rng or random.Random()
    invitation = session.scalar(
        select(Invitation).where(Invitation.status.in_(OPEN_INVITATION_STATUSES), Invitation.due_at <= now,
                                 not_set_aside(PLATFORM, SET_ASIDE_KIND, cast(Invitation.id, String)))
        .order_by(Invitation.due_at, Invitation.priority.desc(), Invitation.id).limit(1)
        .with_for_update(skip_locked=True, of=Invitation))
    if invitation is None:
        session.rollback()
        return None
    invitation_id = invitation.id
    try:
        customer = session.scalar(select(Customer).where(Customer.id == invitation.customer_id).with_for_update())
        if invitation.sent_at is not None:  # a send whose worker died: its lease is over, decide afresh
            invitation.sent_at = None
            session.flush()
        outcome = _decide(session, invitation, customer, now, settings)
        session.commit()
        if isinstance(outcome, str):
            return outcome
        try:
            senders[outcome.outgoing.channel](outcome.outgoing)
            problem: Exception | None = None
        except Exception as exc:  # every failure is recorded on the invitation, never lost
            problem = exc
        return _record_send(session, outcome, problem, now, settings, rng)
    except TRANSIENT:
        raise
    except Exception as exc:  # this invitation's fault: hold it back, let the others go
        session.rollback()
        set_aside(session, PLATFORM, service="survey", kind=SET_ASIDE_KIND, item_key=str(invitation_id),
                  problem=exc, now=now)
        session.commit()
        return "set_aside"


def _postpone(session: Session, invitation: Invitation, until: datetime, reason: str, now: datetime) -> str:
    if until >= invitation.expires_at:
        record_decision(session, invitation, decision="expired", status=InvitationStatus.EXPIRED, now=now,
                        reason=f"expired: {reason} until after the expiry")
        return "expired"
    invitation.due_at = until
    record_decision(session, invitation, decision="postponed", status=InvitationStatus.POSTPONED, now=now,
                    reason=f"postponed: {reason} until {until:%Y-%m-%d %H:%M} UTC")
    return "postponed"


def _decide(session: Session, invitation: Invitation, customer: Customer | None, now: datetime,
            settings: DispatchSettings) -> str | _Send:
    def stop(decision: str, status: str, reason: str) -> str:
        record_decision(session, invitation, decision=decision, status=status, reason=reason, now=now)
        return decision

    if now >= invitation.expires_at:
        return stop("expired", InvitationStatus.EXPIRED, "expired before it could be sent")
    refusal = "unsubscribed" if customer is None else unreachable(
        unsubscribed_at=customer.unsubscribed_at, erased_at=customer.erased_at, email=customer.email,
        channel=invitation.channel)
    if customer is None or refusal == "unsubscribed":
        return stop("unsubscribed", InvitationStatus.UNSUBSCRIBED, "the customer unsubscribed")
    survey = session.get(Survey, invitation.survey_id)
    if survey is None or survey.status == SurveyStatus.ARCHIVED:
        return stop("cancelled", InvitationStatus.CANCELLED, "the survey was archived")
    if refusal == "no_email":
        return stop("undeliverable", InvitationStatus.UNDELIVERABLE, "the customer has no email address")
    last = last_sent_of_survey(session, customer_id=customer.id, survey_id=survey.id)
    if recontact_blocked(last, survey.recontact_days, now):
        return stop("suppressed_recontact", InvitationStatus.SUPPRESSED,
                    f"survey already sent {last:%Y-%m-%d %H:%M} UTC, within {survey.recontact_days} days")
    trigger = session.get(Trigger, invitation.trigger_id) if invitation.trigger_id else None
    start, end = (trigger.window_start, trigger.window_end) if trigger else (None, None)
    zone = customer_zone(customer.time_zone, settings.rules.default_time_zone)
    opening = next_in_window(now, start, end, zone)
    if opening != now:
        return _postpone(session, invitation, opening, "outside the send window", now)
    policy = budget_in_force(session, settings.rules.policy).policy
    sends = recent_sends(session, customer_id=customer.id, policy=policy, now=now)
    free_at = budget_free_at(sends, policy, now)
    if free_at is not None:
        return _postpone(session, invitation, next_in_window(free_at, start, end, zone),
                         f"contact budget full ({policy.max_contacts} in {policy.days} days)", now)
    if higher_priority_due(session, invitation=invitation, now=now) >= budget_room(sends, policy, now):
        return _postpone(session, invitation, now + PRIORITY_STEP, "higher-priority invitations take the budget", now)
    return _claim_for_sending(session, invitation, customer, trigger, now, settings)


def _claim_for_sending(session: Session, invitation: Invitation, customer: Customer, trigger: Trigger | None,
                       now: datetime, settings: DispatchSettings) -> _Send:
    version = session.get(SurveyVersion, (invitation.survey_id, invitation.survey_version))
    assert version is not None
    outgoing = build_outgoing(invitation, customer, version.definition, trigger, settings=settings, reminder=False)
    lease_until = now + settings.lease
    invitation.language, invitation.attempts = outgoing.language, invitation.attempts + 1
    invitation.sent_at, invitation.due_at = now, lease_until  # counted by the contact rules while in flight
    reminder = trigger.reminder_after_minutes if trigger and invitation.channel != InvitationChannel.IN_APP else None
    return _Send(invitation.id, outgoing, lease_until, reminder)


def _record_send(session: Session, send: _Send, problem: Exception | None, now: datetime,
                 settings: DispatchSettings, rng: random.Random) -> str:
    invitation = session.scalar(select(Invitation).where(Invitation.id == send.invitation_id).with_for_update())
    if (invitation is None or invitation.status not in OPEN_INVITATION_STATUSES
            or invitation.due_at != send.lease_until):
        session.rollback()
        log.warning("invitation lease lost while sending", extra={"invitation_id": send.invitation_id})
        return "lease_lost"
    if problem is not None:
        invitation.sent_at = None
        decision = _failed(session, invitation, problem, now, settings, rng)
        session.commit()
        return decision
    invitation.attempts, invitation.last_error, invitation.due_at = 0, None, None
    if send.reminder_after_minutes:
        reminder_at = now + timedelta(minutes=send.reminder_after_minutes)
        invitation.reminder_due_at = reminder_at if reminder_at < invitation.expires_at else None
    record_decision(session, invitation, decision="sent", status=InvitationStatus.SENT, now=now,
                    reason=f"sent by {invitation.channel} in '{send.outgoing.language}'")
    emit_invitation_sent(session, invitation, now=now)  # response webhooks, same transaction
    session.commit()
    return "sent"


def _failed(session: Session, invitation: Invitation, exc: Exception, now: datetime,
            settings: DispatchSettings, rng: random.Random) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    invitation.last_error = error
    if not isinstance(exc, DeliveryError):
        log.warning("delivery crashed", exc_info=exc)
    permanent = isinstance(exc, DeliveryError) and exc.permanent
    if permanent or invitation.attempts >= settings.max_attempts:
        invitation.due_at = None
        record_decision(session, invitation, decision="failed", status=InvitationStatus.FAILED, now=now,
                        reason=f"delivery failed for good after {invitation.attempts} attempt(s): {error}"[:300])
        return "failed"
    invitation.due_at = now + retry_delay(invitation.attempts, settings.backoff_seconds, rng)
    record_decision(session, invitation, decision="retry", now=now,
                    reason=f"attempt {invitation.attempts} failed, retry at {invitation.due_at:%H:%M:%S}: {error}"[:300])
    return "retry"


def dispatch_due(session_factory: Callable[[], Session], *, now_fn: Callable[[], datetime],
                 settings: DispatchSettings, senders: Mapping[str, Sender], limit: int = 200) -> dict[str, int]:
    """Handle due invitations one transaction at a time, up to ``limit``; counts per decision."""
    counts: dict[str, int] = {}
    for _ in range(limit):
        with session_factory() as session:
            decision = dispatch_next(session, now=now_fn(), settings=settings, senders=senders)
        if decision is None:
            break
        counts[decision] = counts.get(decision, 0) + 1
    return counts
