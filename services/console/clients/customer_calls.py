"""One customer's journey (survey) and value (metrics) as the console's customer page reads them
(``JourneyCalls`` is mixed into ``SurveyClient``, ``CustomerValueCalls`` into ``MetricsClient``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.journey import CustomerSummarySchema, JourneyPageSchema


def _customer_path(customer_id: str) -> str:
    return f"/v1/customers/{quote(customer_id, safe='')}"


class JourneyCalls:
    """``GET /v1/customers/{id}/journey``."""

    _journey = tolerant(JourneyPageSchema)
    call: Any  # ConsoleClient.call

    def customer_journey(self, person: Person, customer_id: str, *, order: str = "desc", limit: int = 50,
                         cursor: str | None = None) -> dict[str, Any]:
        """A page of the customer's journey (marketer, analyst; personal data as the role allows)."""
        params: dict[str, Any] = {"order": order, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self.call(person, "GET", f"{_customer_path(customer_id)}/journey", params=params,
                         reply_schema=self._journey)


class CustomerValueCalls:
    """``GET /v1/customers/{id}/summary``."""

    _summary = tolerant(CustomerSummarySchema)
    call: Any  # ConsoleClient.call

    def customer_summary(self, person: Person, customer_id: str, *, limit: int = 50,
                         until: datetime | None = None) -> dict[str, Any]:
        """Transactions (newest first, before ``until``), contracts and CLV of one customer (finance, analyst)."""
        params: dict[str, Any] = {"limit": limit}
        if until is not None:
            params["to"] = until.isoformat()
        return self.call(person, "GET", f"{_customer_path(customer_id)}/summary", params=params,
                         reply_schema=self._summary)
