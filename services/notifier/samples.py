"""The sample notice of a test send: the subscription's own metric, scope and rule, made-up numbers
of that metric's scale, the last week as its window (the notice says the numbers are made up)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.notifier.models.subscriptions import Subscription

# (baseline, current, half-width of the current interval, trend before the drop) per metric
SAMPLES: dict[str, tuple[float, float, float, list[float]]] = {
    "nps": (31.0, 21.5, 7.6, [31, 30, 32, 29, 31]),
    "csat": (82.5, 71.2, 5.9, [83, 81, 84, 82, 83]),
    "ces": (5.3, 4.6, 0.3, [5.3, 5.2, 5.4, 5.3, 5.3]),
    "volume": (180.0, 120.0, 21.0, [178, 185, 176, 182, 180]),
}
SAMPLE_KEYWORDS = {"ko": ["배송", "지연"], "en": ["delivery", "late"]}


def sample_notice(subscription: Subscription, *, now: datetime) -> dict[str, Any]:
    """What a test send shows: the subscription's metric with plausible numbers and a trend."""
    metric = subscription.volume_of if subscription.metric == "volume" else subscription.metric
    baseline, current, half, before = SAMPLES.get(subscription.metric, SAMPLES["nps"])
    end = now.replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = [end - timedelta(days=7 * (len(before) - i)) for i in range(len(before) + 1)]
    trend = [{"period": week.date().isoformat(), "value": value, "ci_low": value - half / 2,
              "ci_high": value + half / 2, "n": 200} for week, value in zip(weeks, [*before, current], strict=True)]
    trend[-1].update(ci_low=current - half, ci_high=current + half)
    difference = current - baseline
    return {"metric": subscription.metric, "volume_of": metric if subscription.metric == "volume" else None,
            "scope": subscription.scope, "group": {}, "rule": subscription.rule,
            "reason": "sample alert: the numbers are made up",
            "window": {"from": (end - timedelta(days=7)).isoformat(), "to": end.isoformat()},
            "current": {"value": current, "ci_low": current - half, "ci_high": current + half, "n": 200},
            "baseline": {"value": baseline, "ci_low": baseline - half / 3, "ci_high": baseline + half / 3, "n": 2400},
            "difference": {"value": difference, "ci_low": difference - half, "ci_high": difference + half / 5,
                           "n": 2600},
            "p_value": 0.011, "keywords": SAMPLE_KEYWORDS.get(subscription.lang, SAMPLE_KEYWORDS["en"]),
            "trend": trend}
