"""CLV of one customer: from their contracts (sBG and recurring value) or from the BG/NBD fit."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError, NotFoundError
from services.metrics.finance.clv_customers import describe_customers, find_customer_value, resolve_fit
from services.metrics.finance.clv_predictive import customer_predictive
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
                 confidence: float = 0.95, n_draws: int = 200, predictive: bool = False) -> dict:
    """CLV of a customer with intervals; contract customers get the sBG value of their contracts.

    With ``predictive`` the reply also holds the spread of the customer's own future purchases and
    spend (:mod:`clv_predictive`; null for contract customers)."""
    contracts = session.execute(select(Contract).where(Contract.customer_id == customer_id)
                                .order_by(Contract.started_at, Contract.id)).scalars().all()
    if contracts:  # no per-customer spread of the sBG value is offered: ``predictive`` is null
        reply = contract_clv(session, customer_id, contracts, now=now, confidence=confidence,
                             annual_rate=DEFAULT_ANNUAL_RATE if annual_discount_rate is None else annual_discount_rate)
        return {**reply, "predictive": None} if predictive else reply
    fit = resolve_fit(session, fit_id)
    row = find_customer_value(session, fit, customer_id)
    if row is None:
        raise NotFoundError(f"customer {customer_id!r} has no contract and no purchase in CLV fit {fit.id}")
    stored = horizon in (None, fit.horizon) and annual_discount_rate in (None, fit.annual_discount_rate)
    options = dict(horizon=horizon or fit.horizon, confidence=confidence, n_draws=n_draws,
                   annual_discount_rate=fit.annual_discount_rate if annual_discount_rate is None
                   else annual_discount_rate)
    reply = describe_customers(fit, [row], stored_point=stored, **options)[0]
    return {**reply, "predictive": customer_predictive(fit, row, **options)} if predictive else reply


def as_utc(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def contract_fitter(session: Session, now: datetime) -> SBGFitter:
    """sBG fitted on every contract's lifetime in months up to ``now`` (409 when it cannot be)."""
    durations, churned = cohort_lifetimes(session, cohort_start=date(1900, 1, 1), cohort_end=now.date(),
                                          as_of=now.date(), unit=CONTRACT_UNIT)
    if not churned.any():
        raise ConflictError("no contract has churned yet, so the sBG model cannot be fitted")
    fitter = SBGFitter().fit(durations, churned)
    if not fitter.converged_:
        raise ConflictError(f"the sBG fit of all contracts did not converge: {fitter.message_}")
    return fitter


def contract_clv(session: Session, customer_id: str, contracts: list, *, now: datetime, confidence: float,
                 annual_rate: float, fitter: SBGFitter | None = None) -> dict:
    """The reply for a customer with contracts (rows with started_at, ended_at, recurring_value, segment)."""
    active = [c for c in contracts if c.ended_at is None or as_utc(c.ended_at) > now]
    reply = {"customer_id": customer_id, "kind": "contractual", "segment": (active or contracts)[-1].segment,
             "fit_id": None,
             "time_unit": CONTRACT_UNIT, "horizon": None, "annual_discount_rate": annual_rate,
             "recurring_value": float(sum(c.recurring_value for c in active)), "renewals": None}
    if not active:
        zero = Estimate(0.0, 0.0, 0.0, len(contracts), confidence, "ended")
        return {**reply, "expected_residual_lifetime": estimate_reply(zero), "clv": estimate_reply(zero)}
    fitter = fitter or contract_fitter(session, now)
    rate = per_period_rate(annual_rate, CONTRACT_UNIT)
    renewals = complete_periods(as_utc(active[0].started_at), now, CONTRACT_UNIT)
    lifetime = fitter.residual_lifetime(renewals, rate, confidence)
    return {**reply, "renewals": renewals, "expected_residual_lifetime": estimate_reply(lifetime),
            "clv": estimate_reply(remaining_value(fitter, active, now=now, rate=rate, confidence=confidence))}


def remaining_value(fitter: SBGFitter, active: list, *, now: datetime, rate: float, confidence: float) -> Estimate:
    """Recurring value x discounted expected residual lifetime, summed over active contracts, with one
    interval over the shared sBG parameters."""
    values = [float(c.recurring_value) for c in active]
    if not sum(values) > 0:
        return Estimate(0.0, 0.0, 0.0, int(round(fitter.n_)), confidence, "free")
    renewals = [complete_periods(as_utc(c.started_at), now, CONTRACT_UNIT) for c in active]
    total = fitter.residual_value(renewals, values, rate, confidence)
    return Estimate(total.value, total.ci_low, total.ci_high, total.n, confidence, "sbg_derl_delta_log")
