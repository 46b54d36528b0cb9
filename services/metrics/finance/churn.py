"""Use case: churn rate per period and group, counted in SQL, with Wilson intervals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, null, or_, select
from sqlalchemy.orm import Session

from services.metrics.finance.periods import day_start, estimate_reply, period_bounds
from services.metrics.models.finance import Contract
from services.metrics.stats.proportions import proportion

MIN_AT_RISK = 30


def churn_rates(session: Session, *, period: str, start: date, end: date, now: datetime,
                group_by: str = "none", segment: str | None = None, confidence: float = 0.95) -> dict:
    """Customers at risk at each period's start, those who churned during it, and the rate.

    At risk: contracts started before the period and not ended before it. Churned: those of
    them whose ``ended_at`` falls inside the period. A period not over at ``now`` is ``partial``.
    """
    contracts = Contract.__table__
    group = {"none": None, "segment": contracts.c.segment, "plan": contracts.c.plan}[group_by]
    rates = []
    for first, following in period_bounds(start, end, period):
        begin, stop = day_start(first), day_start(following)
        counts = (func.count(), func.sum(case((contracts.c.ended_at < stop, 1), else_=0)))
        query = (select(null() if group is None else group, *counts)
                 .where(contracts.c.started_at < begin,
                        or_(contracts.c.ended_at.is_(None), contracts.c.ended_at >= begin)))
        if group is not None:
            query = query.group_by(group)
        if segment is not None:
            query = query.where(contracts.c.segment == segment)
        found = {row[0]: (int(row[1]), int(row[2] or 0)) for row in session.execute(query) if row[1]}
        if group is None and not found:
            found = {None: (0, 0)}
        for label, (at_risk, churned) in sorted(found.items(), key=lambda item: (item[0] is None, item[0] or "")):
            rates.append({"period_start": first, "period_end": following, "group": label, "at_risk": at_risk,
                          "churned": churned, "partial": stop > now, "rate": estimate_reply(proportion(
                              churned, at_risk, confidence=confidence, min_n=MIN_AT_RISK))})
    return {"period": period, "group_by": group_by, "rates": rates}
