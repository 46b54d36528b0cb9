"""Outbox handler that delivers transactions read from order events to metrics
(``POST /v1/transactions/batch``, idempotent by transaction id)."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.outbox import Handler, OutboxMessage, PermanentDeliveryError
from shared.contracts.base import tolerant
from shared.contracts.finance import IngestReplySchema
from shared.http_client import ServiceClient, ServiceRejectedError

RETRYABLE_REJECTIONS = {401, 403, 404, 408, 409}  # a misconfigured key or a deploy in progress heals


def transactions_handler(client: ServiceClient) -> Handler:
    """Deliver queued transactions in one batch; a rejected batch (metrics stores all or none) is
    retried message by message, so one transaction metrics refuses is dead-lettered alone."""
    def post(messages: Sequence[OutboxMessage]) -> None:
        key = messages[0].idempotency_key if len(messages) == 1 else "transactions:" + ",".join(
            str(m.id) for m in messages)
        client.request("POST", "/v1/transactions/batch", json={"transactions": [m.payload for m in messages]},
                       idempotency_key=key[:200], reply_schema=tolerant(IngestReplySchema))

    def one(message: OutboxMessage) -> Exception | None:
        try:
            post([message])
        except ServiceRejectedError as exc:
            return exc if exc.status_code in RETRYABLE_REJECTIONS else PermanentDeliveryError(str(exc))
        except Exception as exc:  # unavailable: retry later
            return exc
        return None

    def handle(messages: Sequence[OutboxMessage]) -> dict[int, Exception | None]:
        if len(messages) == 1:
            return {messages[0].id: one(messages[0])}
        try:
            post(messages)
            return {m.id: None for m in messages}
        except ServiceRejectedError:
            return {m.id: one(m) for m in messages}
        except Exception as exc:
            return {m.id: exc for m in messages}

    return handle
