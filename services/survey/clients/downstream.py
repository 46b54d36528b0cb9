"""Outbox handlers that deliver responses to metrics, low-score signals to notifier, erasures to both."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from services.common.outbox import Handler, OutboxMessage, PermanentDeliveryError, single
from shared.contracts.base import tolerant
from shared.contracts.erasure import ErasureResultSchema
from shared.contracts.responses import ResponseBatchResultSchema
from shared.contracts.signals import SignalResultSchema
from shared.http_client import ServiceClient, ServiceRejectedError

RETRYABLE_REJECTIONS = {401, 403, 404, 408, 409}  # a misconfigured key or a deploy in progress heals


def _reject(exc: ServiceRejectedError) -> Exception:
    return exc if exc.status_code in RETRYABLE_REJECTIONS else PermanentDeliveryError(str(exc))


def metrics_handler(client: ServiceClient) -> Handler:
    """Deliver response versions to metrics in one batch; a rejected batch is retried item by item,
    so one poison message is dead-lettered alone."""
    def post(messages: Sequence[OutboxMessage]) -> None:
        key = messages[0].idempotency_key if len(messages) == 1 else "batch:" + ",".join(
            str(m.id) for m in messages)
        client.request("POST", "/v1/responses/batch", json={"responses": [m.payload for m in messages]},
                       idempotency_key=key[:200], reply_schema=tolerant(ResponseBatchResultSchema))

    def handle(messages: Sequence[OutboxMessage]) -> dict[int, Exception | None]:
        try:
            post(messages)
            return {m.id: None for m in messages}
        except ServiceRejectedError as exc:
            if len(messages) == 1:
                return {messages[0].id: _reject(exc)}
        except Exception as exc:  # unavailable: retry the whole batch later
            return {m.id: exc for m in messages}
        outcome: dict[int, Exception | None] = {}
        for message in messages:
            try:
                post([message])
                outcome[message.id] = None
            except ServiceRejectedError as exc:
                outcome[message.id] = _reject(exc)
            except Exception as exc:
                outcome[message.id] = exc
        return outcome

    return handle


def erasure_handler(client: ServiceClient) -> Handler:
    """Deliver erasures (``POST /v1/erasures``), one per request; the receiver's erasure is idempotent."""
    def deliver(message: OutboxMessage) -> None:
        try:
            client.request("POST", "/v1/erasures", json=message.payload,
                           idempotency_key=message.idempotency_key, reply_schema=tolerant(ErasureResultSchema))
        except ServiceRejectedError as exc:
            raise _reject(exc) from exc

    return single(deliver)


def by_topic(handlers: Mapping[str, Handler]) -> Handler:
    """One destination's handler that hands each message to the handler of its topic."""
    def handle(messages: Sequence[OutboxMessage]) -> dict[int, Exception | None]:
        grouped: dict[str, list[OutboxMessage]] = defaultdict(list)
        for message in messages:
            grouped[message.topic].append(message)
        outcome: dict[int, Exception | None] = {}
        for topic, batch in grouped.items():
            handler = handlers.get(topic)
            if handler is None:
                problem = PermanentDeliveryError(f"no handler for topic {topic!r}")
                outcome.update({m.id: problem for m in batch})
            else:
                outcome.update(handler(batch))
        return outcome

    return handle


def notifier_handler(client: ServiceClient) -> Handler:
    """Deliver low-score signals to notifier, one per request."""
    def deliver(message: OutboxMessage) -> None:
        try:
            client.request("POST", "/v1/signals", json=message.payload,
                           idempotency_key=message.idempotency_key, reply_schema=tolerant(SignalResultSchema))
        except ServiceRejectedError as exc:
            raise _reject(exc) from exc

    return single(deliver)
