"""Group labels of a rated comment: NPS class or CSAT satisfaction."""

from __future__ import annotations

import math

NPS_GROUPS: tuple[str, ...] = ("detractor", "passive", "promoter")
CSAT_GROUPS: tuple[str, ...] = ("unsatisfied", "satisfied")


def nps_group(score: int) -> str:
    """Return "detractor" (0-6), "passive" (7-8) or "promoter" (9-10) for a 0-10 NPS answer."""
    value = _whole_number(score, 0, 10, "NPS score")
    if value <= 6:
        return "detractor"
    return "passive" if value <= 8 else "promoter"


def csat_group(score: int) -> str:
    """Return "satisfied" for the top-2 answers (4-5) of a 1-5 CSAT answer, else "unsatisfied"."""
    value = _whole_number(score, 1, 5, "CSAT score")
    return "satisfied" if value >= 4 else "unsatisfied"


def _whole_number(score: int, low: int, high: int, name: str) -> int:
    if (
        isinstance(score, bool)
        or not isinstance(score, (int, float))
        or not math.isfinite(score)
        or score != int(score)
    ):
        raise ValueError(f"{name} must be a whole number, got {score!r}")
    if not low <= score <= high:
        raise ValueError(f"{name} must lie between {low} and {high}, got {score!r}")
    return int(score)
