"""Trigger use cases: create, list, read, update; a trigger may only point at a published survey."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.common.reads_together import rows_together
from services.survey.contact_rules import STORED_BUDGET, ContactPolicy, budget_of
from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url
from services.survey.event_reads import EVENT_TYPE_COUNTS, recent_events_read, stored_event, summaries_of
from services.survey.exceptions import InvalidTriggerError, TriggerNotFoundError
from services.survey.models import Trigger
from services.survey.surveys import get_survey, trigger_choices_read
from shared.channels import InvitationChannel
from shared.statuses import SurveyStatus


def get_trigger(session: Session, trigger_id: int) -> Trigger:
    """The trigger (raises ``TriggerNotFoundError``)."""
    trigger = session.get(Trigger, trigger_id)
    if trigger is None:
        raise TriggerNotFoundError(f"no trigger {trigger_id}")
    return trigger


_TRIGGER_ROW = select(*Trigger.__table__.columns).where(Trigger.id == bindparam("trigger_id"))


def editor_view(session: Session, *, trigger_id: int | None, events_limit: int, with_events: bool,
                configured: ContactPolicy) -> dict[str, Any]:
    """What a trigger editor shows, read together (``rows_together``: one pipeline on PostgreSQL): the
    trigger as a row of its columns (None for a new one; raises ``TriggerNotFoundError``), the surveys it
    can ask (its own whatever its status), the event types seen, the contact budget in force (``budget``;
    ``configured`` unless an admin stored one) and, when ``with_events`` and there is a trigger, the
    latest events of its type as stored events (None otherwise: events are personal data, not every
    reader's). The reads of the trigger's survey and events name the trigger, not its values, so none
    waits for another."""
    reads = [trigger_choices_read(trigger_id), (EVENT_TYPE_COUNTS, None), (STORED_BUDGET, None)]
    if trigger_id is not None:
        reads.append((_TRIGGER_ROW, {"trigger_id": trigger_id}))
        if with_events:
            reads.append(recent_events_read(of_trigger=trigger_id, limit=events_limit))
    surveys, types, budget, *about_trigger = rows_together(session, reads)
    trigger = events = None
    if trigger_id is not None:
        if not about_trigger[0]:
            raise TriggerNotFoundError(f"no trigger {trigger_id}")
        trigger = about_trigger[0][0]
        if with_events:
            events = [stored_event(event) for event in about_trigger[1]]
    return {"trigger": trigger, "surveys": surveys, "event_types": summaries_of(types), "recent_events": events,
            "budget": budget_of(budget[0] if budget else None, configured)}


def list_triggers(session: Session, *, survey_id: int | None = None, event_type: str | None = None,
                  active: bool | None = None) -> list[Trigger]:
    """Triggers, newest first, optionally filtered."""
    query = select(Trigger).order_by(Trigger.id.desc())
    if survey_id is not None:
        query = query.where(Trigger.survey_id == survey_id)
    if event_type is not None:
        query = query.where(Trigger.event_type == event_type)
    if active is not None:
        query = query.where(Trigger.active.is_(active))
    return list(session.scalars(query))


def _check(session: Session, values: dict[str, Any], *, allow_private_webhooks: bool) -> None:
    survey = get_survey(session, values["survey_id"])
    if survey.live_version is None or survey.status != SurveyStatus.PUBLISHED:
        raise InvalidTriggerError(f"survey {survey.id} is not published", errors={"survey_id": ["not published"]})
    if (values.get("window_start") is None) != (values.get("window_end") is None):
        raise InvalidTriggerError("give both window_start and window_end, or neither")
    if values["channel"] == InvitationChannel.WEBHOOK:
        if not values.get("webhook_url"):
            raise InvalidTriggerError("the webhook channel needs webhook_url", errors={"webhook_url": ["required"]})
        try:
            check_webhook_url(values["webhook_url"], allow_private=allow_private_webhooks)
        except UnsafeUrlError as exc:
            raise InvalidTriggerError(f"webhook_url refused: {exc}", errors={"webhook_url": [str(exc)]}) from exc


def create_trigger(session: Session, *, fields: dict[str, Any], now: datetime,
                   allow_private_webhooks: bool = False) -> Trigger:
    """Create a trigger for a published survey."""
    _check(session, fields, allow_private_webhooks=allow_private_webhooks)
    trigger = Trigger(**fields, created_at=now, updated_at=now)
    session.add(trigger)
    session.commit()
    return trigger


def update_trigger(session: Session, *, trigger_id: int, changes: dict[str, Any], now: datetime,
                   allow_private_webhooks: bool = False) -> Trigger:
    """Change a trigger; invitations already made keep their settings."""
    trigger = get_trigger(session, trigger_id)
    values = {column: getattr(trigger, column) for column in Trigger.__table__.columns.keys()}
    values.update(changes)
    _check(session, values, allow_private_webhooks=allow_private_webhooks)
    for name, value in changes.items():
        setattr(trigger, name, value)
    trigger.updated_at = now
    session.commit()
    return trigger
