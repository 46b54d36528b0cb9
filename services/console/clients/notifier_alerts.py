"""Notifier's alert subscriptions, episodes, backtests, test sends and mutes as the console's alert pages
use them (``AlertCalls`` is mixed into ``NotifierClient``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from services.console.clients.base import Person
from shared.contracts.alerts import AlertListSchema, SubscriptionSchema, TestSendResultSchema
from shared.contracts.backtests import BacktestReplySchema
from shared.contracts.base import tolerant


def _subscription(subscription_id: str) -> str:
    return f"/v1/subscriptions/{quote(str(subscription_id), safe='')}"


class AlertCalls:
    """``PATCH /v1/subscriptions/{id}``, ``/test``, ``/backtest`` and ``GET /v1/alerts``."""

    _alert_subscription = tolerant(SubscriptionSchema)
    _alert_list = tolerant(AlertListSchema)
    _backtest_reply = tolerant(BacktestReplySchema)
    _test_reply = tolerant(TestSendResultSchema)
    call: Any  # ConsoleClient.call

    def read_subscription(self, person: Person, subscription_id: str) -> dict[str, Any]:
        """One subscription (404 for someone else's), its id quoted into the path."""
        return self.call(person, "GET", _subscription(subscription_id), reply_schema=self._alert_subscription)

    def update_subscription(self, person: Person, subscription_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a subscription; a new rule or scope is evaluated afresh."""
        return self.call(person, "PATCH", _subscription(subscription_id), json=changes,
                         reply_schema=self._alert_subscription)

    def mute_subscription(self, person: Person, subscription_id: str, until: datetime | None) -> dict[str, Any]:
        """Mute until ``until`` (None: unmute)."""
        return self.update_subscription(person, subscription_id,
                                        {"muted_until": until.isoformat() if until else None})

    def backtest_rule(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """What the rule would have done on past windows (nothing sent or stored)."""
        return self.call(person, "POST", "/v1/subscriptions/backtest", json=body, reply_schema=self._backtest_reply)

    def test_send(self, person: Person, subscription_id: str) -> list[dict[str, Any]]:
        """Send a sample notice through every channel of the subscription now; the queued deliveries."""
        reply = self.call(person, "POST", f"{_subscription(subscription_id)}/test", reply_schema=self._test_reply)
        return reply["deliveries"]

    def list_alerts(self, person: Person, *, subscription_id: str | None = None,
                    limit: int = 50, before: int | None = None) -> dict[str, Any]:
        """Episodes with their deliveries, and notices outside episodes (the person's own subscriptions);
        ``before`` (the last reply's ``next_before``) pages on through the episodes."""
        params: dict[str, Any] = {"limit": limit}
        if before is not None:
            params["before"] = before
        if subscription_id:
            params["subscription_id"] = subscription_id
        return self.call(person, "GET", "/v1/alerts", params=params, reply_schema=self._alert_list)
