"""The repeat-purchase summary of stored transactions: customer-days summed in SQL, the rest in numpy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.finance.staging import EPOCH
from services.metrics.models.finance import Transaction
from services.metrics.stats.rfm import RepeatPurchaseSummary, summarize_transactions

NO_SEGMENT = ""  # segments are at least one character, so "" can stand for "none" in numpy


@dataclass(frozen=True)
class CustomerBase:
    """The summary of every customer with a purchase day up to ``as_of`` and their segments."""

    summary: RepeatPurchaseSummary
    segments: np.ndarray  # object array, NO_SEGMENT where the customer has none

    @property
    def n_customers(self) -> int:
        """Number of customers."""
        return self.summary.n_customers


def as_of_day(as_of: date) -> int:
    """Days since 1970-01-01."""
    return (as_of - EPOCH).days


def _filters(as_of: date, currency: str | None) -> list:
    table = Transaction.__table__
    conditions = [table.c.purchase_day <= as_of_day(as_of)]
    if currency is not None:
        conditions.append(table.c.currency == currency)
    return conditions


def check_currency_choice(session: Session, *, as_of: date, currency: str | None) -> None:
    """A fit mixes no currencies: with several in the data, the caller must pick one (422)."""
    if currency is not None:
        return
    table = Transaction.__table__
    found = session.execute(select(table.c.currency).where(*_filters(as_of, None)).distinct().limit(5)).scalars().all()
    if len(found) > 1:
        raise InvalidInputError("transactions use several currencies; choose one with 'currency'",
                                errors={"currency": [f"one of {', '.join(sorted(found))}"]})


def count_customers(session: Session, *, as_of: date, currency: str | None) -> int:
    """Customers with a transaction up to ``as_of`` (to decide inline vs worker)."""
    table = Transaction.__table__
    return int(session.execute(select(func.count(table.c.customer_id.distinct()))
                               .where(*_filters(as_of, currency))).scalar_one())


def load_customer_base(session: Session, *, as_of: date, time_unit: str, currency: str | None = None,
                       segment: str | None = None) -> CustomerBase:
    """Summarise transactions up to ``as_of`` (inclusive) per customer, as FHL (2005) define it.

    Same-day transactions are summed in SQL; a day whose refunds net it to zero or less is not a
    purchase (as in :func:`rfm.summarize_transactions`). A customer's segment is the one on their
    latest transaction that carries one.
    """
    table = Transaction.__table__
    rows = session.execute(
        select(table.c.customer_id, table.c.purchase_day, cast(func.sum(table.c.amount), Float),
               cast(func.min(table.c.amount), Float), func.max(table.c.segment))
        .where(*_filters(as_of, currency)).group_by(table.c.customer_id, table.c.purchase_day)).all()
    customers = np.empty(len(rows), dtype=object)
    customers[:] = [row[0] for row in rows]
    days = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
    totals = np.fromiter((row[2] for row in rows), dtype=float, count=len(rows))
    lowest = np.fromiter((row[3] for row in rows), dtype=float, count=len(rows))
    labels = np.empty(len(rows), dtype=object)
    labels[:] = [row[4] or NO_SEGMENT for row in rows]
    purchase = ~((lowest < 0) & (totals <= 0))
    summary = summarize_transactions(customers[purchase], days[purchase], totals[purchase],
                                     as_of=as_of_day(as_of), time_unit=time_unit)
    segments = _latest_segments(customers, days, labels, summary.customer_ids)
    if segment is not None:
        keep = segments == segment
        summary = RepeatPurchaseSummary(
            customer_ids=summary.customer_ids[keep], frequency=summary.frequency[keep],
            recency=summary.recency[keep], age=summary.age[keep], monetary=summary.monetary[keep],
            first_purchase_day=summary.first_purchase_day[keep], as_of_day=summary.as_of_day,
            time_unit=time_unit, dropped_days=summary.dropped_days)
        segments = segments[keep]
    return CustomerBase(summary=summary, segments=segments)


def _latest_segments(customers: np.ndarray, days: np.ndarray, labels: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Per customer in ``wanted`` (sorted ids), the label of their latest day that has one."""
    out = np.full(wanted.size, NO_SEGMENT, dtype=object)
    if not customers.size or not wanted.size:
        return out
    ids, codes = np.unique(customers, return_inverse=True)
    has_label = np.flatnonzero(labels != NO_SEGMENT)
    if has_label.size:
        # latest day per customer among labelled rows: sort by (code, day), keep each code's last row
        order = has_label[np.lexsort((days[has_label], codes[has_label]))]
        last = order[np.r_[codes[order][1:] != codes[order][:-1], True]]
        position = np.searchsorted(wanted, ids[codes[last]])
        found = (position < wanted.size) & (wanted[np.minimum(position, wanted.size - 1)] == ids[codes[last]])
        out[position[found]] = labels[last][found]
    return out
