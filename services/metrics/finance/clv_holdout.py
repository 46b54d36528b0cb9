"""Use case: the holdout check of the CLV purchase model (BG/NBD fitted on a calibration period).

The same customer base and the same fitter as a CLV fit (``clv_data.load_customer_base`` and
``BGNBDFitter``); purchases in the holdout period are counted in SQL as purchase days (same-day
transactions summed, a day netted to zero or less by a refund is no purchase), as in the summary.
Nothing is stored. The request runs inline, so it takes the same bound as an inline fit: a
calibration customer base above ``max_customers`` is refused (choose a segment or a currency).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.finance.clv_compute import PURCHASE_NAMES
from services.metrics.finance.clv_data import (
    as_of_day,
    check_currency_choice,
    count_customers,
    load_customer_base,
)
from services.metrics.finance.clv_results import too_few_customers
from services.metrics.finance.periods import finite_or_none
from services.metrics.models.finance import Transaction
from services.metrics.stats.bgnbd import BGNBDFitter
from services.metrics.stats.bgnbd_holdout import holdout_check
from services.metrics.stats.rfm import time_unit_days


def holdout_purchase_counts(session: Session, *, customer_ids: np.ndarray, calibration_end: date,
                            holdout_end: date, currency: str | None) -> np.ndarray:
    """Purchase days of each customer in ``customer_ids`` (sorted) after ``calibration_end`` up to ``holdout_end``."""
    table = Transaction.__table__
    conditions = [table.c.purchase_day > as_of_day(calibration_end), table.c.purchase_day <= as_of_day(holdout_end)]
    if currency is not None:
        conditions.append(table.c.currency == currency)
    total, lowest = cast(func.sum(table.c.amount), Float), cast(func.min(table.c.amount), Float)
    days = (select(table.c.customer_id.label("customer_id"))
            .where(*conditions).group_by(table.c.customer_id, table.c.purchase_day)
            .having(~((lowest < 0) & (total <= 0))).subquery())
    rows = session.execute(select(days.c.customer_id, func.count()).group_by(days.c.customer_id)).all()
    counts = np.zeros(customer_ids.size)
    if not rows or not customer_ids.size:
        return counts
    found = np.empty(len(rows), dtype=object)
    found[:] = [row[0] for row in rows]
    numbers = np.fromiter((row[1] for row in rows), dtype=float, count=len(rows))
    position = np.searchsorted(customer_ids, found)
    known = (position < customer_ids.size) & (customer_ids[np.minimum(position, customer_ids.size - 1)] == found)
    counts[position[known]] = numbers[known]  # customers whose first purchase is in the holdout are left out
    return counts


def check_holdout(session: Session, *, calibration_end: date, holdout_end: date, time_unit: str,
                  segment: str | None = None, currency: str | None = None, max_frequency: int = 7,
                  max_customers: int = 50_000) -> dict:
    """Fit BG/NBD up to ``calibration_end`` and compare predicted with actual holdout purchases per group."""
    check_currency_choice(session, as_of=holdout_end, currency=currency)
    n_customers = count_customers(session, as_of=calibration_end, currency=currency)
    if n_customers > max_customers:
        message = (f"{n_customers} customers up to {calibration_end}: above the {max_customers} a holdout check "
                   "runs on at once; choose a segment or a currency")
        raise InvalidInputError(message, errors={"calibration_end": [message]})
    base = load_customer_base(session, as_of=calibration_end, time_unit=time_unit, currency=currency,
                              segment=segment)
    summary = base.summary
    too_few = too_few_customers(base.n_customers, calibration_end)
    if too_few:
        raise InvalidInputError(too_few, errors={"calibration_end": [too_few]})
    try:
        fitter = BGNBDFitter().fit(summary.frequency, summary.recency, summary.age)
    except ValueError as error:
        raise InvalidInputError(f"the BG/NBD fit failed: {error}", errors={"transactions": [str(error)]}) from None
    holdout = holdout_purchase_counts(session, customer_ids=summary.customer_ids, calibration_end=calibration_end,
                                      holdout_end=holdout_end, currency=currency)
    length = (holdout_end - calibration_end).days / time_unit_days(time_unit)
    check = holdout_check(fitter.params_, summary.frequency, summary.recency, summary.age, holdout,
                          holdout_length=length, max_frequency=max_frequency)
    actual, predicted = float(check.actual.sum()), float(check.predicted.sum())
    groups = [{"repeat_purchases": label, "customers": int(n), "actual_mean": finite_or_none(a_mean),
               "predicted_mean": finite_or_none(p_mean), "actual_total": float(a_total),
               "predicted_total": float(p_total)}
              for label, n, a_mean, p_mean, a_total, p_total in zip(
                  check.labels, check.customers, check.actual_mean, check.predicted_mean, check.actual,
                  check.predicted, strict=True)]
    return {"calibration_end": calibration_end, "holdout_end": holdout_end, "time_unit": time_unit,
            "holdout_length": length, "segment": segment, "currency": currency, "customers": base.n_customers,
            "repeat_customers": int((summary.frequency > 0).sum()), "converged": bool(fitter.converged_),
            "params": dict(zip(PURCHASE_NAMES, map(float, fitter.params_.as_array()), strict=True)),
            "groups": groups,
            "total": {"actual": actual, "predicted": predicted,
                      "relative_error": (predicted - actual) / actual if actual > 0 else None},
            "mean_absolute_error": check.mean_absolute_error,
            "weighted_absolute_error": check.weighted_absolute_error}
