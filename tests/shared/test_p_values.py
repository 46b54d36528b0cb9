"""p-values as a person writes them, one formatter for notices and the console."""

from __future__ import annotations

import math

import pytest

from shared.p_values import format_p_value


@pytest.mark.parametrize("p_value, shown", [
    (0.0, "p < 0.001"), (3.2e-7, "p < 0.001"), (0.00099, "p < 0.001"), (0.001, "p = 0.001"),
    (0.0042, "p = 0.004"), (0.0099, "p = 0.01"), (0.03, "p = 0.03"), (0.0312, "p = 0.03"),
    (0.049, "p = 0.049"), (0.05, "p = 0.05"), (0.5, "p = 0.50"), (0.995, "p > 0.99"), (1.0, "p > 0.99"),
])
def test_p_values_read_like_a_paper(p_value, shown):
    assert format_p_value(p_value) == shown


def test_unknown_is_empty_and_impossible_is_refused():
    assert format_p_value(None) == "" and format_p_value(math.nan) == ""
    with pytest.raises(ValueError):
        format_p_value(1.5)
