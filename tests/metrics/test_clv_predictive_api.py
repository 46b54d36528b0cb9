"""``predictive`` of ``GET /v1/clv/customers/{id}``: one customer's own future spread, on the CDNOW fit."""

from __future__ import annotations

import pytest

from shared.contracts.clv_predictive import ClvCustomerDetailSchema
from tests.metrics.test_finance_clv import fitted as fitted  # noqa: F401 - the CDNOW fit fixture
from tests.support import auth

LEVELS = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]


def test_one_customer_has_the_predictive_spread_of_their_own_future(fitted):
    service, key, _fit = fitted
    client = service.client()
    page = client.get("/v1/clv/customers", query_string={"limit": 40}, headers=auth(key)).json
    assert all("predictive" not in customer for customer in page["customers"])  # the list is unchanged
    top = page["customers"][0]
    body = client.get(f"/v1/clv/customers/{top['customer_id']}", headers=auth(key)).json
    assert ClvCustomerDetailSchema().validate(body) == {}
    spread = body["predictive"]
    assert spread["paths"] == 10_000 and spread["parameter_draws"] == 50 and spread["horizon"] == 39
    assert spread["method"] == "posterior_predictive_simulation"
    for quantity in ("purchases", "value"):
        levels = [q["level"] for q in spread[quantity]["quantiles"]]
        values = [q["value"] for q in spread[quantity]["quantiles"]]
        assert levels == LEVELS and values == sorted(values)
        assert spread[quantity]["confidence"] == 0.95 and 0 <= spread[quantity]["probability_zero"] < 1
    # the model's mean for this customer, averaged over the futures (draws differ from the point estimate)
    assert spread["purchases"]["mean"] == pytest.approx(body["expected_purchases"]["value"], rel=0.15)
    assert spread["value"]["mean"] == pytest.approx(body["clv"]["value"], rel=0.2)
    # one customer's own future is far wider than the parameter interval of the model's average
    assert spread["value"]["ci_low"] < body["clv"]["ci_low"] and spread["value"]["ci_high"] > body["clv"]["ci_high"]
    assert (spread["value"]["ci_high"] - spread["value"]["ci_low"]
            > 2 * (body["clv"]["ci_high"] - body["clv"]["ci_low"]))
    again = client.get(f"/v1/clv/customers/{top['customer_id']}", headers=auth(key)).json
    assert again["predictive"] == spread  # a stable seed: the same reply on every call


def test_the_spread_follows_the_horizon_and_the_confidence_asked_for(fitted):
    service, key, _fit = fitted
    client = service.client()
    ends = [client.get("/v1/clv/customers", query_string={"limit": 1, "order": order}, headers=auth(key))
            .json["customers"][0]["customer_id"] for order in ("desc", "asc")]
    short = client.get(f"/v1/clv/customers/{ends[0]}", headers=auth(key)).json["predictive"]
    longer = client.get(f"/v1/clv/customers/{ends[0]}", query_string={"horizon": 104, "confidence": 0.8},
                        headers=auth(key)).json["predictive"]
    assert longer["horizon"] == 104 and longer["value"]["confidence"] == 0.8
    assert longer["purchases"]["mean"] > short["purchases"]["mean"]
    least = client.get(f"/v1/clv/customers/{ends[1]}", headers=auth(key)).json
    assert least["predictive"]["value"]["probability_zero"] > 0.9  # the least valuable customer: most likely gone
    bad = client.get(f"/v1/clv/customers/{ends[1]}", query_string={"confidence": 2}, headers=auth(key))
    assert bad.status_code == 422


def test_contract_customers_have_no_predictive_spread(fitted):
    service, key, _fit = fitted
    contracts = [{"id": f"k{i}", "customer_id": f"sub{i}", "started_at": "2023-01-01",
                  "ended_at": "2023-06-15" if i < 30 else None, "recurring_value": "20", "currency": "EUR"}
                 for i in range(60)]
    service.client().post("/v1/contracts/batch", json={"contracts": contracts}, headers=auth(key))
    body = service.client().get("/v1/clv/customers/sub50", headers=auth(key)).json
    assert body["kind"] == "contractual" and "predictive" in body and body["predictive"] is None


def test_openapi_says_what_each_interval_covers(fitted):
    service, _key, _fit = fitted
    spec = service.client().get("/openapi.json").json
    detail = spec["components"]["schemas"]["ClvCustomerDetail"]["properties"]["predictive"]
    text = str(detail) + str(spec["paths"]["/v1/clv/customers/{customer_id}"]["get"])
    assert "the spread of this customer's own future purchases and spend" in text.lower()
    assert "including parameter uncertainty" in text and "uncertainty in the model's parameters" in text
