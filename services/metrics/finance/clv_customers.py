"""Use cases: CLV of one customer, pages of customers by value, values per segment."""

from __future__ import annotations

import base64
import binascii
import json

import numpy as np
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError, InvalidInputError, NotFoundError
from services.metrics.finance.clv_compute import intervals, point_values, stored_draws
from services.metrics.finance.clv_results import draw_seed
from services.metrics.finance.periods import estimate_reply
from services.metrics.models.finance import ClvCustomerValue, ClvFit
from services.metrics.stats.estimate import Estimate
from shared.json_policy import load_json

QUANTITIES = ("probability_alive", "expected_purchases", "expected_spend", "clv")
SUMMARY = ("frequency", "recency", "age", "monetary")


def resolve_fit(session: Session, fit_id: str | None) -> ClvFit:
    """The named fit, or the latest converged fit of all customers; only a converged fit is ever used."""
    if fit_id is None:
        fit = session.execute(select(ClvFit).where(ClvFit.status == "done", ClvFit.converged.is_(True))
                              .order_by(ClvFit.segment.is_not(None), ClvFit.finished_at.desc()).limit(1)
                              ).scalar_one_or_none()
        if fit is None:
            raise NotFoundError("no converged CLV fit yet: POST /v1/clv/fits first")
        return fit
    fit = session.get(ClvFit, fit_id)
    if fit is None:
        raise NotFoundError(f"no CLV fit {fit_id!r}")
    if fit.status != "done":
        raise ConflictError(f"CLV fit {fit_id} is {fit.status}, not done")
    if not fit.converged:
        raise ConflictError(f"CLV fit {fit_id} did not converge and is not used: {fit.error}")
    return fit


def describe_customers(fit: ClvFit, rows: list, *, horizon: int, annual_discount_rate: float,
                       confidence: float, n_draws: int, stored_point: bool) -> list[dict]:
    """Reply dicts for customer rows of a fit, each quantity with its parameter-uncertainty interval."""
    if not rows:
        return []
    summary = {name: np.array([getattr(row, name) for row in rows], dtype=float) for name in SUMMARY}
    options = dict(horizon=horizon, annual_discount_rate=annual_discount_rate, time_unit=fit.time_unit)
    if stored_point:
        points = {name: np.array([getattr(row, name) for row in rows], dtype=float) for name in QUANTITIES}
    else:
        points = point_values(fit.result, *summary.values(), **options)
    draws = stored_draws(fit.result, seed=draw_seed(fit.id), n_draws=n_draws)
    bounds = intervals(draws, *summary.values(), confidence=confidence, **options)
    replies = []
    for i, row in enumerate(rows):
        reply = {"customer_id": row.customer_id, "kind": "non_contractual", "segment": row.segment,
                 "fit_id": fit.id, "time_unit": fit.time_unit, "horizon": horizon,
                 "annual_discount_rate": annual_discount_rate, "frequency": int(row.frequency),
                 "recency": row.recency, "age": row.age, "monetary": row.monetary}
        for name in QUANTITIES:
            reply[name] = estimate_reply(Estimate(float(points[name][i]), float(bounds[name][0][i]),
                                                  float(bounds[name][1][i]), fit.n_customers, confidence,
                                                  "parameter_draws_percentile"))
        replies.append(reply)
    return replies


def find_customer_value(session: Session, fit: ClvFit, customer_id: str) -> ClvCustomerValue | None:
    """The customer's stored row under ``fit``, or None."""
    return session.get(ClvCustomerValue, (fit.id, customer_id))


def encode_cursor(tag: str, value: float, customer_id: str) -> str:
    """An opaque keyset cursor after (value, customer id) in the list named by ``tag``."""
    return base64.urlsafe_b64encode(json.dumps([tag, value, customer_id]).encode()).decode()


def decode_cursor(tag: str, cursor: str) -> tuple[float, str]:
    """(value, customer id) of a cursor this API gave out for the list named by ``tag``; 422 otherwise."""
    try:
        found, value, customer_id = load_json(base64.urlsafe_b64decode(cursor.encode()))
        if found != tag or isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(found)
        return float(value), str(customer_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInputError("cursor is not one this API gave out for this list",
                                errors={"cursor": ["invalid"]}) from None


def list_customer_values(session: Session, *, fit_id: str | None, segment: str | None, order: str, limit: int,
                         cursor: str | None, confidence: float, n_draws: int) -> dict:
    """A page of the fit's customers ordered by CLV (ties by id), with intervals; keyset cursor."""
    fit = resolve_fit(session, fit_id)
    table = ClvCustomerValue
    query = select(table).where(table.fit_id == fit.id)
    if segment is not None:
        query = query.where(table.segment == segment)
    if cursor is not None:
        value, last_id = decode_cursor(f"fit:{fit.id}", cursor)
        beyond = table.clv < value if order == "desc" else table.clv > value
        query = query.where(or_(beyond, and_(table.clv == value, table.customer_id > last_id)))
    ranked = table.clv.desc() if order == "desc" else table.clv.asc()
    rows = session.execute(query.order_by(ranked, table.customer_id).limit(limit + 1)).scalars().all()
    page, more = rows[:limit], len(rows) > limit
    customers = describe_customers(fit, page, horizon=fit.horizon, annual_discount_rate=fit.annual_discount_rate,
                                   confidence=confidence, n_draws=n_draws, stored_point=True)
    return {"fit_id": fit.id, "customers": customers,
            "next_cursor": encode_cursor(f"fit:{fit.id}", page[-1].clv, page[-1].customer_id) if more else None}


def segment_values(session: Session, *, fit_id: str | None) -> dict:
    """Sum and mean CLV per segment (``*`` for everyone) as computed when the fit finished."""
    fit = resolve_fit(session, fit_id)
    return {"fit_id": fit.id, "horizon": fit.horizon, "time_unit": fit.time_unit,
            "annual_discount_rate": fit.annual_discount_rate, "segments": fit.result.get("segments", [])}
