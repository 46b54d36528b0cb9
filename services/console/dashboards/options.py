"""What the filter bar offers: the touchpoints, channels and surveys a person can pick."""

from __future__ import annotations

from typing import Any

from shared.channels import ResponseChannel


def filter_options(surveys: list[dict[str, Any]] | None, report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Touchpoints and surveys from the survey list (or from a report's cells), and every channel."""
    touchpoints = sorted({s["touchpoint"] for s in surveys or []})
    listed = [(str(s["id"]), s["name"]) for s in surveys or []]
    if surveys is None and report:  # a role that may not list surveys picks from what has answers
        listed = sorted({(c["group"]["survey"], c["group"]["survey"]) for c in report.get("cells", [])
                         if c["group"].get("survey")})
    return {"touchpoints": touchpoints, "channels": [channel.value for channel in ResponseChannel], "surveys": listed}
