"""From a ``/v1/scores/compare`` reply to one decision per scope key, with what an alert shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.notifier.models.subscriptions import Subscription
from services.notifier.rules.decisions import Comparison, Decision, Estimate, drop_decision, threshold_decision


@dataclass(frozen=True)
class ScopeDecision:
    """The decision for one group of a subscription, and the numbers behind it."""

    scope_key: str
    group: dict[str, Any]
    decision: Decision
    snapshot: dict[str, Any]


def scope_key(group: dict[str, Any]) -> str:
    """A stable text key of a group (``{}`` when the subscription is not grouped)."""
    return json.dumps(group, sort_keys=True, ensure_ascii=False)


def _estimate(data: dict[str, Any]) -> Estimate:
    return Estimate(data.get("value"), data.get("ci_low"), data.get("ci_high"), int(data.get("n") or 0))


def comparison_of(subscription: Subscription, cell: dict[str, Any]) -> Comparison:
    """The rule's inputs for one compare cell: metrics' estimates, difference and one-sided p-value.

    The query asks for ``test=pooled``: for NPS and CSAT the score test with the variance pooled under
    "no change", which keeps its level for a small window against a long baseline; CES: Welch.
    Volume (``metric=volume``): the answers per window with Garwood's exact interval (at the
    query's confidence, ``1 - 2 alpha`` for thresholds) and the conditional binomial test.
    """
    return Comparison(_estimate(cell["current"]), _estimate(cell["baseline"]), _estimate(cell["difference"]),
                      cell.get("p_value"))


def decide(subscription: Subscription, cell: dict[str, Any]) -> tuple[Decision, Comparison]:
    """The rule's decision on one compare cell."""
    rule = subscription.rule
    comparison = comparison_of(subscription, cell)
    if rule["kind"] == "drop":
        return drop_decision(comparison, alpha=rule["alpha"], min_drop=rule["min_drop"],
                             min_n=rule["min_n"]), comparison
    return threshold_decision(comparison.current, target=rule["target"], min_n=rule["min_n"]), comparison


def _as_dict(estimate: Estimate) -> dict[str, Any]:
    return {"value": estimate.value, "ci_low": estimate.ci_low, "ci_high": estimate.ci_high, "n": estimate.n}


def decisions_from_reply(subscription: Subscription, reply: dict[str, Any]) -> list[ScopeDecision]:
    """One decision per group of the compare reply."""
    window = {"from": reply["current_window"]["from_"].isoformat(),
              "to": reply["current_window"]["to"].isoformat(),
              "baseline_from": reply["baseline_window"]["from_"].isoformat(),
              "baseline_to": reply["baseline_window"]["to"].isoformat()}
    found = []
    for cell in reply["cells"]:
        decision, comparison = decide(subscription, cell)
        snapshot = {"metric": subscription.metric, "scope": subscription.scope, "group": cell["group"],
                    "window": window, "current": _as_dict(comparison.current),
                    "baseline": _as_dict(comparison.baseline), "difference": _as_dict(comparison.difference),
                    "p_value": comparison.p_value, "reason": decision.reason, "firing": decision.firing,
                    "rule": subscription.rule}
        found.append(ScopeDecision(scope_key(cell["group"]), cell["group"], decision, snapshot))
    return found
