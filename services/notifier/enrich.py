"""What an alert adds when it is actually sent: rising complaint keywords, a trend, a data link.

Fetched only for notices (rare), never on every evaluation, and best effort: if metrics cannot
answer, the alert goes out without them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from services.notifier.clients.metrics import scope_params
from shared.http_client import ServiceCallError

log = logging.getLogger("cxloop.notifier")
TREND_WINDOWS = 12


def _filters_for(scope: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    narrowed = {k: list(v) for k, v in scope.items() if k != "group_by" and v}
    for name, value in group.items():
        if value is None:
            continue
        if name.startswith("attr."):
            narrowed.setdefault("segment", []).append(f"{name[5:]}:{value}")
        else:
            narrowed[name] = [value]
    return scope_params(narrowed)


def rising_keywords(metrics, scope: dict[str, Any], group: dict[str, Any], *, start: datetime,
                    end: datetime, limit: int = 5) -> list[str]:
    """The fastest-rising keywords of comments in scope during the window."""
    try:
        reply = metrics.keywords({"from": start.isoformat(), "to": end.isoformat(), "top_k": limit,
                                  "split": "none", "min_count": 2, **_filters_for(scope, group)})
    except ServiceCallError as exc:
        log.warning("keywords unavailable: %s", exc)
        return []
    words = [item["keyword"] for grp in reply.get("groups", []) for item in grp.get("rising", [])]
    return list(dict.fromkeys(words))[:limit]


def trend_points(metrics, metric: str, scope: dict[str, Any], group: dict[str, Any], *, end: datetime,
                 window: timedelta, tz: str = "UTC") -> list[dict[str, Any]]:
    """The score per period over the last windows, with intervals (for the chart); periods start on the
    lead's local days (``tz``)."""
    period = "day" if window < timedelta(days=7) else "week"
    start = end - window * TREND_WINDOWS if period == "week" else end - timedelta(days=14)
    try:
        reply = metrics.trend({"metric": metric, "from": start.isoformat(), "to": end.isoformat(),
                               "group_by": "period", "period": period, "min_n": 0, "tz": tz,
                               **_filters_for(scope, group)})
    except ServiceCallError as exc:
        log.warning("trend unavailable: %s", exc)
        return []
    points = reply.get("series", [{}])[0].get("points", []) if reply.get("series") else []
    return [{k: p.get(k) for k in ("period", "value", "ci_low", "ci_high", "n", "partial")} for p in points]


def data_link(base_url: str, params: dict[str, Any]) -> str:
    """A link to the comparison the alert was decided on."""
    return f"{base_url.rstrip('/')}/v1/scores/compare?{urlencode(params, doseq=True)}"
