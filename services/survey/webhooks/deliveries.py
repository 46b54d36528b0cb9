"""Use cases of the delivery log: list an endpoint's deliveries, replay one or many, send a test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.survey.models.webhooks import WebhookDelivery, WebhookEvent
from services.survey.webhooks.emission import new_event_id, payload_of, queue_delivery
from services.survey.webhooks.endpoints import get_endpoint
from services.survey.webhooks.errors import WebhookDeliveryNotFoundError
from shared.webhook_events import WebhookDeliveryStatus, WebhookEventType

#: At most this many deliveries are queued again by one replay-since call (call again for more).
MAX_REPLAY = 1000


def list_deliveries(session: Session, *, endpoint_id: int, status: str | None = None,
                    event_type: str | None = None, since: datetime | None = None,
                    before_id: int | None = None, limit: int = 100) -> list[WebhookDelivery]:
    """An endpoint's deliveries, newest first (404 for an unknown endpoint)."""
    get_endpoint(session, endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if event_type is not None:
        query = query.where(WebhookDelivery.event_type == event_type)
    if since is not None:
        query = query.where(WebhookDelivery.created_at >= since)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    return list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


def get_delivery(session: Session, *, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """One delivery of the endpoint (404 when absent)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        get_endpoint(session, endpoint_id)
        raise WebhookDeliveryNotFoundError(f"no delivery {delivery_id} on webhook endpoint {endpoint_id}")
    return delivery


def delivery_detail(session: Session, *, endpoint_id: int, delivery_id: int) -> dict[str, Any]:
    """One delivery's log fields and the exact body the endpoint receives (``payload``)."""
    delivery = get_delivery(session, endpoint_id=endpoint_id, delivery_id=delivery_id)
    event = session.get(WebhookEvent, delivery.event_id)
    assert event is not None
    fields = {column.name: getattr(delivery, column.name) for column in WebhookDelivery.__table__.columns}
    return {**fields, "payload": dict(event.payload)}


def replay_delivery(session: Session, *, endpoint_id: int, delivery_id: int, now: datetime) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (the same ``webhook-id``, so a receiver that
    processed it already can drop it)."""
    old = get_delivery(session, endpoint_id=endpoint_id, delivery_id=delivery_id)
    event = session.get(WebhookEvent, old.event_id)
    assert event is not None
    delivery = queue_delivery(session, endpoint_id=endpoint_id, event=event, now=now, replay_of=old.id)
    session.commit()
    return delivery


def replay_since(session: Session, *, endpoint_id: int, since: datetime, status: str,
                 now: datetime) -> list[WebhookDelivery]:
    """Queue again the endpoint's deliveries created since ``since`` (only failed ones, or all),
    oldest first, at most ``MAX_REPLAY``; replays themselves are not replayed twice."""
    get_endpoint(session, endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id,
                                          WebhookDelivery.created_at >= since,
                                          WebhookDelivery.replay_of.is_(None))
    if status != "all":
        query = query.where(WebhookDelivery.status == WebhookDeliveryStatus.FAILED)
    olds = list(session.scalars(query.order_by(WebhookDelivery.id).limit(MAX_REPLAY)))
    events = {event.id: event for event in session.scalars(
        select(WebhookEvent).where(WebhookEvent.id.in_({old.event_id for old in olds})))}
    queued = [queue_delivery(session, endpoint_id=endpoint_id, event=events[old.event_id], now=now,
                             replay_of=old.id) for old in olds]
    session.commit()
    return queued


def send_test(session: Session, *, endpoint_id: int, now: datetime) -> WebhookDelivery:
    """Queue a ``webhook.test`` event to the endpoint, whatever its filter or state, through the same
    outbox, signing and log as real events."""
    endpoint = get_endpoint(session, endpoint_id)
    event_id = new_event_id()
    data = {"endpoint_id": endpoint.id, "message": "a test event from cxloop"}
    event = WebhookEvent(id=event_id, type=WebhookEventType.TEST, subject_id=f"test:{endpoint.id}",
                         payload=payload_of(event_id, WebhookEventType.TEST, data, now), created_at=now)
    session.add(event)
    session.flush()
    delivery = queue_delivery(session, endpoint_id=endpoint.id, event=event, now=now)
    session.commit()
    return delivery
