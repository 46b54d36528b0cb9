"""The notifier service as the console sees it."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import Person
from services.console.clients.notifier_alerts import AlertCalls
from services.console.clients.notifier_cases import CaseCalls
from services.console.clients.platform import PlatformClient
from shared.contracts.alerts import SubscriptionListSchema, SubscriptionSchema
from shared.contracts.base import tolerant


class NotifierClient(AlertCalls, CaseCalls, PlatformClient):
    """Alert subscriptions, alerts and close-the-loop cases (notifier service)."""

    _subscriptions = tolerant(SubscriptionListSchema)
    _subscription = tolerant(SubscriptionSchema)

    def list_subscriptions(self, person: Person, *, owner: str | None = None) -> list[dict[str, Any]]:
        """The person's subscriptions (the service decides: a team lead gets only their own)."""
        params = {"owner": owner} if owner else None
        return self.call(person, "GET", "/v1/subscriptions", params=params, reply_schema=self._subscriptions)["items"]

    def get_subscription(self, person: Person, subscription_id: str) -> dict[str, Any]:
        """One subscription (the service answers 404 for someone else's)."""
        return self.call(person, "GET", f"/v1/subscriptions/{subscription_id}", reply_schema=self._subscription)

    def create_subscription(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """Create a subscription owned by the person."""
        return self.call(person, "POST", "/v1/subscriptions", json=body, reply_schema=self._subscription)
