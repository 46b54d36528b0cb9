"""``GET /v1/scores/compare?test=pooled|unpooled``: the drop test alerts use is metrics' choice to make.

A small current window against a long positive baseline is where the two disagree: the unpooled
(Wald) test of the adjusted difference leans towards "drop", the pooled score test does not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.clock import ManualClock
from services.metrics.stats.nps import nps_difference
from tests.metrics.scores_support import T0, nps_batch, spread
from tests.support import ADMIN_KEY, auth

END = T0 + timedelta(days=35)


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(END))
    service.http = service.client()
    records = (spread(nps_batch(500, 300, 200), T0, timedelta(days=28) / 1000)
               + spread(nps_batch(25, 15, 10), END - timedelta(days=7), timedelta(days=7) / 60))
    for start in range(0, len(records), 500):
        reply = service.http.post("/v1/responses/batch", headers=auth(service.key_for("service")),
                                  json={"responses": records[start:start + 500]})
        assert reply.status_code == 200, reply.json
    return service


def compare(metrics, **params):
    return metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "nps", "window": "7d", "to": END.isoformat(), "baseline": "last_n", "baseline_windows": 4,
        "alternative": "less", "min_n": 0, **params})


def test_compare_names_its_test_and_pooled_is_the_default(metrics):
    default, pooled, unpooled = compare(metrics), compare(metrics, test="pooled"), compare(metrics, test="unpooled")
    assert default.status_code == pooled.status_code == unpooled.status_code == 200, unpooled.json
    [cell], [wald] = pooled.json["cells"], unpooled.json["cells"]
    assert default.json["cells"][0]["p_value"] == cell["p_value"] and default.json["test"] == "pooled"
    assert (cell["test"], wald["test"], unpooled.json["test"]) == ("pooled_score_z", "wald_z", "unpooled")
    expected = nps_difference((25, 15, 10), (500, 300, 200), alternative="less", min_n=0)
    assert cell["p_value"] == pytest.approx(expected.parts["p_value"], rel=1e-9)
    assert wald["p_value"] < cell["p_value"]  # the Wald test leans towards "drop" here
    assert wald["difference"]["value"] == cell["difference"]["value"]


def test_an_unknown_test_is_refused(metrics):
    reply = compare(metrics, test="chi-square")
    assert reply.status_code == 422 and "test" in str(reply.json["errors"])
