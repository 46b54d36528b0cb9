"""Deciding one aligned window of a score rule: the one code path of the worker and the backtest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.notifier.clients.metrics import compare_params
from services.notifier.enrich import data_link
from services.notifier.snapshots import ScopeDecision, decisions_from_reply


def window_params(subscription, window: timedelta, end: datetime) -> dict[str, Any]:
    """The ``/v1/scores/compare`` query of the rule for the window ending at ``end``."""
    rule = subscription.rule
    confidence = 1 - 2 * rule["alpha"] if rule["kind"] == "threshold" else 0.95
    volume_of = subscription.volume_of if subscription.metric == "volume" else None
    return compare_params(metric=subscription.metric, volume_of=volume_of, scope=subscription.scope, window=window,
                          end=end, baseline=rule.get("baseline", "last_n"),
                          baseline_windows=rule.get("baseline_windows", 12), alpha=rule["alpha"], confidence=confidence)


def decide_window(metrics, subscription, *, window: timedelta, end: datetime,
                  data_link_base: str) -> list[ScopeDecision]:
    """Decide the aligned window ending at ``end``: ask metrics for its comparison, decide each group.

    ``subscription`` is anything with the rule's fields (``metric``, ``volume_of``, ``scope``,
    ``rule``): the worker's claimed subscription, or a rule being backtested. Both call this, so a
    backtest decides exactly as the worker does. Raises ``ServiceCallError`` when metrics fails.
    """
    params = window_params(subscription, window, end)
    reply = metrics.compare(params)
    decided = decisions_from_reply(subscription, reply)
    for found in decided:
        found.snapshot["link"] = data_link(data_link_base, params)
    return decided
