"""The BG/NBD holdout check as a pure function: grouping, sums and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from services.metrics.stats.bgnbd import BGNBDParameters
from services.metrics.stats.bgnbd_holdout import holdout_check
from services.metrics.stats.bgnbd_predict import conditional_expected_purchases

PARAMS = BGNBDParameters(0.243, 4.414, 0.793, 2.426)  # FHL (2005)


def test_groups_sum_customers_and_conditional_expectations():
    x = np.array([0, 0, 1, 3, 9, 12])
    t_x = np.array([0.0, 0.0, 5.0, 20.0, 30.0, 35.0])
    age = np.array([30.0, 35.0, 36.0, 38.0, 39.0, 39.0])
    holdout = np.array([0, 1, 2, 0, 7, 9])
    check = holdout_check(PARAMS, x, t_x, age, holdout, holdout_length=39, max_frequency=7)
    assert check.labels == ("0", "1", "2", "3", "4", "5", "6", "7+")
    assert check.customers.tolist() == [2, 1, 0, 1, 0, 0, 0, 2]
    assert check.actual.tolist() == [1, 2, 0, 0, 0, 0, 0, 16]
    expected = conditional_expected_purchases(PARAMS, 39, x, t_x, age)
    assert check.predicted[7] == pytest.approx(expected[4] + expected[5], rel=1e-12)
    assert check.actual_mean[0] == 0.5 and np.isnan(check.actual_mean[2])
    filled = [0, 1, 3, 7]
    gaps = np.abs(check.actual[filled] / check.customers[filled] - check.predicted[filled] / check.customers[filled])
    assert check.mean_absolute_error == pytest.approx(gaps.mean())
    assert check.weighted_absolute_error == pytest.approx(np.average(gaps, weights=check.customers[filled]))


@pytest.mark.parametrize(("holdout", "length", "message"), [
    ([0, -1], 39, "whole numbers"), ([0, 0.5], 39, "whole numbers"), ([0], 39, "one per customer"),
    ([0, 1], 0, "holdout_length"), ([0, 1], float("nan"), "holdout_length")])
def test_bad_input_is_a_clear_value_error(holdout, length, message):
    with pytest.raises(ValueError, match=message):
        holdout_check(PARAMS, [0, 1], [0, 2], [10, 10], holdout, holdout_length=length)
