"""Aligned, non-overlapping decision windows.

Why aligned windows
-------------------
The worker evaluates every few minutes. Testing a *sliding* window at every evaluation would run
about 2,000 heavily correlated tests per week; each has level ``alpha``, so the chance that at
least one of them fires on stable scores is many times ``alpha``. Instead, a rule makes exactly
one decision per window length: on the latest *closed* window of a fixed grid
(``anchor + k * window``). Evaluations between two window closes reuse the last decision, so the
number of decisions, and with it the number of false alarms, does not depend on how often the
worker runs. On stable scores the expected number of false decisions per window is therefore the
test's level ``alpha`` (Lehmann & Romano, *Testing Statistical Hypotheses*, 3rd ed., 2005, sec. 3.1),
whatever the evaluation frequency.

The price is latency: a drop is decided when the window that contains it closes (plus ``settle``),
not the minute it starts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ANCHOR = datetime(1970, 1, 5, tzinfo=UTC)  # a Monday: weekly windows run Monday 00:00 to Monday (UTC)


def closed_window_end(now: datetime, window: timedelta, *, settle: timedelta = timedelta(0),
                      anchor: datetime = ANCHOR) -> datetime:
    """End of the latest aligned window that closed at least ``settle`` before ``now``.

    Parameters
    ----------
    now : datetime
        Aware evaluation time.
    window : timedelta
        Window length (positive).
    settle : timedelta, optional
        Grace period for late-arriving responses before a closed window is decided.
    anchor : datetime, optional
        Origin of the grid; every window boundary is ``anchor + k * window``.

    Returns
    -------
    datetime
        The boundary ``anchor + k * window`` with the largest ``k`` such that it is
        ``<= now - settle``.
    """
    if window <= timedelta(0):
        raise ValueError("window must be positive")
    if settle < timedelta(0):
        raise ValueError("settle must not be negative")
    steps = ((now - settle) - anchor) // window
    return anchor + steps * window


def next_decision_at(decided_end: datetime, window: timedelta, *,
                     settle: timedelta = timedelta(0)) -> datetime:
    """When the window after ``decided_end`` closes and may be decided."""
    return decided_end + window + settle
