"""The demo's delivery-CSAT dip is explained by its late carrier (``explain=attr.carrier``).

The demo's own generators (``scripts/demo``: customers, orders, journey events, responses, with the
seed ``make run`` uses) build the delivery responses offline; they are posted to metrics as survey
forwards them, and the compare of the dip month against the month before must rank the dip's carrier
first, with late-delivery words among the keywords that rose in unsatisfied comments.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.clock import ManualClock
from tests.support import ADMIN_KEY, auth

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from demo import catalog, history, orders  # noqa: E402
from demo.people import make_customers  # noqa: E402

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
DIP = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))  # seed_demo.month_bounds(NOW)


def _delivery_responses() -> list[dict]:
    rng = random.Random(20261)  # seed_demo's default seed
    customers = make_customers(rng, 3000)
    start = NOW - timedelta(days=91)
    made = [o for o in orders.make_orders(rng, customers, now=NOW, dip=DIP) if o.placed_at >= start - timedelta(days=3)]
    events = history.journey_events(rng, customers, made, start=start, end=NOW)
    surveys = {tp: {"id": f"s-{tp}", "version": 1, "definition": body} for tp, body in catalog.SURVEYS.items()}
    records = history.responses(rng, events, surveys, {c.id: c for c in customers}, dip=DIP, now=NOW)
    return [r for r in records if r["touchpoint"] == "delivery"]


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    records = _delivery_responses()
    for first in range(0, len(records), 500):
        reply = service.http.post("/v1/responses/batch", headers=auth(service.key_for("service")),
                                  json={"responses": records[first:first + 500]})
        assert reply.status_code == 200, reply.json
    return service


def test_the_dip_is_explained_by_the_dip_carrier(metrics):
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "csat", "touchpoint": "delivery", "window": "30d", "to": DIP[1].isoformat(),
        "explain": "attr.carrier"})
    assert reply.status_code == 200, reply.json
    [cell] = reply.json["cells"]
    assert cell["significant"] and cell["direction"] == "down", cell
    explanation = cell["explanation"]
    first = explanation["contributions"][0]
    assert first["segment"] == orders.DIP_CARRIER
    assert first["total"]["ci_high"] < 0
    # most, not all: a parcel shipped by the old carrier late in October is answered in the dip month
    assert first["total"]["value"] / explanation["change"]["value"] > 0.8
    words = {k["keyword"] for k in explanation["keywords"]["rising"]}
    assert words & {"배송", "포장", "late", "지연", "파손"}, explanation["keywords"]
