"""BG/NBD holdout check: predicted against actual repeat purchases in a holdout period.

Fader, Hardie & Lee (2005), "Counting your customers" the easy way, Marketing Science 24(2),
275-284, Figure 4: customers grouped by their number of repeat purchases in the calibration
period (0, 1, ..., ``max_frequency``+); in each group the mean number of purchases they actually
made in the holdout period against the mean of the conditional expectation E[Y(t) | x, t_x, T]
(eq. 10) with ``t`` the length of the holdout period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .bgnbd import BGNBDParameters, check_summary
from .bgnbd_predict import conditional_expected_purchases


@dataclass(frozen=True)
class HoldoutCheck:
    """Per calibration-frequency group: customers, actual and predicted holdout purchases (sums).

    ``labels[i]`` is ``"0"``, ``"1"``, ..., the last ``"{max}+"``; groups without customers are
    kept with zero sums (their means are undefined).
    """

    labels: tuple[str, ...]
    customers: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray

    @property
    def actual_mean(self) -> np.ndarray:
        """Mean actual holdout purchases per group (nan for an empty group)."""
        return _mean(self.actual, self.customers)

    @property
    def predicted_mean(self) -> np.ndarray:
        """Mean conditional expectation per group (nan for an empty group)."""
        return _mean(self.predicted, self.customers)

    @property
    def mean_absolute_error(self) -> float:
        """Mean over non-empty groups of |actual mean - predicted mean| (each group counts once)."""
        filled = self.customers > 0
        return float(np.mean(np.abs(self.actual_mean[filled] - self.predicted_mean[filled])))

    @property
    def weighted_absolute_error(self) -> float:
        """Customer-weighted mean of |actual mean - predicted mean| over the groups."""
        filled = self.customers > 0
        gaps = np.abs(self.actual_mean[filled] - self.predicted_mean[filled])
        return float(np.average(gaps, weights=self.customers[filled]))


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    out = np.full(total.shape, np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def holdout_check(params: BGNBDParameters, frequency: Any, recency: Any, age: Any, holdout_purchases: Any,
                  *, holdout_length: float, max_frequency: int = 7) -> HoldoutCheck:
    """Group customers by calibration repeat purchases and compare holdout purchases, FHL (2005) Fig. 4.

    Parameters
    ----------
    params : BGNBDParameters
        Fitted on the calibration period.
    frequency, recency, age : array_like
        The calibration summary (``x``, ``t_x``, ``T``) of each customer.
    holdout_purchases : array_like
        Purchases each customer made in the holdout period (whole numbers >= 0).
    holdout_length : float
        Length ``t`` of the holdout period, in the summary's time unit (> 0).
    max_frequency : int
        Customers with this many calibration repeat purchases or more form the last group.

    Returns
    -------
    HoldoutCheck
    """
    x, t_x, age_ = check_summary(frequency, recency, age)
    holdout = np.asarray(holdout_purchases, dtype=float)
    if holdout.shape != x.shape or (holdout < 0).any() or (holdout != np.round(holdout)).any():
        raise ValueError("holdout_purchases must be whole numbers >= 0, one per customer")
    if not np.isfinite(holdout_length) or holdout_length <= 0:
        raise ValueError("holdout_length must be finite and > 0")
    if int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError("max_frequency must be a whole number >= 1")
    predicted = conditional_expected_purchases(params, holdout_length, x, t_x, age_)
    group = np.minimum(x.astype(np.int64), int(max_frequency))
    size = int(max_frequency) + 1
    labels = tuple(str(k) for k in range(int(max_frequency))) + (f"{int(max_frequency)}+",)
    return HoldoutCheck(labels=labels, customers=np.bincount(group, minlength=size),
                        actual=np.bincount(group, weights=holdout, minlength=size),
                        predicted=np.bincount(group, weights=predicted, minlength=size))
