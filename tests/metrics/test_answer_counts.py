"""Score cells carry how many answers gave each value of the scale (for the 0-10 bars)."""

from __future__ import annotations

from datetime import timedelta

from tests.metrics.scores_support import NOW, response, spread
from tests.support import ADMIN_KEY, auth


def test_each_value_of_the_scale_is_counted_lowest_first(metrics):
    answers = [response(nps=v) for v in (0, 0, 3, 6, 7, 8, 8, 9, 10, 10, 10)] + [response(csat=v) for v in (1, 4, 5, 5)]
    reply = metrics.http.post("/v1/responses/batch", headers=auth(metrics.service_key),
                              json={"responses": spread(answers, NOW - timedelta(days=2), timedelta(minutes=5))})
    assert reply.status_code == 200, reply.json
    scores = metrics.http.get("/v1/scores", headers=auth(ADMIN_KEY), query_string={
        "metric": "nps,csat,ces", "from": (NOW - timedelta(days=7)).isoformat(), "to": NOW.isoformat(), "min_n": 1})
    assert scores.status_code == 200, scores.json
    cells = {cell["metric"]: cell for cell in scores.json["cells"]}
    assert cells["nps"]["answer_counts"] == [2, 0, 0, 1, 0, 0, 1, 1, 2, 1, 3]
    assert cells["csat"]["answer_counts"] == [1, 0, 0, 1, 2]
    assert sum(cells["nps"]["answer_counts"]) == cells["nps"]["n"] == 11
    assert "ces" not in cells or cells["ces"]["answer_counts"] == [0] * 7
