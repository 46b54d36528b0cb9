"""The one result type every estimator returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes
    ----------
    value : float
        The point estimate.
    ci_low, ci_high : float
        Bounds of the two-sided interval at ``confidence``.
    n : int
        Number of observations the estimate rests on.
    confidence : float
        Nominal coverage of the interval, in (0, 1).
    method : str
        Short name of the interval method (``"adjusted_wald"``, ``"wilson"``, ...).
    insufficient : bool
        True when ``n`` is below the caller's minimum sample; the value is still given.
    parts : dict
        Components of the estimate (for example promoter and detractor shares).
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    confidence: float
    method: str
    insufficient: bool = False
    parts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain-dict form, suitable for a JSON reply."""
        return {
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "confidence": self.confidence,
            "method": self.method,
            "insufficient": self.insufficient,
            **({"parts": dict(self.parts)} if self.parts else {}),
        }


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` if it lies strictly between 0 and 1, else raise ``ValueError``."""
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return float(confidence)
