"""Writing webhook events in the transaction of what caused them (the outbox pattern).

``emit`` stores the event once and, for every enabled endpoint that subscribes to its type, a
delivery row and an outbox message; nothing is written when no endpoint wants the event. The worker
sends the messages (``sending``). Deliveries of one subject (a response, an invitation, a customer)
to one endpoint keep their order: ``response.created`` never arrives after ``response.completed``.
Payloads carry ids, answers and times, never the customer's contact details or attributes.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from services.common.outbox import enqueue
from services.survey.models.base import PLATFORM
from services.survey.models.invitations import Invitation
from services.survey.models.responses import Response
from services.survey.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent
from services.survey.webhooks.endpoints import subscribes
from shared.webhook_events import WebhookDeliveryStatus, WebhookEventType

DESTINATION = "webhooks"
TOPIC = "webhook"
#: What a response event leaves out of the response record: the customer's attribute snapshot.
RESPONSE_FIELDS_LEFT_OUT = ("attributes",)


def new_event_id() -> str:
    """A new event id (``evt_`` + 24 hex characters), also the ``webhook-id`` of its deliveries."""
    return "evt_" + secrets.token_hex(12)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def payload_of(event_id: str, event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The body endpoints receive (the Standard Webhooks payload structure)."""
    return {"id": event_id, "type": event_type, "timestamp": now.isoformat(), "data": data}


def queue_delivery(session: Session, *, endpoint_id: int, event: WebhookEvent, now: datetime,
                   replay_of: int | None = None) -> WebhookDelivery:
    """A pending delivery of ``event`` to the endpoint, with its outbox message (never commits)."""
    delivery = WebhookDelivery(endpoint_id=endpoint_id, event_id=event.id, event_type=event.type,
                               status=WebhookDeliveryStatus.PENDING, attempts=0, replay_of=replay_of,
                               created_at=now)
    session.add(delivery)
    session.flush()
    enqueue(session, PLATFORM, topic=TOPIC, destination=DESTINATION, payload={"delivery_id": delivery.id},
            idempotency_key=f"webhook-delivery:{delivery.id}", now=now,
            ordering_key=f"webhook:{endpoint_id}:{event.subject_id}"[:200])
    return delivery


def emit(session: Session, *, event_type: str, subject_id: str, data: dict[str, Any], now: datetime) -> int:
    """Store the event and queue it for every enabled endpoint that subscribes; how many were queued."""
    endpoints = [endpoint for endpoint in session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True)).order_by(WebhookEndpoint.id))
        if subscribes(endpoint, event_type)]
    if not endpoints:
        return 0
    event_id = new_event_id()
    event = WebhookEvent(id=event_id, type=event_type, subject_id=subject_id,
                         payload=payload_of(event_id, event_type, data, now), created_at=now)
    session.add(event)
    session.flush()
    for endpoint in endpoints:
        queue_delivery(session, endpoint_id=endpoint.id, event=event, now=now)
    return len(endpoints)


def _any_endpoint(session: Session) -> bool:
    return session.scalar(select(exists().where(WebhookEndpoint.enabled.is_(True)))) is True


def _forwarded_before(session: Session, response: Response) -> bool:
    """Whether an earlier version of the response already went downstream (so this one is an update)."""
    box = PLATFORM.outbox
    return session.scalar(select(exists().where(and_(
        box.c.ordering_key == f"response:{response.id}",
        box.c.idempotency_key != f"response:{response.id}:v{response.version}")))) is True


def emit_response_events(session: Session, response: Response, record: dict[str, Any], *, now: datetime) -> None:
    """``response.created`` for the first version with answers, ``response.updated`` for later ones,
    plus ``response.completed`` for the version that completes it. ``record`` is the response's
    contract JSON (``ResponseRecordSchema``), as sent to metrics."""
    if not _any_endpoint(session):
        return
    data = {name: value for name, value in record.items() if name not in RESPONSE_FIELDS_LEFT_OUT}
    first = WebhookEventType.RESPONSE_UPDATED if _forwarded_before(session, response) \
        else WebhookEventType.RESPONSE_CREATED
    emit(session, event_type=first, subject_id=f"response:{response.id}", data=data, now=now)
    if response.completed:
        emit(session, event_type=WebhookEventType.RESPONSE_COMPLETED, subject_id=f"response:{response.id}",
             data=data, now=now)


def emit_invitation_sent(session: Session, invitation: Invitation, *, now: datetime) -> None:
    """``invitation.sent``: the invitation left by its channel (ids, channel, language, times)."""
    data = {"invitation_id": str(invitation.id), "survey_id": str(invitation.survey_id),
            "survey_version": invitation.survey_version, "customer_id": invitation.customer_id,
            "trigger_id": None if invitation.trigger_id is None else str(invitation.trigger_id),
            "channel": invitation.channel, "language": invitation.language,
            "sent_at": _iso(invitation.sent_at or now), "expires_at": _iso(invitation.expires_at)}
    emit(session, event_type=WebhookEventType.INVITATION_SENT, subject_id=f"invitation:{invitation.id}",
         data=data, now=now)


def emit_unsubscribe_created(session: Session, *, customer_id: str, source: str, now: datetime) -> None:
    """``unsubscribe.created``: the customer asked for no more surveys (``source``: api or link)."""
    emit(session, event_type=WebhookEventType.UNSUBSCRIBE_CREATED, subject_id=f"customer:{customer_id}",
         data={"customer_id": customer_id, "unsubscribed_at": now.isoformat(), "source": source}, now=now)
