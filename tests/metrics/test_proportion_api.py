"""``GET /v1/estimates/proportion``: a rate (a funnel's response rate) as a percentage with its Wilson interval."""

from __future__ import annotations

import pytest

from tests.support import auth


def _get(metrics, role="marketer", **params):
    return metrics.http.get("/v1/estimates/proportion", query_string=params,
                            headers=auth(metrics.key_for(role)))


def test_the_rate_in_percent_with_wilson_bounds(metrics):
    reply = _get(metrics, successes=27, trials=100)
    assert reply.status_code == 200, reply.json
    body = reply.json
    # Wilson 95% for 27/100: 19.3% to 36.4% (Newcombe 1998, method 3)
    assert body["value"] == pytest.approx(27.0)
    assert body["ci_low"] == pytest.approx(19.3, abs=0.05) and body["ci_high"] == pytest.approx(36.4, abs=0.05)
    assert (body["n"], body["method"], body["insufficient"]) == (100, "wilson", False)
    assert _get(metrics, successes=2, trials=10).json["insufficient"] is True
    empty = _get(metrics, successes=0, trials=0).json
    assert empty["value"] is None and empty["n"] == 0


def test_bad_counts_are_422_and_every_reader_may_ask(metrics):
    assert _get(metrics, successes=5, trials=4).status_code == 422
    assert _get(metrics, successes=-1, trials=4).status_code == 422
    assert _get(metrics, trials=4).status_code == 422
    for role in ("analyst", "team_lead", "finance"):
        assert _get(metrics, role=role, successes=1, trials=4).status_code == 200
    assert _get(metrics, role="ingest", successes=1, trials=4).status_code == 403
