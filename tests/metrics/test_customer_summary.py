"""``GET /v1/customers/{id}/summary``: one customer's transactions, contracts, CLV and P(alive)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.clock import ManualClock
from shared.contracts.journey import CustomerSummarySchema
from tests.metrics.test_finance_churn import contract
from tests.metrics.test_finance_clv import FIT, post_segmented_cdnow
from tests.support import auth


@pytest.fixture
def money(make_service):
    """CDNOW purchases with a fit; contracts of c0..c19 (ten ended); and a few EUR purchases of 'buyer'."""
    service = make_service("metrics", clock=ManualClock(datetime(2024, 3, 1, tzinfo=UTC)),
                           env={"METRICS_CLV_DRAWS": "50"})
    finance = auth(service.key_for("finance"))
    post_segmented_cdnow(service, service.key_for("finance"))
    assert service.client().post("/v1/clv/fits", json={**FIT, "horizon": 39}, headers=finance).status_code == 201
    contracts = [contract(i, "2023-10-01", "2024-01-15" if i < 10 else None) for i in range(20)]
    contracts[12]["attributes"] = {"email": "c12@example.com", "tier": "gold"}
    assert service.client().post("/v1/contracts/batch", json={"contracts": contracts},
                                 headers=finance).status_code == 200
    buys = [{"id": f"b{i}", "customer_id": "buyer", "occurred_at": f"2024-01-0{i + 1}T10:00:00+09:00",
             "amount": "-5" if i == 4 else "20", "currency": "EUR", "attributes": {"name": "Lee", "store": "S1"}}
            for i in range(5)]
    assert service.client().post("/v1/transactions/batch", json={"transactions": buys},
                                 headers=finance).status_code == 200
    service.finance = finance
    return service


def summary(service, customer, headers=None, **params):
    reply = service.client().get(f"/v1/customers/{customer}/summary", query_string=params,
                                 headers=headers or service.finance)
    assert reply.status_code == 200, reply.json
    assert CustomerSummarySchema().validate(reply.json) == {}
    return reply.json


def test_a_buyer_gets_totals_and_newest_first_pages(money):
    first = summary(money, "buyer", limit=3)
    assert first["totals"] == [{"currency": "EUR", "count": 5, "net_amount": 75.0,
                                "first_at": "2024-01-01T01:00:00+00:00", "last_at": "2024-01-05T01:00:00+00:00"}]
    assert [t["id"] for t in first["transactions"]] == ["b4", "b3", "b2"]
    second = summary(money, "buyer", limit=3, cursor=first["next_cursor"])
    assert [t["id"] for t in second["transactions"]] == ["b1", "b0"] and second["next_cursor"] is None
    assert first["transactions"][0]["amount"] == -5.0
    before = summary(money, "buyer", to="2024-01-03T01:00:00Z")
    assert [t["id"] for t in before["transactions"]] == ["b1", "b0"] and before["totals"][0]["count"] == 5
    assert first["clv"] is None and "buyer" in first["clv_unavailable"]  # not in the CDNOW fit


def test_a_cdnow_customer_gets_clv_and_probability_alive_with_intervals(money):
    reply = summary(money, "0001")
    assert reply["totals"][0]["count"] >= 1 and reply["contracts"] == []
    clv = reply["clv"]
    assert clv["kind"] == "non_contractual" and clv["customer_id"] == "0001"
    alive = clv["probability_alive"]
    assert 0 <= alive["ci_low"] <= alive["value"] <= alive["ci_high"] <= 1


def test_a_contract_customer_gets_contracts_and_their_value(money):
    reply = summary(money, "c12")
    assert [c["id"] for c in reply["contracts"]] == ["k12"] and reply["contracts"][0]["ended_at"] is None
    assert reply["clv"]["kind"] == "contractual" and reply["clv"]["clv"]["value"] > 0
    assert reply["contracts"][0]["attributes"] == {"tier": "gold"}  # finance has no personal-data access
    admin = summary(money, "c12", headers=auth(money.app.config["ADMIN_KEY"]))
    assert admin["contracts"][0]["attributes"]["email"] == "c12@example.com"
    assert summary(money, "buyer")["transactions"][0]["attributes"] == {"store": "S1"}


def test_roles_unknown_customers_and_bad_input(money):
    client = money.client()
    nobody = summary(money, "nobody")
    assert nobody["totals"] == [] and nobody["transactions"] == [] and nobody["contracts"] == []
    assert summary(money, "buyer", headers=auth(money.key_for("analyst")))["totals"][0]["count"] == 5
    for role in ("marketer", "team_lead", "ingest"):
        reply = client.get("/v1/customers/buyer/summary", headers=auth(money.key_for(role)))
        assert reply.status_code == 403 and reply.json["code"] == 403
    for params in ({"cursor": "%%%"}, {"cursor": "WyJ4IiwxXQ"}, {"limit": 0}, {"limit": 500}, {"x": 1},
                   {"to": "yesterday"}, {"to": "2024-01-01T00:00:00"}):
        reply = client.get("/v1/customers/buyer/summary", query_string=params, headers=money.finance)
        assert reply.status_code == 422 and reply.json["code"] == 422, params
    spec = client.get("/openapi.json").json
    assert "get" in spec["paths"]["/v1/customers/{customer_id}/summary"]
