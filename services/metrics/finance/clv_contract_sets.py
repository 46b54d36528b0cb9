"""Contract customers in bulk: the value still to come per segment, and pages of customers by value.

Both use one sBG fit of all contracts (months) and value each active contract as its recurring value
times the discounted expected residual lifetime after its renewals so far; intervals come from the
shared parameters' covariance (``SBGFitter.residual_value``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError
from services.metrics.finance.clv_contracts import (
    CONTRACT_UNIT,
    DEFAULT_ANNUAL_RATE,
    as_utc,
    contract_clv,
    contract_fitter,
    remaining_value,
)
from services.metrics.finance.clv_customers import decode_cursor, encode_cursor
from services.metrics.finance.clv_customers import segment_values as fit_segment_values
from services.metrics.finance.periods import complete_periods, estimate_reply, per_period_rate
from services.metrics.models.finance import Contract
from services.metrics.stats.estimate import Estimate
from services.metrics.stats.sbg import discounted_expected_residual_lifetime


def _active(session: Session, now: datetime) -> list:
    return session.execute(select(Contract.customer_id, Contract.segment, Contract.started_at, Contract.ended_at,
                                  Contract.recurring_value)
                           .where(or_(Contract.ended_at.is_(None), Contract.ended_at > now))
                           .order_by(Contract.customer_id, Contract.started_at, Contract.id)).all()


def segment_values(session: Session, *, fit_id: str | None, now: datetime) -> dict:
    """The fit's segment values, and the contract customers' beside them (``contractual``)."""
    return {**fit_segment_values(session, fit_id=fit_id), "contractual": contract_segments(session, now=now)}


def contract_segments(session: Session, *, now: datetime, annual_rate: float = DEFAULT_ANNUAL_RATE,
                      confidence: float = 0.95) -> dict | None:
    """Discounted value still to come from active contracts, per contract segment (``*``: all).

    None when there is no active contract, or no sBG fit yet (no contract has churned).
    """
    active = _active(session, now)
    if not active:
        return None
    try:
        fitter = contract_fitter(session, now)
    except ConflictError:
        return None
    rate = per_period_rate(annual_rate, CONTRACT_UNIT)
    groups: dict[str | None, list] = {"*": list(active)}
    for row in active:
        groups.setdefault(row.segment, []).append(row)
    segments = []
    for label, rows in groups.items():
        customers = len({row.customer_id for row in rows})
        total = remaining_value(fitter, rows, now=now, rate=rate, confidence=confidence)
        mean = Estimate(total.value / customers, total.ci_low / customers, total.ci_high / customers,
                        total.n, confidence, total.method)
        segments.append({"segment": label, "customers": customers, "total": estimate_reply(total),
                         "mean": estimate_reply(mean)})
    segments.sort(key=lambda item: (item["segment"] != "*", item["segment"] is None, item["segment"] or ""))
    return {"time_unit": CONTRACT_UNIT, "annual_discount_rate": annual_rate, "as_of": now,
            "segments": segments}


def list_contract_values(session: Session, *, now: datetime, segment: str | None, order: str, limit: int,
                         cursor: str | None, confidence: float, annual_rate: float = DEFAULT_ANNUAL_RATE) -> dict:
    """A page of customers with an active contract, by CLV (ties by id), with intervals; keyset cursor.

    A customer's segment is that of their latest active contract.
    """
    by_customer: dict[str, list] = defaultdict(list)
    for row in _active(session, now):
        by_customer[row.customer_id].append(row)
    if segment is not None:
        by_customer = {key: rows for key, rows in by_customer.items() if rows[-1].segment == segment}
    if not by_customer:
        return {"fit_id": None, "customers": [], "next_cursor": None}
    fitter = contract_fitter(session, now)
    rate = per_period_rate(annual_rate, CONTRACT_UNIT)
    ids = sorted(by_customer)
    renewals = np.array([complete_periods(as_utc(row.started_at), now, CONTRACT_UNIT)
                         for key in ids for row in by_customer[key]])
    weights = np.array([float(row.recurring_value) for key in ids for row in by_customer[key]])
    owner = np.repeat(np.arange(len(ids)), [len(by_customer[key]) for key in ids])
    derl = discounted_expected_residual_lifetime(fitter.params_, renewals, rate)
    values = np.bincount(owner, weights=weights * derl, minlength=len(ids))
    ranked = sorted(zip(values.tolist(), ids, strict=False), key=lambda item: (-item[0] if order == "desc" else item[0], item[1]))
    if cursor is not None:
        last_value, last_id = decode_cursor("contractual", cursor)
        ranked = [(v, key) for v, key in ranked
                  if (v < last_value if order == "desc" else v > last_value) or (v == last_value and key > last_id)]
    page, more = ranked[:limit], len(ranked) > limit
    customers = [contract_clv(session, key, by_customer[key], now=now, confidence=confidence,
                              annual_rate=annual_rate, fitter=fitter) for _, key in page]
    return {"fit_id": None, "customers": customers,
            "next_cursor": encode_cursor("contractual", *page[-1]) if more and page else None}
