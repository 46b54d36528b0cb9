"""p-values written as a person writes them: ``p < 0.001``, ``p = 0.004``, ``p = 0.03``, ``p > 0.99``.

One formatter for every place that shows a test's result (alert emails, Slack, the console), so that
no reader meets ``p = 0.0000`` or ``p = 3.2e-07``.
"""

from __future__ import annotations

import math

SMALLEST_SHOWN = 0.001
LARGEST_SHOWN = 0.99


def format_p_value(p_value: float | None) -> str:
    """``p < 0.001`` below one in a thousand, three decimals below 0.01 (and just under 0.05), two
    above; ``""`` when unknown.

    The APA style's rule (exact p to two or three decimals, ``p < .001`` below that), with the leading
    zero kept as most readers outside psychology expect.
    """
    if p_value is None or math.isnan(p_value):
        return ""
    if not 0.0 <= p_value <= 1.0:
        raise ValueError(f"a p-value lies in [0, 1], got {p_value!r}")
    if p_value < SMALLEST_SHOWN:
        return "p < 0.001"
    if p_value > LARGEST_SHOWN:
        return "p > 0.99"
    if p_value < 0.0095:
        return f"p = {p_value:.3f}"
    if 0.045 <= p_value < 0.05:  # two decimals would read 0.05, the usual alpha, on the wrong side
        return f"p = {p_value:.3f}"
    return f"p = {p_value:.2f}"
