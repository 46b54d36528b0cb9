"""The worker's matching step: new journey events -> cancellations and invitations, in event order."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from services.common.set_aside import isolate, not_set_aside
from services.survey.customer_upsert import merge_customers
from services.survey.event_type_counts import count_matched
from services.survey.invitations import attach_token, record_decision
from services.survey.models import PLATFORM, Customer, Invitation, JourneyEvent, Survey, Trigger
from services.survey.planning import Plan, PlanningRules, plan_invitation
from services.survey.surveys import get_trigger_context
from services.survey.triggers import get_trigger
from shared.statuses import OPEN_INVITATION_STATUSES, InvitationStatus

SET_ASIDE_KIND = "event"
log = logging.getLogger("cxloop.survey.matching")


@dataclass
class MatchReport:
    """What one matching pass did."""

    events: int = 0
    invitations: int = 0
    cancelled: int = 0
    set_aside: int = 0


def customer_view(customer: Customer | None, customer_id: str) -> dict[str, Any]:
    """The customer as conditions and rules see it."""
    if customer is None:
        return {"id": customer_id, "attributes": {}}
    return {"id": customer.id, "email": customer.email, "phone": customer.phone, "locale": customer.locale,
            "time_zone": customer.time_zone, "attributes": dict(customer.attributes or {}),
            "unsubscribed_at": customer.unsubscribed_at, "erased_at": customer.erased_at}


def _event_view(event: JourneyEvent) -> dict[str, Any]:
    return {"id": event.event_id, "type": event.type, "occurred_at": event.occurred_at,
            "attributes": dict(event.attributes or {}), "customer_id": event.customer_id}


def match_pending_events(session: Session, *, now: datetime, rules: PlanningRules, token_secret: str,
                         limit: int = 500) -> MatchReport:
    """Claim unmatched events (SKIP LOCKED), apply cancel-on and triggers, mark them matched; one commit.

    The pass runs as one transaction; if it fails, it runs again with each event in its own savepoint,
    and an event that fails on its own is set aside with the reason, so it never holds back the rest.
    """
    try:
        return _match(session, now=now, rules=rules, token_secret=token_secret, limit=limit, careful=False)
    except Exception:
        session.rollback()
        log.warning("matching pass failed; matching event by event", exc_info=True)
        return _match(session, now=now, rules=rules, token_secret=token_secret, limit=limit, careful=True)


def _match(session: Session, *, now: datetime, rules: PlanningRules, token_secret: str, limit: int,
           careful: bool) -> MatchReport:
    events = list(session.scalars(select(JourneyEvent)
                                  .where(JourneyEvent.matched_at.is_(None),
                                         not_set_aside(PLATFORM, SET_ASIDE_KIND, cast(JourneyEvent.seq, String)))
                                  .order_by(JourneyEvent.seq).limit(limit)
                                  .with_for_update(skip_locked=True, of=JourneyEvent)))
    report = MatchReport(events=len(events))
    if not events:
        session.rollback()
        return report
    triggers = list(session.scalars(select(Trigger).where(Trigger.active.is_(True))))
    by_type: dict[str, list[Trigger]] = defaultdict(list)
    cancelled_by: dict[str, list[Trigger]] = defaultdict(list)
    for trigger in triggers:
        by_type[trigger.event_type].append(trigger)
        for event_type in trigger.cancel_on or []:
            cancelled_by[event_type].append(trigger)
    contexts = {trigger.survey_id: get_trigger_context(session, trigger.survey_id) for trigger in triggers}
    customer_ids = {event.customer_id for event in events}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}

    def match_one(event: JourneyEvent) -> None:
        view = _event_view(event)
        customer = customer_view(customers.get(event.customer_id), event.customer_id)
        cancelled = invited = 0
        for trigger in cancelled_by.get(event.type, []):
            cancelled += _cancel_for(session, trigger, view, now)
        for trigger in sorted(by_type.get(event.type, []), key=lambda t: (-t.priority, t.id)):
            survey, definition = contexts[trigger.survey_id]
            plan = plan_invitation(session, trigger=trigger, survey=survey, definition=definition, event=view,
                                   customer=customer, now=now, rules=rules)
            if plan.fire:
                _create_invitation(session, trigger, survey, view, plan, now, token_secret)
                invited += 1
        event.matched_at = now
        report.cancelled += cancelled  # counted once the event's work stands
        report.invitations += invited

    if careful:
        report.set_aside = len(isolate(session, PLATFORM, events, match_one, service="survey",
                                       kind=SET_ASIDE_KIND, key=lambda event: event.seq, now=now))
    else:
        for event in events:
            match_one(event)
    count_matched(session, events)
    session.commit()
    return report


def _correlation(trigger: Trigger, event: dict[str, Any]) -> str | None:
    if not trigger.cancel_match_attribute:
        return None
    value = event["attributes"].get(trigger.cancel_match_attribute)
    return None if value is None else str(value)


def _cancel_for(session: Session, trigger: Trigger, event: dict[str, Any], now: datetime) -> int:
    query = select(Invitation).where(Invitation.trigger_id == trigger.id,
                                     Invitation.status.in_(OPEN_INVITATION_STATUSES),
                                     Invitation.customer_id == event["customer_id"])
    correlation = _correlation(trigger, event)
    if correlation is not None:
        query = query.where(Invitation.correlation_value == correlation)
    cancelled = 0
    for invitation in session.scalars(query):
        record_decision(session, invitation, decision="cancelled", status=InvitationStatus.CANCELLED, now=now,
                        reason=f"cancelled by {event['type']} event {event['id']}"[:300])
        cancelled += 1
    return cancelled


def _create_invitation(session: Session, trigger: Trigger, survey: Survey, event: dict[str, Any], plan: Plan,
                       now: datetime, token_secret: str) -> Invitation:
    invitation = Invitation(
        survey_id=survey.id, survey_version=survey.live_version, trigger_id=trigger.id,
        customer_id=event["customer_id"], event_id=event["id"], correlation_value=_correlation(trigger, event),
        channel=trigger.channel, priority=trigger.priority, status=plan.status, reason=plan.reason,
        language=plan.language, due_at=plan.due_at if plan.will_send else None,
        expires_at=plan.expires_at, attempts=0, created_at=now, updated_at=now)
    if plan.will_send:
        attach_token(invitation, token_secret=token_secret)
    session.add(invitation)
    assert plan.status is not None  # a plan that fires has a status
    decision = plan.status if plan.status != InvitationStatus.SUPPRESSED else "suppressed_recontact"
    record_decision(session, invitation, decision=decision, reason=plan.reason, now=now)
    return invitation


def preview_trigger(session: Session, *, trigger_id: int, event: dict[str, Any], now: datetime,
                    rules: PlanningRules) -> Plan:
    """What the trigger would do with this event and the customer as it would be; writes nothing."""
    trigger = get_trigger(session, trigger_id)
    survey, definition = get_trigger_context(session, trigger.survey_id)
    stored = customer_view(session.get(Customer, event["customer"]["id"]), event["customer"]["id"])
    incoming = merge_customers([event["customer"]])[0]
    customer = {**stored, **{k: v for k, v in incoming.items() if v is not None and k != "attributes"},
                "attributes": {**stored.get("attributes", {}), **incoming["attributes"]}}
    view = {"id": event["id"], "type": event["type"], "occurred_at": event["occurred_at"],
            "attributes": event.get("attributes") or {}, "customer_id": customer["id"]}
    return plan_invitation(session, trigger=trigger, survey=survey, definition=definition, event=view,
                           customer=customer, now=now, rules=rules)
