"""Calendar periods: complete months/quarters/years between two moments, period boundaries."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from services.common.exceptions import InvalidInputError

UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "quarter": 91.3125, "year": 365.25}
MAX_PERIODS = 240
_ONE_TICK = timedelta(microseconds=1)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def complete_periods(start: datetime, end: datetime, unit: str) -> int:
    """Whole ``unit`` periods from ``start`` to ``end`` (calendar months for month and year)."""
    if end <= start:
        return 0
    if unit in ("day", "week"):
        return int((end - start) / timedelta(days=UNIT_DAYS[unit]))
    months = (end.year - start.year) * 12 + end.month - start.month
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    return months // {"month": 1, "quarter": 3, "year": 12}[unit]


def lifetime_periods(start: datetime, end: datetime, unit: str) -> int:
    """The period in which a subscription ending at ``end`` churned (1 = during the first period)."""
    return complete_periods(start, end - _ONE_TICK, unit) + 1 if end > start else 1


def period_start(day: date, period: str) -> date:
    """First day of the month, quarter or year containing ``day``."""
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_period_start(day: date, period: str) -> date:
    """First day of the following period."""
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_bounds(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """``[(first day, first day of the next period), ...]`` covering ``start`` to ``end``."""
    if end < start:
        raise InvalidInputError("end must not be before start", errors={"end": ["before start"]})
    bounds: list[tuple[date, date]] = []
    current = period_start(start, period)
    while current <= end:
        following = next_period_start(current, period)
        bounds.append((current, following))
        current = following
        if len(bounds) > MAX_PERIODS:
            raise InvalidInputError(f"at most {MAX_PERIODS} periods per request", errors={"end": ["too far"]})
    return bounds


def per_period_rate(annual_rate: float, unit: str) -> float:
    """The discount rate of one period equivalent to ``annual_rate``."""
    return (1.0 + annual_rate) ** (UNIT_DAYS[unit] / UNIT_DAYS["year"]) - 1.0


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    return float(value) if value is not None and math.isfinite(value) else None


def estimate_reply(estimate) -> dict:
    """An ``Estimate`` as a reply dict, NaN and infinities as null."""
    return {"value": finite_or_none(estimate.value), "ci_low": finite_or_none(estimate.ci_low),
            "ci_high": finite_or_none(estimate.ci_high), "n": int(estimate.n),
            "confidence": float(estimate.confidence), "method": estimate.method,
            "insufficient": bool(estimate.insufficient)}
