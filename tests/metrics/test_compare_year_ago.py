"""``GET /v1/scores/compare?baseline=year_ago``: the same local dates one calendar year earlier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.metrics.scores.metric_defs import difference
from services.metrics.scores.reports import year_earlier
from tests.metrics.scores_support import response, spread
from tests.support import ADMIN_KEY, auth


def _post(metrics, batch):
    reply = metrics.http.post("/v1/responses/batch", json={"responses": batch}, headers=auth(metrics.service_key))
    assert reply.status_code == 200, reply.json


def test_a_month_is_compared_with_the_same_month_a_year_earlier(metrics):
    seoul_month_end = datetime(2026, 3, 1, tzinfo=UTC) - timedelta(hours=9)  # 1 March 00:00 in Seoul
    window = timedelta(days=28)  # February 2026 in Seoul
    year_ago_end = datetime(2025, 3, 1, tzinfo=UTC) - timedelta(hours=9)
    _post(metrics, spread([response(csat=5) for _ in range(30)] + [response(csat=1) for _ in range(10)],
                          seoul_month_end - timedelta(days=20), timedelta(hours=3)))
    _post(metrics, spread([response(csat=5) for _ in range(16)] + [response(csat=2) for _ in range(24)],
                          year_ago_end - timedelta(days=20), timedelta(hours=3)))
    _post(metrics, spread([response(csat=1) for _ in range(40)], seoul_month_end - timedelta(days=40),
                          timedelta(hours=3)))  # January 2026: the previous window, not the baseline here
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "csat", "window": "28d", "to": seoul_month_end.isoformat(), "tz": "Asia/Seoul",
        "baseline": "year_ago", "min_n": 10})
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert body["baseline"] == "year_ago"
    assert datetime.fromisoformat(body["baseline_window"]["from"]) == year_ago_end - window
    assert datetime.fromisoformat(body["baseline_window"]["to"]) == year_ago_end
    [cell] = body["cells"]
    assert (cell["current"]["n"], cell["baseline"]["n"]) == (40, 40)
    expected = difference("csat", {5: 30, 1: 10}, {5: 16, 2: 24}, confidence=0.95, alternative="two-sided",
                          min_n=10, test="pooled")
    assert cell["difference"]["value"] == pytest.approx(expected.value) == pytest.approx(35.0)
    assert cell["p_value"] == pytest.approx(expected.parts["p_value"]) and cell["direction"] == "up"
    bad = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "csat", "baseline": "last_year"})
    assert bad.status_code == 422 and "baseline" in str(bad.json["errors"])


@pytest.mark.parametrize("moment, zone, expected", [
    (datetime(2028, 2, 29, 15, 0, tzinfo=UTC), "UTC", datetime(2027, 2, 28, 15, 0, tzinfo=UTC)),
    (datetime(2026, 2, 28, 15, 0, tzinfo=UTC), "Asia/Seoul", datetime(2025, 2, 28, 15, 0, tzinfo=UTC)),  # 1 Mar
    (datetime(2026, 7, 1, 4, 0, tzinfo=UTC), "America/New_York", datetime(2025, 7, 1, 4, 0, tzinfo=UTC)),
])
def test_year_earlier_keeps_the_local_date_and_time(moment, zone, expected):
    assert year_earlier(moment, zone) == expected
