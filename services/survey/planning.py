"""Deciding what a trigger does with one event: fire or not, when, and which rule stops or delays it.

The same function serves the worker (which then writes an invitation) and the side-effect-free
preview endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.survey.conditions import ConditionResult, evaluate
from services.survey.contact_rules import (
    ContactPolicy,
    budget_free_at,
    budget_in_force,
    last_sent_of_survey,
    recent_sends,
    recontact_blocked,
    unreachable,
)
from services.survey.models import Survey, Trigger
from services.survey.schedule import customer_zone, first_send_time, next_in_window, sampled_in
from services.survey.survey_definition import pick_language
from shared.statuses import OPEN_INVITATION_STATUSES, InvitationStatus, SurveyStatus


@dataclass
class Plan:
    """The outcome for one (trigger, event): ``status`` is the invitation's first status."""

    fire: bool
    status: str | None = None
    stopped_by: str | None = None
    reason: str | None = None
    due_at: datetime | None = None
    expires_at: datetime | None = None
    language: str | None = None
    postponed_by: list[str] = field(default_factory=list)
    conditions: list[ConditionResult] = field(default_factory=list)
    last_sent_at: datetime | None = None  # the recontact rule's input, for explanations
    recontact_days: int | None = None

    @property
    def will_send(self) -> bool:
        return self.status in OPEN_INVITATION_STATUSES


@dataclass(frozen=True)
class PlanningRules:
    """Service-wide settings the plan needs (``policy``: the configured budget; a stored one overrides it)."""

    policy: ContactPolicy
    default_time_zone: str = "UTC"


def _stop(plan: Plan, status: str | None, rule: str, reason: str) -> Plan:
    plan.status, plan.stopped_by, plan.reason = status, rule, reason
    plan.fire = status is not None
    return plan


def plan_invitation(session: Session, *, trigger: Trigger, survey: Survey, definition: dict[str, Any] | None,
                    event: dict[str, Any], customer: dict[str, Any], now: datetime,
                    rules: PlanningRules) -> Plan:
    """Evaluate every rule in order; reads the send history but writes nothing."""
    plan = Plan(fire=False)
    if not trigger.active:
        return _stop(plan, None, "trigger_inactive", "the trigger is switched off")
    if survey.status != SurveyStatus.PUBLISHED or definition is None:
        return _stop(plan, None, "survey_not_live", f"survey {survey.id} is {survey.status}")
    if event["type"] != trigger.event_type:
        return _stop(plan, None, "event_type", f"the trigger listens to '{trigger.event_type}'")
    plan.conditions = evaluate(trigger.conditions or [], event, customer)
    failed = [c for c in plan.conditions if not c.passed]
    if failed:
        return _stop(plan, None, "conditions", f"condition on {failed[0].field} ({failed[0].op}) does not hold")
    plan.language = pick_language(definition, customer.get("locale"))
    due = first_send_time(event["occurred_at"], trigger.delay_minutes, now)
    plan.expires_at = event["occurred_at"] + timedelta(minutes=trigger.delay_minutes + trigger.expires_after_minutes)
    if not sampled_in(trigger.id or 0, event["id"], trigger.sampling_rate):
        return _stop(plan, InvitationStatus.SAMPLED_OUT, "sampling", f"sampled out at rate {trigger.sampling_rate:g}")
    refusal = unreachable(unsubscribed_at=customer.get("unsubscribed_at"), erased_at=customer.get("erased_at"),
                          email=customer.get("email"), channel=trigger.channel)
    if refusal == "unsubscribed":
        return _stop(plan, InvitationStatus.UNSUBSCRIBED, "unsubscribed", "the customer unsubscribed")
    if refusal == "no_email":
        return _stop(plan, InvitationStatus.UNDELIVERABLE, "no_email", "the customer has no email address")
    last = last_sent_of_survey(session, customer_id=customer["id"], survey_id=survey.id)
    plan.last_sent_at, plan.recontact_days = last, survey.recontact_days
    if recontact_blocked(last, survey.recontact_days, due):
        return _stop(plan, InvitationStatus.SUPPRESSED, "recontact",
                     f"survey already sent {last:%Y-%m-%d %H:%M} UTC, within {survey.recontact_days} days")
    zone = customer_zone(customer.get("time_zone"), rules.default_time_zone)
    windowed = next_in_window(due, trigger.window_start, trigger.window_end, zone)
    if windowed != due:
        plan.postponed_by.append("send_window")
    policy = budget_in_force(session, rules.policy).policy
    free_at = budget_free_at(recent_sends(session, customer_id=customer["id"], policy=policy, now=windowed),
                             policy, windowed)
    if free_at is not None:
        plan.postponed_by.append("budget")
        windowed = next_in_window(free_at, trigger.window_start, trigger.window_end, zone)
    plan.due_at = windowed
    if windowed >= plan.expires_at:
        rule = "budget" if free_at is not None else "expiry"
        return _stop(plan, InvitationStatus.EXPIRED, rule, "it could not be sent before it expires")
    plan.fire = True
    plan.status = InvitationStatus.POSTPONED if "budget" in plan.postponed_by else InvitationStatus.SCHEDULED
    plan.reason = ("postponed: " + ", ".join(plan.postponed_by)) if plan.postponed_by else "scheduled"
    return plan
