"""Use case: a cohort's retention curve (Kaplan-Meier) and its sBG fit and projection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.metrics.finance.periods import (
    complete_periods,
    day_start,
    estimate_reply,
    finite_or_none,
    lifetime_periods,
    per_period_rate,
)
from services.metrics.models.finance import Contract
from services.metrics.stats.estimate import Estimate
from services.metrics.stats.kaplan_meier import kaplan_meier
from services.metrics.stats.sbg import SBGFitter


def cohort_lifetimes(session: Session, *, cohort_start: date, cohort_end: date, as_of: date, unit: str,
                     segment: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per contract of the cohort: the churn period (churned) or the renewals seen so far (active)."""
    _customers, durations, churned = cohort_members(session, cohort_start=cohort_start, cohort_end=cohort_end,
                                                    as_of=as_of, unit=unit, segment=segment)
    return durations, churned


def cohort_members(session: Session, *, cohort_start: date, cohort_end: date, as_of: date, unit: str,
                   segment: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per contract of the cohort: its customer, and its lifetime as :func:`cohort_lifetimes` gives it."""
    contracts = Contract.__table__
    seen_until = day_start(as_of + timedelta(days=1))
    query = select(contracts.c.started_at, contracts.c.ended_at, contracts.c.customer_id).where(
        contracts.c.started_at >= day_start(cohort_start),
        contracts.c.started_at < min(day_start(cohort_end + timedelta(days=1)), seen_until))
    if segment is not None:
        query = query.where(contracts.c.segment == segment)
    customers, durations, churned = [], [], []
    for started, ended, customer in session.execute(query):
        customers.append(customer)
        started, ended = _aware(started), _aware(ended)
        if ended is not None and ended < seen_until:
            durations.append(lifetime_periods(started, ended, unit))
            churned.append(True)
        else:
            durations.append(complete_periods(started, seen_until, unit))
            churned.append(False)
    return customers, np.asarray(durations, dtype=np.int64), np.asarray(churned, dtype=bool)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they are UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def km_points(durations: np.ndarray, churned: np.ndarray, confidence: float) -> list[dict]:
    """The Kaplan-Meier curve at every period up to the longest lifetime, with at-risk counts."""
    last = int(durations.max())
    curve = kaplan_meier(durations, churned, confidence=confidence)
    events = np.bincount(durations[churned], minlength=last + 1)
    censored = np.bincount(durations[~churned], minlength=last + 1)
    at_risk = np.cumsum((events + censored)[::-1])[::-1]
    points = []
    for period in range(last + 1):
        point = curve.survival_at(period)
        points.append({"period": period, "at_risk": float(at_risk[period]), "churned": float(events[period]),
                       "censored": float(censored[period]), "survival": point.value,
                       "ci_low": point.ci_low, "ci_high": point.ci_high})
    return points


def _sbg(durations, churned, *, unit, horizon, annual_discount_rate, confidence) -> dict:
    fitter = SBGFitter().fit(durations, churned)
    observed = int(durations.max())
    periods = np.arange(observed + horizon + 1)
    projection = fitter.project(periods, confidence=confidence)
    n = int(round(fitter.n_))
    points = []
    for i, period in enumerate(periods):
        survival = Estimate(projection.survival[i], projection.survival_low[i], projection.survival_high[i],
                            n, confidence, projection.method)
        retention = None
        if period >= 1:
            retention = estimate_reply(Estimate(projection.retention[i], projection.retention_low[i],
                                                projection.retention_high[i], n, confidence, projection.method))
        points.append({"period": int(period), "observed": bool(period <= observed),
                       "survival": estimate_reply(survival), "retention": retention})
    rate = per_period_rate(annual_discount_rate, unit)
    lifetimes = [{"renewals": int(k), "lifetime": estimate_reply(fitter.residual_lifetime(int(k), rate, confidence))}
                 for k in periods]
    return {"converged": bool(fitter.converged_), "message": fitter.message_,
            "params": {"alpha": fitter.params_.alpha, "beta": fitter.params_.beta},
            "standard_errors": {name: finite_or_none(se) for name, se in zip(("alpha", "beta"), fitter.standard_errors_, strict=False)},
            "log_likelihood": fitter.log_likelihood_, "n": n, "projection": points, "residual_lifetime": lifetimes}


def cohort_retention(session: Session, *, cohort_start: date, cohort_end: date, as_of: date, unit: str = "month",
                     segment: str | None = None, horizon: int = 12, annual_discount_rate: float = 0.1,
                     confidence: float = 0.95) -> dict:
    """Kaplan-Meier retention of the cohort with Greenwood/log(-log) intervals, and the sBG fit.

    ``sbg`` is None (with the reason) when the cohort is empty or no one has churned yet.
    """
    durations, churned = cohort_lifetimes(session, cohort_start=cohort_start, cohort_end=cohort_end,
                                          as_of=as_of, unit=unit, segment=segment)
    reply = {"from_": cohort_start, "to": cohort_end, "cohort_start": cohort_start, "cohort_end": cohort_end,
             "as_of": as_of, "unit": unit,
             "customers": int(durations.size), "churned": int(churned.sum()), "kaplan_meier": [],
             "sbg": None, "sbg_unavailable_reason": None}
    if durations.size == 0:
        reply["sbg_unavailable_reason"] = "no contract of the cohort started by as_of"
        return reply
    reply["kaplan_meier"] = km_points(durations, churned, confidence)
    if not churned.any():
        reply["sbg_unavailable_reason"] = "no churn observed in the cohort yet"
        return reply
    try:
        reply["sbg"] = _sbg(durations, churned, unit=unit, horizon=horizon,
                            annual_discount_rate=annual_discount_rate, confidence=confidence)
    except ValueError as error:
        reply["sbg_unavailable_reason"] = f"the sBG model cannot be fitted: {error}"
    return reply
