"""``GET /v1/scores/compare?explain=<grouping>``: a significant change split into segment contributions.

Simulated ground truth: three carriers keep their shares and one of them drops, with comments about
late parcels; the explanation must put that carrier first, its parts must add up to the change, and
"late" must be among the keywords that rose in low-score comments.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from services.common.clock import ManualClock
from tests.metrics.scores_support import T0, response
from tests.support import ADMIN_KEY, auth

END = T0 + timedelta(days=14)
CARRIERS = {"north": 0.5, "east": 0.3, "south": 0.2}
GOOD = [0.03, 0.04, 0.08, 0.35, 0.5]
BAD = [0.25, 0.2, 0.2, 0.2, 0.15]


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(END))
    service.http = service.client()
    service.service_key = service.key_for("service")
    rng = np.random.default_rng(18)
    records = []
    for week, start in enumerate((END - timedelta(days=14), END - timedelta(days=7))):
        for carrier, share in CARRIERS.items():
            dropped = week == 1 and carrier == "east"
            for i in range(int(600 * share)):
                value = int(rng.choice(5, p=BAD if dropped else GOOD)) + 1
                text = (("Late delivery, the parcel came three days late" if i % 2 else "Very late and no tracking")
                        if dropped and value <= 3 else "Fine service" if value >= 4 else "Box was a bit dented")
                records.append(response(csat=value, text=text, lang="en", at=start + timedelta(minutes=10 * i + 1),
                                        attributes={"carrier": carrier, "email": f"p{i}@example.com"}))
    for first in range(0, len(records), 500):
        reply = service.http.post("/v1/responses/batch", headers=auth(service.service_key),
                                  json={"responses": records[first:first + 500]})
        assert reply.status_code == 200, reply.json
    return service


def compare(metrics, key=ADMIN_KEY, **params):
    return metrics.http.get("/v1/scores/compare", headers=auth(key), query_string={
        "metric": "csat", "window": "7d", "to": END.isoformat(), "explain": "attr.carrier", **params})


def test_the_carrier_that_dropped_is_ranked_first_and_the_parts_add_up(metrics):
    reply = compare(metrics)
    assert reply.status_code == 200, reply.json
    [cell] = reply.json["cells"]
    assert cell["significant"] and cell["direction"] == "down" and reply.json["explain"] == "attr.carrier"
    explanation = cell["explanation"]
    contributions = explanation["contributions"]
    assert contributions[0]["segment"] == "east" and contributions[0]["rank"] == 1
    assert contributions[0]["total"]["ci_high"] < 0
    change = explanation["change"]["value"]
    assert sum(c["total"]["value"] for c in contributions) == pytest.approx(change, abs=1e-9)
    for c in contributions:
        parts = c["rate"]["value"] + c["mix"]["value"] + c["interaction"]["value"]
        assert parts == pytest.approx(c["total"]["value"], abs=1e-12)
    assert change == pytest.approx(cell["current"]["value"] - cell["baseline"]["value"], abs=1e-9)
    assert contributions[0]["total"]["value"] / change > 0.8
    assert explanation["change"]["ci_low"] <= change <= explanation["change"]["ci_high"]
    keywords = explanation["keywords"]
    assert keywords["low_scores"].startswith("csat")
    rising = {k["keyword"]: k for k in keywords["rising"]}
    assert "late" in rising, keywords
    assert rising["late"]["examples"] and all("late" in e["text"].lower() for e in rising["late"]["examples"])


def test_by_group_only_the_significant_cell_is_explained(metrics):
    reply = compare(metrics, group_by="attr.carrier", explain="channel")
    assert reply.status_code == 200, reply.json
    cells = {c["group"]["attr.carrier"]: c for c in reply.json["cells"]}
    assert cells["east"]["significant"] and cells["east"]["explanation"]["contributions"][0]["segment"] == "email"
    assert cells["north"]["explanation"] is None and not cells["north"]["significant"]


def test_nothing_significant_gives_no_explanation(metrics):
    reply = compare(metrics, segment="carrier:north")
    assert reply.status_code == 200 and reply.json["cells"][0]["explanation"] is None


@pytest.mark.parametrize("params", [{"explain": "period"}, {"explain": "attr.carrier", "group_by": "attr.carrier"},
                                    {"explain": "touchpoint", "metric": "volume", "volume_of": "csat"},
                                    {"explain": "attr.bad name"}])
def test_bad_explain_is_refused(metrics, params):
    reply = compare(metrics, **params)
    assert reply.status_code == 422 and "explain" in str(reply.json["errors"]), reply.json


def test_personal_attributes_are_not_explained_for_analysts(metrics):
    assert compare(metrics, key=metrics.key_for("analyst"), explain="attr.email").status_code == 422
    for role in ("analyst", "marketer", "team_lead", "finance"):
        assert compare(metrics, key=metrics.key_for(role)).status_code == 200, role


def test_csv_ignores_the_explanation(metrics):
    reply = metrics.http.get("/v1/scores/compare", headers={**auth(ADMIN_KEY), "Accept": "text/csv"},
                             query_string={"metric": "csat", "window": "7d", "to": END.isoformat(),
                                           "explain": "attr.carrier"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
