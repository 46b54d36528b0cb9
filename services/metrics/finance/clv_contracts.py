"""CLV of one customer: from their contracts (sBG and recurring value) or from the BG/NBD fit."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError, NotFoundError
from services.metrics.finance.clv_customers import describe_customers, find_customer_value, resolve_fit
from services.metrics.finance.periods import complete_periods, estimate_reply, per_period_rate
from services.metrics.finance.retention import cohort_lifetimes
from services.metrics.models.finance import Contract
from services.metrics.stats.estimate import Estimate
from services.metrics.stats.sbg import SBGFitter

#: Recurring values are per month, and contract lifetimes are counted in months.
CONTRACT_UNIT = "month"
DEFAULT_ANNUAL_RATE = 0.1


def customer_clv(session: Session, *, customer_id: str, now: datetime, fit_id: str | None = None,
                 horizon: int | None = None, annual_discount_rate: float | None = None,
                 confidence: float = 0.95, n_draws: int = 200) -> dict:
    """CLV of a customer with intervals; contract customers get the sBG value of their contracts."""
    contracts = session.execute(select(Contract).where(Contract.customer_id == customer_id)).scalars().all()
    if contracts:
        return _contract_clv(session, customer_id, contracts, now=now, confidence=confidence,
                             annual_rate=DEFAULT_ANNUAL_RATE if annual_discount_rate is None else annual_discount_rate)
    fit = resolve_fit(session, fit_id)
    row = find_customer_value(session, fit, customer_id)
    if row is None:
        raise NotFoundError(f"customer {customer_id!r} has no contract and no purchase in CLV fit {fit.id}")
    stored = horizon in (None, fit.horizon) and annual_discount_rate in (None, fit.annual_discount_rate)
    return describe_customers(fit, [row], horizon=horizon or fit.horizon,
                              annual_discount_rate=fit.annual_discount_rate if annual_discount_rate is None
                              else annual_discount_rate, confidence=confidence, n_draws=n_draws,
                              stored_point=stored)[0]


def _utc(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _contract_fitter(session: Session, now: datetime) -> SBGFitter:
    """sBG fitted on every contract's lifetime in months up to ``now`` (409 when it cannot be)."""
    durations, churned = cohort_lifetimes(session, cohort_start=date(1900, 1, 1), cohort_end=now.date(),
                                          as_of=now.date(), unit=CONTRACT_UNIT)
    if not churned.any():
        raise ConflictError("no contract has churned yet, so the sBG model cannot be fitted")
    fitter = SBGFitter().fit(durations, churned)
    if not fitter.converged_:
        raise ConflictError(f"the sBG fit of all contracts did not converge: {fitter.message_}")
    return fitter


def _contract_clv(session: Session, customer_id: str, contracts: list[Contract], *, now: datetime,
                  confidence: float, annual_rate: float) -> dict:
    active = [c for c in contracts if c.ended_at is None or _utc(c.ended_at) > now]
    reply = {"customer_id": customer_id, "kind": "contractual", "segment": contracts[-1].segment, "fit_id": None,
             "time_unit": CONTRACT_UNIT, "horizon": None, "annual_discount_rate": annual_rate,
             "recurring_value": float(sum(c.recurring_value for c in active)), "renewals": None}
    if not active:
        zero = Estimate(0.0, 0.0, 0.0, len(contracts), confidence, "ended")
        return {**reply, "expected_residual_lifetime": estimate_reply(zero), "clv": estimate_reply(zero)}
    fitter = _contract_fitter(session, now)
    rate = per_period_rate(annual_rate, CONTRACT_UNIT)
    renewals = [complete_periods(_utc(c.started_at), now, CONTRACT_UNIT) for c in active]
    values = [float(c.recurring_value) for c in active]
    lifetime = fitter.residual_lifetime(renewals[0], rate, confidence)
    clv = (fitter.residual_value(renewals, values, rate, confidence) if sum(values) > 0
           else Estimate(0.0, 0.0, 0.0, int(round(fitter.n_)), confidence, "free"))
    return {**reply, "renewals": renewals[0], "expected_residual_lifetime": estimate_reply(lifetime),
            "clv": estimate_reply(Estimate(clv.value, clv.ci_low, clv.ci_high, clv.n, confidence,
                                           "sbg_derl_delta_log"))}


def contract_segments(session: Session, *, now: datetime, annual_rate: float = DEFAULT_ANNUAL_RATE,
                      confidence: float = 0.95) -> dict | None:
    """Discounted value still to come from active contracts, per contract segment (``*``: all).

    None when there is no active contract, or no sBG fit yet (no contract has churned).
    """
    active = session.execute(select(Contract.customer_id, Contract.segment, Contract.started_at,
                                    Contract.recurring_value)
                             .where(or_(Contract.ended_at.is_(None), Contract.ended_at > now))).all()
    if not active:
        return None
    try:
        fitter = _contract_fitter(session, now)
    except ConflictError:
        return None
    rate = per_period_rate(annual_rate, CONTRACT_UNIT)
    groups: dict[str | None, list] = {"*": list(active)}
    for row in active:
        groups.setdefault(row.segment, []).append(row)
    segments = []
    for label, rows in groups.items():
        customers = len({row.customer_id for row in rows})
        values = [float(row.recurring_value) for row in rows]
        if sum(values) > 0:
            renewals = [complete_periods(_utc(row.started_at), now, CONTRACT_UNIT) for row in rows]
            total = fitter.residual_value(renewals, values, rate, confidence)
        else:
            total = Estimate(0.0, 0.0, 0.0, int(round(fitter.n_)), confidence, "free")
        mean = Estimate(total.value / customers, total.ci_low / customers, total.ci_high / customers,
                        total.n, confidence, total.method)
        segments.append({"segment": label, "customers": customers, "total": estimate_reply(total),
                         "mean": estimate_reply(mean)})
    segments.sort(key=lambda item: (item["segment"] != "*", item["segment"] is None, item["segment"] or ""))
    return {"time_unit": CONTRACT_UNIT, "annual_discount_rate": annual_rate, "as_of": now,
            "segments": segments}
