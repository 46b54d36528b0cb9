"""Repeat-purchase summary (frequency, recency, age, monetary value) of a transaction log.

The summary is the input of the BG/NBD purchase model and the Gamma-Gamma spend model
(Fader, Hardie & Lee 2005). Times are counted in whole calendar days and reported in a chosen
time unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Length of each supported time unit in days; a month is 365.25 / 12 = 30.4375 days.
TIME_UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 30.4375}

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class RepeatPurchaseSummary:
    """One row per customer with at least one purchase day up to ``as_of``.

    Attributes
    ----------
    customer_ids : ndarray
        Customer identifiers, sorted.
    frequency : ndarray of int64
        Number of repeat purchase days ``x`` (purchase days after the first one).
    recency : ndarray of float
        ``t_x``: last purchase day minus first purchase day, in ``time_unit``.
    age : ndarray of float
        ``T``: ``as_of`` day minus first purchase day, in ``time_unit``.
    monetary : ndarray of float
        Mean value of the repeat purchase days; 0 when ``frequency`` is 0 (or when no amounts
        were given).
    first_purchase_day : ndarray of int64
        First purchase day, in days since 1970-01-01.
    as_of_day : int
        Calibration end, in days since 1970-01-01 (inclusive).
    time_unit : str
        ``"day"``, ``"week"`` or ``"month"``.
    dropped_days : int
        Customer-days with a refund whose amounts netted to zero or less, and which were
        therefore not counted as purchases.
    """

    customer_ids: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    age: np.ndarray
    monetary: np.ndarray
    first_purchase_day: np.ndarray
    as_of_day: int
    time_unit: str
    dropped_days: int

    @property
    def n_customers(self) -> int:
        """Number of customers in the summary."""
        return int(self.frequency.size)


def time_unit_days(time_unit: str) -> float:
    """Return the length of ``time_unit`` in days, or raise ``ValueError`` for an unknown unit."""
    try:
        return TIME_UNIT_DAYS[time_unit]
    except KeyError:
        raise ValueError(
            f"time_unit must be one of {sorted(TIME_UNIT_DAYS)}, got {time_unit!r}"
        ) from None


def day_numbers(values: Any) -> np.ndarray:
    """Whole days since 1970-01-01 of datetime64 values or of numeric epoch days (floored)."""
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise ValueError("timestamps contain NaT")
        return arr.astype("datetime64[D]").astype(np.int64)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError("timestamps must be finite")
        return np.floor(arr).astype(np.int64)
    if arr.dtype.kind in "UO" and arr.ndim == 0:
        return day_numbers(np.datetime64(arr.item()))
    raise ValueError(f"timestamps must be datetime64 or numeric epoch days, got dtype {arr.dtype}")


def _day_scalar(as_of: Any) -> int:
    if isinstance(as_of, (int, float, np.integer, np.floating, np.datetime64)):
        return int(day_numbers(as_of))
    return int(day_numbers(np.datetime64(as_of)))


def _customer_day_order(customers: np.ndarray, days: np.ndarray, as_of_day: int) -> np.ndarray:
    """Permutation sorting transactions by customer, then day (one integer sort when possible)."""
    if not customers.size:
        return np.arange(0)
    if customers.dtype.kind not in "iu":  # strings, objects: sort once to integer codes
        customers = np.unique(customers, return_inverse=True)[1]
    low_day = int(days.min())
    low, high = int(customers.min()), int(customers.max())
    span = as_of_day - low_day + 1
    if high < 2**63 and (high - low + 1) * span < 2**62:  # customer and day in one int64 key
        return np.argsort((customers.astype(np.int64) - low) * span + (days - low_day))
    return np.lexsort((days, customers))


def summarize_transactions(
    customers: Any,
    timestamps: Any,
    amounts: Any = None,
    *,
    as_of: Any,
    time_unit: str = "week",
) -> RepeatPurchaseSummary:
    """Build the repeat-purchase summary of Fader, Hardie & Lee (2005) from transactions.

    Transactions of one customer on one calendar day are merged into a single purchase whose
    amount is their sum, so a refund (negative amount) reduces that day's total. A day with a
    refund whose total nets to zero or less is cancelled: it counts neither as the first
    purchase nor as a repeat purchase, and a customer left without any purchase day is left
    out. A day of zero-value transactions without refunds (free items; the CDNOW sample has
    eight) is a purchase worth 0. Refunds are not matched to the day of the purchase they
    reverse. Transactions after ``as_of`` are ignored.

    Parameters
    ----------
    customers : array_like
        Customer identifier of each transaction (any sortable values).
    timestamps : array_like
        ``datetime64`` values (floored to the calendar day) or numeric days since 1970-01-01.
    amounts : array_like, optional
        Transaction values. Without them every transaction day is a purchase and
        ``monetary`` is 0.
    as_of : datetime64, str, date or number
        Last day of the calibration period (inclusive).
    time_unit : {"day", "week", "month"}
        Unit of ``recency`` and ``age``; a month is 30.4375 days.

    Returns
    -------
    RepeatPurchaseSummary

    Notes
    -----
    One integer sort of (customer, day) keys, then segment sums (``reduceat``): about 1 s for
    5 million transactions with integer customer ids on a 2-core machine. String ids are first
    sorted to integer codes, which costs a few seconds more at that size.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
    """
    unit = time_unit_days(time_unit)
    customers = np.asarray(customers)
    days = day_numbers(timestamps)
    if customers.ndim != 1 or days.shape != customers.shape:
        raise ValueError("customers and timestamps must be 1-d arrays of equal length")
    values = None
    if amounts is not None:
        values = np.asarray(amounts, dtype=float)
        if values.shape != customers.shape:
            raise ValueError("amounts must have the same length as customers")
        if not np.isfinite(values).all():
            raise ValueError("amounts must be finite")
    as_of_day = _day_scalar(as_of)

    keep = days <= as_of_day
    if not keep.all():
        customers, days = customers[keep], days[keep]
        values = None if values is None else values[keep]
    order = _customer_day_order(customers, days, as_of_day)
    sorted_customers, sorted_days = customers[order], days[order]
    new_day = np.ones(order.size, dtype=bool)
    new_day[1:] = (sorted_customers[1:] != sorted_customers[:-1]) | (sorted_days[1:] != sorted_days[:-1])
    day_start = np.flatnonzero(new_day)
    day_customer, day_day = sorted_customers[day_start], sorted_days[day_start]
    dropped = 0
    if values is not None and order.size:
        sorted_values = values[order]
        day_total = np.add.reduceat(sorted_values, day_start)
        refunded = np.logical_or.reduceat(sorted_values < 0, day_start)
        purchase = ~refunded | (day_total > 0)
        dropped = int(purchase.size - purchase.sum())
        day_customer, day_day, day_total = day_customer[purchase], day_day[purchase], day_total[purchase]

    new_customer = np.ones(day_customer.size, dtype=bool)
    new_customer[1:] = day_customer[1:] != day_customer[:-1]
    starts = np.flatnonzero(new_customer)
    n_days = np.diff(np.r_[starts, day_customer.size])
    first = day_day[starts]
    last = day_day[starts + n_days - 1]
    frequency = (n_days - 1).astype(np.int64)
    if values is not None and starts.size:
        repeat_total = np.add.reduceat(day_total, starts) - day_total[starts]
        monetary = np.where(frequency > 0, repeat_total / np.maximum(frequency, 1), 0.0)
    else:
        monetary = np.zeros(frequency.size)
    return RepeatPurchaseSummary(
        customer_ids=day_customer[starts],
        frequency=frequency,
        recency=(last - first) / unit,
        age=(as_of_day - first) / unit,
        monetary=monetary,
        first_purchase_day=first.astype(np.int64),
        as_of_day=as_of_day,
        time_unit=time_unit,
        dropped_days=dropped,
    )


def unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge identical rows of equal-length 1-d columns.

    Returns
    -------
    first : ndarray of int
        Index of one representative of each distinct row; distinct rows are in lexicographic
        order of the columns (first column most significant).
    inverse : ndarray of int
        For each input row, the position of its distinct row, so ``col[first][inverse] == col``.
    counts : ndarray of int
        Number of input rows merged into each distinct row.
    """
    if not columns:
        raise ValueError("unique_rows needs at least one column")
    n = columns[0].shape[0]
    if n == 0:
        empty = np.array([], dtype=np.intp)
        return empty, empty, empty
    order = np.lexsort(columns[::-1])
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for column in columns:
        sorted_column = column[order]
        new[1:] |= sorted_column[1:] != sorted_column[:-1]
    group = np.cumsum(new) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group
    first = order[new]
    counts = np.diff(np.r_[np.flatnonzero(new), n])
    return first, inverse, counts
