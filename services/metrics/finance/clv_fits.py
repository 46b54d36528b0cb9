"""Use cases: request a CLV fit, run it (inline or in the worker), read it, schedule the nightly refit."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.common.exceptions import InvalidInputError, NotFoundError
from services.metrics.finance.clv_compute import DEFAULT_HORIZON
from services.metrics.finance.clv_data import check_currency_choice, count_customers
from services.metrics.finance.clv_results import compute_fit, too_few_customers
from services.metrics.models.finance import ClvCustomerValue, ClvFit

STALE_RUNNING = timedelta(hours=2)  # a running fit this old lost its worker; it is run again


def request_fit(session: Session, *, as_of: date, time_unit: str, now: datetime, segment: str | None = None,
                currency: str | None = None, horizon: int | None = None, annual_discount_rate: float = 0.1,
                inline_max_customers: int = 50_000, n_draws: int = 200, trigger: str = "api",
                nightly_key: str | None = None) -> ClvFit:
    """Record a fit; run it now when the customer base is small, else leave it to the worker.

    A fit that cannot succeed on the request's own data (several currencies, too few customers up to
    ``as_of``, or an inline fit that fails) is refused with ``InvalidInputError`` and nothing is
    kept; a fit queued for the worker keeps the status it ends with.
    """
    check_currency_choice(session, as_of=as_of, currency=currency)
    n_customers = count_customers(session, as_of=as_of, currency=currency)
    too_few = too_few_customers(n_customers, as_of)
    if too_few:
        raise InvalidInputError(too_few, errors={"as_of": [too_few]})
    fit = ClvFit(id=uuid.uuid4().hex, status="pending", trigger=trigger, nightly_key=nightly_key, as_of=as_of,
                 time_unit=time_unit, segment=segment, currency=currency,
                 horizon=horizon or DEFAULT_HORIZON[time_unit], annual_discount_rate=annual_discount_rate,
                 created_at=now)
    session.add(fit)
    small = n_customers <= inline_max_customers
    if small:
        fit.status, fit.started_at = "running", now
    session.commit()  # before the computation: no write lock held while the models are fitted
    if small:
        fit = run_fit(session, fit_id=fit.id, now=lambda: now, n_draws=n_draws)
        if fit.status == "failed":
            reason = fit.error or "the fit failed"
            session.delete(fit)
            session.commit()
            raise InvalidInputError(f"the CLV fit failed: {reason}", errors={"transactions": [reason]})
    return fit


def run_fit(session: Session, *, fit_id: str, now, n_draws: int = 200) -> ClvFit:
    """Compute a claimed (running) fit and store its result and customer values; commits once.

    ``now`` is a function returning the current time. A fit that fails keeps its error message;
    one that does not converge is stored as done with ``converged`` false and no customer values.
    """
    fit = session.get(ClvFit, fit_id)
    if fit is None:
        raise NotFoundError(f"no CLV fit {fit_id!r}")
    try:
        outcome = compute_fit(session, fit, n_draws=n_draws)
    except ValueError as error:
        session.rollback()
        fit = session.get(ClvFit, fit_id)
        fit.status, fit.error, fit.finished_at = "failed", str(error), now()
        session.commit()
        return fit
    fit.status, fit.finished_at = "done", now()
    fit.result, fit.converged = outcome.result, outcome.result["converged"]
    fit.n_customers, fit.n_repeat_customers = outcome.n_customers, outcome.n_repeat_customers
    fit.error = None if fit.converged else "did not converge: " + outcome.result["convergence_message"]
    session.commit()
    return fit


def claim_next_fit(session: Session, *, now: datetime) -> str | None:
    """Mark the oldest pending fit running and return its id (SKIP LOCKED on PostgreSQL); commits."""
    session.execute(update(ClvFit).where(ClvFit.status == "running", ClvFit.started_at < now - STALE_RUNNING)
                    .values(status="pending", started_at=None))
    query = select(ClvFit).where(ClvFit.status == "pending").order_by(ClvFit.created_at).limit(1)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    fit = session.execute(query).scalar_one_or_none()
    if fit is None:
        session.commit()
        return None
    fit.status, fit.started_at = "running", now
    session.execute(ClvCustomerValue.__table__.delete().where(ClvCustomerValue.fit_id == fit.id))
    session.commit()
    return fit.id


def schedule_nightly_fit(session: Session, *, now: datetime, time_unit: str) -> ClvFit | None:
    """Once per day, request a fit of everyone as of yesterday (run by the worker); commits."""
    as_of = now.date() - timedelta(days=1)
    key = f"nightly:{as_of.isoformat()}:{time_unit}"
    if session.execute(select(ClvFit.id).where(ClvFit.nightly_key == key)).first() is not None:
        return None
    if too_few_customers(count_customers(session, as_of=as_of, currency=None), as_of):
        return None
    fit = ClvFit(id=uuid.uuid4().hex, status="pending", trigger="nightly", nightly_key=key, as_of=as_of,
                 time_unit=time_unit, horizon=DEFAULT_HORIZON[time_unit], annual_discount_rate=0.1, created_at=now)
    session.add(fit)
    try:
        session.commit()
    except IntegrityError:  # another worker scheduled it first
        session.rollback()
        return None
    return fit


def get_fit(session: Session, fit_id: str) -> ClvFit:
    """The fit with this id, or ``NotFoundError``."""
    fit = session.get(ClvFit, fit_id)
    if fit is None:
        raise NotFoundError(f"no CLV fit {fit_id!r}")
    return fit


def fit_reply(fit: ClvFit) -> dict:
    """The fit as the API shows it (internal covariances and segment values left out)."""
    result = fit.result or {}
    reply = {name: getattr(fit, name) for name in (
        "id", "status", "trigger", "as_of", "time_unit", "segment", "currency", "horizon", "annual_discount_rate",
        "created_at", "started_at", "finished_at", "n_customers", "n_repeat_customers", "converged", "error")}
    for name in ("params", "standard_errors", "log_likelihood", "diagnostics", "calibration"):
        reply[name] = result.get(name)
    return reply
