"""The finance endpoints of metrics the console's finance pages read (mixed into ``MetricsClient``):
churn rates, retention of a cohort, CLV fits, values per segment and customer, and the holdout check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.clv import ClvCustomerPageSchema, ClvFitSchema, ClvSegmentsReplySchema
from shared.contracts.clv_holdout import ClvHoldoutReplySchema
from shared.contracts.clv_predictive import ClvCustomerDetailSchema
from shared.contracts.finance import ChurnRatesReplySchema, RetentionReplySchema

EXPORT_PAGE = 1000


def _present(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in params.items() if value not in (None, "")}


class FinanceCalls:
    """``/v1/churn/rates``, ``/v1/churn/retention``, ``/v1/clv/fits``, ``/v1/clv/segments``,
    ``/v1/clv/customers`` (+ ``/{id}``) and ``/v1/clv/holdout``."""

    _rates = tolerant(ChurnRatesReplySchema)
    _retention = tolerant(RetentionReplySchema)
    _fit = tolerant(ClvFitSchema)
    _segments = tolerant(ClvSegmentsReplySchema)
    _page = tolerant(ClvCustomerPageSchema)
    _customer = tolerant(ClvCustomerDetailSchema)
    _holdout = tolerant(ClvHoldoutReplySchema)
    call: Any  # ConsoleClient.call

    def churn_rates(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """Contract churn per period with Wilson intervals (finance, analyst)."""
        return self.call(person, "GET", "/v1/churn/rates", params=_present(params), reply_schema=self._rates)

    def retention(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """One cohort's Kaplan-Meier curve and its sBG fit and projection (finance, analyst)."""
        return self.call(person, "GET", "/v1/churn/retention", params=_present(params),
                         reply_schema=self._retention)

    def clv_fit(self, person: Person, fit_id: str) -> dict[str, Any]:
        """One CLV fit: status, as-of date, customers, convergence, parameters."""
        return self.call(person, "GET", f"/v1/clv/fits/{quote(fit_id, safe='')}", reply_schema=self._fit)

    def request_clv_fit(self, person: Person, body: Mapping[str, Any]) -> dict[str, Any]:
        """Fit BG/NBD and Gamma-Gamma (inline when small, else queued for the worker; finance)."""
        return self.call(person, "POST", "/v1/clv/fits", json=_present(body), reply_schema=self._fit)

    def clv_segments(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """Total and mean CLV per segment with intervals, of a fit (default: the latest converged one)."""
        return self.call(person, "GET", "/v1/clv/segments", params=_present(params), reply_schema=self._segments)

    def clv_customers(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """A page of customers by CLV (``order`` desc or asc, ``limit``, ``cursor``)."""
        return self.call(person, "GET", "/v1/clv/customers", params=_present(params), reply_schema=self._page)

    def every_clv_customer(self, person: Person, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every customer of the listing, page after page (for exports)."""
        cursor = params.get("cursor")
        while True:
            page = self.clv_customers(person, {**params, "limit": EXPORT_PAGE, "cursor": cursor})
            yield from page["customers"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def clv_customer(self, person: Person, customer_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One customer's CLV, P(alive), expected purchases and spend with intervals, and ``predictive``."""
        return self.call(person, "GET", f"/v1/clv/customers/{quote(customer_id, safe='')}",
                         params=_present(params), reply_schema=self._customer)

    def clv_holdout(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """The holdout check of the purchase model: predicted against actual per calibration group."""
        return self.call(person, "GET", "/v1/clv/holdout", params=_present(params), reply_schema=self._holdout)
