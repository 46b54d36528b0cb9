"""How a notice writes numbers: scores with one decimal, differences signed, intervals in brackets."""

from __future__ import annotations

from typing import Any


def number(value: Any, metric: str | None = None) -> str:
    """A score with one decimal (counts of answers as whole numbers); ``-`` when unknown."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if metric == "volume" else f"{value:.1f}"


def signed(value: Any, metric: str | None = None) -> str:
    """A difference with its sign (``-32.5``, ``+4.0``)."""
    if value is None:
        return "-"
    return f"{value:+,.0f}" if metric == "volume" else f"{value:+.1f}"


def with_interval(estimate: dict[str, Any] | None, metric: str | None, *, sign: bool = False) -> str:
    """``-32.5 [-41.6, -22.7]`` (the interval only when known)."""
    if not estimate:
        return "-"
    show = signed if sign else number
    text = show(estimate.get("value"), metric)
    if estimate.get("ci_low") is not None and estimate.get("ci_high") is not None:
        text += f" [{show(estimate['ci_low'], metric)}, {show(estimate['ci_high'], metric)}]"
    return text


def percent(share: Any) -> str:
    """A share of answers as a whole percent (``42%``); ``-`` when unknown."""
    return "-" if share is None else f"{100 * share:.0f}%"
