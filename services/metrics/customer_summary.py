"""What metrics knows of one customer's value: transactions (totals per currency and newest-first
pages), contracts, and CLV with probability alive from the model that values them."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import DomainError, InvalidInputError
from services.metrics.finance.clv_contracts import customer_clv
from services.metrics.models.finance import Contract, Transaction
from shared.json_policy import load_json
from shared.personal_data import Disclosure

MAX_CONTRACTS = 100


def _cursor(transaction: Transaction) -> str:
    raw = json.dumps([transaction.occurred_at.isoformat(), transaction.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, transaction_id = load_json(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None or not isinstance(transaction_id, str):
            raise ValueError("not a transaction cursor")
        return moment, transaction_id
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidInputError("invalid cursor", errors={"cursor": ["not a cursor from a previous page"]}) from exc


def currency_totals(session: Session, customer_id: str) -> list[dict[str, Any]]:
    """Count, net amount, first and last transaction per currency (summed in SQL)."""
    rows = session.execute(select(Transaction.currency, func.count(), func.sum(Transaction.amount),
                                  func.min(Transaction.occurred_at), func.max(Transaction.occurred_at))
                           .where(Transaction.customer_id == customer_id)
                           .group_by(Transaction.currency).order_by(Transaction.currency))
    return [{"currency": currency, "count": count, "net_amount": float(total), "first_at": first, "last_at": last}
            for currency, count, total, first, last in rows]


def transaction_page(session: Session, customer_id: str, *, limit: int, cursor: str | None,
                     disclosure: Disclosure, until: datetime | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the customer's transactions (before ``until`` if given), newest first, and the next
    page's cursor."""
    query = (select(Transaction).where(Transaction.customer_id == customer_id)
             .order_by(Transaction.occurred_at.desc(), Transaction.id.desc()).limit(limit + 1))
    if until is not None:
        query = query.where(Transaction.occurred_at < until)
    if cursor:
        stamp, last_id = _after(cursor)
        query = query.where(or_(Transaction.occurred_at < stamp,
                                and_(Transaction.occurred_at == stamp, Transaction.id < last_id)))
    rows = list(session.scalars(query))
    page = rows[:limit]
    items = [{"id": t.id, "occurred_at": t.occurred_at, "amount": float(t.amount), "currency": t.currency,
              "segment": t.segment, "attributes": disclosure.attributes(t.attributes)} for t in page]
    return items, (_cursor(page[-1]) if len(rows) > limit and page else None)


def customer_contracts(session: Session, customer_id: str, disclosure: Disclosure) -> list[dict[str, Any]]:
    """The customer's contracts, newest start first."""
    rows = session.scalars(select(Contract).where(Contract.customer_id == customer_id)
                           .order_by(Contract.started_at.desc(), Contract.id).limit(MAX_CONTRACTS))
    return [{"id": c.id, "started_at": c.started_at, "ended_at": c.ended_at, "plan": c.plan,
             "recurring_value": float(c.recurring_value), "currency": c.currency, "segment": c.segment,
             "attributes": disclosure.attributes(c.attributes)} for c in rows]


def customer_summary(session: Session, *, customer_id: str, now: datetime, disclosure: Disclosure,
                     limit: int = 50, cursor: str | None = None, until: datetime | None = None,
                     n_draws: int = 200) -> dict[str, Any]:
    """Totals, a page of transactions, contracts and CLV of one customer; an unknown customer has none.

    CLV comes from ``/v1/clv/customers/{id}``'s use case; when it cannot be had (no fit yet, no purchase
    in the fit, no churned contract to fit sBG on) the reply says why instead of failing.
    """
    transactions, next_cursor = transaction_page(session, customer_id, limit=limit, cursor=cursor,
                                                 disclosure=disclosure, until=until)
    try:
        clv, unavailable = customer_clv(session, customer_id=customer_id, now=now, n_draws=n_draws), None
    except DomainError as problem:
        clv, unavailable = None, problem.message
    return {"customer_id": customer_id, "totals": currency_totals(session, customer_id),
            "transactions": transactions, "next_cursor": next_cursor,
            "contracts": customer_contracts(session, customer_id, disclosure),
            "clv": clv, "clv_unavailable": unavailable}
