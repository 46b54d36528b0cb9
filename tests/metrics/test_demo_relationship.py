"""The demo's relationship NPS survey shows something real: key drivers across the journey find delivery.

The demo is built offline by its own generators (``tests/metrics/demo_support.py``) and posted to an
in-process metrics service as survey forwards it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.clock import ManualClock
from tests.metrics.demo_support import NOW, RELATIONSHIP_SURVEY, demo_data, post_responses
from tests.support import ADMIN_KEY, auth


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    demo = demo_data()
    post_responses(service.http, service.key_for("service"), demo.records + demo.relationship)
    return service


def test_the_touchpoint_history_is_the_demo_it_was():
    """The relationship survey draws from its own generator: the delivery dip is unchanged."""
    demo = demo_data()
    assert len(demo.records) == 2879  # what the demo had before the relationship survey
    assert all(r["touchpoint"] == "relationship" for r in demo.relationship)
    waves = {r["response_id"].split("-")[2] for r in demo.relationship}
    assert waves == {"y", "r"}


def test_key_drivers_across_the_journey_put_delivery_first(metrics):
    reply = metrics.http.get("/v1/drivers", headers=auth(ADMIN_KEY), query_string={
        "scope": "journey", "survey": RELATIONSHIP_SURVEY, "from": "2026-11-01T00:00:00Z",
        "to": NOW.isoformat(), "group_by": "touchpoint", "driver_metric": "csat"})
    assert reply.status_code == 200, reply.json
    body = reply.json
    first = body["drivers"][0]
    assert first["driver"] == "delivery", body["drivers"]
    assert first["share"]["ci_low"] > 0.3, first
    others = body["drivers"][1:]
    assert others and all(first["share"]["ci_low"] > d["share"]["value"] for d in others), body["drivers"]
    assert body["n"] >= 100 and body["r_squared"]["ci_low"] > 0.05, body


@pytest.fixture
def finance(metrics):
    demo, key = demo_data(), auth(metrics.key_for("finance"))
    for first in range(0, len(demo.transactions), 10_000):
        reply = metrics.http.post("/v1/transactions/batch", headers=key,
                                  json={"transactions": demo.transactions[first:first + 10_000]})
        assert reply.status_code == 200, reply.json
    assert metrics.http.post("/v1/contracts/batch", headers=key, json={"contracts": demo.contracts}).status_code == 200
    fit = metrics.http.post("/v1/clv/fits", headers=key, json={"as_of": NOW.date().isoformat(), "time_unit": "week",
                                                              "currency": "KRW", "horizon": 52})
    assert fit.status_code == 201 and fit.json["converged"], fit.json.get("error")
    metrics.finance = key
    return metrics


def test_members_who_were_detractors_a_year_ago_cancel_sooner(finance):
    year_ago = (NOW - timedelta(days=365)).date()
    reply = finance.http.get("/v1/churn/retention", headers=finance.finance, query_string={
        "from": year_ago.isoformat(), "to": (NOW - timedelta(days=30)).date().isoformat(),
        "as_of": NOW.date().isoformat(), "group_by": "nps_group", "survey": RELATIONSHIP_SURVEY})
    assert reply.status_code == 200, reply.json
    split = reply.json["nps_groups"]
    groups = {g["group"]: g for g in split["groups"]}
    assert all(groups[g]["customers"] >= 30 for g in ("promoter", "detractor", "not_asked")), groups
    assert split["logrank"]["p_value"] < 0.01, split["logrank"]
    six = next(d for d in split["promoter_minus_detractor"] if d["period"] == 6)
    assert six["ci_low"] > 0, six


def test_promoters_are_worth_more_than_detractors(finance):
    reply = finance.http.get("/v1/clv/segments", headers=finance.finance, query_string={
        "group_by": "nps_group", "survey": RELATIONSHIP_SURVEY})
    assert reply.status_code == 200, reply.json
    split = reply.json["nps_groups"]
    groups = {g["group"]: g for g in split["groups"]}
    assert groups["not_asked"]["customers"] > 0
    difference = split["promoter_minus_detractor"]
    assert difference["mean_clv"]["ci_low"] > 0, (groups, difference)
    assert difference["repeat_rate"]["ci_low"] > 0, (groups, difference)
