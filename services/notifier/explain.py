"""Why a firing score dropped, for its notice: the top segment contributions and the keywords that
rose among the low scores, from ``GET /v1/scores/compare?explain=<grouping>`` (issue 18's explain).

Fetched only when a firing or repeat notice is about to go out, and best effort: when metrics cannot
answer, or finds nothing to explain, the notice goes out without it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from services.notifier.window_decisions import window_params
from shared.http_client import ServiceCallError

log = logging.getLogger("cxloop.notifier")
AUTOMATIC_GROUPINGS = ("touchpoint", "channel", "survey")
SHOWN = 3  # contributions and keywords a notice shows


def explain_grouping(subscription) -> str | None:
    """The rule's ``explain_by``; else the first of touchpoint, channel, survey that neither the scope's
    filters (one value) nor its ``group_by`` fix, so that the split has more than one segment."""
    chosen = (subscription.rule or {}).get("explain_by")
    if chosen:
        return chosen
    scope = subscription.scope or {}
    for name in AUTOMATIC_GROUPINGS:
        if name not in (scope.get("group_by") or []) and len(scope.get(name) or []) != 1:
            return name
    return None


def explanation_for(metrics, subscription, group: dict[str, Any], *, end: datetime,
                    window: timedelta) -> dict[str, Any] | None:
    """The explanation of the window's cell for ``group``, cut to what a notice shows (None if none)."""
    grouping = explain_grouping(subscription)
    if grouping is None or subscription.metric == "volume":
        return None
    params = {**window_params(subscription, window, end), "explain": grouping}
    try:
        reply = metrics.compare(params)
    except ServiceCallError as exc:
        log.warning("explanation unavailable: %s", exc)
        return None
    cell = next((c for c in reply.get("cells", []) if (c.get("group") or {}) == (group or {})), None)
    found = (cell or {}).get("explanation")
    return None if not found else shorten(found)


def shorten(explanation: dict[str, Any]) -> dict[str, Any]:
    """The top ``SHOWN`` contributions (as ranked) and rising keywords (with one example each)."""
    contributions = sorted(explanation.get("contributions") or [], key=lambda c: c.get("rank", 0))[:SHOWN]
    keywords = (explanation.get("keywords") or {}).get("rising") or []
    return {
        "grouping": explanation.get("grouping"),
        "change": explanation.get("change"),
        "baseline_score": explanation.get("baseline_score"),
        "current_score": explanation.get("current_score"),
        "contributions": [{key: item.get(key) for key in (
            "segment", "rank", "total", "baseline_share", "current_share", "baseline_score", "current_score",
            "baseline_n", "current_n")} for item in contributions],
        "keywords": [{"keyword": item.get("keyword"), "count": item.get("count"),
                      "previous_count": item.get("previous_count"), "ratio": item.get("ratio"),
                      "ratio_ci_low": item.get("ratio_ci_low"),
                      "example": ((item.get("examples") or [{}])[0]).get("text")} for item in keywords[:SHOWN]],
    }
