"""``GET /v1/drivers``: relative weights through the API, within one survey and across the journey.

Simulated ground truth: the outcome is built from known drivers, so the order of the weights is known,
and the API's weights must equal the statistics module's on the very rows that were posted.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from services.metrics.stats.relative_weights import relative_weights
from tests.metrics.scores_support import NOW, T0, response
from tests.support import ADMIN_KEY, auth

START = T0 - timedelta(days=30)


def _record(answers: dict[str, tuple[str, int | None]], *, at, survey="s-rel", touchpoint="relationship",
            customer="c-1") -> dict:
    record = response(at=at, survey=survey, touchpoint=touchpoint)
    record["customer_id"] = customer
    record["answers"] = [{"question_key": key, "type": kind, "value": value, "dimension": None, "driver": None}
                         for key, (kind, value) in answers.items() if value is not None]
    return record


def _post(metrics, records):
    for first in range(0, len(records), 500):
        reply = metrics.http.post("/v1/responses/batch", headers=auth(metrics.service_key),
                                  json={"responses": records[first:first + 500]})
        assert reply.status_code == 200, reply.json


def _survey_data(n=400, seed=5):
    """NPS = f(delivery 0.6, support 0.3, price 0.0) + noise; 10 % of responses skip 'price'."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    latent[:, 1] += 0.4 * latent[:, 0]
    delivery, support, price = (np.clip(np.round(3.5 + latent[:, j]), 1, 5).astype(int) for j in range(3))
    nps = np.clip(np.round(7 + 1.5 * (0.6 * latent[:, 0] + 0.3 * latent[:, 1]) + rng.normal(size=n)), 0, 10)
    skip = rng.random(n) < 0.1
    rows = []
    for i in range(n):
        rows.append({"q_nps": ("nps", int(nps[i])), "q_delivery": ("csat", int(delivery[i])),
                     "q_support": ("csat", int(support[i])), "q_effort": ("ces", None if skip[i] else int(price[i]) + 1)})
    return rows


def drivers(metrics, key=ADMIN_KEY, **params):
    return metrics.http.get("/v1/drivers", headers=auth(key), query_string={
        "survey": "s-rel", "from": START.isoformat(), "to": NOW.isoformat(), "min_n": 50, "resamples": 200,
        **params})


def test_within_a_survey_the_weights_match_the_statistics_on_the_posted_rows(metrics):
    rows = _survey_data()
    _post(metrics, [_record(answers, at=T0 - timedelta(minutes=i)) for i, answers in enumerate(rows)])
    reply = drivers(metrics)
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert (body["scope"], body["outcome"], body["outcome_metric"], body["unit"]) == ("survey", "q_nps", "nps", "response")
    complete = [r for r in rows if r["q_effort"][1] is not None]
    assert body["n"] == len(complete) and body["n_with_outcome"] == len(rows)
    assert "complete cases" in body["missing_rule"] and body["resamples"] == 200
    names = [d["driver"] for d in body["drivers"]]
    assert names[0] == "q_delivery" and names[-1] == "q_effort"
    keys = ["q_delivery", "q_effort", "q_support"]  # the columns in the service's (sorted) order
    y = np.array([r["q_nps"][1] for r in complete], dtype=float)
    x = np.array([[r[k][1] for k in keys] for r in complete], dtype=float)
    expected = dict(zip(keys, relative_weights(y, x).weights, strict=True))
    for driver in body["drivers"]:
        assert driver["weight"]["value"] == pytest.approx(expected[driver["driver"]], rel=1e-9)
        assert driver["weight"]["ci_low"] <= driver["weight"]["value"] <= driver["weight"]["ci_high"]
    assert sum(d["weight"]["value"] for d in body["drivers"]) == pytest.approx(body["r_squared"]["value"])
    assert sum(d["share"]["value"] for d in body["drivers"]) == pytest.approx(1.0)
    delivery = body["drivers"][0]
    values = [r["q_delivery"][1] for r in complete]
    assert delivery["performance"]["value"] == pytest.approx(np.mean(values)) and delivery["scale"] == [1, 5]
    assert delivery["performance"]["ci_low"] < delivery["performance"]["value"] < delivery["performance"]["ci_high"]
    assert {d["driver"]: d["coverage"] for d in body["drivers"]}["q_effort"] == pytest.approx(len(complete) / len(rows))
    assert drivers(metrics).json == body  # fixed seed: the same reply twice


def test_a_rare_driver_is_left_out_and_said_so(metrics):
    rows = _survey_data(n=200)
    for i, row in enumerate(rows):
        if i % 10:
            row["q_effort"] = ("ces", None)  # only 10 % answer it
    _post(metrics, [_record(answers, at=T0 - timedelta(minutes=i)) for i, answers in enumerate(rows)])
    body = drivers(metrics).json
    assert [e["driver"] for e in body["excluded"]] == ["q_effort"] and body["n"] == 200
    assert {d["driver"] for d in body["drivers"]} == {"q_delivery", "q_support"}


def test_too_few_cases_are_refused_with_the_minimum_stated(metrics):
    _post(metrics, [_record(answers, at=T0 - timedelta(minutes=i)) for i, answers in enumerate(_survey_data(n=40))])
    reply = drivers(metrics, min_n=100)
    assert reply.status_code == 422 and "min_n=100" in reply.json["message"], reply.json
    assert drivers(metrics, min_n=5).status_code == 422  # below the floor of the contract
    assert drivers(metrics, survey="nope").status_code == 404
    assert drivers(metrics, outcome="q_missing").status_code == 422
    assert drivers(metrics, resamples=10).status_code == 422


def test_readers_may_ask_and_other_roles_may_not(metrics):
    _post(metrics, [_record(answers, at=T0 - timedelta(minutes=i)) for i, answers in enumerate(_survey_data(n=120))])
    for role in ("analyst", "marketer", "team_lead", "finance"):
        assert drivers(metrics, key=metrics.key_for(role)).status_code == 200, role
    assert drivers(metrics, key=metrics.key_for("ingest")).status_code == 403


def test_across_the_journey_the_touchpoint_that_drives_loyalty_comes_first(metrics):
    """Each customer answers delivery and support CSAT surveys, then a relationship NPS survey; the NPS
    follows delivery far more than support. Answers after the NPS answer, or before the look-back, don't count."""
    rng = np.random.default_rng(9)
    records = []
    for c in range(150):
        customer = f"c-{c}"
        delivery, support = rng.integers(1, 6, size=2)
        nps = int(np.clip(round(1.8 * delivery + 0.3 * support - 1 + rng.normal()), 0, 10))
        at = T0 - timedelta(days=2, minutes=c)
        records.append(_record({"q_nps": ("nps", nps)}, at=at, customer=customer))
        records.append(_record({"q_csat": ("csat", int(delivery))}, at=at - timedelta(days=5), survey="s-del",
                               touchpoint="delivery", customer=customer))
        records.append(_record({"q_csat": ("csat", int(support))}, at=at - timedelta(days=3), survey="s-sup",
                               touchpoint="support", customer=customer))
        # noise that must be ignored: after the outcome, and long before it
        records.append(_record({"q_csat": ("csat", 1)}, at=at + timedelta(hours=1), survey="s-sup",
                               touchpoint="support", customer=customer))
        records.append(_record({"q_csat": ("csat", 5)}, at=at - timedelta(days=200), survey="s-del",
                               touchpoint="delivery", customer=customer))
    _post(metrics, records)
    reply = drivers(metrics, scope="journey", lookback="30d", **{"from": (T0 - timedelta(days=10)).isoformat()})
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert (body["unit"], body["n"], body["group_by"], body["lookback_days"]) == ("customer", 150, "touchpoint", 30)
    assert [d["driver"] for d in body["drivers"]] == ["delivery", "support"]
    assert body["drivers"][0]["share"]["ci_low"] > 0.5
    assert body["drivers"][0]["performance"]["value"] == pytest.approx(
        np.mean([r["answers"][0]["value"] for r in records if r["touchpoint"] == "delivery"
                 and r["created_at"] > (T0 - timedelta(days=100)).isoformat()]))
