"""``GET /v1/scores/compare?metric=volume&volume_of=...``: answer counts per window, tested in metrics.

The counts are those of the ``volume_of`` score's answers (as the notifier's volume rule has always
counted them); the numbers must be exactly what ``stats.counts.count_comparison`` gives.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from services.common.clock import ManualClock
from services.metrics.stats.counts import count_comparison
from tests.metrics.scores_support import T0, response, spread
from tests.support import ADMIN_KEY, auth

END = T0 + timedelta(days=35)
WEEK = timedelta(days=7)


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(END))
    service.http = service.client()
    # baseline (4 weeks): 200 NPS answers, 40 CSAT answers; current week: 20 NPS, 30 CSAT
    records = (spread([response(nps=9) for _ in range(200)], T0, 4 * WEEK / 200)
               + spread([response(csat=4) for _ in range(40)], T0, 4 * WEEK / 40)
               + spread([response(nps=3) for _ in range(20)], END - WEEK, WEEK / 20)
               + spread([response(csat=5) for _ in range(30)], END - WEEK, WEEK / 30))
    reply = service.http.post("/v1/responses/batch", headers=auth(service.key_for("service")),
                              json={"responses": records})
    assert reply.status_code == 200, reply.json
    return service


def compare(metrics, headers=None, **params):
    return metrics.http.get("/v1/scores/compare", headers={**auth(ADMIN_KEY), **(headers or {})}, query_string={
        "metric": "volume", "volume_of": "nps", "window": "7d", "to": END.isoformat(), "baseline": "last_n",
        "baseline_windows": 4, "alternative": "less", "min_n": 0, **params})


def test_volume_counts_the_answers_of_its_score_and_tests_them_in_metrics(metrics):
    reply = compare(metrics)
    assert reply.status_code == 200, reply.json
    assert (reply.json["metric"], reply.json["volume_of"]) == ("volume", "nps")
    [cell] = reply.json["cells"]
    expected = count_comparison(20, 200, 4, confidence=0.95, alternative="less", min_n=0)
    assert cell["current"]["value"] == 20 and cell["current"]["n"] == 20
    assert cell["baseline"]["value"] == 50 and cell["baseline"]["n"] == 200
    assert cell["current"]["ci_low"] == pytest.approx(expected.current.ci_low, rel=1e-12)
    assert cell["baseline"]["ci_high"] == pytest.approx(expected.baseline.ci_high, rel=1e-12)
    assert cell["difference"]["value"] == -30
    assert cell["difference"]["ci_high"] == pytest.approx(expected.difference.ci_high, rel=1e-12)
    assert cell["p_value"] == pytest.approx(expected.difference.parts["p_value"], rel=1e-12)
    assert cell["test"] == "conditional_binomial" and cell["difference"]["method"] == "mover_garwood"
    assert cell["significant"] and cell["direction"] == "down"


def test_volume_of_another_score_counts_its_own_answers(metrics):
    [cell] = compare(metrics, volume_of="csat", alternative="two-sided").json["cells"]
    expected = count_comparison(30, 40, 4, alternative="two-sided", min_n=0).difference
    assert (cell["current"]["n"], cell["baseline"]["n"], cell["difference"]["value"]) == (30, 40, 20)
    assert cell["p_value"] == pytest.approx(expected.parts["p_value"], rel=1e-12)
    assert cell["direction"] == "up"


def test_the_confidence_sets_garwoods_bound(metrics):
    [cell] = compare(metrics, confidence=0.9).json["cells"]
    assert cell["current"]["ci_high"] == pytest.approx(
        count_comparison(20, 200, 4, confidence=0.9).current.ci_high, rel=1e-12)


@pytest.mark.parametrize("query", [{"metric": "volume"}, {"metric": "nps", "volume_of": "nps"},
                                   {"metric": "volume", "volume_of": "volume"}])
def test_volume_of_goes_with_metric_volume_only(metrics, query):
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string=query)
    assert reply.status_code == 422 and "volume_of" in str(reply.json["errors"])


def test_volume_answers_csv_too(metrics):
    reply = compare(metrics, headers={"Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert (row["current"], row["baseline"], row["difference"]) == ("20.0", "50.0", "-30.0")
