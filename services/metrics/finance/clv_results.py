"""The work of one CLV fit: load the customer base, fit, and store values per customer and segment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.metrics.finance.clv_compute import fit_models, point_values, spend_input, stored_draws
from services.metrics.finance.clv_data import NO_SEGMENT, CustomerBase, load_customer_base
from services.metrics.finance.periods import estimate_reply
from services.metrics.models.finance import ClvCustomerValue, ClvFit
from services.metrics.stats.clv import segment_lifetime_value

INSERT_CHUNK_ROWS = 10_000
SEGMENT_CONFIDENCE = 0.95
ALL_CUSTOMERS = "*"
MIN_FIT_CUSTOMERS = 3


@dataclass(frozen=True)
class FitOutcome:
    """The JSON result of a fit and its customer counts."""

    result: dict
    n_customers: int
    n_repeat_customers: int


def too_few_customers(n_customers: int, as_of: date) -> str | None:
    """Why ``n_customers`` with purchases up to ``as_of`` cannot be fitted (None when they can)."""
    if n_customers >= MIN_FIT_CUSTOMERS:
        return None
    return f"{n_customers} customer(s) with purchases up to {as_of}: too few to fit (at least {MIN_FIT_CUSTOMERS})"


def draw_seed(fit_id: str) -> int:
    """The seed of a fit's parameter draws, so its intervals are the same on every call."""
    return int(fit_id[:15], 16)


def compute_fit(session: Session, fit: ClvFit, *, n_draws: int) -> FitOutcome:
    """Fit both models on the fit's customer base; when converged, store customer and segment values.

    Writes ``clv_customer_values`` rows but does not commit. Raises ``ValueError`` when the
    models cannot be fitted (too few customers, no repeat buyers, singular information).
    """
    base = load_customer_base(session, as_of=fit.as_of, time_unit=fit.time_unit, currency=fit.currency,
                              segment=fit.segment)
    summary = base.summary
    too_few = too_few_customers(base.n_customers, fit.as_of)
    if too_few:
        raise ValueError(too_few)
    result = fit_models(summary.frequency, summary.recency, summary.age, summary.monetary)
    result["dropped_refund_days"] = int(summary.dropped_days)
    outcome = FitOutcome(result, base.n_customers, int((summary.frequency > 0).sum()))
    if not result["converged"]:
        return outcome
    options = dict(horizon=fit.horizon, annual_discount_rate=fit.annual_discount_rate, time_unit=fit.time_unit)
    values = point_values(result, summary.frequency, summary.recency, summary.age, summary.monetary, **options)
    _store_customer_values(session, fit.id, base, values)
    draws = stored_draws(result, seed=draw_seed(fit.id), n_draws=n_draws)
    result["segments"] = _segment_values(draws, base, options)
    return outcome


def _store_customer_values(session: Session, fit_id: str, base: CustomerBase, values: dict) -> None:
    summary = base.summary
    columns = {"customer_id": summary.customer_ids, "segment": base.segments,
               "frequency": summary.frequency, "recency": summary.recency, "age": summary.age,
               "monetary": summary.monetary, **values}
    for start in range(0, base.n_customers, INSERT_CHUNK_ROWS):
        block = {name: column[start:start + INSERT_CHUNK_ROWS].tolist() for name, column in columns.items()}
        rows = [{"fit_id": fit_id, **dict(zip(block, row, strict=False))} for row in zip(*block.values(), strict=False)]
        for row in rows:
            row["segment"] = row["segment"] or None
        session.execute(insert(ClvCustomerValue.__table__), rows)


def _segment_values(draws, base: CustomerBase, options: dict) -> list[dict]:
    summary = base.summary
    args = (draws, summary.frequency, summary.recency, summary.age, spend_input(summary.frequency, summary.monetary))
    by_label = segment_lifetime_value(*args, segments=base.segments, confidence=SEGMENT_CONFIDENCE,
                                      **options)
    everyone = by_label if len(by_label) == 1 else segment_lifetime_value(*args, confidence=SEGMENT_CONFIDENCE,
                                                                        **options)
    entries = [(ALL_CUSTOMERS, next(iter(everyone.values())))]
    entries += [(None if label == NO_SEGMENT else str(label), value) for label, value in sorted(by_label.items())]
    return [{"segment": label, "customers": int(value.total.n), "total": estimate_reply(value.total),
             "mean": estimate_reply(value.mean)} for label, value in entries]
