"""E-commerce spec events into metrics transactions: ``Order Completed`` is a purchase, ``Order
Refunded`` a refund (a negative amount), each recorded once per order id and sent through the outbox.

The amount is ``total``, else ``revenue`` (a refund without either refunds the whole recorded
order); the currency is ``currency``, else the source's default. An order event that lacks an order
id, an amount or a currency is still a journey event, just not a transaction. Transaction ids:
the order id for a purchase, ``<order id>:refund`` for a refund, so a purchase also sent to metrics
directly under its order id is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.common.outbox import enqueue
from services.survey.models import PLATFORM, TrackingOrder
from services.survey.tracking.messages import ReadMessage
from services.survey.tracking.sources import SourceOptions
from shared.contracts.finance import ID_MAX_LENGTH, check_currency, check_identifier, parse_amount

ORDER_COMPLETED = "Order Completed"
ORDER_REFUNDED = "Order Refunded"
ORDER_EVENTS = {ORDER_COMPLETED: "completed", ORDER_REFUNDED: "refunded"}
TRANSACTION_TOPIC = "transaction"
_REFUND_SUFFIX = ":refund"


@dataclass(frozen=True)
class OrderRecord:
    """An order event read into a transaction."""

    order_id: str
    kind: str
    customer_id: str
    amount: Decimal | None  # None: a refund of the whole recorded order
    currency: str | None


def read_order(message: ReadMessage, default_currency: str | None) -> OrderRecord | None:
    """The transaction an order event describes, or None when it cannot be one."""
    kind = ORDER_EVENTS.get(message.event_name or "")
    if kind is None or message.customer is None:
        return None
    properties = message.properties
    raw_id = properties.get("order_id")
    order_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    try:
        check_identifier(order_id, "order_id")
        check_identifier(message.customer["id"], "customer_id")
        currency = properties.get("currency") or default_currency
        currency = check_currency(currency) if currency is not None else None
        raw_amount = properties.get("total", properties.get("revenue"))
        amount = abs(parse_amount(raw_amount)) if raw_amount is not None else None
    except ValueError:
        return None
    if order_id is None or len(order_id) > ID_MAX_LENGTH - len(_REFUND_SUFFIX):
        return None
    if kind == "completed" and (amount is None or currency is None):
        return None
    return OrderRecord(order_id=order_id, kind=kind, customer_id=message.customer["id"], amount=amount,
                       currency=currency)


def _insert_once(session: Session, row: dict[str, Any]) -> bool:
    dialect = postgresql if is_postgres(session) else sqlite
    statement = (dialect.insert(TrackingOrder).values(**row)
                 .on_conflict_do_nothing(index_elements=["order_id", "kind"]).returning(TrackingOrder.order_id))
    return session.execute(statement).first() is not None


def record_orders(session: Session, messages: list[ReadMessage], *, source: SourceOptions, now: datetime) -> int:
    """Record each new order event and queue its transaction for metrics (never commits); returns how many."""
    if not source.record_transactions:
        return 0
    recorded = 0
    for message in messages:
        order = read_order(message, source.default_currency)
        if order is None:
            continue
        amount, currency = order.amount, order.currency
        if order.kind == "refunded" and (amount is None or currency is None):
            purchase = session.execute(select(TrackingOrder.amount, TrackingOrder.currency).where(
                TrackingOrder.order_id == order.order_id, TrackingOrder.kind == "completed")).first()
            if purchase is None:
                continue
            amount, currency = amount if amount is not None else purchase.amount, currency or purchase.currency
        if amount is None:
            continue
        signed = amount if order.kind == "completed" else -amount
        transaction_id = order.order_id if order.kind == "completed" else order.order_id + _REFUND_SUFFIX
        row = {"order_id": order.order_id, "kind": order.kind, "transaction_id": transaction_id,
               "customer_id": order.customer_id, "amount": signed, "currency": currency,
               "source_key_id": source.key_id, "message_id": message.message_id[:100],
               "occurred_at": message.occurred_at, "recorded_at": now}
        if not _insert_once(session, row):
            continue
        payload = {"id": transaction_id, "customer_id": order.customer_id,
                   "occurred_at": message.occurred_at.astimezone(UTC).isoformat(), "amount": str(signed),
                   "currency": currency, "attributes": {"source": "segment", "order_id": order.order_id}}
        enqueue(session, PLATFORM, topic=TRANSACTION_TOPIC, destination="metrics", payload=payload,
                idempotency_key=f"transaction:{transaction_id}", now=now)
        recorded += 1
    return recorded
