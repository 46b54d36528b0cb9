"""The demo's relationship NPS survey shows something real: key drivers across the journey find delivery.

The demo is built offline by its own generators (``tests/metrics/demo_support.py``) and posted to an
in-process metrics service as survey forwards it.
"""

from __future__ import annotations

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
