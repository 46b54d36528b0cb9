"""The outbox handler that sends response webhooks: sign, POST, record the attempt in the log.

It runs in the worker with no transaction open while it calls out. The URL is checked again at each
send (DNS may have changed since the endpoint was registered); redirects are not followed. Any
answer but 2xx, a timeout or a refused connection is retried by the outbox with its backoff; after
the last attempt the delivery is ``failed`` (the outbox message is a dead letter), and a replay can
send it again. A disabled or deleted endpoint, or a URL refused at send time, fails at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import Engine, select, update

from services.common.outbound import post_pinned
from services.common.outbox import Handler, OutboxMessage, PermanentDeliveryError, single
from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url
from services.survey.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent
from services.survey.webhooks.endpoints import signing_secrets
from shared.webhook_events import WebhookDeliveryStatus, WebhookEventType
from shared.webhook_signing import signed_headers

USER_AGENT = "cxloop-webhooks/1"
_DELIVERIES, _ENDPOINTS, _EVENTS = WebhookDelivery.__table__, WebhookEndpoint.__table__, WebhookEvent.__table__


class ReceiverError(Exception):
    """The endpoint did not take the delivery (retried by the outbox)."""


@dataclass(frozen=True)
class SendSettings:
    """How the worker sends: timeout, whether loopback receivers are allowed, when to give up."""

    timeout: float
    allow_private: bool
    max_attempts: int


def _load(engine: Engine, delivery_id: int) -> tuple[Any, Any, Any] | None:
    with engine.begin() as connection:
        delivery = connection.execute(select(_DELIVERIES).where(_DELIVERIES.c.id == delivery_id)).first()
        if delivery is None:
            return None
        endpoint = connection.execute(select(_ENDPOINTS).where(_ENDPOINTS.c.id == delivery.endpoint_id)).first()
        event = connection.execute(select(_EVENTS).where(_EVENTS.c.id == delivery.event_id)).first()
    return (delivery, endpoint, event) if endpoint is not None and event is not None else None


def _record(engine: Engine, delivery_id: int, *, status: str, attempts: int, now: datetime,
            code: int | None = None, error: str | None = None) -> None:
    values: dict[str, Any] = {"status": status, "attempts": attempts, "last_attempt_at": now,
                              "response_code": code, "last_error": None if error is None else error[:2000]}
    if status == WebhookDeliveryStatus.DELIVERED:
        values["delivered_at"] = now
    with engine.begin() as connection:
        connection.execute(update(_DELIVERIES).where(_DELIVERIES.c.id == delivery_id).values(**values))


def webhook_handler(engine: Engine, settings: SendSettings, *, now_fn: Callable[[], datetime],
                    wall_clock: Callable[[], float] = time.time, transport: httpx.BaseTransport | None = None,
                    url_check=check_webhook_url) -> Handler:
    """The outbox handler of the ``webhooks`` destination.

    ``now_fn`` dates the log and decides which secrets are live; ``webhook-timestamp`` is the wall
    clock's, since receivers compare it with theirs (Standard Webhooks allows five minutes).
    """
    client = httpx.Client(timeout=settings.timeout, follow_redirects=False, transport=transport)

    def deliver(message: OutboxMessage) -> None:
        delivery_id = int(message.payload["delivery_id"])
        loaded = _load(engine, delivery_id)
        if loaded is None:
            raise PermanentDeliveryError("the webhook endpoint was deleted")
        delivery, endpoint, event = loaded
        attempts, now = delivery.attempts + 1, now_fn()

        def give_up(reason: str, code: int | None = None) -> PermanentDeliveryError:
            _record(engine, delivery_id, status=WebhookDeliveryStatus.FAILED, attempts=attempts, now=now,
                    code=code, error=reason)
            return PermanentDeliveryError(reason)

        if not endpoint.enabled and event.type != WebhookEventType.TEST:
            raise give_up("the webhook endpoint is disabled")
        try:
            checked = url_check(endpoint.url, allow_private=settings.allow_private)
        except UnsafeUrlError as exc:
            raise give_up(f"url refused: {exc}") from exc
        body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   **signed_headers(signing_secrets(endpoint, now), event.id, int(wall_clock()), body)}
        code: int | None = None
        try:
            reply = post_pinned(client, checked, content=body, headers=headers)
            code = reply.status_code
            problem = None if 200 <= code < 300 else f"the endpoint answered {code}"
        except httpx.HTTPError as exc:
            problem = f"unreachable: {type(exc).__name__}: {exc}"
        if problem is None:
            _record(engine, delivery_id, status=WebhookDeliveryStatus.DELIVERED, attempts=attempts, now=now, code=code)
            return
        if message.attempts + 1 >= settings.max_attempts:
            raise give_up(problem, code)
        _record(engine, delivery_id, status=WebhookDeliveryStatus.PENDING, attempts=attempts, now=now,
                code=code, error=problem)
        raise ReceiverError(problem)

    return single(deliver)
