"""Repeat-purchase summary: CDNOW sample, merging rules, units, invalid input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.metrics.stats.rfm import summarize_transactions, unique_rows
from tests.metrics.stats._cdnow import cdnow_summary, cdnow_transactions


def test_cdnow_summary_has_every_customer_of_the_sample():
    s = cdnow_summary()
    assert s.n_customers == 2357  # FHL (2005): 2,357 customers
    assert (s.frequency > 0).sum() == 946  # Fader & Hardie (2013): 946 repeat buyers
    assert s.dropped_days == 0
    assert (s.recency <= s.age).all() and (s.age <= 39).all()


def test_cdnow_customer_one_by_hand():
    # Sample customer 1: 1997-01-01 $29.33, 01-18 $29.73, 08-02 $14.96, 12-12 $26.48.
    s = cdnow_summary()
    i = int(np.flatnonzero(s.customer_ids == 1)[0])
    assert s.frequency[i] == 2  # the December purchase is after the calibration end
    assert s.recency[i] == pytest.approx(213 / 7)  # 1997-01-01 -> 1997-08-02
    assert s.age[i] == pytest.approx(272 / 7)  # 1997-01-01 -> 1997-09-30
    assert s.monetary[i] == pytest.approx((29.73 + 14.96) / 2)


def test_cdnow_same_day_lines_are_one_purchase():
    customers, dates, _ = cdnow_transactions()
    s = cdnow_summary()
    calibration = dates <= np.datetime64("1997-09-30")
    pairs = {(c, d) for c, d in zip(customers[calibration], dates[calibration], strict=False)}
    assert s.frequency.sum() + s.n_customers == len(pairs)


def test_same_day_purchases_merge_and_amounts_add():
    s = summarize_transactions(
        ["a", "a", "a", "a"],
        np.array(["2024-01-01T09:00", "2024-01-01T18:00", "2024-01-08", "2024-01-08"], dtype="datetime64[m]"),
        [10.0, 5.0, 20.0, 4.0], as_of="2024-01-15", time_unit="day")
    assert s.frequency.tolist() == [1]
    assert s.recency.tolist() == [7.0]
    assert s.age.tolist() == [14.0]
    assert s.monetary.tolist() == [24.0]  # only the repeat day, first day excluded


def test_refunds_reduce_the_day_and_cancel_it_at_or_below_zero():
    s = summarize_transactions(
        ["a", "a", "a", "a", "a", "b", "b", "c"],
        [0, 3, 3, 5, 5, 1, 1, 2],
        [10.0, 30.0, -10.0, 8.0, -8.0, 7.0, -9.0, 0.0], as_of=10, time_unit="day")
    assert s.customer_ids.tolist() == ["a", "c"]  # b's only day nets to -2: no purchase
    a = 0
    assert s.frequency[a] == 1  # day 5 nets to 0 with a refund: cancelled
    assert s.monetary[a] == 20.0  # day 3: 30 - 10
    assert s.recency[a] == 3.0
    assert s.frequency[1] == 0 and s.age[1] == 8.0  # a free item is a purchase
    assert s.dropped_days == 2


def test_transactions_after_as_of_are_ignored_and_as_of_is_inclusive():
    s = summarize_transactions([1, 1, 1], [0, 7, 8], [1.0, 1.0, 1.0], as_of=7, time_unit="day")
    assert s.frequency.tolist() == [1] and s.recency.tolist() == [7.0] and s.age.tolist() == [7.0]


@pytest.mark.parametrize(("unit", "days"), [("day", 1.0), ("week", 7.0), ("month", 30.4375)])
def test_time_units(unit, days):
    s = summarize_transactions([1, 1], np.array(["2024-01-01", "2024-03-01"], dtype="datetime64[D]"),
                               as_of=np.datetime64("2024-06-30"), time_unit=unit)
    assert s.recency[0] == pytest.approx(60 / days)
    assert s.age[0] == pytest.approx(181 / days)
    assert s.monetary[0] == 0.0  # no amounts given


def test_numeric_epoch_days_are_floored():
    s = summarize_transactions([1, 1, 1], [0.2, 0.9, 2.5], [1.0, 1.0, 1.0], as_of=3.7, time_unit="day")
    assert s.frequency.tolist() == [1] and s.recency.tolist() == [2.0] and s.age.tolist() == [3.0]


@pytest.mark.parametrize("kwargs", [
    dict(customers=[1, 2], timestamps=[1], amounts=None, as_of=5, time_unit="day"),
    dict(customers=[1], timestamps=[1], amounts=[1.0, 2.0], as_of=5, time_unit="day"),
    dict(customers=[1], timestamps=[1], amounts=[np.nan], as_of=5, time_unit="day"),
    dict(customers=[1], timestamps=[1], amounts=None, as_of=5, time_unit="year"),
    dict(customers=[1], timestamps=np.array(["NaT"], dtype="datetime64[D]"), amounts=None, as_of=5,
         time_unit="day"),
    dict(customers=[1], timestamps=["2024-01-01"], amounts=None, as_of=5, time_unit="day"),
])
def test_invalid_input_raises(kwargs):
    with pytest.raises(ValueError):
        summarize_transactions(kwargs.pop("customers"), kwargs.pop("timestamps"), kwargs.pop("amounts"),
                               **kwargs)


def _naive_summary(customers, days, amounts, as_of):
    """Direct per-customer loop, the definition written out."""
    out = {}
    for c in sorted(set(customers)):
        totals, refunded = {}, {}
        for cc, d, a in zip(customers, days, amounts, strict=False):
            if cc == c and d <= as_of:
                totals[d] = totals.get(d, 0.0) + a
                refunded[d] = refunded.get(d, False) or a < 0
        purchase_days = sorted(d for d in totals if not (refunded[d] and totals[d] <= 0))
        if purchase_days:
            repeat = purchase_days[1:]
            out[c] = (len(repeat), purchase_days[-1] - purchase_days[0], as_of - purchase_days[0],
                      sum(totals[d] for d in repeat) / len(repeat) if repeat else 0.0)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 12), st.sampled_from([-5.0, 0.0, 2.5, 10.0])),
                min_size=1, max_size=40))
def test_matches_the_definition_on_random_logs(rows):
    customers, days, amounts = map(list, zip(*rows, strict=False))
    s = summarize_transactions(customers, days, amounts, as_of=10, time_unit="day")
    expected = _naive_summary(customers, days, amounts, 10)
    assert s.customer_ids.tolist() == list(expected)
    for i, c in enumerate(s.customer_ids):
        x, rec, age, m = expected[c]
        assert (s.frequency[i], s.recency[i], s.age[i]) == (x, rec, age)
        assert s.monetary[i] == pytest.approx(m)


def test_unique_rows_round_trip():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 3, 500).astype(float), rng.integers(0, 4, 500).astype(float)
    first, inverse, counts = unique_rows(a, b)
    assert first.size == len(set(zip(a, b, strict=False)))
    np.testing.assert_array_equal(a[first][inverse], a)
    np.testing.assert_array_equal(b[first][inverse], b)
    assert counts.sum() == 500
    keys = list(zip(a[first], b[first], strict=False))
    assert keys == sorted(keys)
