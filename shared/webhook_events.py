"""Response webhook event types, each defined once: what a customer's endpoint may subscribe to.

Members are ``StrEnum``: the very strings stored, sent as the payload's ``type`` and accepted in an
endpoint's ``event_types`` filter. ``TEST`` is what a test-send delivers; it cannot be subscribed to.
"""

from __future__ import annotations

from enum import StrEnum


class WebhookEventType(StrEnum):
    """What happened, as a response webhook names it."""

    RESPONSE_CREATED = "response.created"
    RESPONSE_UPDATED = "response.updated"
    RESPONSE_COMPLETED = "response.completed"
    INVITATION_SENT = "invitation.sent"
    UNSUBSCRIBE_CREATED = "unsubscribe.created"
    TEST = "webhook.test"


#: The event types an endpoint may subscribe to (everything but the test event).
SUBSCRIBABLE_EVENT_TYPES: tuple[WebhookEventType, ...] = tuple(
    kind for kind in WebhookEventType if kind is not WebhookEventType.TEST)


class WebhookDeliveryStatus(StrEnum):
    """Where one delivery of an event to an endpoint stands."""

    PENDING = "pending"  # queued, or failed and waiting for its next retry
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # given up (retries exhausted, URL refused, endpoint disabled or deleted)
